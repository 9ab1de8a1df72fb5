// Small shared pieces for the benchmarks: timing, medians, table printing, the tspy entry.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import readline from "node:readline";
import path from "node:path";
import url from "node:url";

/**
 * Node reads the file NODE_EXTRA_CA_CERTS names while it starts, before any script runs: with the
 * system's bundle (some CI images and sandboxes set it) that took ~39 ms of a ~57 ms `node -e 0` on the
 * machine of the README's figures. It is no part of what is measured, and it would hide tspy's own
 * start-up cost inside Node's (the one-file compile read 1.20 x `node -e 0` with it, 1.31 without), so
 * every process a benchmark starts runs without it.
 */
if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
  delete process.env.NODE_EXTRA_CA_CERTS;
  console.log("(NODE_EXTRA_CA_CERTS is set here: the processes measured run without it)");
}

export const ROOT = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..");
export const TSPY = path.join(ROOT, "bin", "tspy.js");

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function printTable(title, rows) {
  console.log(`\n## ${title}`);
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (vals) => "| " + vals.map((v, i) => String(v).padEnd(widths[i])).join(" | ") + " |";
  console.log(line(keys));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
}

/** Spawn a process and resolve when it exits; returns wall time in ms. */
export function timeProcess(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}

/** The path of `name` on PATH, or null. */
export function findOnPath(name) {
  const r = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The virtual board on a pty (a serial board for any tool): `{ path, stop }`. */
export async function servePty(dir) {
  const child = spawn(process.execPath, [TSPY, "-d", `virtual:${dir}`, "virtual", "serve", "--pty"], { stdio: ["ignore", "pipe", "inherit"] });
  const first = await new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    rl.once("line", resolve);
    child.once("exit", (c) => reject(new Error(`virtual serve --pty exited ${c}`)));
  });
  return { path: first.trim(), stop: () => child.kill() };
}

/** The virtual board (`virtual:DIR[?firmware=...]`) on a TCP port: `{ port, stop }`. */
export async function serveTcp(device) {
  const child = spawn(process.execPath, [TSPY, "-d", device, "virtual", "serve", "--tcp", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  const port = await new Promise((resolve, reject) => {
    let out = "";
    const look = (d) => {
      out += d;
      const m = /tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.once("exit", (code) => reject(new Error(`tspy virtual serve exited (${code}): ${out}`)));
  });
  return { port, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill("SIGTERM")))) };
}

/** Wait until `ready()` holds, or throw `what` after 5 s or when one of `children` has exited. */
async function waitFor(ready, children, what) {
  const deadline = Date.now() + 5000;
  while (!(await ready())) {
    if (children.some((c) => c.exitCode !== null) || Date.now() > deadline) throw new Error(what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const endChild = (c) => new Promise((r) => (c.exitCode !== null ? r() : (c.once("exit", r), c.kill("SIGTERM"))));
let commandPtys = 0;

/**
 * A program with its REPL on the terminal, run on a pty of its own (socat) that stays up between
 * connections as a board on a serial line does: real firmware, e.g. a unix port chrooted into a
 * directory of its own (`chroot JAIL /micropython`). `{ path, stop }`; `path` is the tty to open.
 */
export async function serveCommandPty(command) {
  const link = path.join(os.tmpdir(), `tspy-bench-port-${process.pid}-${++commandPtys}.pty`);
  const board = spawn("socat", [`PTY,link=${link},raw,echo=0`, `EXEC:${command},pty,raw,echo=0,setsid,ctty,stderr`], { stdio: "ignore" });
  try {
    await waitFor(async () => fs.existsSync(link), [board], `socat: no pty for ${command}`);
  } catch (e) {
    await endChild(board);
    throw e;
  }
  return { path: link, stop: () => endChild(board) };
}

/** The same on a TCP port (each connection opens the pty; the program keeps running): `{ port, stop }`. */
export async function serveCommandTcp(command) {
  const port = await new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
    s.once("error", reject);
  });
  const pty = await serveCommandPty(command);
  const relay = spawn("socat", [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `${pty.path},raw,echo=0`], { stdio: "ignore" });
  const stop = async () => {
    await endChild(relay);
    await pty.stop();
  };
  try {
    await waitFor(
      () => new Promise((resolve) => {
        const c = net.connect(port, "127.0.0.1", () => (c.destroy(), resolve(true)));
        c.once("error", () => resolve(false));
      }),
      [relay],
      `socat: not listening for ${command}`,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return { port, stop };
}
