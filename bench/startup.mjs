// Cold start: from spawning `tspy exec` to the first byte it puts on the wire (a TCP "board" that
// only records arrival time). Reference in the same run: a bare `node -e 0` start to exit.
import net from "node:net";
import { spawn } from "node:child_process";
import { TSPY, median, printTable, timeProcess } from "./lib.mjs";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);

async function firstByteMs() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = server.address().port;
  let t0 = 0n;
  const got = new Promise((resolve) => {
    server.on("connection", (sock) => {
      sock.once("data", () => {
        resolve(Number(process.hrtime.bigint() - t0) / 1e6);
        sock.destroy();
      });
    });
  });
  t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [TSPY, "-d", `tcp://127.0.0.1:${port}`, "exec", "1"], { stdio: "ignore" });
  const ms = await got;
  child.kill();
  server.close();
  return ms;
}

export async function run() {
  const tspy = [];
  const bare = [];
  const help = [];
  for (let i = 0; i < RUNS; i++) {
    tspy.push(await firstByteMs());
    bare.push(await timeProcess(process.execPath, ["-e", "0"]));
    help.push(await timeProcess(process.execPath, [TSPY, "--help"]));
  }
  const rows = [
    { measure: "node -e 0 (reference)", "median ms": median(bare).toFixed(1), "× reference": "1.00" },
    { measure: "tspy --help (to exit)", "median ms": median(help).toFixed(1), "× reference": (median(help) / median(bare)).toFixed(2) },
    { measure: "tspy exec: first byte on the wire", "median ms": median(tspy).toFixed(1), "× reference": (median(tspy) / median(bare)).toFixed(2) },
  ];
  printTable(`CLI cold start (${RUNS} runs; target < 150 ms to the first byte)`, rows);
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
