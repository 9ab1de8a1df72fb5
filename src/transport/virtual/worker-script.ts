// Where the VM worker's code is. Built (dist/): the compiled vm-worker.js next to this file. Run from
// TypeScript sources (the test runner): worker threads cannot load .ts, so the project's dist/ build
// is used when it is up to date, and otherwise this directory's modules (the worker side imports only
// node built-ins and its siblings) are transpiled once into a temporary directory keyed by content.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";

let cached: Promise<string> | null = null;

export function workerScriptPath(): Promise<string> {
  cached ??= locate();
  return cached;
}

/**
 * The project's own build of these sources (dist/src/..., as `npm test` makes it), when every compiled
 * module is at least as new as its source: no need to transpile again.
 */
function freshBuild(sourceDir: string): string | null {
  const rel = path.relative(path.resolve(sourceDir, "../../.."), sourceDir); // src/transport/virtual
  const distDir = path.resolve(sourceDir, "../../..", "dist", rel);
  try {
    for (const f of fs.readdirSync(sourceDir)) {
      if (!f.endsWith(".ts") || f.endsWith(".d.ts")) continue;
      const js = fs.statSync(path.join(distDir, `${f.slice(0, -3)}.js`), { throwIfNoEntry: false });
      if (!js || js.mtimeMs < fs.statSync(path.join(sourceDir, f)).mtimeMs) return null;
    }
  } catch {
    return null;
  }
  return path.join(distDir, "vm-worker.js");
}

async function locate(): Promise<string> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.join(here, "vm-worker.js");
  if (fs.existsSync(built)) return built;
  const fresh = freshBuild(here);
  if (fresh) return fresh;

  // Every module of this directory is transpiled; the worker imports only the ones it needs.
  const sources = fs
    .readdirSync(here)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .sort()
    .map((f) => ({ m: f.slice(0, -3), text: fs.readFileSync(path.join(here, f), "utf8") }));
  const hash = createHash("sha256");
  for (const s of sources) hash.update(s.m).update("\0").update(s.text).update("\0");
  const outDir = path.join(os.tmpdir(), `tspy-vm-worker-${hash.digest("hex").slice(0, 16)}`);
  const entry = path.join(outDir, "vm-worker.js");
  if (fs.existsSync(entry)) return entry;

  const ts = (await import("typescript")).default;
  const tmp = `${outDir}.${process.pid}.tmp`;
  fs.mkdirSync(tmp, { recursive: true });
  // The ESM marker: the temporary directory is outside any package.json with "type": "module".
  fs.writeFileSync(path.join(tmp, "package.json"), '{"type":"module"}\n');
  for (const s of sources) {
    const js = ts.transpileModule(s.text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    fs.writeFileSync(path.join(tmp, `${s.m}.js`), js);
  }
  try {
    fs.renameSync(tmp, outDir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process won the race
  }
  return entry;
}
