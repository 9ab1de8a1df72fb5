// Which native arch a compile targets: the -march name checked against the emulated release's list,
// `host` resolved to x64, and each release's default when no -march is given.
import { compatForRelease } from "../compat.js";

export type TargetProblem = "unknown-arch" | "arch-not-specified";

export interface ResolvedTarget {
  /** The arch name to compile for, or undefined for none (bytecode only). */
  arch?: string;
  problem?: TargetProblem;
  /** The names the release accepts (for the error message). */
  known: readonly string[];
}

/** The machine tspy runs on is taken to be x64, as the references were made there. */
const HOST_ARCH = "x64";

export function resolveArch(release: string, march: string | undefined, emit: "bytecode" | "native" | "viper"): ResolvedTarget {
  const compat = compatForRelease(release);
  const known = compat.marchHost ? [...compat.marchNames, "host"] : compat.marchNames;
  if (march !== undefined) {
    if (!known.includes(march)) return { problem: "unknown-arch", known };
    return { arch: march === "host" ? HOST_ARCH : march, known };
  }
  const arch = compat.defaultArch ?? undefined;
  if (arch === undefined && emit !== "bytecode" && compat.emitNeedsArch) return { problem: "arch-not-specified", known };
  return { arch, known };
}

export interface ResolvedArchFlags {
  /** The flag bits to compile with (stored in the header when not 0); undefined: no -march-flags in effect. */
  flags?: number;
  /** "unknown-option": the release's mpy-cross has no -march-flags (it prints its usage); "unrecognised": 1.27's refusal. */
  problem?: "unknown-option" | "unrecognised";
}

/**
 * An unsigned number as 1.27's mpy-cross reads -march-flags: decimal, or 0b/0x followed by digits
 * (spaces around and a sign are allowed, as its number parser takes them); null if it is not one.
 */
function flagsNumber(text: string): bigint | null {
  let re = /^\s*[+-]?[0-9]+\s*$/;
  if (text.length > 2 && text[0] === "0") {
    const b = text[1].toLowerCase();
    if (b === "b") re = /^\s*[+-]?(0[bB])?[01]+\s*$/;
    else if (b === "x") re = /^\s*[+-]?(0[xX])?[0-9a-fA-F]+\s*$/;
    else return null;
  }
  if (!re.test(text)) return null;
  const t = text.trim();
  const neg = t.startsWith("-");
  const digits = t.replace(/^[+-]/, "");
  const v = BigInt(/^0[bBxX]/.test(digits) ? digits.toLowerCase() : digits.replace(/^0+(?=\d)/, ""));
  return neg ? -v : v;
}

/** -march-flags=TEXT for `arch` (already resolved; undefined: no -march, where upstream ignores the flags). */
export function resolveArchFlags(release: string, arch: string | undefined, text: string | undefined): ResolvedArchFlags {
  if (text === undefined) return {};
  const table = compatForRelease(release).marchFlags;
  if (table === null) return { problem: "unknown-option" };
  if (arch === undefined) return {};
  const names = table[arch];
  if (!names) return { problem: "unrecognised" };
  const all = Object.values(names).reduce((a, b) => a | b, 0);
  const n = flagsNumber(text);
  if (n !== null) return n >= 0n && (n & ~BigInt(all)) === 0n ? { flags: Number(n) } : { problem: "unrecognised" };
  // a name only has to start the text
  const name = Object.keys(names).find((k) => text.startsWith(k));
  return name !== undefined ? { flags: names[name] } : { problem: "unrecognised" };
}
