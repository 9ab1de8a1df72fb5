// Run the shipped CLI (bin/tspy.js → dist/) as a user would, capturing its output and exit status.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");
export const TSPY = path.join(ROOT, "bin", "tspy.js");

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcess;
  done: Promise<CliResult>;
  stdout(): string;
}

export function startTspy(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string; keepStdinOpen?: boolean } = {},
): CliRun {
  const child = spawn(process.execPath, [TSPY, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, TSPY_DEVICE: "", PYBOARD_DEVICE: "", ...opts.env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  if (opts.input !== undefined) child.stdin!.end(opts.input);
  else if (!opts.keepStdinOpen) child.stdin!.end();
  const done = new Promise<CliResult>((resolve) => {
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
  return { child, done, stdout: () => stdout };
}

export function tspy(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<CliResult> {
  return startTspy(args, opts).done;
}

/** Board output uses \r\n; compare text with \n. */
export function lf(s: string): string {
  return s.replace(/\r\n/g, "\n");
}

export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
