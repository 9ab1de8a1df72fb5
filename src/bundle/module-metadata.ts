// `__version__` and `__repo__` of a library module, from its .py source or from a compiled .mpy, and
// which CircuitPython releases can import a given .mpy.
import { readMpy, type MpyConst, type RawCode } from "../mpy-cross/mpy-reader.js";

export interface ModuleMetadata {
  version?: string;
  repo?: string;
  /** Set for .mpy files: the CircuitPython majors that import it, or `bad` when the format is unknown. */
  mpy?: MpyCompat;
}

/** CircuitPython majors `[min, max)` a .mpy works with (max null: no upper bound known). */
export type MpyCompat = { min: number; max: number | null } | "bad";

/** Simple one-line assignments, as library sources write them: `__version__ = "1.2.3"`. */
const DUNDER = /^(__\w+__)(?:\s*:\s*\w+)?\s*=\s*(['"])(.*?)\2/gm;

export function metadataFromPy(source: string): ModuleMetadata {
  const out: ModuleMetadata = {};
  for (const m of source.matchAll(DUNDER)) {
    if (m[1] === "__version__" && out.version === undefined) out.version = m[3];
    if (m[1] === "__repo__" && out.repo === undefined) out.repo = m[3];
  }
  return out;
}

/**
 * CircuitPython marks its .mpy files with a 'C' where MicroPython writes 'M', and refuses the other's:
 * releases before 7 read MicroPython's v3; 7 and 8 read 'C' v5; 9 onwards 'C' v6.
 */
export function mpyCompat(data: Uint8Array): MpyCompat {
  const magic = data[0];
  const version = data[1];
  if (magic === 0x4d && version === 3) return { min: 0, max: 7 };
  if (magic === 0x43 && version === 5) return { min: 7, max: 9 };
  if (magic === 0x43 && version === 6) return { min: 9, max: null };
  return "bad";
}

export function compatAllows(compat: MpyCompat, major: number): boolean {
  return compat !== "bad" && major >= compat.min && (compat.max === null || major < compat.max);
}

export function describeCompat(compat: MpyCompat): string {
  if (compat === "bad") return "an unknown .mpy format";
  if (compat.max === null) return `CircuitPython ${compat.min} and later`;
  if (compat.min === 0) return `CircuitPython before ${compat.max}`;
  return `CircuitPython ${compat.min}–${compat.max - 1}`;
}

function constString(c: MpyConst | undefined): string | undefined {
  return c?.type === "str" ? c.value : undefined;
}

/** Module-level `NAME = "..."` stores in the top-level code: a string constant followed by STORE_NAME. */
function storesInRoot(root: RawCode): Map<string, string> {
  const out = new Map<string, string>();
  const code = root.instructions ?? [];
  for (let i = 1; i < code.length; i++) {
    const ins = code[i]!;
    if (ins.name !== "STORE_NAME" || !ins.qstr?.startsWith("__") || out.has(ins.qstr)) continue;
    const prev = code[i - 1]!;
    const value = prev.name === "LOAD_CONST_STRING" ? prev.qstr : prev.name === "LOAD_CONST_OBJ" ? constString(prev.constValue) : undefined;
    if (value !== undefined) out.set(ins.qstr, value);
  }
  return out;
}

export function metadataFromMpy(data: Uint8Array): ModuleMetadata {
  const out: ModuleMetadata = { mpy: mpyCompat(data) };
  try {
    const stores = storesInRoot(readMpy(data, { allowTrailing: true }).root);
    const version = stores.get("__version__");
    const repo = stores.get("__repo__");
    if (version !== undefined) out.version = version;
    if (repo !== undefined) out.repo = repo;
  } catch {
    // Formats our reader does not know (v3, damaged files): the first x.y.z that ends a stored string.
    const m = /(\d+\.\d+\.\d+)\x00/.exec(Buffer.from(data).toString("latin1"));
    if (m) out.version = m[1];
  }
  return out;
}

export function metadataFromFile(path: string, data: Uint8Array): ModuleMetadata {
  if (path.endsWith(".mpy")) return metadataFromMpy(data);
  return metadataFromPy(Buffer.from(data).toString("utf8"));
}
