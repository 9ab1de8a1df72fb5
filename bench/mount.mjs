// mount against copy, and against mpremote's mount, on the same board (the virtual board served on a
// pty, a serial board to both tools): read a 100 KB file, and import a package of 50 modules, as
// whole commands a user runs (`connect PTY mount DIR exec ...`). The `exec pass` row is each tool's
// fixed cost (start-up, connect, soft reset) for reading the others.
//   MPREMOTE=/path/to/mpremote   the peer (else `mpremote` on PATH, else tspy's rows alone)
//   BENCH_RUNS=N                 runs per command on the unpaced pty (median; default 5)
//   BENCH_PACED_RUNS=N           runs per command on the 115200-baud pty (default 1; 0 skips it)
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import url from "node:url";
import { ROOT, TSPY, findOnPath, median, printTable, servePty, serveTcp, timeProcess } from "./lib.mjs";
import { startBridge } from "./rate-limited-bridge.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PACED_RUNS = Number(process.env.BENCH_PACED_RUNS ?? 1);
const BAUD = 115200;
const MODULES = 50;

/** The virtual board on TCP, behind a bridge paced like a 115200-baud line, on a pty (socat). */
async function servePacedPty(dir) {
  const server = await serveTcp(`virtual:${dir}`);
  const port = server.port;
  const bridge = await startBridge({ targetPort: port, baud: BAUD });
  const { openPtyBridge } = await import(url.pathToFileURL(path.join(ROOT, "dist", "src", "transport", "pty-bridge.js")).href);
  const pty = await openPtyBridge(bridge.port);
  return {
    path: pty.path,
    stop: async () => {
      await pty.close();
      await bridge.close();
      await server.stop();
    },
  };
}

/** A package of MODULES modules of about 1 KB each; importing it imports all of them. */
function writePackage(dir) {
  const pkg = path.join(dir, "bench_pkg");
  fs.mkdirSync(pkg, { recursive: true });
  let init = "";
  for (let i = 0; i < MODULES; i++) {
    let src = `# module ${i}\nVALUE = ${i}\n\n`;
    for (let f = 0; f < 6; f++) src += `def f${f}(x, y=${f}):\n    """Return a mix of x and y (${i}/${f})."""\n    total = x * ${f + 1} + y\n    for k in range(3):\n        total += k\n    return total\n\n`;
    fs.writeFileSync(path.join(pkg, `m${i}.py`), src);
    init += `from . import m${i}\n`;
  }
  fs.writeFileSync(path.join(pkg, "__init__.py"), init + `TOTAL = sum(getattr(globals()["m%d" % i], "VALUE") for i in range(${MODULES}))\n`);
}

export async function run() {
  const mpremote = process.env.MPREMOTE || findOnPath("mpremote");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-bench-mount-"));
  const boardDir = path.join(work, "board");
  const host = path.join(work, "host");
  fs.mkdirSync(boardDir);
  fs.mkdirSync(host);
  fs.writeFileSync(path.join(host, "big.bin"), crypto.randomBytes(100 * 1024));
  writePackage(host);
  const readCode = "b = open('big.bin', 'rb').read(); assert len(b) == 102400";
  const importCode = `import bench_pkg; assert bench_pkg.TOTAL == ${(MODULES * (MODULES - 1)) / 2}`;
  const cases = [
    ["fixed cost: exec pass", ["exec", "pass"]],
    ["mount, read 100 KB", ["mount", host, "exec", readCode]],
    [`mount, import ${MODULES} modules`, ["mount", host, "exec", importCode]],
    ["copy then read 100 KB", ["cp", "-f", path.join(host, "big.bin"), ":big.bin", "+", "exec", readCode]],
    [`copy then import ${MODULES} modules`, ["cp", "-r", "-f", path.join(host, "bench_pkg"), ":", "+", "exec", importCode]],
  ];
  const links = [["pty", servePty, RUNS]];
  if (PACED_RUNS > 0) links.push([`pty at ${BAUD} baud`, servePacedPty, PACED_RUNS]);
  const rows = [];
  try {
    for (const [linkName, serve, runs] of links) {
      const board = await serve(boardDir);
      try {
        for (const [label, words] of cases) {
          const tools = [[process.execPath, [TSPY, "connect", board.path, ...words]]];
          // mpremote chains with `+` too and takes the same words.
          if (mpremote) tools.push([mpremote, ["connect", board.path, ...words]]);
          const times = tools.map(() => []);
          for (let i = 0; i < runs; i++) {
            for (const [k, [cmd, args]] of tools.entries()) times[k].push(await timeProcess(cmd, args, { cwd: work }));
          }
          const [ours, theirs] = times.map(median);
          rows.push({
            link: linkName,
            measure: label,
            "tspy ms": ours.toFixed(0),
            "mpremote ms": theirs === undefined ? "(no mpremote)" : theirs.toFixed(0),
            "tspy ÷ mpremote": theirs === undefined ? "" : (ours / theirs).toFixed(2),
          });
        }
      } finally {
        await board.stop();
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  printTable(`mount: whole commands on the virtual board over a pty (median of ${RUNS}; ${PACED_RUNS} at ${BAUD} baud); 100 KB random file, ${MODULES}-module package of ~1 KB modules`, rows);
}

if (process.argv[1] && url.pathToFileURL(process.argv[1]).href === import.meta.url) await run();
