// A 50 KB copy in plain raw mode (no raw-paste: MicroPython before 1.14) over a 115200-baud line:
// the virtual board playing MicroPython 1.12 behind the rate-limited bridge, `tspy cp` as a user runs
// it (the pacing probe included), beside mpremote's `cp` when mpremote is installed (it sends plain raw
// code in 256-byte pieces 10 ms apart). Every copy is checked byte for byte.
//   node bench/plain-raw.mjs        (BENCH_PLAIN_KB=20 for a quicker run)
// Against real firmware instead of the virtual board: BENCH_PORT is the command that runs it with its
// raw REPL on the terminal (started on a pty for each connection), BENCH_PORT_DIR the directory its
// files land in (to check the copies), e.g. a 1.12 unix port chrooted there:
//   BENCH_PORT="chroot /tmp/jail-1.12 /micropython" BENCH_PORT_DIR=/tmp/jail-1.12 node bench/plain-raw.mjs
// MPREMOTE=/path/to/mpremote when it is not on PATH.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import url from "node:url";
import { TSPY, printTable, serveCommandTcp, serveTcp, timeProcess } from "./lib.mjs";
import { startBridge } from "./rate-limited-bridge.mjs";

const BAUD = 115200;
const LINE = BAUD / 10;
const KB = Number(process.env.BENCH_PLAIN_KB ?? 50);
const FIRMWARE = "1.12";

const MPREMOTE = process.env.MPREMOTE || "mpremote";
const hasMpremote = () => spawnSync(MPREMOTE, ["--version"], { stdio: "ignore" }).status === 0;
const PORT = process.env.BENCH_PORT;
const PORT_DIR = process.env.BENCH_PORT_DIR;

export async function run() {
  if (PORT && !PORT_DIR) throw new Error("BENCH_PORT needs BENCH_PORT_DIR (where the port's files land)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-bench-plain-"));
  const boardDir = PORT ? PORT_DIR : path.join(dir, "board");
  if (!PORT) fs.mkdirSync(boardDir);
  const server = PORT ? await serveCommandTcp(PORT) : await serveTcp(`virtual:${boardDir}?firmware=${FIRMWARE}`);
  const board = PORT ? `\`${PORT}\` on a pty` : `virtual board playing MicroPython ${FIRMWARE}`;
  const bridge = await startBridge({ targetPort: server.port, baud: BAUD });
  const local = path.join(dir, "data.bin");
  const data = crypto.randomBytes(KB * 1024);
  fs.writeFileSync(local, data);
  const device = `tcp://127.0.0.1:${bridge.port}`;
  const rows = [];
  const row = (tool, ms) => ({ tool, seconds: (ms / 1000).toFixed(2), "KB/s": (data.length / ms).toFixed(2), "% of line": ((100 * data.length) / (ms / 1000) / LINE).toFixed(1) });
  try {
    const t = await timeProcess(process.execPath, [TSPY, "-d", device, "cp", "-f", local, ":t.bin"]);
    if (!fs.readFileSync(path.join(boardDir, "t.bin")).equals(data)) throw new Error("tspy cp: the copy differs");
    rows.push(row(`tspy cp (${PORT ? "real port" : `MicroPython ${FIRMWARE}`}, plain raw)`, t));
    if (hasMpremote()) {
      // mpremote reaches a TCP board through pyserial's socket:// URL
      const m = await timeProcess(MPREMOTE, ["connect", `socket://127.0.0.1:${bridge.port}`, "cp", local, ":m.bin"]);
      if (!fs.readFileSync(path.join(boardDir, "m.bin")).equals(data)) throw new Error("mpremote cp: the copy differs");
      rows.push(row("mpremote cp", m));
      rows.push({ tool: "tspy ÷ mpremote (time)", seconds: (t / m).toFixed(2) + "×", "KB/s": "", "% of line": "" });
    } else {
      rows.push({ tool: "mpremote cp: not installed (row skipped)", seconds: "", "KB/s": "", "% of line": "" });
    }
  } finally {
    await bridge.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  printTable(`plain-raw: ${KB} KB copy over a ${BAUD}-baud line (${LINE} B/s payload), ${board} (no raw-paste), whole commands`, rows);
}

if (process.argv[1] && url.pathToFileURL(process.argv[1]).href === import.meta.url) await run();
