// Reads a .mpy file (versions 5 and 6.x, bytecode and native) into plain typed data, decoding the
// bytecode into instructions. Used by `tspy mpy-cross --dump` and by the tests that compare our
// compiler's output with upstream's.
//
// The two format families differ enough to get their own readers below:
//  - v6.x (MicroPython 1.19+): one qstr table and one constant table for the whole file, raw code
//    bodies stored exactly as they sit in RAM (qstrs are indices into the table).
//  - v5 (1.12-1.18): no global tables; qstrs are spelled inline (with a most-recently-used window
//    for repeats), each raw code carries its own constants, and the bytecode is rewritten while
//    loading (an inline qstr becomes 2 bytes in RAM). Jump offsets and line numbers count RAM bytes,
//    so the v5 reader tracks RAM offsets alongside file offsets.
import { TspyError } from "../errors.js";
import { Op, OpFormat, opcodeFormat, opcodeName, jumpIsSigned } from "./opcodes.js";
import { STATIC_QSTRS } from "./static-qstrs.js";
import { decodeUtf8 } from "./utf8.js";

/** The file is not a .mpy we can read: truncated, corrupt, or a version we do not know. */
export class MpyFormatError extends TspyError {}

export const NATIVE_ARCH_NAMES = [
  "none", "x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp",
  "xtensa", "xtensawin", "rv32imc", "rv64imc",
] as const;

export const SCOPE_FLAG = {
  GENERATOR: 0x01,
  VARKEYWORDS: 0x02,
  VARARGS: 0x04,
  DEFKWARGS: 0x08,
  /** In a bytecode signature: only CircuitPython 7+ has this fifth bit, marking an async def. */
  CIRCUITPY_ASYNC: 0x10,
  VIPERRELOC: 0x10,
  VIPERRODATA: 0x20,
  VIPERBSS: 0x40,
} as const;

export interface MpyHeader {
  /** 'M' for MicroPython, 'C' for CircuitPython's variant of the header. */
  magic: string;
  version: number;
  /** Sub-version (v6.x only; 0 for v5). Only binding when the file holds native code. */
  subVersion: number;
  featureByte: number;
  /** Native architecture number (0 = none, i.e. bytecode only). */
  arch: number;
  archName: string;
  /** The architecture-specific flags vuint (v6.3, header bit 6), when present. */
  archFlags?: number;
  smallIntBits: number;
  /** v5 feature flags (bit 1: the firmware has unicode strings). */
  v5Flags?: number;
  /** v5: size of the inline-qstr window. */
  qstrWindowSize?: number;
}

export interface MpyQstr {
  text: string;
  /** The fixed qstr number when the file names a static qstr instead of spelling it. */
  staticNumber?: number;
  /** Where its encoding starts in the file. */
  fileOffset: number;
}

export type MpyConst =
  | { type: "str"; value: string }
  | { type: "bytes"; value: Uint8Array }
  | { type: "int"; value: bigint }
  | { type: "float"; text: string }
  | { type: "complex"; text: string }
  | { type: "tuple"; items: MpyConst[] }
  | { type: "none" }
  | { type: "false" }
  | { type: "true" }
  | { type: "ellipsis" }
  | { type: "funtable" };

export type CodeKind = "bytecode" | "native" | "viper" | "asm";
const CODE_KINDS: readonly CodeKind[] = ["bytecode", "native", "viper", "asm"];

export interface LineEntry {
  /** Bytecode offset (from the first opcode) where this line starts. */
  offset: number;
  line: number;
}

export interface Prelude {
  nState: number;
  nExcStack: number;
  scopeFlags: number;
  nPosArgs: number;
  nKwonlyArgs: number;
  nDefPosArgs: number;
  /** Bytes in the source-info section (name, v6 arg names, line table; v5 also the source file). */
  nInfo: number;
  nCell: number;
  name: string;
  argNames: string[];
  /** v5 stores the source file name in every raw code. */
  sourceFile?: string;
  /** The raw line-number table. */
  lineInfo: Uint8Array;
  lines: LineEntry[];
  /** Local slots that become closure cells. */
  cells: number[];
}

export interface Instruction {
  /** Offset from the first opcode, counted in RAM bytes (the unit of jumps and line tables). */
  offset: number;
  /** Size in RAM bytes. */
  size: number;
  /** The bytes as stored in the file (v5 qstr arguments differ from their RAM form). */
  bytes: Uint8Array;
  opcode: number;
  name: string;
  format: OpFormat;
  /** Numeric argument: qstr index, unsigned int, small int, or (for jumps) the stored offset. */
  arg?: number;
  /** The raw byte after the argument (MAKE_CLOSURE*: cells captured; UNWIND_JUMP: handlers to unwind). */
  extra?: number;
  /** Qstr-argument opcodes: the name. */
  qstr?: string;
  /** Jumps: the absolute offset jumped to. */
  target?: number;
  /** LOAD_CONST_OBJ: index into the file's (v6) or this code's (v5) object list, and the object. */
  constIndex?: number;
  constValue?: MpyConst;
  /** MAKE_FUNCTION / MAKE_CLOSURE: index into this code's children. */
  child?: number;
  line: number;
}

