// Debian's FTP programs for the WiPy/FTP tests: a real server (pyftpdlib, run by Debian's own
// python3 with a user and a temporary directory on 127.0.0.1) and a way to run the real clients
// (tnftp, lftp, curl) without blocking the event loop (the simulators they talk to run in-process).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import net from "node:net";
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

/**
 * Debian's vsftpd, unprivileged: anonymous login with upload rights into a temporary directory.
 * vsftpd refuses to run as root without its chroot sandbox, so under root it is started as `nobody`
 * (setpriv), with its config file owned by that user as vsftpd requires.
 */
export async function startVsftpd(): Promise<PyFtpd> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-vsftpd-"));
  const dir = path.join(base, "root");
  fs.mkdirSync(dir);
  fs.chmodSync(base, 0o755);
  fs.chmodSync(dir, 0o777);
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  const conf = path.join(base, "vsftpd.conf");
  fs.writeFileSync(
    conf,
    [
      "listen=YES", "listen_address=127.0.0.1", `listen_port=${port}`, "background=NO", "run_as_launching_user=YES",
      "anonymous_enable=YES", `anon_root=${dir}`, "write_enable=YES", "anon_upload_enable=YES", "anon_mkdir_write_enable=YES",
      "anon_other_write_enable=YES", "anon_umask=022", "local_enable=NO", "pasv_enable=YES", "pasv_address=127.0.0.1",
      "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", `secure_chroot_dir=${dir}`, "ftp_username=nobody", "",
    ].join("\n"),
  );
  const root = process.getuid?.() === 0;
  if (root) {
    fs.chownSync(conf, 65534, 65534);
  }
  const cmd = root ? "setpriv" : "/usr/sbin/vsftpd";
  const args = root ? ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/sbin/vsftpd", conf] : [conf];
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  // Up when it accepts a connection.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.destroy();
        resolve(true);
      });
      s.on("error", () => resolve(false));
    });
    if (ok) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`vsftpd did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    dir,
    url: `ftp://anonymous:tspy@127.0.0.1:${port}`,
    close: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
