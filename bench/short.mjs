// The short commands people run most, each beside its peer in the same run (issue: "speed of the short
// commands"): `connect PORT exec pass` with and without `resume` against mpremote on the same board (the
// virtual board served on a pty), `tspy --version` against `node -e 0`, a one-file `mpy-cross` against
// `node -e 0` and upstream's binary, and a build's worth of files (a directory of .py, e.g. a
// micropython-lib checkout) through the directory mode and the cache against upstream called once per file.
//
//   MPREMOTE=/path/to/mpremote   the peer for the board rows (else `mpremote` on PATH, else those rows
//                                show tspy alone)
//   MPY_CROSS=/path/to/mpy-cross upstream's compiler for the compile rows
//   MPY_LIB=/path/to/dir         the build tree (every .py below it); else 100 generated modules
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { TSPY, findOnPath, median, printTable, servePty, timeProcess } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
// The start-up rows time processes of ~50-90 ms whose run-to-run spread (a few ms, from the machine) is
// as large as the gaps measured: they take more runs, which cost them little.
const START_RUNS = Math.max(RUNS, 31);

/**
 * Median ms of each command, runs interleaved so all see the same machine load, in a new order each
 * round: in a fixed order a command's time depended on the one before it (measured: the same install
 * run second or fourth in a round of five differed by ~4 ms of ~65, more than the gaps being measured).
 */
async function sideBySide(commands, runs = RUNS) {
  const times = commands.map(() => []);
  const order = commands.map((_, k) => k);
  for (let i = 0; i < runs; i++) {
    shuffle(order);
    for (const k of order) {
      const [cmd, args, opts] = commands[k];
      times[k].push(await timeProcess(cmd, args, opts));
    }
  }
  return times.map(median);
}

/** Fisher-Yates, in place. */
function shuffle(list) {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
}

const ms = (x) => (x === undefined ? "" : x.toFixed(0));
const ratio = (a, b) => (a === undefined || b === undefined ? "" : (a / b).toFixed(2));