export interface RawCode {
  kind: CodeKind;
  /** File offset of the kind/length vuint. */
  fileOffset: number;
  /** File offset of the code body. */
  dataOffset: number;
  /** Length of the body in RAM (v6: also in the file). */
  dataLength: number;
  /** The body as stored in the file (v6) or as rebuilt in RAM (v5 bytecode: inline qstrs become 2-byte numbers). */
  data: Uint8Array;
  prelude?: Prelude;
  /** Offset of the first opcode within `data`. */
  codeOffset?: number;
  instructions?: Instruction[];
  /** Native code: where its prelude starts inside `data` (native Python functions). */
  preludeOffset?: number;
  /** Viper/asm: scope flags stored outside the body. */
  scopeFlags?: number;
  asmNPosArgs?: number;
  asmTypeSig?: number;
  rodata?: Uint8Array;
  bssSize?: number;
  relocations?: number;
  /** v5 native: qstrs patched into the machine code (offset and kind in `off`). */
  qstrLinks?: { off: number; qstr: string }[];
  /** v5: this code's own constant objects (v6 uses the file-wide table). */
  constants?: MpyConst[];
  children: RawCode[];
  /** File offset just past this code and all its children. */
  endOffset: number;
}

export interface MpyFile {
  header: MpyHeader;
  /** v6: the file-wide qstr table (entry 0 is the source file name). v5: every qstr spelled in the file, in order. */
  qstrs: MpyQstr[];
  /** v6: the file-wide constant object table. v5: empty (see RawCode.constants). */
  constants: MpyConst[];
  root: RawCode;
  sourceFile: string;
  /** Bytes read; equals the file size unless `allowTrailing` let extra bytes through. */
  consumed: number;
  size: number;
}

export interface ReadOptions {
  /** Accept bytes after the module's code (upstream's loader ignores them); default false. */
  allowTrailing?: boolean;
}

/** Parses a whole .mpy image. Throws MpyFormatError (one line) on anything malformed. */
export function readMpy(input: Uint8Array, options: ReadOptions = {}): MpyFile {
  // A plain view: slicing a Node Buffer goes through its (much slower) subclass constructor.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const r = new Cursor(bytes);
  const magic = r.byte("header");
  if (magic !== 0x4d && magic !== 0x43) {
    throw new MpyFormatError(`not a .mpy file (first byte 0x${hex2(magic)}, expected 'M')`);
  }
  const version = r.byte("header");
  let file: MpyFile;
  if (version === 6) file = readV6(r, magic);
  else if (version === 5) file = readV5(r, magic);
  else throw new MpyFormatError(`unsupported .mpy version ${version} (tspy reads versions 5 and 6.x)`);
  if (r.pos !== bytes.length && !options.allowTrailing) {
    throw new MpyFormatError(`${bytes.length - r.pos} unexpected bytes after the module's code (at offset ${r.pos})`);
  }
  file.consumed = r.pos;
  return file;
}

// ---------------------------------------------------------------------------------------------
// Byte cursor with bounds checks that name what was being read.

class Cursor {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  byte(what: string): number {
    if (this.pos >= this.buf.length) this.truncated(what);
    return this.buf[this.pos++]!;
  }

