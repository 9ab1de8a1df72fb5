// Which modules an install needs: the ones asked for and, recursively, what their requirements name.
import { UnknownModuleError } from "./errors.js";
import type { Library } from "./library.js";
import { canonicalModuleName, isForBoards } from "./requirements.js";

export interface Resolution {
  /** Every module to install, sorted. */
  modules: string[];
  /** Requirement names no bundle knows (left out, as circup does, with a warning). */
  unknownDependencies: string[];
}

/** Names asked for directly must exist; unknown dependencies only warn. */
export function resolveDependencies(requested: string[], library: Library): Resolution {
  const missing = requested.map(canonicalModuleName).filter((n) => isForBoards(n) && !library.has(n));
  if (missing.length) {
    throw new UnknownModuleError(missing.map((n) => `Unknown module named, '${n}'.`).join(" "));
  }
  const chosen = new Set<string>();
  const unknown = new Set<string>();
  const queue = requested.map(canonicalModuleName);
  while (queue.length) {
    const raw = queue.shift()!;
    if (!isForBoards(raw)) continue;
    const name = canonicalModuleName(raw);
    if (chosen.has(name)) continue;
    if (!library.has(name)) {
      unknown.add(name);
      continue;
    }
    chosen.add(name);
    queue.push(...library.requirementsOf(name));
  }
  return { modules: [...chosen].sort(), unknownDependencies: [...unknown].sort() };
}
