// UF2 bootloader drives: a mass-storage volume whose root holds INFO_UF2.TXT. Copying a .uf2 file
// onto it flashes the board, which then reboots and the drive goes away.
import fs from "node:fs";
import { open, readFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { TspyError } from "../../errors.js";

export const INFO_FILE = "INFO_UF2.TXT";

export interface Uf2Drive {
  path: string;
  boardId?: string;
  model?: string;
  /** INFO_UF2.TXT as read. */
  info: string;
}

export function parseInfo(text: string): { boardId?: string; model?: string } {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.+?)\\s*$`, "im").exec(text)?.[1];
  return { boardId: field("Board-ID"), model: field("Model") };
}

export async function readDrive(dir: string): Promise<Uf2Drive | null> {
  let info: string;
  try {
    info = await readFile(path.join(dir, INFO_FILE), "latin1");
  } catch {
    return null;
  }
  return { path: dir, info, ...parseInfo(info) };
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => path.join(dir, d.name));
  } catch {
    return [];
  }
}

/** Mount points worth checking: the mount table on Linux, and the usual automount folders. */
async function candidateMounts(): Promise<string[]> {
  const dirs = new Set<string>();
  try {
    for (const line of fs.readFileSync("/proc/mounts", "utf8").split("\n")) {
      const [dev, mnt, type] = line.split(" ");
      // Bootloader drives are FAT volumes on block devices.
      if (dev?.startsWith("/dev/") && mnt && /fat|msdos/i.test(type ?? "")) dirs.add(mnt.replace(/\\040/g, " "));
    }
  } catch {
    // not Linux
  }
  const user = os.userInfo().username;
  for (const base of ["/media", `/media/${user}`, `/run/media/${user}`, "/Volumes"]) for (const d of await subdirs(base)) dirs.add(d);
  return [...dirs];
}

/** Every mounted UF2 bootloader drive. */
export async function findDrives(): Promise<Uf2Drive[]> {
  const found: Uf2Drive[] = [];
  for (const dir of await candidateMounts()) {
    const d = await readDrive(dir);
    if (d) found.push(d);
  }
  return found;
}

/**
 * Copy `uf2` onto the drive as one file and wait for the drive to disappear (the board rebooting).
 * Resolves true when it went away within `waitMs`.
 */
export async function copyToDrive(uf2: Uint8Array, drive: string, waitMs: number, name = "NEW.UF2"): Promise<boolean> {
  const target = path.join(drive, name);
  try {
    const fh = await open(target, "w");
    try {
      await fh.writeFile(uf2);
      // The bootloader acts on the blocks as they land; push them out now rather than at unmount.
      await fh.sync().catch(() => undefined);
    } finally {
      await fh.close().catch(() => undefined);
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A board that reboots as the last block lands can make the final close fail: that is success.
    if (!fs.existsSync(path.join(drive, INFO_FILE)) && (code === "EIO" || code === "ENOENT" || code === "ENODEV")) return true;
    throw new TspyError(`cannot write ${target}: ${(e as Error).message}`);
  }
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!fs.existsSync(path.join(drive, INFO_FILE))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
