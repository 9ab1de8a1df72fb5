// Which members of a package archive upip installs, and where: the top `NAME-VERSION/` directory is
// dropped; setup.*, PKG-INFO, README* and *.egg-info are skipped, except an egg-info `requires.txt`,
// which lists the dependencies. Unlike upip, members that would land outside the install directory,
// links and device files refuse the whole archive.
import { ArchiveError } from "./errors.js";
import type { ArchiveMember } from "./tar-gz.js";

export interface InstallFile {
  /** Relative to the install directory, `/`-separated, no `.` or `..`. */
  path: string;
  data: Uint8Array;
}

export interface UpipArchivePlan {
  files: InstallFile[];
  /** The text of `…egg-info/requires.txt`, or null. */
  requires: string | null;
  skipped: string[];
}

const SKIPPED_PREFIXES = ["setup.", "PKG-INFO", "README"];

/** Split a member name into safe segments, or refuse it. */
export function safeSegments(name: string, label: string): string[] {
  if (name.includes("\0")) throw new ArchiveError(`${label}: member name contains a NUL byte`);
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) {
    throw new ArchiveError(`${label}: member ${JSON.stringify(name)} has an absolute path`);
  }
  const segments = name.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) {
    throw new ArchiveError(`${label}: member ${JSON.stringify(name)} points outside the package ("..")`);
  }
  return segments;
}

export function planUpipArchive(members: ArchiveMember[], label: string): UpipArchivePlan {
  const files: InstallFile[] = [];
  const skipped: string[] = [];
  let requires: string | null = null;
  for (const member of members) {
    if (member.type === "symlink" || member.type === "link") {
      throw new ArchiveError(`${label}: member ${JSON.stringify(member.name)} is a link (refused)`);
    }
    if (member.type !== "file" && member.type !== "contiguous-file" && member.type !== "directory") {
      throw new ArchiveError(`${label}: member ${JSON.stringify(member.name)} is a ${member.type} (refused)`);
    }
    const rest = safeSegments(member.name, label).slice(1).join("/");
    if (member.type === "directory" || rest === "") continue;
    if (rest.includes(".egg-info") || SKIPPED_PREFIXES.some((p) => rest.startsWith(p))) {
      if (rest.endsWith("/requires.txt")) requires = new TextDecoder().decode(member.data);
      skipped.push(rest);
      continue;
    }
    files.push({ path: rest, data: member.data });
  }
  return { files, requires, skipped };
}
