// The shared conformance corpora live beside the project (../shared), not in it: a clone of the project
// alone has none. Tests that read them ask here, and skip with one printed note when they are absent.
// TSPY_SHARED_DIR points elsewhere (the fresh-clone test sets it to an empty directory).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The shared directory: $TSPY_SHARED_DIR, else ../shared beside the project. */
export function sharedDir(): string {
  return path.resolve(process.env.TSPY_SHARED_DIR ?? path.join(projectRoot, "../shared"));
}

const noted = new Set<string>();

/**
 * The absolute path of `rel` inside the shared directory, or null (after printing a note, once per path)
 * when it is not there. Use with `describe.runIf(p !== null)` / `it.runIf`.
 */
export function sharedPath(rel: string, whatSkips: string): string | null {
  const p = path.join(sharedDir(), rel);
  if (fs.existsSync(p)) return p;
  if (!noted.has(p)) {
    noted.add(p);
    console.log(`note: ${p} is absent (a clone without ../shared); skipping ${whatSkips}`);
  }
  return null;
}
