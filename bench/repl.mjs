// The raw REPL: exec round-trip time on the virtual board (reference: the same VM called in-process,
// without any transport), and code throughput, raw-paste against plain raw mode, on the virtual board
// and on the QEMU micro:bit's tty (real firmware, plain raw only).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { ROOT, median, printTable } from "./lib.mjs";

const dist = (p) => path.join(ROOT, "dist", "src", p);
const { openStream } = await import(dist("transport/connect.js"));
const { RawRepl } = await import(dist("raw-repl/raw-repl.js"));

const N = Number(process.env.BENCH_EXECS ?? 200);

async function timeExecs(repl, n, code) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await repl.exec(code);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

async function inProcessReference(n) {
  const { loadMicroPython } = await import("@micropython/micropython-webassembly-pyscript");
  const mp = await loadMicroPython({ stdout: () => {}, stderr: () => {} });
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    mp.runPython("x = 1");
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

/** A program of `size` bytes that does almost nothing, so the time is the transfer. */
function bulkProgram(size) {
  const line = "# " + "x".repeat(60) + "\n";
  return line.repeat(Math.ceil(size / line.length)).slice(0, size - 8) + "\nx = 1\n";
}

async function throughput(repl, mode, size, runs = 3) {
  const code = bulkProgram(size);
  const times = [];
  for (let i = 0; i < runs; i++) {
    if (mode === "plain") repl.pasteMode = "plain";
    else repl.pasteMode = "unknown";
    const t0 = process.hrtime.bigint();
    // As tspy's file snippets go (they check their own length and sum): the probed pace. A user's
    // program goes at the slowest pace instead (src/raw-repl/raw-repl.ts, sendPlainRaw).
    await repl.exec(code, { timeoutMs: 120_000, selfChecking: true });
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return size / median(times);
}

async function startQemu() {
  const fw = "/usr/share/firmware-microbit-micropython/firmware.hex";
  if (!fs.existsSync(fw)) return null;
  const child = spawn("qemu-system-arm", ["-M", "microbit", "-device", `loader,file=${fw}`, "-nographic", "-monitor", "none", "-serial", "pty"], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const pty = await new Promise((resolve) => {
    const on = (d) => {
      out += d;
      const m = /\/dev\/pts\/\d+/.exec(out);
      if (m) resolve(m[0]);
    };
    child.stdout.on("data", on);
    child.stderr.on("data", on);
    child.on("error", () => resolve(null));
    setTimeout(() => resolve(null), 10_000);
  });
  return pty ? { pty, stop: () => child.kill() } : null;
}

export async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-bench-"));
  const stream = await openStream(`virtual:${dir}`);
  const repl = new RawRepl(stream);
  await repl.enter();
  await timeExecs(repl, 10, "x = 1"); // warm up
  const viaTspy = await timeExecs(repl, N, "x = 1");
  const reference = await inProcessReference(N);
  const rows = [
    { measure: "VM called in-process (reference)", "median ms": median(reference).toFixed(3), ratio: "1.00" },
    { measure: "tspy exec round trip, virtual board", "median ms": median(viaTspy).toFixed(3), ratio: (median(viaTspy) / median(reference)).toFixed(1) },
  ];
  printTable(`exec round trip (${N} execs of "x = 1")`, rows);

  const tp = [];
  const size = 20_000;
  const vPaste = await throughput(repl, "raw-paste", size);
  const vPlain = await throughput(repl, "plain", size);
  tp.push({ board: "virtual board", mode: "plain raw (reference)", "KB/s": (vPlain / 1000).toFixed(1), ratio: "1.00" });
  tp.push({ board: "virtual board", mode: "raw-paste", "KB/s": (vPaste / 1000).toFixed(1), ratio: (vPaste / vPlain).toFixed(2) });
  await stream.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const q = await startQemu();
  if (q) {
    try {
      const s = await openStream(q.pty);
      const r = new RawRepl(s);
      await r.enter();
      const qPlain = await throughput(r, "plain", 4_000);
      const qAuto = await throughput(r, "auto", 4_000);
      tp.push({ board: "QEMU micro:bit (1.9.2) tty", mode: "plain raw (reference)", "KB/s": (qPlain / 1000).toFixed(1), ratio: "1.00" });
      tp.push({ board: "QEMU micro:bit (1.9.2) tty", mode: "raw-paste probe → fallback", "KB/s": (qAuto / 1000).toFixed(1), ratio: (qAuto / qPlain).toFixed(2) });
      await r.exit();
      await s.close();
    } finally {
      q.stop();
    }
  } else {
    tp.push({ board: "QEMU micro:bit", mode: "not installed (scripts/system-deps.sh)", "KB/s": "-", ratio: "-" });
  }
  printTable(`code throughput (${size / 1000} KB program on the virtual board, 4 KB on the micro:bit)`, tp);
  return { rows, tp };
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
