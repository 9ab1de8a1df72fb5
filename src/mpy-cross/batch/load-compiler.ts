// The compiler for this thread: the bundled one when it is current (see bundle-loader.ts), else the
// ES modules (running from sources, or a bundle older than the modules).
import type * as CompileOneModule from "./compile-one.js";
import { loadBundle, saveCompilerCodeCaches } from "./bundle-loader.js";

export type CompilerApi = Pick<typeof CompileOneModule, "compileOne" | "MPY_VERSIONS">;

export async function loadCompiler(): Promise<CompilerApi> {
  return loadBundle() ?? import("./compile-one.js");
}

/** Saves V8's code caches for the bundles after a compile, where they had none (first run, or a new Node). */
export function saveCodeCache(): void {
  saveCompilerCodeCaches();
}
