// A content-addressed cache of compiled .mpy files for repeated builds (CI runs, `make` after a pull):
// the key hashes every input that decides the output bytes — the source bytes, all compile options (the
// .mpy version, -O, -s name, arch ...) and the compiler itself — so a hit is exactly what a compile
// would write, and any change to one of them is a miss.
import fs from "node:fs";
import path from "node:path";
import type { CompileOptions } from "../index.js";
import { writeAtomically } from "./write-atomically.js";
import { compilerFingerprint, sha256 } from "./compiler-fingerprint.js";

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
