// `tspy upip pack` and `tspy upip check`: make a source archive installable by upip on the board itself
// (as sdist_upip did) and tell whether an archive already is.
import pako from "pako";
import { ArchiveError } from "./errors.js";
import { measureGzipWindow, UPIP_WINDOW, type WindowReport } from "./deflate-window.js";
import { readTarGzBytes, type ArchiveMember } from "./tar-gz.js";
import { planUpipArchive, safeSegments } from "./upip-members.js";
import { writePlainTar, type PlainTarFile } from "./upip-tar.js";

export interface PackResult {
  archive: Uint8Array;
  kept: string[];
  dropped: string[];
  window: WindowReport;
}

/**
 * Whether upip needs `rest` (a member's path below the top directory): the modules, any data files in
 * package directories, and the egg-info PKG-INFO and requires.txt. setup.py, top-level extras (README,
 * LICENSE, setup.cfg, PKG-INFO) and the rest of the egg-info are dropped.
 */
export function upipKeeps(rest: string): boolean {
  if (/\.egg-info\/(PKG-INFO|requires\.txt)$/.test(rest)) return true;
  if (/\.egg-info(\/|$)/.test(rest)) return false;
  if (rest === "setup.py") return false;
  if (rest.endsWith(".py")) return true;
  return rest.includes("/");
}

function memberLabel(m: ArchiveMember): string {
  return JSON.stringify(m.name);
}

export async function packForUpip(input: Uint8Array, label: string): Promise<PackResult> {
  const members = await readTarGzBytes(input, label);
  const kept: PlainTarFile[] = [];
  const dropped: string[] = [];
  for (const m of members) {
    if (m.type === "directory") continue;
    if (m.type !== "file" && m.type !== "contiguous-file") {
      throw new ArchiveError(`${label}: member ${memberLabel(m)} is a ${m.type}; upip cannot install it`);
    }
    const segments = safeSegments(m.name, label);
    if (segments.length < 2) {
      dropped.push(m.name);
      continue;
    }
    if (!upipKeeps(segments.slice(1).join("/"))) {
      dropped.push(m.name);
      continue;
    }
    kept.push({ name: segments.join("/"), data: m.data, ...(m.mode !== undefined ? { mode: m.mode } : {}), ...(m.mtime ? { mtime: m.mtime } : {}) });
  }
  if (!kept.some((f) => f.name.endsWith(".py"))) throw new ArchiveError(`${label}: no Python modules to keep`);
  const tar = writePlainTar(kept);
  const archive = pako.gzip(tar, { level: 9, windowBits: 12 });
  const window = measureGzipWindow(archive, label);
  // pako was asked for a 4 KB window; a walk over what it produced makes sure before anyone uploads it.
  if (window.maxDistance > UPIP_WINDOW) throw new Error(`internal: repacked archive reaches ${window.maxDistance} bytes back`);
  return { archive, kept: kept.map((f) => f.name), dropped, window };
}

export interface CheckResult {
  window: WindowReport;
  /** Whether every back-reference is within upip's 4 KB window. */
  fitsWindow: boolean;
  /** Tar features upip's reader does not understand, one line each. */
  tarProblems: string[];
}

/**
 * Refuse (ArchiveError) what `install` refuses: members outside the package, links, devices and FIFOs,
 * a size claim past the unpack limit, a damaged or cut-short archive. `check` runs it first, so that it
 * never calls an archive fine that install would not take.
 */
export async function applyInstallRules(gz: Uint8Array, label: string): Promise<void> {
  planUpipArchive(await readTarGzBytes(gz, label), label);
}

/** Integrity (pako inflate with its CRC check), window walk, and a look at the tar headers upip reads. */
export function checkForUpip(gz: Uint8Array, label: string): CheckResult {
  const window = measureGzipWindow(gz, label);
  let tar: Uint8Array;
  try {
    tar = pako.ungzip(gz);
  } catch (err) {
    throw new ArchiveError(`${label}: corrupt gzip data (${String((err as Error)?.message ?? err)})`);
  }
  const tarProblems: string[] = [];
  const dec = new TextDecoder();
  for (let at = 0; at + 512 <= tar.length; ) {
    const h = tar.subarray(at, at + 512);
    if (h[0] === 0) break;
    const name = dec.decode(h.subarray(0, 100)).replace(/\0.*$/s, "");
    const sizeText = dec.decode(h.subarray(124, 136)).replace(/[\0 ]+$/, "").trim();
    const type = String.fromCharCode(h[156]!);
    if (!/^[0-7]+$/.test(sizeText)) {
      tarProblems.push(`${name}: size field is not octal`);
      break;
    }
    const size = parseInt(sizeText, 8);
    if (type === "x" || type === "g") tarProblems.push(`${name}: PAX record (upip would install it as a file)`);
    else if (type === "L" || type === "K") tarProblems.push(`${name}: GNU long-name record (upip cannot read long names)`);
    else if (type === "1" || type === "2") tarProblems.push(`${name}: link (upip would write an empty file)`);
    else if (dec.decode(h.subarray(257, 263)) === "ustar\0" && dec.decode(h.subarray(345, 500)).replace(/\0+$/, "")) tarProblems.push(`${name}: name continues in the ustar prefix field (upip reads only 100 bytes)`);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return { window, fitsWindow: window.maxDistance <= UPIP_WINDOW, tarProblems };
}
