// The result of resolving: every package with its files, held in memory until all of them are ready.
import { createHash } from "node:crypto";
import type { InstallFile } from "./upip-members.js";
import { InstallError } from "./errors.js";
import { joinTargetPath, type InstallTarget } from "./install-target.js";

export interface StagedPackage {
  name: string;
  version: string;
  source: string;
  /** Paths relative to the install directory. */
  files: InstallFile[];
  /** Names of the packages it asked for (already staged, before or after it). */
  deps: string[];
  notes: string[];
}

export interface InstallReport {
  /** Where the files went, as the user reads it (`:/lib`, `/home/me/out`). */
  installDir: string;
  packages: StagedPackage[];
  /** Per package (same order): files left alone because the target already held the same content. */
  upToDate: number[];
}

/**
 * Write every staged file, skipping those the target already holds byte for byte. When two packages
 * ship the same path the later one wins, as with upip.
 */
export async function writeStaged(
  target: InstallTarget,
  installDir: string,
  packages: StagedPackage[],
  onFile?: (path: string) => void,
): Promise<InstallReport> {
  const final = new Map<string, Uint8Array>();
  const owner = new Map<string, string>();
  for (const pkg of packages) {
    for (const file of pkg.files) {
      const dest = joinTargetPath(installDir, file.path);
      final.set(dest, file.data);
      owner.set(dest, pkg.name);
    }
  }
  // Found now rather than halfway through writing: a path that one file needs as a directory.
  for (const dest of final.keys()) {
    for (let cut = dest.lastIndexOf("/"); cut > 0; cut = dest.lastIndexOf("/", cut - 1)) {
      const parent = dest.slice(0, cut);
      if (final.has(parent)) {
        throw new InstallError(`${owner.get(parent)} installs a file at ${parent}, where ${owner.get(dest)} needs a directory`);
      }
    }
  }
  const existing = target.sha256Many ? await target.sha256Many([...final.keys()]) : new Map<string, string | null>();
  const unchanged = new Set<string>();
  for (const [dest, data] of final) {
    if (existing.get(dest) === createHash("sha256").update(data).digest("hex")) unchanged.add(dest);
  }
  // Refused before the first write: a package that cannot fit must not half-fill the board.
  await checkFits(target, installDir, [...final].filter(([dest]) => !unchanged.has(dest)), owner);
  for (const [dest, data] of final) {
    if (unchanged.has(dest)) continue;
    onFile?.(dest);
    await target.writeFile(dest, data);
  }
  const upToDate = packages.map((pkg) => pkg.files.filter((f) => unchanged.has(joinTargetPath(installDir, f.path))).length);
  return { installDir: target.where(installDir), packages, upToDate };
}

async function checkFits(target: InstallTarget, installDir: string, writes: [string, Uint8Array][], owner: Map<string, string>): Promise<void> {
  if (!target.freeBytes || writes.length === 0) return;
  const free = await target.freeBytes(installDir);
  if (free === null) return;
  const [largestPath, largest] = writes.reduce((a, b) => (b[1].length > a[1].length ? b : a));
  if (largest.length > free) {
    throw new InstallError(`${owner.get(largestPath)}: ${largestPath} is ${largest.length} bytes, more than the ${free} bytes free on the ${target.describe()}`);
  }
  const total = writes.reduce((n, [, d]) => n + d.length, 0);
  if (total > free) throw new InstallError(`the packages need ${total} bytes, more than the ${free} bytes free on the ${target.describe()}`);
}

export function formatReport(report: InstallReport): string {
  const lines = [`Installed ${report.packages.length} package${report.packages.length === 1 ? "" : "s"} into ${report.installDir}:`];
  for (const [i, pkg] of report.packages.entries()) {
    const n = pkg.files.length;
    const same = report.upToDate[i] ?? 0;
    lines.push(`  ${pkg.name} ${pkg.version} (${n} file${n === 1 ? "" : "s"}${same ? `, ${same} already up to date` : ""})`);
    for (const note of pkg.notes) lines.push(`    note: ${note}`);
  }
  return lines.join("\n");
}
