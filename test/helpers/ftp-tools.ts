// Debian's FTP programs for the WiPy/FTP tests: a real server (pyftpdlib, run by Debian's own
// python3 with a user and a temporary directory on 127.0.0.1) and a way to run the real clients
// (tnftp, lftp, curl) without blocking the event loop (the simulators they talk to run in-process).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface PyFtpd {
  port: number;
  dir: string;
  url: string;
  close(): Promise<void>;
}

export const FTP_USER = "tester";
export const FTP_PASSWORD = "s3cret-pw";

export async function startPyFtpd(): Promise<PyFtpd> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-pyftpd-"));
  const child = spawn("/usr/bin/python3", ["-m", "pyftpdlib", "-i", "127.0.0.1", "-p", "0", "-w", "-d", dir, "-u", FTP_USER, "-P", FTP_PASSWORD], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pyftpdlib did not start: ${log}`)), 15_000);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = /starting FTP server on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stderr!.on("data", onData);
    child.stdout!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`pyftpdlib exited (${code}): ${log}`)));
  });
  return {
    port,
    dir,
    url: `ftp://${FTP_USER}:${FTP_PASSWORD}@127.0.0.1:${port}`,
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ProgramResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runProgram(cmd: string, args: string[], opts: { input?: string; cwd?: string; timeoutMs?: number } = {}): Promise<ProgramResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin!.end(opts.input ?? "");
  });
}
