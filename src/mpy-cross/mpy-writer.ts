// The .mpy container: header, qstr table, constant table, then the nested raw codes.
// Per-version differences are a table (MPY_VERSIONS) so older formats can be added beside 6.3.
import type { CompiledModule, RawCode } from "./raw-code.js";
import type { ConstObj } from "./constants.js";
import { complexRepr127, floatRepr127 } from "./float-format.js";
import { staticQstrNumber, PYCOPY_STATIC_QSTRS } from "./static-qstrs.js";
import { ByteBuffer } from "./byte-buffer.js";
import { legacyBackends } from "./legacy-backends-loader.js";

/** The header feature bits when none are given: unicode str, map lookups not cached. */
const LEGACY_FEATURE_UNICODE = 0x02;
/** .mpy 6.3: the header is followed by the -march-flags bits. */
const FEATURE_ARCH_FLAGS = 0x40;
import { compatForRelease, type BackendCompat } from "./compat.js";

export interface MpyVersionInfo {
  /** Version byte in the header. */
  major: number;
  /** Sub-version (only stored in the header for native code). */
  sub: number;
  /** MicroPython releases that load this version. */
  releases: string;
  /** The MicroPython release whose mpy-cross output this version reproduces (its front end, and its
   * back end unless `backend` names another row). */
  emulates: string;
  /** The compat.ts row of the back end, when it is not `emulates` (CircuitPython, Pycopy). */
  backend?: string;
  /** First header byte: "M" for MicroPython and Pycopy, "C" for CircuitPython 7+. */
  magic?: "M" | "C";
  /** The front end (parse-dialect.ts DIALECTS key) when it is not the one of `emulates` (CircuitPython). */
  frontEnd?: string;
  /** The firmware's numbered qstr list, when it is not MicroPython's (Pycopy). */
  staticQstrs?: readonly string[];
  /** Its mpy-cross takes -mcache-lookup-bc and -mno-unicode, recorded in the header's feature bits
   * (MicroPython up to 1.18, CircuitPython up to 6). */
  featureFlagOptions?: true;
  /** What that release's `mpy-cross --version` says after "emitting mpy v" (default: the version key). */
  banner?: string;
}

export const MPY_VERSIONS: Record<string, MpyVersionInfo> = {
  "6.3": { major: 6, sub: 3, releases: "1.23 and later", emulates: "1.27.0" },
  "6.2": { major: 6, sub: 2, releases: "1.22", emulates: "1.22.2" },
  "6.1": { major: 6, sub: 1, releases: "1.20 - 1.21", emulates: "1.20.0" },
  "6": { major: 6, sub: 0, releases: "1.19", emulates: "1.19.1" },
  "5": { major: 5, sub: 0, releases: "1.12 - 1.18", emulates: "1.18.0", featureFlagOptions: true },
  "4": { major: 4, sub: 0, releases: "1.11", emulates: "1.11.0", featureFlagOptions: true },
  "3": { major: 3, sub: 0, releases: "1.9.3 - 1.10", emulates: "1.10.0", featureFlagOptions: true },
  "0": { major: 0, sub: 0, releases: "1.5 - 1.8", emulates: "1.8.4", featureFlagOptions: true },
  "2": { major: 2, sub: 0, releases: "1.9 - 1.9.2", emulates: "1.10.0", backend: "1.9.2", frontEnd: "2", featureFlagOptions: true },
  cp2: { major: 2, sub: 0, releases: "CircuitPython 2.x", emulates: "1.10.0", backend: "circuitpython-2.3.1", frontEnd: "2", banner: "2", featureFlagOptions: true },
  cp10: { major: 6, sub: 3, releases: "CircuitPython 10.x", emulates: "1.27.0", backend: "circuitpython-10.2.1", magic: "C", banner: "6.3" },
  cp9: { major: 6, sub: 3, releases: "CircuitPython 9.x", emulates: "1.22.2", backend: "circuitpython-9.2.9", magic: "C", banner: "6.3" },
  cp8: { major: 5, sub: 0, releases: "CircuitPython 8.x", emulates: "1.18.0", backend: "circuitpython-8.2.10", magic: "C", banner: "5-CircuitPython" },
  cp6: { major: 3, sub: 0, releases: "CircuitPython 6.x", emulates: "1.10.0", backend: "circuitpython-6.3.0", frontEnd: "cp6", banner: "3", featureFlagOptions: true },
  cp5: { major: 3, sub: 0, releases: "CircuitPython 5.x", emulates: "1.10.0", backend: "circuitpython-5.3.1", frontEnd: "cp5", banner: "3", featureFlagOptions: true },
  cp4: { major: 3, sub: 0, releases: "CircuitPython 4.x", emulates: "1.10.0", backend: "circuitpython-4.1.2", frontEnd: "cp4", banner: "3", featureFlagOptions: true },
  cp3: { major: 3, sub: 0, releases: "CircuitPython 3.x", emulates: "1.10.0", backend: "circuitpython-3.1.2", frontEnd: "cp3", banner: "3", featureFlagOptions: true },
  pycopy: { major: 5, sub: 0, releases: "Pycopy 3.x", emulates: "1.18.0", backend: "pycopy-3.6.1", frontEnd: "pycopy", staticQstrs: PYCOPY_STATIC_QSTRS, featureFlagOptions: true },
  cp7: { major: 5, sub: 0, releases: "CircuitPython 7.x", emulates: "1.18.0", backend: "circuitpython-7.3.3", magic: "C", banner: "5-CircuitPython" },
};

/** The back-end row (compat.ts) a .mpy version is written with. */
export function backendOf(v: MpyVersionInfo): BackendCompat {
  return compatForRelease(v.backend ?? v.emulates);
}

