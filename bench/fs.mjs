// File copies over a 115200-baud line: tspy's cp (BoardFs) against mpremote's way of moving files
// (repr()-encoded 256-byte f.write chunks, 256-byte eval reads), both driven over the same raw REPL
// to the virtual board behind a rate-limited bridge (bench/rate-limited-bridge.mjs), 100 KB of random
// bytes and 100 KB of Python source, both directions. Every copy is checked byte for byte.
//   node bench/fs.mjs            (BENCH_FS_KB=20 for a quicker run)
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import zlib from "node:zlib";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import url from "node:url";
import { ROOT, TSPY, printTable, serveTcp } from "./lib.mjs";
import { startBridge } from "./rate-limited-bridge.mjs";

const dist = (p) => url.pathToFileURL(path.join(ROOT, "dist", "src", p)).href;
const BAUD = 115200;
const LINE = BAUD / 10; // payload bytes per second on an 8N1 line
const KB = Number(process.env.BENCH_FS_KB ?? 100);

/**
 * Python source that looks like a library module: classes, methods, docstrings, comments, with
 * names and numbers drawn at random so that it compresses like real code (about 3-4× with deflate),
 * not like one paragraph repeated.
 */
function pythonSource(size) {
  let seed = 2024;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const words = ("value sensor reading buffer index offset count total limit sample channel pin timer state " +
    "config device address register mode flag level result error retry delay scale factor window start end " +
    "queue packet header payload length checksum status ready enable power clock speed rate ratio target").split(" ");
  const w = () => words[rnd(words.length)];
  const name = () => `${w()}_${w()}`;
  const sentence = () => Array.from({ length: 4 + rnd(8) }, w).join(" ");
  let out = "";
  while (out.length < size) {
    const cap = (x) => x[0].toUpperCase() + x.slice(1);
    const cls = cap(w()) + cap(w());
    out += `class ${cls}:\n    """${sentence()}."""\n\n    def __init__(self, ${name()}, ${name()}=${rnd(100)}):\n`;
    for (let k = 0; k < 2 + rnd(4); k++) out += `        self.${name()} = ${rnd(3) ? rnd(10000) : `[${rnd(9)}, ${rnd(99)}]`}  # ${sentence()}\n`;
    for (let m = 0; m < 1 + rnd(3); m++) {
      const a = name();
      out += `\n    def ${name()}(self, ${a}):\n        if ${a} > ${rnd(500)}:\n            return self.${name()} * ${rnd(64) + 1} // ${rnd(9) + 1}\n`;
      out += `        for ${w()} in range(${rnd(32)}):\n            self.${name()} += ${a} ^ 0x${rnd(65536).toString(16)}\n        return None\n`;
    }
    out += "\n\n";
  }
  return Buffer.from(out.slice(0, size));
}

async function timed(fn) {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return { s: Number(process.hrtime.bigint() - t0) / 1e9, v };
}

/** mpremote 1.27's fs_writefile: open, then exec("w(" + repr(256 bytes) + ")") per chunk, close. */
async function mpremoteWrite(repl, pyBytesRepr, name, data) {
  await repl.exec(`f=open('${name}','wb')\nw=f.write`);
  for (let i = 0; i < data.length; i += 256) await repl.exec(`w(${pyBytesRepr(data.subarray(i, i + 256))})`);
  await repl.exec("f.close()");
}

/** mpremote 1.27's fs_readfile: open, then eval("r(256)") until empty, close. */
async function mpremoteRead(repl, parsePyLiteral, name) {
  await repl.exec(`f=open('${name}','rb')\nr=f.read`);
  const parts = [];
  for (;;) {
    const chunk = parsePyLiteral(await repl.eval("r(256)"));
    if (chunk.length === 0) break;
    parts.push(Buffer.from(chunk));
  }
  await repl.exec("f.close()");
  return Buffer.concat(parts);
}

