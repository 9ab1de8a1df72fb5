// A pseudo-terminal in front of a local TCP port, for programs that only open serial devices
// (mpremote, pyboard.py, esptool, bossac): socat owns the pty and relays it to 127.0.0.1:PORT.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { TransportError } from "../errors.js";

export interface PtyBridge {
  /** The tty path to hand to the other program (the `link` path when one was asked for). */
  path: string;
  close(): Promise<void>;
}

export interface PtyBridgeOptions {
  /** Also create this symlink to the pty (a stable name). */
  link?: string;
  /** How long to wait for socat to report its pty (ms). */
  timeoutMs?: number;
}

export function openPtyBridge(tcpPort: number, options: PtyBridgeOptions = {}): Promise<PtyBridge> {
  const ptyAddress = ["pty", "raw", "echo=0", ...(options.link ? [`link=${options.link}`] : [])].join(",");
  let child: ChildProcess;
  try {
    child = spawn("socat", ["-d", "-d", ptyAddress, `tcp:127.0.0.1:${tcpPort},nodelay`], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    return Promise.reject(new TransportError(`cannot start socat for a pty: ${(e as Error).message}`));
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise<PtyBridge>((resolve, reject) => {
    let log = "";
    let settled = false;
    let announced = false;
    const finish = (err: Error | null, path?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        child.kill();
        reject(err);
        return;
      }
      resolve({
        path: options.link ?? path!,
        close: () => stop(child),
      });
    };
    const timer = setTimeout(() => finish(new TransportError(`socat did not open a pty within ${timeoutMs} ms: ${lastLine(log)}`)), timeoutMs);
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      log += chunk;
      const m = /PTY is (\S+)/.exec(log);
      if (m && !announced) {
        announced = true;
        // socat names the pty before it makes the symlink: hand out the link once it exists.
        if (options.link) void waitForPath(options.link, timeoutMs).then(() => finish(null, m[1]), (e: Error) => finish(e));
        else finish(null, m[1]);
      }
    });
    child.on("error", (e: NodeJS.ErrnoException) => {
      finish(new TransportError(e.code === "ENOENT" ? "a pty needs socat, which is not installed" : `socat: ${e.message}`));
    });
    child.on("exit", (code) => finish(new TransportError(`socat exited (${code}) before opening a pty: ${lastLine(log)}`)));
  });
}

async function waitForPath(p: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(p)) {
    if (Date.now() > deadline) throw new TransportError(`socat did not create ${p}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function lastLine(log: string): string {
  const lines = log.trim().split("\n");
  return lines[lines.length - 1] ?? "";
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 1000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
