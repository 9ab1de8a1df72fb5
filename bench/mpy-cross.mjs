// mpy-cross throughput: a generated tree of 100 Python files compiled by one `tspy mpy-cross --out-dir`
// call, and the cold start of compiling one small file. With MPY_CROSS=/path/to/upstream/mpy-cross the
// same run also spawns that binary once per file (how build scripts use it) and compares the outputs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TSPY, median, printTable, timeProcess } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const N_FILES = 100;

/** A module of a few KB using most of the language, varied by `i` so files differ. */
function moduleSource(i) {
  const lines = [`# generated module ${i}`, "import sys", "from micropython import const", `LIMIT = const(${i + 10})`, ""];
  lines.push(`class Item${i}:`, "    count = 0", "    def __init__(self, name, value=0):",
    "        self.name = name", "        self.value = value", `        Item${i}.count += 1`,
    "    def __repr__(self):", `        return "Item${i}(%s, %d)" % (self.name, self.value)`,
    "    @property", "    def double(self):", "        return self.value * 2", "");
  for (let f = 0; f < 6 + (i % 5); f++) {
    lines.push(`def work_${f}(data, scale=${f + 1}, *extra, **options):`,
      "    total = 0", "    seen = {}",
      "    for k, v in enumerate(data):", "        if v % 3 == 0 and k > 1:", `            total += v * scale + ${f}`,
      "        elif v in seen:", "            continue", "        else:", "            seen[v] = k",
      "    try:", `        ratio = total / (len(seen) - ${f % 3})`, "    except ZeroDivisionError:", "        ratio = 0.0",
      "    finally:", "        options.setdefault('done', True)",
      `    squares = [x * x for x in data if x > ${f}]`, "    names = {str(x): x for x in squares}",
      `    message = f"work_${f}: {total} {ratio:.2f} {len(names)}"`,
      "    return total, ratio, message", "");
  }
  lines.push("def gen(n):", "    a, b = 0, 1", "    while n:", "        yield a", "        a, b = b, a + b", "        n -= 1", "");
  lines.push("def closure(k):", "    def inner(x):", "        nonlocal k", "        k += x", "        return k", "    return inner", "");
  lines.push("if __name__ == '__main__':", `    print(work_0(list(range(LIMIT))), list(gen(10)), closure(${i})(1))`, "");
  return lines.join("\n");
}

function makeTree(dir) {
  const files = [];
  for (let i = 0; i < N_FILES; i++) {
    const rel = path.join(`pkg${i % 10}`, `mod_${String(i).padStart(3, "0")}.py`);
    fs.mkdirSync(path.join(dir, path.dirname(rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), moduleSource(i));
    files.push(rel);
  }
  return files;
}

async function timeRuns(fn) {
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push(await fn());
  return median(times);
}

export async function run() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-bench-mpy-"));
  try {
    const src = path.join(tmp, "src");
    const files = makeTree(src);
    const kb = files.reduce((s, f) => s + fs.statSync(path.join(src, f)).size, 0) / 1024;
    const ours = path.join(tmp, "ours");
    const one = files[0];

    const treeMs = await timeRuns(() =>
      timeProcess(process.execPath, [TSPY, "mpy-cross", "--out-dir", ours, ...files], { cwd: src }));
    const oneMs = await timeRuns(() =>
      timeProcess(process.execPath, [TSPY, "mpy-cross", "-o", path.join(tmp, "one.mpy"), one], { cwd: src }));
    const bareMs = await timeRuns(() => timeProcess(process.execPath, ["-e", "0"]));

    const rate = (ms) => `${(N_FILES / (ms / 1000)).toFixed(0)} files/s, ${(kb / (ms / 1000)).toFixed(0)} KB/s`;
    const rows = [
      { measure: `tspy: ${N_FILES} files (${kb.toFixed(0)} KB) in one call`, "median ms": treeMs.toFixed(0), throughput: rate(treeMs), "time ÷ upstream": "" },
      { measure: "tspy: one file, cold start", "median ms": oneMs.toFixed(0), throughput: "", "time ÷ upstream": "" },
      { measure: "node -e 0 (reference)", "median ms": bareMs.toFixed(0), throughput: "", "time ÷ upstream": "" },
    ];

    const upstream = process.env.MPY_CROSS;
    let note = "";
    if (upstream) {
      const theirs = path.join(tmp, "theirs");
      fs.mkdirSync(theirs);
      const out = (f) => path.join(theirs, `${path.basename(f, ".py")}.mpy`);
      const upTreeMs = await timeRuns(async () => {
        let total = 0;
        for (const f of files) total += await timeProcess(upstream, ["-o", out(f), f], { cwd: src });
        return total;
      });
      const upOneMs = await timeRuns(() => timeProcess(upstream, ["-o", path.join(tmp, "one-up.mpy"), one], { cwd: src }));
      rows[0]["time ÷ upstream"] = (treeMs / upTreeMs).toFixed(2);
      rows[1]["time ÷ upstream"] = (oneMs / upOneMs).toFixed(2);
      rows.push(
        { measure: `upstream: ${N_FILES} files, one process each`, "median ms": upTreeMs.toFixed(0), throughput: rate(upTreeMs), "time ÷ upstream": "1.00" },
        { measure: "upstream: one file", "median ms": upOneMs.toFixed(0), throughput: "", "time ÷ upstream": "1.00" },
      );
      const same = files.filter((f) => {
        const a = path.join(ours, `${path.basename(f, ".py")}.mpy`);
        return fs.existsSync(a) && fs.readFileSync(a).equals(fs.readFileSync(out(f)));
      }).length;
      note = `; ${same}/${N_FILES} outputs byte-identical to upstream`;
    } else {
      note = "; set MPY_CROSS=/path/to/mpy-cross to compare with upstream";
    }
    printTable(`mpy-cross (${RUNS} runs, medians${note})`, rows);
    return rows;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
