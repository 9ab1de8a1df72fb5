// Run a command with a directory that is a small tmpfs (full after a few KB) or a read-only one, in a
// private mount namespace (`unshare -rm`: no root needed, nothing visible outside). The directory's
// contents are seeded before and copied out after, so a test can look at what the command left.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const SCRIPT = `set -e
mount -t tmpfs -o size="$SIZE" tmpfs "$MNT"
cp -a "$SEED/." "$MNT/"
if [ "$RO" = 1 ]; then mount -o remount,ro "$MNT"; fi
set +e
"$@"; rc=$?
cp -a "$MNT/." "$OUT/"
exit $rc
`;

let usable: boolean | undefined;

/** Whether this machine lets an unprivileged process mount a tmpfs in its own namespace. */
export function smallMountsWork(): boolean {
  if (usable === undefined) {
    const r = spawnSync("unshare", ["-rm", "sh", "-c", 'd=$(mktemp -d) && mount -t tmpfs -o size=16k tmpfs "$d"'], { encoding: "utf8" });
    usable = r.status === 0;
    if (!usable) console.log(`note: small-mount tests skipped (unshare -rm + tmpfs not permitted here: ${(r.stderr || r.error?.message || "").trim()})`);
  }
  return usable;
}

export interface MountRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** What the directory held when the command ended. */
  after: string;
}

/** Run `argv` with `mnt` mounted as a tmpfs of `size` seeded from `seed` (read-only with `readOnly`). */
export function runWithSmallMount(
  opts: { mnt: string; seed: string; size: string; readOnly?: boolean },
  argv: string[],
): Promise<MountRun> {
  const after = fs.mkdtempSync(path.join(path.dirname(opts.mnt), "after-"));
  fs.mkdirSync(opts.mnt, { recursive: true });
  const child = spawn("unshare", ["-rm", "sh", "-c", SCRIPT, "sh", ...argv], {
    env: { ...process.env, TSPY_DEVICE: "", PYBOARD_DEVICE: "", SIZE: opts.size, MNT: opts.mnt, SEED: opts.seed, OUT: after, RO: opts.readOnly ? "1" : "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout, stderr, after })));
}
