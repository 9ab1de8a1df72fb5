// A content-addressed cache of compiled .mpy files for repeated builds (CI runs, `make` after a pull):
// the key hashes every input that decides the output bytes — the source bytes, all compile options (the
// .mpy version, -O, -s name, arch ...) and the compiler itself — so a hit is exactly what a compile
// would write, and any change to one of them is a miss.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { CompileOptions } from "../index.js";
import { writeAtomically } from "./write-atomically.js";
import { currentBundle } from "./load-compiler.js";

// node:crypto takes ~10 ms to load: only a run that uses the cache pays for it.
let cryptoModule: typeof import("node:crypto") | undefined;
function sha256() {
  cryptoModule ??= createRequire(import.meta.url)("node:crypto") as typeof import("node:crypto");
  return cryptoModule.createHash("sha256");
}

/**
 * Hash of the compiler's own code: a new tspy (or a rebuilt one) never reuses an old entry. When the
 * bundled compiler is current (see load-compiler.ts), it is the code that compiles, and hashing its one
 * file is far quicker than reading every module.
 */
function compilerFingerprint(): string {
  const h = sha256();
  const bundle = currentBundle();
  if (bundle) {
    // The build writes the bundle's hash beside it (BUNDLE_HASH_SUFFIX): reading it spares hashing
    // 600 KB each run. One older than the bundle is not used.
    const hashFile = bundle + BUNDLE_HASH_SUFFIX;
    try {
      if (fs.statSync(hashFile).mtimeMs >= fs.statSync(bundle).mtimeMs) return `bundle ${fs.readFileSync(hashFile, "latin1").trim()}`;
    } catch {
      // no hash file: hash the bundle
    }
    return `bundle ${h.update(fs.readFileSync(bundle)).digest("hex")}`;
  }
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) h.update(e.name).update(fs.readFileSync(p));
    }
  };
  walk(root);
  return h.digest("hex");
}

/** Beside the bundle, its SHA-256 in hex (written by scripts/bundle-compiler.mjs). */
export const BUNDLE_HASH_SUFFIX = ".sha256";

/** Options as a canonical string: keys sorted, undefined left out, so equal options give equal keys. */
function canonicalOptions(options: CompileOptions | Record<string, unknown>): string {
  const o = options as unknown as Record<string, unknown>;
  return JSON.stringify(Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => [k, o[k]]));
}

export class CompileCache {
  private readonly fingerprint = compilerFingerprint();
  constructor(readonly dir: string) {}

  /** `options`: what decides the output; the CLI passes the options as given (-march unresolved). */
  key(source: Uint8Array, options: CompileOptions | Record<string, unknown>): string {
    return sha256().update(this.fingerprint).update("\0").update(canonicalOptions(options))
      .update("\0").update(source).digest("hex");
  }

  private entry(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key.slice(2)}.mpy`);
  }

  get(key: string): Uint8Array | undefined {
    try {
      return fs.readFileSync(this.entry(key));
    } catch {
      return undefined;
    }
  }

  /** Stores an entry atomically; a cache that cannot be written is only slower, never an error. */
  put(key: string, mpy: Uint8Array): void {
    const target = this.entry(key);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      writeAtomically(target, mpy);
    } catch {
      // the entry is simply missing next time
    }
  }
}
