// mount against copy, and against mpremote's mount, on the same board in the same run: read a 100 KB
// file, and import a package of 50 modules, as whole commands a user runs (`connect PTY mount DIR exec
// ...`). The `exec pass` row is each tool's fixed cost (start-up, connect, soft reset) for reading the
// others. The board is the virtual board served on a pty, or real firmware:
//   BENCH_PORT="CMD"             the command that runs a board with its raw REPL on the terminal, started
//                                once on a pty both tools open, e.g. a MicroPython 1.27 unix port (with a
//                                board's raw REPL) chrooted into a jail of its own, which is then its
//                                filesystem (where `cp` lands):
//                                BENCH_PORT="/usr/bin/env -i /usr/sbin/chroot /tmp/jail-1.27 /micropython"
//   BENCH_PORT_DIR=DIR           that board's filesystem seen from the host (the jail): the bench's copies
//                                are removed from it afterwards
//   MPREMOTE=/path/to/mpremote   the peer (else `mpremote` on PATH, else tspy's rows alone)
//   BENCH_RUNS=N                 runs per command on the unpaced pty (median; default 5)
//   BENCH_PACED_RUNS=N           runs per command on the 115200-baud pty (default 1; 0 skips it)
// (`cp -r` goes to `:.`: mpremote copies a directory into `:` only where the board's os.stat("")
// succeeds, which neither the virtual board nor a unix port does.)
// mpremote's mount cannot run on the virtual board (its VM's binary stdout turns \n into \r\n, which
// breaks mpremote's framing), so there its mount rows are left empty.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import url from "node:url";
import { ROOT, TSPY, findOnPath, median, printTable, serveCommandPty, serveCommandTcp, servePty, serveTcp, timeProcess } from "./lib.mjs";
import { startBridge } from "./rate-limited-bridge.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PACED_RUNS = Number(process.env.BENCH_PACED_RUNS ?? 1);
const BAUD = 115200;
const MODULES = 50;
const PORT = process.env.BENCH_PORT;
const PORT_DIR = process.env.BENCH_PORT_DIR;

/** A board on TCP (`{ port, stop }`), behind a bridge paced like a 115200-baud line, on a pty (socat). */
async function pacedPty(server) {
  const bridge = await startBridge({ targetPort: server.port, baud: BAUD });
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

/** The boards to measure on: [link name, serve(boardDir) → { path, stop }, runs, does mpremote's mount work there]. */
function links() {
  const list = PORT
    ? [["port on a pty", () => serveCommandPty(PORT), RUNS, true], [`port at ${BAUD} baud`, async () => pacedPty(await serveCommandTcp(PORT)), PACED_RUNS, true]]
    : [["pty", servePty, RUNS, false], [`pty at ${BAUD} baud`, async (dir) => pacedPty(await serveTcp(`virtual:${dir}`)), PACED_RUNS, false]];
  return list.filter(([, , runs]) => runs > 0);
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
    [`copy then import ${MODULES} modules`, ["cp", "-r", "-f", path.join(host, "bench_pkg"), ":.", "+", "exec", importCode]],
  ];
  const rows = [];
  try {
    for (const [linkName, serve, runs, mpremoteMounts] of links()) {
      const board = await serve(boardDir);
      try {
        for (const [label, words] of cases) {
          const tools = [[process.execPath, [TSPY, "connect", board.path, ...words]]];
          // mpremote chains with `+` too and takes the same words.
          const peer = mpremote && (mpremoteMounts || words[0] !== "mount");
          if (peer) tools.push([mpremote, ["connect", board.path, ...words]]);
          const times = tools.map(() => []);
          for (let i = 0; i < runs; i++) {
            for (const [k, [cmd, args]] of tools.entries()) times[k].push(await timeProcess(cmd, args, { cwd: work }));
          }
          const [ours, theirs] = times.map(median);
          rows.push({
            link: linkName,
            measure: label,
            "tspy ms": ours.toFixed(0),
            "mpremote ms": theirs !== undefined ? theirs.toFixed(0) : mpremote ? "(cannot mount here)" : "(no mpremote)",
            "tspy ÷ mpremote": theirs === undefined ? "" : (ours / theirs).toFixed(2),
          });
        }
      } finally {
        await board.stop();
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    if (PORT_DIR) for (const copy of ["big.bin", "bench_pkg"]) fs.rmSync(path.join(PORT_DIR, copy), { recursive: true, force: true });
  }
  const where = PORT ? `\`${PORT}\` on a pty` : "the virtual board over a pty";
  printTable(`mount: whole commands on ${where} (median of ${RUNS}; ${PACED_RUNS} at ${BAUD} baud); 100 KB random file, ${MODULES}-module package of ~1 KB modules`, rows);
}

if (process.argv[1] && url.pathToFileURL(process.argv[1]).href === import.meta.url) await run();
