// The .mpy container: header, qstr table, constant table, then the nested raw codes.
// Per-version differences are a table (MPY_VERSIONS) so older formats can be added beside 6.3.
import type { CompiledModule, RawCode } from "./raw-code.js";
import type { ConstObj } from "./constants.js";
import { complexRepr, floatRepr } from "./constants.js";
import { staticQstrNumber } from "./static-qstrs.js";
import { encodeUint } from "./emit-bytecode.js";
import { compatForRelease } from "./compat.js";
import { legacyComplexRepr, legacyFloatRepr } from "./float-format-legacy.js";

export interface MpyVersionInfo {
  /** Version byte in the header. */
  major: number;
  /** Sub-version (only stored in the header for native code). */
  sub: number;
  /** MicroPython releases that load this version. */
  releases: string;
  /** The release whose mpy-cross output this version reproduces. */
  emulates: string;
}

export const MPY_VERSIONS: Record<string, MpyVersionInfo> = {
  "6.3": { major: 6, sub: 3, releases: "1.23 and later", emulates: "1.27.0" },
  "6.2": { major: 6, sub: 2, releases: "1.22", emulates: "1.22.2" },
  "6.1": { major: 6, sub: 1, releases: "1.20 - 1.21", emulates: "1.20.0" },
  "6": { major: 6, sub: 0, releases: "1.19", emulates: "1.19.1" },
};

export const DEFAULT_MPY_VERSION = "6.3";

const OBJ_NONE = 1, OBJ_FALSE = 2, OBJ_TRUE = 3, OBJ_ELLIPSIS = 4, OBJ_STR = 5, OBJ_BYTES = 6,
  OBJ_INT = 7, OBJ_FLOAT = 8, OBJ_COMPLEX = 9, OBJ_TUPLE = 10;

class ByteSink {
  readonly bytes: number[] = [];
  u8(b: number): void { this.bytes.push(b & 0xff); }
  uint(n: number): void { encodeUint(this.bytes, n); }
  raw(data: Iterable<number>): void { for (const b of data) this.bytes.push(b); }
}

const textEncoder = new TextEncoder();

/**
 * UTF-8 as MicroPython stores str data: well-formed text as usual, but a lone surrogate (from a
 * `\ud800`-style escape) is kept as its own 3-byte sequence where TextEncoder would write U+FFFD.
 */
const utf8 = {
  encode(s: string): Uint8Array {
    if (!/[\ud800-\udfff]/.test(s)) return textEncoder.encode(s);
    const out: number[] = [];
    for (let i = 0; i < s.length; i++) {
      let cp = s.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
        const lo = s.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          i++;
        }
      }
      if (cp < 0x80) out.push(cp);
      else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
      else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
      else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    }
    return Uint8Array.from(out);
  },
};

function writeQstr(out: ByteSink, s: string): void {
  const n = staticQstrNumber(s);
  if (n !== undefined) {
    out.uint((n << 1) | 1);
    return;
  }
  const data = utf8.encode(s);
  out.uint(data.length << 1);
  out.raw(data);
  out.u8(0);
}

interface NumberReprs {
  float(x: number): string;
  complex(real: number, imag: number): string;
}

const MODERN_REPRS: NumberReprs = { float: (x) => floatRepr(x), complex: complexRepr };
const LEGACY_REPRS: NumberReprs = { float: legacyFloatRepr, complex: legacyComplexRepr };

function writeObj(out: ByteSink, o: ConstObj, reprs: NumberReprs): void {
  switch (o.type) {
    case "none": out.u8(OBJ_NONE); return;
    case "bool": out.u8(o.value ? OBJ_TRUE : OBJ_FALSE); return;
    case "ellipsis": out.u8(OBJ_ELLIPSIS); return;
    case "str":
    case "bytes": {
      const data = o.type === "str" ? utf8.encode(o.value) : o.value;
      out.u8(o.type === "str" ? OBJ_STR : OBJ_BYTES);
      out.uint(data.length);
      out.raw(data);
      out.u8(0);
      return;
    }
    case "tuple":
      out.u8(OBJ_TUPLE);
      out.uint(o.items.length);
      for (const item of o.items) writeObj(out, item, reprs);
      return;
    case "int":
    case "float":
    case "complex": {
      const text = o.type === "int" ? o.value.toString() : o.type === "float" ? reprs.float(o.value) : reprs.complex(0, o.imag);
      out.u8(o.type === "int" ? OBJ_INT : o.type === "float" ? OBJ_FLOAT : OBJ_COMPLEX);
      const data = utf8.encode(text);
      out.uint(data.length);
      out.raw(data);
      return;
    }
  }
}

function writeRawCode(out: ByteSink, rc: RawCode): void {
  out.uint((rc.funData.length << 3) | ((rc.children.length !== 0 ? 1 : 0) << 2));
  out.raw(rc.funData);
  if (rc.children.length) {
    out.uint(rc.children.length);
    for (const child of rc.children) writeRawCode(out, child);
  }
}

export function writeMpy(cm: CompiledModule, version: string = DEFAULT_MPY_VERSION): Uint8Array {
  const v = MPY_VERSIONS[version];
  if (!v) throw new Error(`unsupported .mpy version ${version}`);
  const out = new ByteSink();
  out.raw([0x4d, v.major, 0, cm.smallIntBits]);
  out.uint(cm.qstrs.length);
  out.uint(cm.consts.length);
  for (const q of cm.qstrs) writeQstr(out, q);
  const reprs = compatForRelease(v.emulates).modernFloats ? MODERN_REPRS : LEGACY_REPRS;
  for (const o of cm.consts) writeObj(out, o, reprs);
  writeRawCode(out, cm.rc);
  return Uint8Array.from(out.bytes);
}
