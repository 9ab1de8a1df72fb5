// Build step after tsc: the compiler as one script (dist/mpy-cross.bundle.cjs), which loads in a third
// of the time its ~50 modules take (see src/mpy-cross/batch/load-compiler.ts), then one compile through
// the CLI so V8's code cache for it is saved beside the bundle.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import url from "node:url";

const root = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..");
const bundle = path.join(root, "dist", "mpy-cross.bundle.cjs");
await build({
  entryPoints: [path.join(root, "dist", "src", "mpy-cross", "batch", "compile-one.js")],
  outfile: bundle,
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
fs.rmSync(bundle.replace(/\.cjs$/, ".v8cache"), { force: true });

// A small program that touches most of the compiler, so the saved code covers a typical file.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-warm-"));
const sample = path.join(tmp, "warm.py");
fs.writeFileSync(sample, [
  "import sys", "from micropython import const", "N = const(4)",
  "class A:", "    def __init__(self, x=1, *a, **k):", "        self.x = [i * 2 for i in range(x) if i]",
  "    async def run(self):", "        async with self as s:", "            await s", "",
  "def f(a, b=2.5, c='s'):", "    try:", "        return {a: b, 'k': (c, f'{a!r:>4}')}", "    except Exception as e:",
  "        raise ValueError(e) from None", "    finally:", "        pass", "",
  "def g():", "    x = 0", "    def h():", "        nonlocal x", "        x += 1", "        yield x", "    return h",
  "while N > 5 or not sys:", "    break", "print(f(1), g, b'\\x00', 1 << 40, -3 // 2, ...)", "",
].join("\n"));
const r = spawnSync(process.execPath, [path.join(root, "bin", "tspy.js"), "mpy-cross", "-o", path.join(tmp, "warm.mpy"), sample], { encoding: "utf8" });
fs.rmSync(tmp, { recursive: true, force: true });
if (r.status !== 0) {
  process.stderr.write(`bundle-compiler: the warm-up compile failed: ${r.stderr || r.error}\n`);
  process.exit(1);
}
