// Which .mpy a board loads, decided from what the board says about itself. Pure: the answers of the
// board (detect.ts asks) in, a compile target or the reason there is none out. The rules:
// - CircuitPython: its major release picks cpN (target.ts);
// - `sys.implementation._mpy` (1.19+) / `.mpy` (1.12-1.18) is the header the board expects: the .mpy
//   version in the low byte, then the sub-version (v6) or feature flags (v5) and the native arch;
// - without that field (MicroPython 1.8-1.11, Pycopy) the release picks the version and a probe (a tiny
//   .mpy of each candidate header byte, imported on the board) finds the feature flags.
import { releaseTarget } from "../mpy-cross/target.js";

/** What the board answered to DETECT_SNIPPET. */
export interface BoardInfo {
  /** sys.implementation.name */
  name: string;
  version: number[];
  /** sys.implementation._mpy or .mpy; null when the release has neither. */
  mpyField: number | null;
  platform: string;
  /** uos.uname().release, "" when the board has no uname. */
  release: string;
}

/** Python that prints the BoardInfo fields as a tuple literal; written for every release back to 1.8. */
export const DETECT_SNIPPET = `import sys
i=sys.implementation
m=getattr(i,'_mpy',getattr(i,'mpy',None))
r=''
try:
 import uos as o
except ImportError:
 import os as o
try:
 r=o.uname().release
except Exception:
 pass
print(repr((i.name,tuple(i.version[:3]),m,sys.platform,r)))
`;

/** Header feature flags of .mpy 0-5: bit 0 = map lookups cached in bytecode, bit 1 = str is unicode. */
export const FLAG_CACHE_LOOKUP = 1;
export const FLAG_UNICODE = 2;

/** Native arch numbers as stored in a header (bits 2-7 of byte 2), for the names -march takes. */
const ARCH_NAMES = ["", "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp", "xtensa", "xtensawin", "rv32imc", "rv64imc"];

export interface Flavour {
  /** The MPY_VERSIONS key to compile with. */
  mpyVersion: string;
  /** The -march name of the board's native code, when it says so. */
  arch?: string;
  /** Feature flags the board wants (v0-v5); undefined: found by the probe, or not in the header (v6). */
  flags?: number;
  /** True when only a probe on the board can tell the flags (no _mpy/mpy field). */
  probe: boolean;
  /** How the board was recognised, for messages ("MicroPython 1.18.0 (rp2)"). */
  describe: string;
}

/** The board's flavour, or a one-line reason why tspy cannot tell what it loads. */
export function flavourOf(info: BoardInfo): Flavour | string {
  const name = implementationName(info);
  const release = `${displayName(name)} ${info.version.join(".")}`;
  if (name === "circuitpython") {
    const key = releaseTarget({ name, version: info.version });
    if (key === undefined) return `${release}: no CircuitPython .mpy flavour is known for this release`;
    // Its boards load the format's default flags; its unix port (platform "linux", MicroPython's
    // unix port inside) caches map lookups in bytecode, which a 2.3.1 build showed: the probe tells.
    const unix = info.platform === "linux";
    return { mpyVersion: key, probe: unix, describe: unix ? `${release} (linux)` : release };
  }
  if (info.mpyField !== null && name === "micropython") {
    const version = info.mpyField & 0xff;
    const feature = (info.mpyField >> 8) & 0xff;
    const arch = ARCH_NAMES[feature >> 2] || undefined;
    if (version === 6) {
      const sub = feature & 3;
      const key = sub === 0 ? "6" : `6.${sub}`;
      return { mpyVersion: key, arch, probe: false, describe: `${release} (${info.platform})` };
    }
    if (version === 5) return { mpyVersion: "5", arch, flags: feature & 3, probe: false, describe: `${release} (${info.platform})` };
    return `${release}: the board loads .mpy version ${version}, which tspy does not know`;
  }
  // No field: the release decides the version (target.ts), the probe the flags.
  const key = releaseTarget({ name, version: info.version });
  if (key === undefined) return `${release}: tspy does not know which .mpy this release loads`;
  return { mpyVersion: key, probe: true, describe: `${release} (${info.platform})` };
}

/**
 * sys.implementation.name, except that Pycopy 3.x calls itself "micropython" there (checked on
 * Pycopy 3.6.1's unix port): its 3.x numbering is what tells it apart, as MicroPython has no 3.x.
 */
export function implementationName(info: Pick<BoardInfo, "name" | "version">): string {
  const name = info.name.toLowerCase();
  return name === "micropython" && (info.version[0] ?? 0) >= 3 ? "pycopy" : name;
}

function displayName(name: string): string {
  return name === "micropython" ? "MicroPython" : name === "circuitpython" ? "CircuitPython" : name === "pycopy" ? "Pycopy" : name;
}

/** Words for a set of feature flags, as mpy-cross's options name them. */
export function flagWords(flags: number): string {
  const words: string[] = [];
  if (flags & FLAG_CACHE_LOOKUP) words.push("-mcache-lookup-bc");
  if (!(flags & FLAG_UNICODE)) words.push("-mno-unicode");
  return words.length ? words.join(" ") : "default flags";
}

/** Names that the firmware runs by themselves at start-up: they stay source on a compile-on-copy. */
const STAY_SOURCE = new Set(["boot.py", "main.py", "code.py"]);

/** Whether a file is compiled on a compile-on-copy: a .py that is not one of the start-up scripts. */
export function isCompiled(basename: string): boolean {
  return basename.endsWith(".py") && !STAY_SOURCE.has(basename);
}

/** The board name of a compiled file: `x.py` → `x.mpy`. */
export function compiledName(p: string): string {
  return p.endsWith(".py") ? p.slice(0, -3) + ".mpy" : p;
}
