// Which compiler this is, as a string: part of every cache key and build record, so a new tspy (or a
// rebuilt one) never reuses what an older one compiled. Cheap when the bundled compiler is current (it
// is then the code that compiles): the build writes the bundle's hash beside it, and reading those 65
// bytes spares hashing 600 KB. Imports only Node built-ins and the bundle loader, so the replay of a
// recorded build (build-record.ts) can ask without loading the compiler.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleIsCurrent, compilerBundleFile } from "./bundle-loader.js";
import { requireBuiltin } from "./require-builtin.js";

/** Beside the bundle, its SHA-256 in hex (written by scripts/bundle-compiler.mjs). */
export const BUNDLE_HASH_SUFFIX = ".sha256";

// node:crypto takes ~10 ms to load: only a run that has to hash pays for it.
let cryptoModule: typeof import("node:crypto") | undefined;
export function sha256() {
  cryptoModule ??= requireBuiltin<typeof import("node:crypto")>("node:crypto");
  return cryptoModule.createHash("sha256");
}

let memo: string | undefined;

/** The fingerprint from the bundle's hash file alone, or null when that is not usable (no current bundle). */
export function bundleFingerprint(): string | null {
  if (!bundleIsCurrent()) return null;
  const bundle = compilerBundleFile();
  const hashFile = bundle + BUNDLE_HASH_SUFFIX;
  try {
    // One older than the bundle belongs to an earlier build: not used.
    if (fs.statSync(hashFile).mtimeMs >= fs.statSync(bundle).mtimeMs) return `bundle ${fs.readFileSync(hashFile, "latin1").trim()}`;
  } catch {
    // no hash file
  }
  return null;
}

export function compilerFingerprint(): string {
  if (memo !== undefined) return memo;
  memo = bundleFingerprint() ?? undefined;
  if (memo !== undefined) return memo;
  const h = sha256();
  if (bundleIsCurrent()) return (memo = `bundle ${h.update(fs.readFileSync(compilerBundleFile())).digest("hex")}`);
  // Running from the ES modules: every module of the compiler counts.
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".js")) h.update(e.name).update(fs.readFileSync(p));
    }
  };
  walk(root);
  return (memo = h.digest("hex"));
}