async function boardRows(rows) {
  const mpremote = process.env.MPREMOTE || findOnPath("mpremote");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-bench-short-"));
  const board = await servePty(dir);
  try {
    for (const [label, words] of [
      ["connect PORT exec pass", ["connect", board.path, "exec", "pass"]],
      ["connect PORT resume exec pass", ["connect", board.path, "resume", "exec", "pass"]],
    ]) {
      const cmds = [[process.execPath, [TSPY, ...words]]];
      if (mpremote) cmds.push([mpremote, words]);
      const [ours, theirs] = await sideBySide(cmds);
      rows.push({ measure: label, "tspy ms": ms(ours), "peer ms": ms(theirs), peer: mpremote ? "mpremote" : "(no mpremote)", "tspy ÷ peer": ratio(ours, theirs), target: "≤ 0.9" });
    }
  } finally {
    board.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A module of about 7 KB in the style of a micropython-lib one (a class, functions with docstrings,
 * loops, comprehensions, f-strings): a one-file compile where the compile itself counts, not only the start.
 */
function typicalModule() {
  const parts = ['"""A module of the usual size."""', "import sys", "from micropython import const", "", "_LIMIT = const(64)", ""];
  parts.push("class Store:", '    """Keeps values by name."""', "", "    def __init__(self, size=8):", "        self.items = {}", "        self.size = size", "");
  for (let i = 0; i < 6; i++) {
    parts.push(`    def op${i}(self, key, value=None):`, `        """Operation ${i} on one key."""`, "        if key not in self.items:", `            raise KeyError(f"no {key!r} in store ({len(self.items)} kept)")`, `        self.items[key] = [v * ${i + 1} for v in range(self.size) if v % ${i + 2}]`, "        return self.items[key]", "");
  }
  for (let i = 0; i < 12; i++) {
    parts.push(`def helper${i}(data, *args, scale=${i}, **kw):`, `    """Helper ${i}: sums what it is given, scaled."""`, "    total = 0", "    for n, x in enumerate(data):", "        try:", "            total += int(x) * scale", "        except ValueError as e:", `            print("helper${i}:", n, e, file=sys.stderr)`, "            continue", "    while total > _LIMIT:", "        total //= 2", `    return {"total": total, "args": args, "kw": sorted(kw)}`, "");
  }
  return parts.join("\n") + "\n";
}

async function startRows(rows, tmp) {
  const small = path.join(tmp, "small.py");
  fs.writeFileSync(small, "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n");
  const typical = path.join(tmp, "typical.py");
  fs.writeFileSync(typical, typicalModule());
  const kb = (fs.statSync(typical).size / 1024).toFixed(0);
  // One warm-up of each, so the compiler's code cache exists as it does after installation.
  await timeProcess(process.execPath, [TSPY, "mpy-cross", "-o", path.join(tmp, "small.mpy"), small]);
  const cmds = [
    [process.execPath, ["-e", "0"]],
    [process.execPath, [TSPY, "--version"]],
    [process.execPath, [TSPY, "mpy-cross", "-o", path.join(tmp, "small.mpy"), small]],
    [process.execPath, [TSPY, "mpy-cross", "-o", path.join(tmp, "typical.mpy"), typical]],
  ];
  const upstream = process.env.MPY_CROSS;
  if (upstream) cmds.push([upstream, ["-o", path.join(tmp, "small-up.mpy"), small]], [upstream, ["-o", path.join(tmp, "typical-up.mpy"), typical]]);
  const [bare, version, one, typ, up, typUp] = await sideBySide(cmds, START_RUNS);
  rows.push(
    { measure: "tspy --version", "tspy ms": ms(version), "peer ms": ms(bare), peer: "node -e 0", "tspy ÷ peer": ratio(version, bare), target: "" },
    { measure: "mpy-cross small.py", "tspy ms": ms(one), "peer ms": ms(bare), peer: "node -e 0", "tspy ÷ peer": ratio(one, bare), target: "≤ 1.2" },
    { measure: `mpy-cross typical.py (${kb} KB)`, "tspy ms": ms(typ), "peer ms": ms(bare), peer: "node -e 0", "tspy ÷ peer": ratio(typ, bare), target: "" },
  );
  if (up !== undefined) {
    rows.push(
      { measure: "mpy-cross small.py", "tspy ms": ms(one), "peer ms": ms(up), peer: "upstream mpy-cross", "tspy ÷ peer": ratio(one, up), target: "" },
      { measure: `mpy-cross typical.py (${kb} KB)`, "tspy ms": ms(typ), "peer ms": ms(typUp), peer: "upstream mpy-cross", "tspy ÷ peer": ratio(typ, typUp), target: "" },
    );
  }
}

function pyFilesBelow(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith(".")) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith(".py")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function generatedTree(dir) {
  for (let i = 0; i < 100; i++) {
    const sub = path.join(dir, `pkg${i % 10}`);
    fs.mkdirSync(sub, { recursive: true });
    const body = Array.from({ length: 20 }, (_, f) =>
      `def f${f}(x, y=${f}):\n    s = 0\n    for i in range(x):\n        if i % ${f + 2}:\n            s += i * y\n    return [s, {'k': s}, f"{s}"]\n`).join("\n");
    fs.writeFileSync(path.join(sub, `mod_${i}.py`), body);
  }
  return dir;
}

async function buildRows(rows, tmp) {
  const upstream = process.env.MPY_CROSS;
  const src = process.env.MPY_LIB ? path.resolve(process.env.MPY_LIB) : generatedTree(path.join(tmp, "gen"));
  const files = pyFilesBelow(src);
  // Only files upstream compiles count (a library tree has a few Python-3-only files).
  let inputs = files;
  if (upstream) {
    inputs = files.filter((f) => spawnSync(upstream, ["-o", path.join(tmp, "probe.mpy"), f]).status === 0);
  }
  const list = path.join(tmp, "inputs");
  fs.mkdirSync(list, { recursive: true });
  for (const f of inputs) {
    const dest = path.join(list, path.relative(src, f));
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(f, dest);
  }
  const n = inputs.length;
  const runs = Math.max(3, Math.floor(RUNS / 3));
  const time = async (fn) => {
    const t = [];
    for (let i = 0; i < runs; i++) t.push(await fn());
    return median(t);
  };
  // Both tools build into a fresh directory each time (what a clean build or CI run does); removing
  // the last one is not timed. The cache row then builds again into the directory it left.
  const outDir = path.join(tmp, "out");
  const upOut = path.join(tmp, "up");
  const fresh = (dir) => fs.rmSync(dir, { recursive: true, force: true });
  const dirArgs = [TSPY, "mpy-cross", "-r", list, "--out-dir", outDir];
  const cacheDir = path.join(tmp, "cache");
  const cacheArgs = [...dirArgs, "--cache", cacheDir];
  // upstream as a build system calls it: one process per file, each named by its path below the tree
  const upCalls = inputs.map((f) => {
    const rel = path.relative(src, f);
    return { dest: path.join(upOut, rel.replace(/\.py$/, ".mpy")), rel, cwd: path.dirname(path.join(list, rel)) };
  });
  const upLoop = async () => {
    const t0 = process.hrtime.bigint();
    for (const c of upCalls) {
      fs.mkdirSync(path.dirname(c.dest), { recursive: true });
      await timeProcess(upstream, ["-o", c.dest, "-s", path.basename(c.rel), path.join(list, c.rel)], { cwd: c.cwd });
    }
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const dirMode = await time(() => (fresh(outDir), timeProcess(process.execPath, dirArgs)));
  await timeProcess(process.execPath, cacheArgs);
  const cached = await time(() => timeProcess(process.execPath, cacheArgs));
  const loop = upstream ? await time(() => (fresh(upOut), upLoop())) : undefined;

  // CPU time (user + system of the processes, from the shell's `times`), which the load of a shared
  // machine disturbs far less than wall time. The upstream loop runs from one shell script here.
  const cpu = (script) => {
    const r = spawnSync("sh", ["-c", `${script}\ntimes`], { encoding: "utf8" });
    const m = /\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout);
    return m ? (Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000 : undefined;
  };
  const q = (a) => `'${a.replace(/'/g, "'\\''")}'`;
  const sh = (args) => args.map(q).join(" ") + " >/dev/null 2>&1";
  const cpuTimes = (make) => median(Array.from({ length: runs }, make));
  const dirCpu = cpuTimes(() => (fresh(outDir), cpu(sh([process.execPath, ...dirArgs]))));
  cpu(sh([process.execPath, ...cacheArgs]));
  const cachedCpu = cpuTimes(() => cpu(sh([process.execPath, ...cacheArgs])));
  let loopCpu;
  if (upstream) {
    // (the directories made beforehand: a `mkdir` process per file would count against upstream)
    const script = upCalls.map((c) => sh([upstream, "-o", c.dest, "-s", path.basename(c.rel), path.join(list, c.rel)])).join("\n");
    loopCpu = cpuTimes(() => {
      fresh(upOut);
      for (const c of upCalls) fs.mkdirSync(path.dirname(c.dest), { recursive: true });
      return cpu(script);
    });
  }
  const label = `${n} files${process.env.MPY_LIB ? ` of ${path.basename(src)}` : " (generated)"}`;
  const peer = upstream ? "upstream, one call per file" : "(no MPY_CROSS)";
  rows.push(
    { measure: `${label}: mpy-cross -r DIR --out-dir`, "tspy ms": ms(dirMode), "peer ms": ms(loop), peer, "tspy ÷ peer": ratio(dirMode, loop), target: "≤ 0.25" },
    { measure: `${label}: the same with --cache, unchanged`, "tspy ms": ms(cached), "peer ms": ms(loop), peer, "tspy ÷ peer": ratio(cached, loop), target: "≤ 0.05" },
    { measure: `${label}: mpy-cross -r DIR --out-dir, CPU ms`, "tspy ms": ms(dirCpu), "peer ms": ms(loopCpu), peer, "tspy ÷ peer": ratio(dirCpu, loopCpu), target: "" },
    { measure: `${label}: the same with --cache, unchanged, CPU ms`, "tspy ms": ms(cachedCpu), "peer ms": ms(loopCpu), peer, "tspy ÷ peer": ratio(cachedCpu, loopCpu), target: "" },
  );
}

export async function run() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-bench-short-"));
  const rows = [];
  try {
    await boardRows(rows);
    await startRows(rows, tmp);
    await buildRows(rows, tmp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  printTable(`Short commands (${RUNS} runs each, ${START_RUNS} for the start-up rows, interleaved in a new order each round, medians)`, rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
