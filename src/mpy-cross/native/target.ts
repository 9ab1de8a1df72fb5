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