export async function run() {
  const { openStream } = await import(dist("transport/connect.js"));
  const { RawRepl } = await import(dist("raw-repl/raw-repl.js"));
  const { BoardFs } = await import(dist("fs/board-fs.js"));
  const { pyBytesRepr, parsePyLiteral } = await import(dist("fs/py-literal.js"));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-bench-fs-"));
  const server = await serveTcp(`virtual:${dir}`);
  const bridge = await startBridge({ targetPort: server.port, baud: BAUD });
  const stream = await openStream(`tcp://127.0.0.1:${bridge.port}`);
  const rows = [];
  let plan;
  let cliRow;
  const ratios = [];
  try {
    const repl = new RawRepl(stream, { answerTimeoutMs: 20_000 });
    await repl.enter({ softReset: true });
    const bfs = BoardFs.for(repl);
    await bfs.caps();
    plan = await bfs.plan();
    const files = [
      ["random binary", crypto.randomBytes(KB * 1024)],
      ["Python source", pythonSource(KB * 1024)],
    ];
    for (const [label, data] of files) {
      const onBoard = (n) => fs.readFileSync(path.join(dir, n));
      const check = (ok, what) => {
        if (!ok) throw new Error(`${what}: the copy differs from the original`);
      };
      const tw = await timed(() => bfs.writeFileAtomic("t.bin", data));
      check(onBoard("t.bin").equals(data), "tspy host→board");
      const tr = await timed(() => bfs.readFile("t.bin"));
      check(tr.v.equals(data), "tspy board→host");
      const mw = await timed(() => mpremoteWrite(repl, pyBytesRepr, "m.bin", data));
      check(onBoard("m.bin").equals(data), "mpremote-style host→board");
      const mr = await timed(() => mpremoteRead(repl, parsePyLiteral, "m.bin"));
      check(mr.v.equals(data), "mpremote-style board→host");
      const row = (dirn, t, m) => ({
        file: `${label} (${KB} KB)`,
        direction: dirn,
        "tspy s": t.toFixed(2),
        "tspy KB/s": (data.length / 1000 / t).toFixed(2),
        "tspy % of line": ((100 * data.length) / t / LINE).toFixed(1),
        "mpremote-style s": m.toFixed(2),
        "mpremote-style KB/s": (data.length / 1000 / m).toFixed(2),
        "tspy ÷ mpremote": (m / t).toFixed(2) + "×",
      });
      rows.push(row("host→board", tw.s, mw.s), row("board→host", tr.s, mr.s));
      ratios.push(`${label}: deflate ${(data.length / zlib.deflateRawSync(data, { level: 9, windowBits: 12 }).length).toFixed(2)}×`);
    }
    // What a user waits for: the whole `tspy cp` (start-up, soft reset, detection, probes, copy).
    await stream.close();
    const local = path.join(dir, "..", `${path.basename(dir)}-main.bin`);
    fs.writeFileSync(local, crypto.randomBytes(KB * 1024));
    const cli = await timed(
      () =>
        new Promise((resolve, reject) => {
          const c = spawn(process.execPath, [TSPY, "-d", `tcp://127.0.0.1:${bridge.port}`, "cp", "-f", local, ":main.bin"], { stdio: "ignore" });
          c.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`tspy cp exited ${code}`))));
        }),
    );
    const same = fs.readFileSync(path.join(dir, "main.bin")).equals(fs.readFileSync(local));
    fs.rmSync(local);
    if (!same) throw new Error("tspy cp (CLI): the copy differs from the original");
    cliRow = { what: `tspy -d tcp://… cp -f ${KB}KB-random.bin :main.bin (whole command)`, seconds: cli.s.toFixed(2), "% of line": ((100 * KB * 1024) / cli.s / LINE).toFixed(1) };
  } finally {
    await stream.close().catch(() => undefined);
    await bridge.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printTable(
    `fs: copies over a ${BAUD}-baud line (${LINE} B/s = ${(LINE / 1000).toFixed(2)} KB/s payload), virtual board, raw-paste; ` +
      `tspy chose write=${plan.write} (deflated chunks where the board has \`deflate\`: ${ratios.join(", ")}) read=${plan.read}, ${plan.writeChunk}-byte chunks; files of ${KB}×1024 B, rates in KB/s of 1000 B`,
    rows,
  );
  printTable("fs: the same copy as a user runs it, end to end", [cliRow]);
}

if (process.argv[1] && url.pathToFileURL(process.argv[1]).href === import.meta.url) await run();