/** The header's first byte. */
export function magicByte(v: MpyVersionInfo): number {
  return (v.magic ?? "M").charCodeAt(0);
}

export const DEFAULT_MPY_VERSION = "6.3";

const OBJ_FUN_TABLE = 0, OBJ_NONE = 1, OBJ_FALSE = 2, OBJ_TRUE = 3, OBJ_ELLIPSIS = 4, OBJ_STR = 5, OBJ_BYTES = 6,
  OBJ_INT = 7, OBJ_FLOAT = 8, OBJ_COMPLEX = 9, OBJ_TUPLE = 10;

function writeQstr(out: ByteBuffer, s: string): void {
  const n = staticQstrNumber(s);
  if (n !== undefined) {
    out.uint((n << 1) | 1);
    return;
  }
  out.uint(ByteBuffer.utf8Length(s) << 1);
  out.appendUtf8(s);
  out.push(0);
}

export interface NumberReprs {
  float(x: number): string;
  complex(real: number, imag: number): string;
}

const MODERN_REPRS: NumberReprs = { float: (x) => floatRepr127(x), complex: complexRepr127 };

/** How a back end prints float and complex constants. */
export function numberReprs(compat: BackendCompat): NumberReprs {
  const format = compat.floatFormat;
  if (format === "shortest") return MODERN_REPRS;
  // Older releases' formatting is loaded when a constant needs it, not for every module written.
  return {
    float: (x) => legacyBackends().LEGACY_NUMBER_REPRS[format].float(x),
    complex: (real, imag) => legacyBackends().LEGACY_NUMBER_REPRS[format].complex(real, imag),
  };
}

function writeObj(out: ByteBuffer, o: ConstObj, reprs: NumberReprs): void {
  switch (o.type) {
    case "funtable": out.push(OBJ_FUN_TABLE); return;
    case "none": out.push(OBJ_NONE); return;
    case "bool": out.push(o.value ? OBJ_TRUE : OBJ_FALSE); return;
    case "ellipsis": out.push(OBJ_ELLIPSIS); return;
    case "str":
      out.push(OBJ_STR);
      out.uint(ByteBuffer.utf8Length(o.value));
      out.appendUtf8(o.value);
      out.push(0);
      return;
    case "bytes":
      out.push(OBJ_BYTES);
      out.uint(o.value.length);
      out.append(o.value);
      out.push(0);
      return;
    case "tuple":
      out.push(OBJ_TUPLE);
      out.uint(o.items.length);
      for (const item of o.items) writeObj(out, item, reprs);
      return;
    case "int":
    case "float":
    case "complex": {
      const text = o.type === "int" ? o.value.toString() : o.type === "float" ? reprs.float(o.value) : reprs.complex(0, o.imag);
      out.push(o.type === "int" ? OBJ_INT : o.type === "float" ? OBJ_FLOAT : OBJ_COMPLEX);
      out.uint(ByteBuffer.utf8Length(text));
      out.appendUtf8(text);
      return;
    }
  }
}

/** Raw-code kinds as the .mpy numbers them (MP_CODE_* minus MP_CODE_BYTECODE). */
const CODE_KIND = { bytecode: 0, native: 1, viper: 2, asm: 3 } as const;

function writeRawCode(out: ByteBuffer, rc: RawCode): void {
  const nat = rc.native;
  out.uint((rc.funData.length << 3) | ((rc.children.length !== 0 ? 1 : 0) << 2) | CODE_KIND[nat?.kind ?? "bytecode"]);
  out.append(rc.funData);
  if (nat?.kind === "native") {
    out.uint(nat.preludeOffset);
  } else if (nat) {
    // viper and asm functions take no generator/varargs/kw-defaults flags: always 0
    out.uint(0);
    if (nat.kind === "asm") {
      out.uint(nat.asmNPosArgs ?? 0);
      out.uint(nat.asmTypeSig ?? 0);
    }
  }
  if (rc.children.length) {
    out.uint(rc.children.length);
    for (const child of rc.children) writeRawCode(out, child);
  }
}

export function writeMpy(cm: CompiledModule, version: string = DEFAULT_MPY_VERSION): Uint8Array {
  const v = MPY_VERSIONS[version];
  if (!v) throw new Error(`unsupported .mpy version ${version}`);
  const reprs = numberReprs(backendOf(v));
  const featureFlags = cm.featureFlags ?? LEGACY_FEATURE_UNICODE;
  if (v.major === 5) {
    return legacyBackends().writeMpyV5(cm.rc, cm.smallIntBits, { magic: magicByte(v), reprs, archCode: cm.nativeArch?.code, staticQstrs: v.staticQstrs, featureFlags });
  }
  if (v.major === 4 || v.major === 3 || v.major === 2 || v.major === 0) {
    const pool = backendOf(v).qstrPool;
    if (!pool) throw new Error(`internal: no qstr pool for .mpy ${version}`);
    return legacyBackends().writeMpyLegacy(cm, { major: v.major, featureFlags: featureFlags | ((cm.nativeArch?.code ?? 0) << 2), pool, reprs });
  }
  const out = new ByteBuffer(4096);
  // native code puts the sub-version and the arch in the feature byte; bytecode alone leaves it 0
  const feature = (cm.nativeArch ? v.sub | (cm.nativeArch.code << 2) : 0) | (cm.archFlags ? FEATURE_ARCH_FLAGS : 0);
  out.append([magicByte(v), v.major, feature, cm.smallIntBits]);
  if (cm.archFlags) out.uint(cm.archFlags);
  out.uint(cm.qstrs.length);
  out.uint(cm.consts.length);
  for (const q of cm.qstrs) writeQstr(out, q);
  for (const o of cm.consts) writeObj(out, o, reprs);
  writeRawCode(out, cm.rc);
  return out.slice();
}
