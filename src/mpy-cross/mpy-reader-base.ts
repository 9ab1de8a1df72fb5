// The pieces every .mpy reader shares (mpy-reader.ts: 6.x and 5; mpy-reader-legacy.ts: 4, 3 and 2):
// the typed result, a bounds-checked byte cursor, the prelude and line-table decoders, the tagged
// constants and inline qstrs of .mpy 2-5, and one instruction decoder driven by a BytecodeDialect.
import { TspyError } from "../errors.js";
import { OpFormat } from "./opcodes.js";
import type { BytecodeDialect } from "./mpy-dialects.js";
import { decodeUtf8 } from "./utf8.js";

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
  /** Sub-version (v6.x only; 0 before). Only binding when the file holds native code. */
  subVersion: number;
  featureByte: number;
  /** Native architecture number (0 = none, i.e. bytecode only). */
  arch: number;
  archName: string;
  /** The architecture-specific flags vuint (v6.3, header bit 6), when present. */
  archFlags?: number;
  smallIntBits: number;
  /** .mpy 2-5 feature flags: bit 0 map lookups cached in the bytecode (a byte after some qstrs), bit 1 unicode str. */
  featureFlags?: number;
  /** .mpy 4 and 5: size of the inline-qstr window. */
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
export const CODE_KINDS: readonly CodeKind[] = ["bytecode", "native", "viper", "asm"];

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
  /** Bytes in the source-info section (name, v6 arg names, line table; before v6 also the source file). */
  nInfo: number;
  nCell: number;
  name: string;
  argNames: string[];
  /** Before v6 every raw code names its source file. */
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
  /** The bytes as stored in the file (inline qstr arguments differ from their RAM form). */
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
  /** LOAD_CONST_OBJ: index into the file's (v6) or this code's (before v6) object list, and the object. */
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
  /** The body as stored in the file (v6) or as rebuilt in RAM (.mpy 4/5 bytecode: inline qstrs become 2-byte numbers). */
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
  /** .mpy 4/5 native: qstrs patched into the machine code (offset and kind in `off`). */
  qstrLinks?: { off: number; qstr: string }[];
  /** Before v6: this code's own constant objects (v6 uses the file-wide table). */
  constants?: MpyConst[];
  children: RawCode[];
  /** File offset just past this code and all its children. */
  endOffset: number;
}

export interface MpyFile {
  header: MpyHeader;
  /** Whose bytecode the opcodes were read as (Pycopy's .mpy 5 is told from MicroPython's by its static qstrs). */
  dialect: BytecodeDialect;
  /** v6: the file-wide qstr table (entry 0 is the source file name). Before: every qstr spelled in the file, in order. */
  qstrs: MpyQstr[];
  /** v6: the file-wide constant object table. Before: empty (see RawCode.constants). */
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
  /** Read a .mpy 5 as this firmware's bytecode instead of telling it from the file (`--dump --mpy-version pycopy`). */
  firmware?: "micropython" | "pycopy";
}

// ---------------------------------------------------------------------------------------------
// Byte cursor with bounds checks that name what was being read.

