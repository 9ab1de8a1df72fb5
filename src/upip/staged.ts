// The result of resolving: every package with its files, held in memory until all of them are ready.
import type { InstallFile } from "./upip-members.js";
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
}

/** Write every staged file. Later packages win when two ship the same path, as they did with upip. */
export async function writeStaged(
  target: InstallTarget,
  installDir: string,
  packages: StagedPackage[],
  onFile?: (path: string) => void,
): Promise<InstallReport> {
  for (const pkg of packages) {
    for (const file of pkg.files) {
      const dest = joinTargetPath(installDir, file.path);
      onFile?.(dest);
      await target.writeFile(dest, file.data);
    }
  }
  return { installDir: target.where(installDir), packages };
}

export function formatReport(report: InstallReport): string {
  const lines = [`Installed ${report.packages.length} package${report.packages.length === 1 ? "" : "s"} into ${report.installDir}:`];
  for (const pkg of report.packages) {
    const n = pkg.files.length;
    lines.push(`  ${pkg.name} ${pkg.version} (${n} file${n === 1 ? "" : "s"})`);
    for (const note of pkg.notes) lines.push(`    note: ${note}`);
  }
  return lines.join("\n");
}