  bytes(n: number, what: string): Uint8Array {
    if (n > this.buf.length - this.pos) this.truncated(what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** The .mpy variable-length unsigned int: 7 bits a byte, most significant group first. */
  uint(what: string): number {
    let value = 0;
    for (let i = 0; ; i++) {
      const b = this.byte(what);
      value = value * 128 + (b & 0x7f);
      if (!(b & 0x80)) return value;
      if (i > 8) throw new MpyFormatError(`corrupt .mpy file: overlong number in ${what} at offset ${this.pos}`);
    }
  }

  truncated(what: string): never {
    throw new MpyFormatError(`truncated .mpy file: ${what} runs past the end (${this.buf.length} bytes)`);
  }
}

/**
 * Names and strings as the compiler holds them: UTF-8, with any byte that is not (upstream compiles
 * Latin-1 sources byte for byte) as a raw byte character, so nothing in a valid file is refused.
 */
function utf8(b: Uint8Array, _what: string): string {
  return decodeUtf8(b);
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function staticQstr(n: number, at: number): string {
  const s = STATIC_QSTRS[n];
  if (n === 0 || s === undefined) throw new MpyFormatError(`corrupt .mpy file: unknown static qstr ${n} at offset ${at}`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces: prelude signature, line table, instruction decoding.

type Signature = Pick<Prelude, "nState" | "nExcStack" | "scopeFlags" | "nPosArgs" | "nKwonlyArgs" | "nDefPosArgs">;

/** The prelude's packed signature: xSSSSEAA then xFSSKAED bytes, low bits first. */
function readSignature(next: () => number): Signature {
  let z = next();
  let S = (z >> 3) & 0xf;
  let E = (z >> 2) & 1;
  let F = 0;
  let A = z & 3;
  let K = 0;
  let D = 0;
  for (let n = 0; z & 0x80; n++) {
    if (n > 8) throw new MpyFormatError("corrupt .mpy file: overlong prelude signature");
    z = next();
    S |= ((z >> 4) & 3) << (4 + 2 * n);
    E |= ((z >> 1) & 1) << (1 + n);
    F |= ((z >> 6) & 1) << n;
    A |= ((z >> 2) & 1) << (2 + n);
    K |= ((z >> 3) & 1) << n;
    D |= (z & 1) << n;
  }
  return { nState: S + 1, nExcStack: E, scopeFlags: F, nPosArgs: A, nKwonlyArgs: K, nDefPosArgs: D };
}

/** The prelude's size field: xIIIIIIC bytes giving the source-info and closure-cell byte counts. */
function readPreludeSize(next: () => number): { nInfo: number; nCell: number } {
  let I = 0;
  let C = 0;
  for (let n = 0; ; n++) {
    if (n > 8) throw new MpyFormatError("corrupt .mpy file: overlong prelude size");
    const z = next();
    I += ((z >> 1) & 0x3f) * 2 ** (6 * n);
    C |= (z & 1) << n;
    if (!(z & 0x80)) return { nInfo: I, nCell: C };
  }
}

/**
 * Decodes a line-number table into (bytecode offset, line) steps. Each entry advances the offset
 * by B and the line by L: one byte 0LLBBBBB, or two bytes 1LLLBBBB LLLLLLLL. v5 ends it with a 0.
 */
function decodeLines(info: Uint8Array, stopAtZero: boolean): LineEntry[] {
  const out: LineEntry[] = [];
  let offset = 0;
  let line = 1;
  for (let i = 0; i < info.length; ) {
    const c = info[i]!;
    if (stopAtZero && c === 0) break;
    if (c & 0x80) {
      if (i + 1 >= info.length) throw new MpyFormatError("corrupt .mpy file: line-number table ends mid-entry");
      offset += c & 0xf;
      line += ((c << 4) & 0x700) | info[i + 1]!;
      i += 2;
    } else {
      offset += c & 0x1f;
      line += c >> 5;
      i += 1;
    }
    out.push({ offset, line });
  }
  return out;
}

/**
 * Source lines for ascending bytecode offsets: the line of an offset is that of the last step
 * starting at or before it (line 1 before any). Instructions are visited in order, so one pass.
 */
class LineCursor {
  private i = 0;
  private line = 1;
  constructor(private readonly lines: LineEntry[]) {}
  at(offset: number): number {
    while (this.i < this.lines.length && this.lines[this.i]!.offset <= offset) this.line = this.lines[this.i++]!.line;
    return this.line;
  }
}

// Built field by field: an object spread here was the reader's hottest line.
function makePrelude(
  sig: Signature, nInfo: number, nCell: number, name: string, argNames: string[], lineInfo: Uint8Array,
  lines: LineEntry[], cells: number[], sourceFile?: string,
): Prelude {
  const p: Prelude = {
    nState: sig.nState, nExcStack: sig.nExcStack, scopeFlags: sig.scopeFlags, nPosArgs: sig.nPosArgs,
    nKwonlyArgs: sig.nKwonlyArgs, nDefPosArgs: sig.nDefPosArgs, nInfo, nCell, name, argNames, lineInfo, lines, cells,
  };
  if (sourceFile !== undefined) p.sourceFile = sourceFile;
  return p;
}

function hasExtraByte(op: number): boolean {
  return (op & 0x9e) === 0;
}

// Names of all 256 opcode bytes, computed once (decoding runs per instruction).
const OPCODE_NAMES: readonly string[] = Array.from({ length: 256 }, (_, op) => opcodeName(op));
const OPCODE_VALID: readonly boolean[] = OPCODE_NAMES.map((n) => !n.startsWith("INVALID"));

function isValidOpcode(op: number): boolean {
  return OPCODE_VALID[op]!;
}

// ---------------------------------------------------------------------------------------------
// v6.x

function readV6(r: Cursor, magic: number): MpyFile {
  const featureByte = r.byte("header");
  const smallIntBits = r.byte("header");
  const arch = (featureByte >> 2) & 0xf;
  const header: MpyHeader = {
    magic: String.fromCharCode(magic),
    version: 6,
    subVersion: featureByte & 3,
    featureByte,
    arch,
    archName: NATIVE_ARCH_NAMES[arch] ?? `arch${arch}`,
    smallIntBits,
  };
  if (featureByte & 0x80) throw new MpyFormatError(`corrupt .mpy file: reserved header bit set (0x${hex2(featureByte)})`);
  if (featureByte & 0x40) header.archFlags = r.uint("architecture flags");

  const nQstr = r.uint("qstr count");
  const nObj = r.uint("constant count");
  const qstrs: MpyQstr[] = [];
  for (let i = 0; i < nQstr; i++) {
    const at = r.pos;
    const len = r.uint("qstr length");
    if (len & 1) {
      const n = (len - 1) / 2;
      qstrs.push({ text: staticQstr(n, at), staticNumber: n, fileOffset: at });
    } else {
      const text = utf8(r.bytes(len / 2, `qstr ${i}`), `qstr ${i}`);
      if (r.byte(`qstr ${i}`) !== 0) throw new MpyFormatError(`corrupt .mpy file: qstr ${i} lacks its terminating NUL`);
      qstrs.push({ text, fileOffset: at });
    }
  }
  const constants: MpyConst[] = [];
  for (let i = 0; i < nObj; i++) constants.push(readObjV6(r, `constant ${i}`, 0));

  if (qstrs.length === 0) throw new MpyFormatError("corrupt .mpy file: empty qstr table (no source file name)");
  const ctx: V6Context = { qstrs, constants, nativeArch: arch };
  const root = readRawCodeV6(r, ctx, 0);
  return { header, qstrs, constants, root, sourceFile: qstrs[0]!.text, consumed: 0, size: r.buf.length };
}

function readObjV6(r: Cursor, what: string, depth: number): MpyConst {
  const type = r.byte(what);
  switch (type) {
    case 0:
      return { type: "funtable" };
    case 1:
      return { type: "none" };
    case 2:
      return { type: "false" };
    case 3:
      return { type: "true" };
    case 4:
      return { type: "ellipsis" };
    case 10: {
      if (depth > 32) throw new MpyFormatError(`corrupt .mpy file: tuples nested too deep in ${what}`);
      const n = r.uint(what);
      const items: MpyConst[] = [];
      for (let i = 0; i < n; i++) items.push(readObjV6(r, what, depth + 1));
      return { type: "tuple", items };
    }
    case 5:
    case 6: {
      const n = r.uint(what);
      const data = r.bytes(n, what);
      if (r.byte(what) !== 0) throw new MpyFormatError(`corrupt .mpy file: ${what} lacks its terminating NUL`);
      return type === 5 ? { type: "str", value: utf8(data, what) } : { type: "bytes", value: data.slice() };
    }
    case 7:
    case 8:
    case 9:
      return numberConst(type === 7 ? "int" : type === 8 ? "float" : "complex", r.bytes(r.uint(what), what), what);
    default:
      throw new MpyFormatError(`corrupt .mpy file: unknown object type ${type} in ${what}`);
  }
}

function numberConst(kind: "int" | "float" | "complex", data: Uint8Array, what: string): MpyConst {
  const text = utf8(data, what);
  if (kind === "int") {
    if (!/^-?[0-9]+$/.test(text)) throw new MpyFormatError(`corrupt .mpy file: ${what} is not an integer (${JSON.stringify(text)})`);
    return { type: "int", value: BigInt(text) };
  }
  return { type: kind, text };
}

interface V6Context {
  qstrs: MpyQstr[];
  constants: MpyConst[];
  nativeArch: number;
}

function readRawCodeV6(r: Cursor, ctx: V6Context, depth: number): RawCode {
  if (depth > 200) throw new MpyFormatError("corrupt .mpy file: code nested too deep");
  const fileOffset = r.pos;
  const kindLen = r.uint("code header");
  const kind = CODE_KINDS[kindLen & 3]!;
  const hasChildren = (kindLen & 4) !== 0;
  const dataLength = Math.floor(kindLen / 8);
  const dataOffset = r.pos;
  const data = r.bytes(dataLength, `body of code at offset ${fileOffset}`);
  const rc: RawCode = { kind, fileOffset, dataOffset, dataLength, data, children: [], endOffset: 0 };

  if (kind !== "bytecode" && ctx.nativeArch === 0) {
    throw new MpyFormatError(`corrupt .mpy file: ${kind} code at offset ${fileOffset} but the header names no architecture`);
  }
  if (kind === "native") {
    rc.preludeOffset = r.uint("native prelude offset");
    if (rc.preludeOffset > dataLength) throw new MpyFormatError(`corrupt .mpy file: native prelude offset past the code at ${fileOffset}`);
  } else if (kind === "viper" || kind === "asm") {
    rc.scopeFlags = r.uint("scope flags");
    if (kind === "asm") {
      rc.asmNPosArgs = r.uint("asm argument count");
      rc.asmTypeSig = r.uint("asm type signature");
    }
  }
  if (kind === "viper") {
    const flags = rc.scopeFlags ?? 0;
    const rodataSize = flags & SCOPE_FLAG.VIPERRODATA ? r.uint("rodata size") : 0;
    if (flags & SCOPE_FLAG.VIPERBSS) rc.bssSize = r.uint("bss size");
    if (flags & SCOPE_FLAG.VIPERRODATA) rc.rodata = r.bytes(rodataSize, "rodata").slice();
  }

  if (kind === "bytecode") decodeBytecodeV6(rc, ctx);
  else if (kind === "native") rc.prelude = parsePreludeV6(rc.data, rc.preludeOffset!, ctx, fileOffset).prelude;

  if (hasChildren) {
    const n = r.uint("child count");
    for (let i = 0; i < n; i++) rc.children.push(readRawCodeV6(r, ctx, depth + 1));
  }
  // The loader applies viper relocations after it has read the children.
  if (kind === "viper" && (rc.scopeFlags ?? 0) & SCOPE_FLAG.VIPERRELOC) rc.relocations = readRelocations(r);
  rc.endOffset = r.pos;
  checkChildRefs(rc);
  return rc;
}

function readRelocations(r: Cursor): number {
  let count = 0;
  for (;;) {
    let op = r.byte("relocation");
    if (op === 0xff) return count;
    count++;
    if (op & 1) r.uint("relocation address");
    op >>= 1;
    if (op <= 5 && op & 1) r.uint("relocation count");
  }
}

function parsePreludeV6(data: Uint8Array, start: number, ctx: V6Context, at: number): { prelude: Prelude; codeOffset: number } {
  let p = start;
  const what = `prelude of code at offset ${at}`;
  const next = (): number => {
    if (p >= data.length) throw new MpyFormatError(`corrupt .mpy file: ${what} runs past the code`);
    return data[p++]!;
  };
  const uint = (): number => {
    let v = 0;
    for (let i = 0; ; i++) {
      const b = next();
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) return v;
      if (i > 8) throw new MpyFormatError(`corrupt .mpy file: overlong number in ${what}`);
    }
  };
  const qstr = (): string => {
    const i = uint();
    const q = ctx.qstrs[i];
    if (!q) throw new MpyFormatError(`corrupt .mpy file: qstr index ${i} out of range in ${what}`);
    return q.text;
  };
  const sig = readSignature(next);
  const { nInfo, nCell } = readPreludeSize(next);
  const infoStart = p;
  const name = qstr();
  const argNames: string[] = [];
  for (let i = 0; i < sig.nPosArgs + sig.nKwonlyArgs; i++) argNames.push(qstr());
  const infoEnd = infoStart + nInfo;
  if (p > infoEnd || infoEnd + nCell > data.length) throw new MpyFormatError(`corrupt .mpy file: ${what} sizes do not fit the code`);
  const lineInfo = data.subarray(p, infoEnd);
  const cells = Array.from(data.subarray(infoEnd, infoEnd + nCell));
  return {
    prelude: makePrelude(sig, nInfo, nCell, name, argNames, lineInfo, decodeLines(lineInfo, false), cells),
    codeOffset: infoEnd + nCell,
  };
}

function decodeBytecodeV6(rc: RawCode, ctx: V6Context): void {
  const { prelude, codeOffset } = parsePreludeV6(rc.data, 0, ctx, rc.fileOffset);
  rc.prelude = prelude;
  rc.codeOffset = codeOffset;
  const bc = rc.data;
  const out: Instruction[] = [];
  const lineCursor = new LineCursor(prelude.lines);
  let p = codeOffset;
  const where = (): string => `bytecode of ${prelude.name} at file offset ${rc.dataOffset + p}`;
  const next = (): number => {
    if (p >= bc.length) throw new MpyFormatError(`corrupt .mpy file: instruction runs past the end of the ${where()}`);
    return bc[p++]!;
  };
  while (p < bc.length) {
    const start = p;
    const op = next();
    if (!isValidOpcode(op)) throw new MpyFormatError(`corrupt .mpy file: invalid opcode 0x${hex2(op)} in ${where()}`);
    const format = opcodeFormat(op);
    const ins: Instruction = {
      offset: start - codeOffset, size: 0, bytes: bc, opcode: op, name: OPCODE_NAMES[op]!, format, line: 0,
    };
    if (format === OpFormat.Qstr || format === OpFormat.VarUint) {
      let b = next();
      let v = b & 0x7f;
      if (op === Op.LOAD_CONST_SMALL_INT && b & 0x40) v -= 0x80;
      while (b & 0x80) {
        b = next();
        v = v * 128 + (b & 0x7f);
      }
      ins.arg = v;
    } else if (format === OpFormat.Offset) {
      const b = next();
      let v = b & 0x80 ? (b & 0x7f) | (next() << 7) : b;
      if (jumpIsSigned(op)) v -= b & 0x80 ? 0x4000 : 0x40;
      ins.arg = v;
      ins.target = p - codeOffset + v;
    }
    if (hasExtraByte(op)) ins.extra = next();
    ins.size = p - start;
    ins.bytes = bc.subarray(start, p);
    ins.line = lineCursor.at(ins.offset);
    if (format === OpFormat.Qstr) {
      const q = ctx.qstrs[ins.arg!];
      if (!q) throw new MpyFormatError(`corrupt .mpy file: qstr index ${ins.arg} out of range in ${where()}`);
      ins.qstr = q.text;
    } else if (op === Op.LOAD_CONST_OBJ) {
      const c = ctx.constants[ins.arg!];
      if (!c) throw new MpyFormatError(`corrupt .mpy file: constant index ${ins.arg} out of range in ${where()}`);
      ins.constIndex = ins.arg;
      ins.constValue = c;
    } else if (isMakeFunction(op)) {
      ins.child = ins.arg;
    }
    out.push(ins);
  }
  rc.instructions = out;
}

function isMakeFunction(op: number): boolean {
  return op === Op.MAKE_FUNCTION || op === Op.MAKE_FUNCTION_DEFARGS || op === Op.MAKE_CLOSURE || op === Op.MAKE_CLOSURE_DEFARGS;
}

/** Children are read after the bytecode, so MAKE_FUNCTION indices can only be checked afterwards. */
function checkChildRefs(rc: RawCode): void {
  for (const ins of rc.instructions ?? []) {
    if (ins.child !== undefined && ins.child >= rc.children.length) {
      throw new MpyFormatError(
        `corrupt .mpy file: ${ins.name} refers to child ${ins.child} but ${rc.prelude?.name ?? "the code"} has ${rc.children.length}`,
      );
    }
    if (ins.target !== undefined) {
      const last = rc.instructions![rc.instructions!.length - 1]!;
      if (ins.target < 0 || ins.target > last.offset + last.size) {
        throw new MpyFormatError(`corrupt .mpy file: jump at ${ins.offset} in ${rc.prelude?.name} lands outside the code (${ins.target})`);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// v5

/** Most-recently-used list of qstrs spelled earlier in the file; index 0 is the most recent. */
class QstrWindow {
  private items: string[] = [];
  constructor(private readonly size: number) {}
  push(q: string): void {
    this.items.unshift(q);
    if (this.items.length > this.size) this.items.pop();
  }
  access(i: number): string | undefined {
    const q = this.items[i];
    if (q === undefined) return undefined;
    this.items.splice(i, 1);
    this.items.unshift(q);
    return q;
  }
}

interface V5Context {
  window: QstrWindow;
  qstrs: MpyQstr[];
}

function readV5(r: Cursor, magic: number): MpyFile {
  const featureByte = r.byte("header");
  const smallIntBits = r.byte("header");
  const arch = featureByte >> 2;
  const qstrWindowSize = r.uint("qstr window size");
  if (qstrWindowSize > 32) throw new MpyFormatError(`corrupt .mpy file: qstr window size ${qstrWindowSize} (at most 32)`);
  const header: MpyHeader = {
    magic: String.fromCharCode(magic),
    version: 5,
    subVersion: 0,
    featureByte,
    arch,
    archName: NATIVE_ARCH_NAMES[arch] ?? `arch${arch}`,
    smallIntBits,
    v5Flags: featureByte & 3,
    qstrWindowSize,
  };
  const ctx: V5Context = { window: new QstrWindow(qstrWindowSize), qstrs: [] };
  const root = readRawCodeV5(r, ctx, 0);
  return { header, qstrs: ctx.qstrs, constants: [], root, sourceFile: root.prelude?.sourceFile ?? "", consumed: 0, size: r.buf.length };
}

/** A v5 inline qstr: 0 then a static number byte; odd = window index << 1 | 1; even = length << 1 then the text. */
function readQstrV5(r: Cursor, ctx: V5Context, what: string): string {
  const at = r.pos;
  const len = r.uint(what);
  if (len === 0) {
    const n = r.byte(what);
    return staticQstr(n, at);
  }
  if (len & 1) {
    const q = ctx.window.access((len - 1) / 2);
    if (q === undefined) throw new MpyFormatError(`corrupt .mpy file: qstr window index ${(len - 1) / 2} is empty at offset ${at}`);
    return q;
  }
  const text = utf8(r.bytes(len / 2, what), what);
  ctx.window.push(text);
  ctx.qstrs.push({ text, fileOffset: at });
  return text;
}

function readObjV5(r: Cursor, what: string): MpyConst {
  const type = String.fromCharCode(r.byte(what));
  if (type === "e") return { type: "ellipsis" };
  const data = r.bytes(r.uint(what), what);
  switch (type) {
    case "s":
      return { type: "str", value: utf8(data, what) };
    case "b":
      return { type: "bytes", value: data.slice() };
    case "i":
      return numberConst("int", data, what);
    case "f":
      return numberConst("float", data, what);
    case "c":
      return numberConst("complex", data, what);
    default:
      throw new MpyFormatError(`corrupt .mpy file: unknown object type ${JSON.stringify(type)} in ${what}`);
  }
}

/** Builds the RAM image of a v5 body as the loader does, so offsets and sizes match upstream's. */
class RamImage {
  private buf: number[] = [];
  get length(): number {
    return this.buf.length;
  }
  push(...bytes: number[]): void {
    for (const b of bytes) this.buf.push(b);
  }
  toBytes(): Uint8Array {
    return Uint8Array.from(this.buf);
  }
}

function readRawCodeV5(r: Cursor, ctx: V5Context, depth: number): RawCode {
  if (depth > 200) throw new MpyFormatError("corrupt .mpy file: code nested too deep");
  const fileOffset = r.pos;
  const kindLen = r.uint("code header");
  const kind = CODE_KINDS[kindLen & 3]!;
  const dataLength = Math.floor(kindLen / 4);
  const dataOffset = r.pos;
  const rc: RawCode = { kind, fileOffset, dataOffset, dataLength, data: new Uint8Array(0), children: [], endOffset: 0 };
  let nArgs = 0;
  // Qstr numbers are assigned at load time; the RAM image gets placeholders in their 2 bytes.
  const QSTR_PLACEHOLDER = [0, 0];

  if (kind === "bytecode") {
    const ram = new RamImage();
    const nextFile = (): number => {
      const b = r.byte(`bytecode of code at offset ${fileOffset}`);
      ram.push(b);
      return b;
    };
    const sig = readSignature(nextFile);
    const { nInfo, nCell } = readPreludeSize(nextFile);
    const name = readQstrV5(r, ctx, "code name");
    const sourceFile = readQstrV5(r, ctx, "source file name");
    ram.push(...QSTR_PLACEHOLDER, ...QSTR_PLACEHOLDER);
    if (nInfo < 4) throw new MpyFormatError(`corrupt .mpy file: source-info size ${nInfo} too small in ${name}`);
    const lineInfo = r.bytes(nInfo - 4, `line table of ${name}`).slice();
    const cells = Array.from(r.bytes(nCell, `closure cells of ${name}`));
    ram.push(...lineInfo, ...cells);
    nArgs = sig.nPosArgs + sig.nKwonlyArgs;
    rc.prelude = makePrelude(sig, nInfo, nCell, name, [], lineInfo, decodeLines(lineInfo, true), cells, sourceFile);
    rc.codeOffset = ram.length;
    if (rc.codeOffset > dataLength) throw new MpyFormatError(`corrupt .mpy file: prelude of ${name} is longer than its code`);
    rc.instructions = decodeBytecodeV5(r, ctx, rc, ram);
    rc.data = ram.toBytes();
  } else {
    rc.data = r.bytes(dataLength, `body of code at offset ${fileOffset}`).slice();
    if (kind === "native" || kind === "viper") {
      const n = r.uint("qstr link count");
      rc.qstrLinks = [];
      for (let i = 0; i < n; i++) {
        const off = r.uint("qstr link");
        rc.qstrLinks.push({ off, qstr: readQstrV5(r, ctx, "qstr link") });
      }
    }
    if (kind === "native") {
      rc.preludeOffset = r.uint("native prelude offset");
      let p = rc.preludeOffset;
      const next = (): number => {
        if (p >= rc.data.length) throw new MpyFormatError(`corrupt .mpy file: native prelude runs past the code at ${fileOffset}`);
        return rc.data[p++]!;
      };
      const sig = readSignature(next);
      const { nInfo, nCell } = readPreludeSize(next);
      const name = readQstrV5(r, ctx, "code name");
      const sourceFile = readQstrV5(r, ctx, "source file name");
      nArgs = sig.nPosArgs + sig.nKwonlyArgs;
      rc.prelude = makePrelude(sig, nInfo, nCell, name, [], new Uint8Array(0), [], [], sourceFile);
    } else {
      rc.scopeFlags = r.uint("scope flags");
      if (kind === "asm") {
        rc.asmNPosArgs = r.uint("asm argument count");
        rc.asmTypeSig = r.uint("asm type signature");
      }
    }
  }

  if (kind !== "asm") {
    const nObj = r.uint("constant count");
    const nRawCode = r.uint("child count");
    const argNames: string[] = [];
    for (let i = 0; i < nArgs; i++) argNames.push(readQstrV5(r, ctx, "argument name"));
    if (rc.prelude) rc.prelude.argNames = argNames;
    if (kind !== "bytecode") {
      const flags = rc.scopeFlags ?? 0;
      if (flags & SCOPE_FLAG.VIPERRODATA) rc.rodata = r.bytes(r.uint("rodata size"), "rodata").slice();
      if (flags & SCOPE_FLAG.VIPERBSS) rc.bssSize = r.uint("bss size");
    }
    rc.constants = [];
    for (let i = 0; i < nObj; i++) rc.constants.push(readObjV5(r, `constant ${i}`));
    for (let i = 0; i < nRawCode; i++) rc.children.push(readRawCodeV5(r, ctx, depth + 1));
    if (kind === "viper" && (rc.scopeFlags ?? 0) & SCOPE_FLAG.VIPERRELOC) rc.relocations = readRelocations(r);
    resolveConstTableV5(rc, nArgs);
  }
  rc.endOffset = r.pos;
  checkChildRefs(rc);
  return rc;
}

/** v5 instructions index one table: argument names, then objects, then children. */
function resolveConstTableV5(rc: RawCode, nArgs: number): void {
  const nObj = rc.constants!.length;
  for (const ins of rc.instructions ?? []) {
    if (ins.opcode === Op.LOAD_CONST_OBJ) {
      const i = ins.arg! - nArgs;
      const c = rc.constants![i];
      if (i < 0 || !c) throw new MpyFormatError(`corrupt .mpy file: LOAD_CONST_OBJ ${ins.arg} is not an object in ${rc.prelude?.name}`);
      ins.constIndex = i;
      ins.constValue = c;
    } else if (isMakeFunction(ins.opcode)) {
      const i = ins.arg! - nArgs - nObj;
      if (i < 0) throw new MpyFormatError(`corrupt .mpy file: ${ins.name} ${ins.arg} is not a child in ${rc.prelude?.name}`);
      ins.child = i;
    }
  }
}

function decodeBytecodeV5(r: Cursor, ctx: V5Context, rc: RawCode, ram: RamImage): Instruction[] {
  const out: Instruction[] = [];
  const lineCursor = new LineCursor(rc.prelude!.lines);
  const name = rc.prelude!.name;
  const codeStart = rc.codeOffset!;
  while (ram.length < rc.dataLength) {
    const fileStart = r.pos;
    const start = ram.length;
    const what = `bytecode of ${name}`;
    const op = r.byte(what);
    ram.push(op);
    if (!isValidOpcode(op)) throw new MpyFormatError(`corrupt .mpy file: invalid opcode 0x${hex2(op)} in ${what} at offset ${fileStart}`);
    const format = opcodeFormat(op);
    const ins: Instruction = {
      offset: start - codeStart, size: 0, bytes: r.buf, opcode: op, name: OPCODE_NAMES[op]!, format, line: 0,
    };
    if (format === OpFormat.Qstr) {
      ins.qstr = readQstrV5(r, ctx, what);
      ram.push(0, 0);
    } else if (format === OpFormat.VarUint) {
      let b = r.byte(what);
      ram.push(b);
      let v = b & 0x7f;
      if (op === Op.LOAD_CONST_SMALL_INT && b & 0x40) v -= 0x80;
      while (b & 0x80) {
        b = r.byte(what);
        ram.push(b);
        v = v * 128 + (b & 0x7f);
      }
      ins.arg = v;
    } else if (format === OpFormat.Offset) {
      const lo = r.byte(what);
      const hi = r.byte(what);
      ram.push(lo, hi);
      let v = lo | (hi << 8);
      // v5 stored the conditional-or-pop jumps signed too (v6 made them unsigned forward jumps).
      if (jumpIsSigned(op) || op === Op.JUMP_IF_TRUE_OR_POP || op === Op.JUMP_IF_FALSE_OR_POP) v -= 0x8000;
      ins.arg = v;
      ins.target = ram.length - codeStart + v;
    }
    if (hasExtraByte(op)) {
      ins.extra = r.byte(what);
      ram.push(ins.extra);
    }
    ins.size = ram.length - start;
    ins.bytes = r.buf.subarray(fileStart, r.pos);
    ins.line = lineCursor.at(ins.offset);
    out.push(ins);
  }
  if (ram.length !== rc.dataLength) {
    throw new MpyFormatError(`corrupt .mpy file: last instruction of ${name} overruns its code length (${ram.length} > ${rc.dataLength})`);
  }
  return out;
}