export class Cursor {
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

/** The .mpy variable-length unsigned int from a byte source other than the file (a prelude in a body). */
export function readUint(next: () => number, what: string): number {
  let v = 0;
  for (let i = 0; ; i++) {
    const b = next();
    v = v * 128 + (b & 0x7f);
    if (!(b & 0x80)) return v;
    if (i > 8) throw new MpyFormatError(`corrupt .mpy file: overlong number in ${what}`);
  }
}

/**
 * Names and strings as the compiler holds them: UTF-8, with any byte that is not (upstream compiles
 * Latin-1 sources byte for byte) as a raw byte character, so nothing in a valid file is refused.
 */
export function utf8(b: Uint8Array, _what: string): string {
  return decodeUtf8(b);
}

export function hex2(n: number): string {
  return n.toString(16).padStart(2, "0");
}

export function staticQstr(n: number, at: number, table: readonly string[]): string {
  const s = table[n];
  if (n === 0 || s === undefined) throw new MpyFormatError(`corrupt .mpy file: unknown static qstr ${n} at offset ${at}`);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces: prelude signature, line table, instruction decoding.

export type Signature = Pick<Prelude, "nState" | "nExcStack" | "scopeFlags" | "nPosArgs" | "nKwonlyArgs" | "nDefPosArgs">;

/** The prelude's packed signature: xSSSSEAA then xFSSKAED bytes, low bits first. */
export function readSignature(next: () => number): Signature {
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
export function readPreludeSize(next: () => number): { nInfo: number; nCell: number } {
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
 * by B and the line by L: one byte 0LLBBBBB, or two bytes 1LLLBBBB LLLLLLLL. Before v6 it ends with a 0.
 */
export function decodeLines(info: Uint8Array, stopAtZero: boolean): LineEntry[] {
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
export class LineCursor {
  private i = 0;
  private line = 1;
  constructor(private readonly lines: LineEntry[]) {}
  at(offset: number): number {
    while (this.i < this.lines.length && this.lines[this.i]!.offset <= offset) this.line = this.lines[this.i++]!.line;
    return this.line;
  }
}

// Built field by field: an object spread here was the reader's hottest line.
export function makePrelude(
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

export function numberConst(kind: "int" | "float" | "complex", data: Uint8Array, what: string): MpyConst {
  const text = utf8(data, what);
  if (kind === "int") {
    if (!/^-?[0-9]+$/.test(text)) throw new MpyFormatError(`corrupt .mpy file: ${what} is not an integer (${JSON.stringify(text)})`);
    return { type: "int", value: BigInt(text) };
  }
  return { type: kind, text };
}

export function readRelocations(r: Cursor): number {
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

/** Children are read after the bytecode, so MAKE_FUNCTION indices can only be checked afterwards. */
export function checkChildRefs(rc: RawCode): void {
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

/** Most-recently-used list of qstrs spelled earlier in the file; index 0 is the most recent. */
export class QstrWindow {
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

/** A constant of .mpy 2-5: a type letter, then (except for the ellipsis) a length and the text or bytes. */
export function readTaggedObj(r: Cursor, what: string): MpyConst {
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

/** Builds the RAM image of a body whose qstrs are spelled inline (.mpy 4 and 5) as the loader does, so offsets and sizes match upstream's. */
export class RamImage {
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

/** The qstrs of a file that spells them inline (.mpy 4 and 5): the window of recent ones and the firmware's numbered ones. */
export interface InlineQstrs {
  window: QstrWindow;
  /** Every qstr spelled out in the file, in order. */
  qstrs: MpyQstr[];
  staticQstrs: readonly string[];
}

/** An inline qstr: 0 then a static number byte; odd = window index << 1 | 1; even = length << 1 then the text. */
export function readInlineQstr(r: Cursor, ctx: InlineQstrs, what: string): string {
  const at = r.pos;
  const len = r.uint(what);
  if (len === 0) return staticQstr(r.byte(what), at, ctx.staticQstrs);
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

const MAKE_FUNCTION_NAMES: ReadonlySet<string> = new Set(["MAKE_FUNCTION", "MAKE_FUNCTION_DEFARGS", "MAKE_CLOSURE", "MAKE_CLOSURE_DEFARGS"]);

export function isMakeFunction(ins: Instruction): boolean {
  return MAKE_FUNCTION_NAMES.has(ins.name);
}

/** Before .mpy 6 each code's instructions index one table: argument names, then objects, then children. */
export function resolveConstTable(rc: RawCode, nArgs: number): void {
  const nObj = rc.constants!.length;
  for (const ins of rc.instructions ?? []) {
    if (ins.name === "LOAD_CONST_OBJ") {
      const i = ins.arg! - nArgs;
      const c = rc.constants![i];
      if (i < 0 || !c) throw new MpyFormatError(`corrupt .mpy file: LOAD_CONST_OBJ ${ins.arg} is not an object in ${rc.prelude?.name}`);
      ins.constIndex = i;
      ins.constValue = c;
    } else if (isMakeFunction(ins)) {
      const i = ins.arg! - nArgs - nObj;
      if (i < 0) throw new MpyFormatError(`corrupt .mpy file: ${ins.name} ${ins.arg} is not a child in ${rc.prelude?.name}`);
      ins.child = i;
    }
  }
}

/** Where the instruction decoder takes its bytes from: the file itself, or a RAM image built while reading. */
export interface InstructionSource {
  /** The next byte of the instruction, as the loader has it in RAM. */
  byte(): number;
  /** A qstr argument in the container's form: its text when the container gives it here, and the stored number. */
  qstr(): { text?: string; arg?: number };
  /** The RAM offset from the first opcode (the unit of jumps and line tables). */
  offset(): number;
  /** The file and the position reached in it, for each instruction's bytes as stored. */
  readonly file: Uint8Array;
  filePos(): number;
}

/** Jump offsets: 1 or 2 bytes biased by 0x40/0x4000 (.mpy 6), or always 2 bytes biased by 0x8000 (before). */
export type JumpForm = "v6" | "fixed16";

export function decodeInstruction(
  src: InstructionSource, dialect: BytecodeDialect, cachedLookups: boolean, jumps: JumpForm, where: () => string,
): Instruction {
  const start = src.offset();
  const fileStart = src.filePos();
  const op = src.byte();
  const d = dialect.ops[op];
  if (!d) throw new MpyFormatError(`corrupt .mpy file: invalid opcode 0x${hex2(op)} in ${where()}`);
  const ins: Instruction = { offset: start, size: 0, bytes: src.file, opcode: op, name: d.name, format: d.format, line: 0 };
  if (d.format === OpFormat.Qstr) {
    const q = src.qstr();
    if (q.arg !== undefined) ins.arg = q.arg;
    if (q.text !== undefined) ins.qstr = q.text;
    if (cachedLookups && d.cachedLookup) src.byte();
  } else if (d.format === OpFormat.VarUint) {
    let b = src.byte();
    let v = b & 0x7f;
    if (b & 0x40 && d.name === "LOAD_CONST_SMALL_INT") v -= 0x80;
    while (b & 0x80) {
      b = src.byte();
      v = v * 128 + (b & 0x7f);
    }
    ins.arg = v;
  } else if (d.format === OpFormat.Offset) {
    let v: number;
    if (jumps === "v6") {
      const b = src.byte();
      v = b & 0x80 ? (b & 0x7f) | (src.byte() << 7) : b;
      if (d.signedJump) v -= b & 0x80 ? 0x4000 : 0x40;
    } else {
      v = src.byte();
      v |= src.byte() << 8;
      if (d.signedJump) v -= 0x8000;
    }
    ins.arg = v;
    ins.target = src.offset() + v;
  }
  if (d.extraByte) ins.extra = src.byte();
  ins.size = src.offset() - start;
  ins.bytes = src.file.subarray(fileStart, src.filePos());
  return ins;
}

/** Decodes a body held whole in memory (.mpy 6, 3, 2, 0), from its first opcode to its end, with each instruction's line. */
export function decodeBody(
  rc: RawCode, dialect: BytecodeDialect, cachedLookups: boolean, jumps: JumpForm,
  qstrArg: (next: () => number, where: () => string) => { text: string; arg: number },
): Instruction[] {
  const bc = rc.data;
  const codeOffset = rc.codeOffset!;
  const lineCursor = new LineCursor(rc.prelude!.lines);
  let p = codeOffset;
  const where = (): string => `bytecode of ${rc.prelude!.name} at file offset ${rc.dataOffset + p}`;
  const next = (): number => {
    if (p >= bc.length) throw new MpyFormatError(`corrupt .mpy file: instruction runs past the end of the ${where()}`);
    return bc[p++]!;
  };
  const src: InstructionSource = {
    file: bc, byte: next, qstr: () => qstrArg(next, where), offset: () => p - codeOffset, filePos: () => p,
  };
  const out: Instruction[] = [];
  while (p < bc.length) {
    const ins = decodeInstruction(src, dialect, cachedLookups, jumps, where);
    ins.line = lineCursor.at(ins.offset);
    out.push(ins);
  }
  return out;
}
