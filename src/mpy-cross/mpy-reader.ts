// Reads a .mpy file (every version tspy writes: 6.x, 5, 4, 3, 2 and 0, bytecode and native) into plain
// typed data, decoding the bytecode into instructions. Used by `tspy mpy-cross --dump` and by the
// tests that compare our compiler's output with upstream's.
//
// The format families differ enough to get their own readers:
//  - v6.x (MicroPython 1.19+): one qstr table and one constant table for the whole file, raw code
//    bodies stored exactly as they sit in RAM (qstrs are indices into the table).
//  - v5 (1.12-1.18) and v4 (1.11): no global tables; qstrs are spelled inline (with a most-recently-used
//    window for repeats), each raw code carries its own constants, and the bytecode is rewritten while
//    loading (an inline qstr becomes 2 bytes in RAM). Jump offsets and line numbers count RAM bytes,
//    so this reader tracks RAM offsets alongside file offsets. v4 has the plain prelude of the older
//    releases, whose name and source file follow the opcodes.
//  - v3, v2 and v0 (1.8-1.10): mpy-reader-legacy.ts.
// Pycopy writes .mpy 5 with its own opcodes and static qstr numbers: a file whose module is not called
// "<module>" when read as MicroPython's is read again as Pycopy's (ReadOptions.firmware overrides).
import { STATIC_QSTRS } from "./static-qstrs.js";
import { DIALECT_PYCOPY, DIALECT_V4, DIALECT_V5, DIALECT_V6, type BytecodeDialect } from "./mpy-dialects.js";
import {
  CODE_KINDS, Cursor, LineCursor, MpyFormatError, NATIVE_ARCH_NAMES, QstrWindow, RamImage, SCOPE_FLAG, checkChildRefs,
  decodeBody, decodeInstruction, decodeLines, hex2, isMakeFunction, makePrelude, numberConst, readInlineQstr, readPreludeSize, readRelocations,
  readSignature, readTaggedObj, readUint, resolveConstTable, staticQstr, utf8,
  type InlineQstrs, type Instruction, type MpyConst, type MpyFile, type MpyHeader, type MpyQstr, type Prelude, type RawCode, type ReadOptions,
} from "./mpy-reader-base.js";
import { parsePlainPrelude, readV3 } from "./mpy-reader-legacy.js";

export {
  MpyFormatError, NATIVE_ARCH_NAMES, SCOPE_FLAG,
  type CodeKind, type Instruction, type LineEntry, type MpyConst, type MpyFile, type MpyHeader, type MpyQstr, type Prelude, type RawCode, type ReadOptions,
} from "./mpy-reader-base.js";

/** Parses a whole .mpy image. Throws MpyFormatError (one line) on anything malformed. */
export function readMpy(input: Uint8Array, options: ReadOptions = {}): MpyFile {
  // A plain view: slicing a Node Buffer goes through its (much slower) subclass constructor.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const read = (dialect?: BytecodeDialect): MpyFile => readWhole(bytes, options, dialect);
  if (bytes[0] !== 0x4d || bytes[1] !== 5 || options.firmware === "micropython") return read();
  if (options.firmware === "pycopy") return read(DIALECT_PYCOPY);
  // MicroPython's and Pycopy's .mpy 5 share a header: the module's name, a static qstr numbered
  // differently by each, says whose the file is.
  let first: MpyFile | MpyFormatError;
  try {
    first = read();
    if (first.root.prelude?.name === "<module>") return first;
  } catch (e) {
    if (!(e instanceof MpyFormatError)) throw e;
    first = e;
  }
  try {
    const pycopy = read(DIALECT_PYCOPY);
    if (pycopy.root.prelude?.name === "<module>") return pycopy;
  } catch (e) {
    if (!(e instanceof MpyFormatError)) throw e;
  }
  if (first instanceof MpyFormatError) throw first;
  return first;
}

function readWhole(bytes: Uint8Array, options: ReadOptions, dialect: BytecodeDialect | undefined): MpyFile {
  const r = new Cursor(bytes);
  const magic = r.byte("header");
  if (magic !== 0x4d && magic !== 0x43) {
    throw new MpyFormatError(`not a .mpy file (first byte 0x${hex2(magic)}, expected 'M')`);
  }
  const version = r.byte("header");
  let file: MpyFile;
  if (version === 6) file = readV6(r, magic);
  else if (version === 5 || version === 4) file = readInlineQstrFile(r, magic, version, dialect ?? (version === 5 ? DIALECT_V5 : DIALECT_V4));
  else if (version === 3 || version === 2 || version === 0) file = readV3(r, magic, version);
  else throw new MpyFormatError(`unsupported .mpy version ${version} (tspy reads versions 0 and 2 to 6)`);
  if (r.pos !== bytes.length && !options.allowTrailing) {
    throw new MpyFormatError(`${bytes.length - r.pos} unexpected bytes after the module's code (at offset ${r.pos})`);
  }
  file.consumed = r.pos;
  return file;
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
      qstrs.push({ text: staticQstr(n, at, STATIC_QSTRS), staticNumber: n, fileOffset: at });
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
  return { header, dialect: DIALECT_V6, qstrs, constants, root, sourceFile: qstrs[0]!.text, consumed: 0, size: r.buf.length };
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

function parsePreludeV6(data: Uint8Array, start: number, ctx: V6Context, at: number): { prelude: Prelude; codeOffset: number } {
  let p = start;
  const what = `prelude of code at offset ${at}`;
  const next = (): number => {
    if (p >= data.length) throw new MpyFormatError(`corrupt .mpy file: ${what} runs past the code`);
    return data[p++]!;
  };
  const uint = (): number => readUint(next, what);
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
  // a qstr argument is an index into the file's table
  rc.instructions = decodeBody(rc, DIALECT_V6, false, "v6", (next, where) => {
    const i = readUint(next, where());
    const q = ctx.qstrs[i];
    if (!q) throw new MpyFormatError(`corrupt .mpy file: qstr index ${i} out of range in ${where()}`);
    return { text: q.text, arg: i };
  });
  for (const ins of rc.instructions) {
    if (ins.name === "LOAD_CONST_OBJ") {
      const c = ctx.constants[ins.arg!];
      if (!c) throw new MpyFormatError(`corrupt .mpy file: constant index ${ins.arg} out of range in bytecode of ${prelude.name} at ${ins.offset}`);
      ins.constIndex = ins.arg;
      ins.constValue = c;
    } else if (isMakeFunction(ins)) {
      ins.child = ins.arg;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// v5 and v4

interface InlineContext extends InlineQstrs {
  dialect: BytecodeDialect;
  /** The header's bit 0: LOAD_NAME and friends carry a cache byte. */
  cachedLookups: boolean;
  /** v4: the plain prelude, its name and source file after the opcodes, no viper data sections. */
  plain: boolean;
}

function readInlineQstrFile(r: Cursor, magic: number, version: 4 | 5, dialect: BytecodeDialect): MpyFile {
  const featureByte = r.byte("header");
  const smallIntBits = r.byte("header");
  const arch = featureByte >> 2;
  const qstrWindowSize = r.uint("qstr window size");
  if (qstrWindowSize > 32) throw new MpyFormatError(`corrupt .mpy file: qstr window size ${qstrWindowSize} (at most 32)`);
  const header: MpyHeader = {
    magic: String.fromCharCode(magic),
    version,
    subVersion: 0,
    featureByte,
    arch,
    archName: NATIVE_ARCH_NAMES[arch] ?? `arch${arch}`,
    smallIntBits,
    featureFlags: featureByte & 3,
    qstrWindowSize,
  };
  const ctx: InlineContext = {
    window: new QstrWindow(qstrWindowSize), qstrs: [], staticQstrs: dialect.staticQstrs ?? STATIC_QSTRS, dialect,
    cachedLookups: (featureByte & 1) !== 0, plain: version === 4,
  };
  const root = readRawCodeInline(r, ctx, 0);
  return { header, dialect, qstrs: ctx.qstrs, constants: [], root, sourceFile: root.prelude?.sourceFile ?? "", consumed: 0, size: r.buf.length };
}

function readRawCodeInline(r: Cursor, ctx: InlineContext, depth: number): RawCode {
  if (depth > 200) throw new MpyFormatError("corrupt .mpy file: code nested too deep");
  const fileOffset = r.pos;
  const kindLen = r.uint("code header");
  const kind = CODE_KINDS[kindLen & 3]!;
  const dataLength = Math.floor(kindLen / 4);
  const dataOffset = r.pos;
  const rc: RawCode = { kind, fileOffset, dataOffset, dataLength, data: new Uint8Array(0), children: [], endOffset: 0 };
  const qstr = (what: string): string => readInlineQstr(r, ctx, what);

  if (kind === "bytecode") {
    const ram = new RamImage();
    if (ctx.plain) readPlainPreludeBytes(r, ram, dataLength, fileOffset);
    else readPackedPrelude(r, ctx, ram, rc);
    if (ctx.plain) {
      const p = parsePlainPrelude(ram.toBytes(), 0, `prelude of code at offset ${fileOffset}`);
      rc.prelude = p.prelude;
      rc.codeOffset = p.codeOffset;
    }
    rc.instructions = decodeBytecodeInline(r, ctx, rc, ram);
    if (ctx.plain) {
      rc.prelude!.name = qstr("code name");
      rc.prelude!.sourceFile = qstr("source file name");
    }
    rc.data = ram.toBytes();
  } else {
    rc.data = r.bytes(dataLength, `body of code at offset ${fileOffset}`).slice();
    if (kind === "native" || kind === "viper") {
      const n = r.uint("qstr link count");
      rc.qstrLinks = [];
      for (let i = 0; i < n; i++) {
        const off = r.uint("qstr link");
        rc.qstrLinks.push({ off, qstr: qstr("qstr link") });
      }
    }
    if (kind === "native") {
      rc.preludeOffset = r.uint("native prelude offset");
      rc.prelude = ctx.plain ? parsePlainPrelude(rc.data, rc.preludeOffset, `native prelude at ${fileOffset}`).prelude : packedNativePrelude(rc, fileOffset);
      rc.prelude.name = qstr("code name");
      rc.prelude.sourceFile = qstr("source file name");
      rc.prelude.lineInfo = new Uint8Array(0);
      rc.prelude.lines = [];
    } else {
      rc.scopeFlags = r.uint("scope flags");
      if (kind === "asm") {
        rc.asmNPosArgs = r.uint("asm argument count");
        rc.asmTypeSig = r.uint("asm type signature");
      }
    }
  }

  if (kind !== "asm") {
    const nArgs = rc.prelude ? rc.prelude.nPosArgs + rc.prelude.nKwonlyArgs : 0;
    const nObj = r.uint("constant count");
    const nRawCode = r.uint("child count");
    const argNames: string[] = [];
    for (let i = 0; i < nArgs; i++) argNames.push(qstr("argument name"));
    if (rc.prelude) rc.prelude.argNames = argNames;
    const viperData = kind !== "bytecode" && !ctx.plain;
    if (viperData) {
      const flags = rc.scopeFlags ?? 0;
      if (flags & SCOPE_FLAG.VIPERRODATA) rc.rodata = r.bytes(r.uint("rodata size"), "rodata").slice();
      if (flags & SCOPE_FLAG.VIPERBSS) rc.bssSize = r.uint("bss size");
    }
    rc.constants = [];
    for (let i = 0; i < nObj; i++) rc.constants.push(readTaggedObj(r, `constant ${i}`));
    for (let i = 0; i < nRawCode; i++) rc.children.push(readRawCodeInline(r, ctx, depth + 1));
    if (viperData && kind === "viper" && (rc.scopeFlags ?? 0) & SCOPE_FLAG.VIPERRELOC) rc.relocations = readRelocations(r);
    resolveConstTable(rc, nArgs);
  }
  rc.endOffset = r.pos;
  checkChildRefs(rc);
  return rc;
}

/** v5: the packed signature, then the name and source file (2 bytes each in RAM), line table and cells. */
function readPackedPrelude(r: Cursor, ctx: InlineContext, ram: RamImage, rc: RawCode): void {
  const nextFile = (): number => {
    const b = r.byte(`bytecode of code at offset ${rc.fileOffset}`);
    ram.push(b);
    return b;
  };
  const sig = readSignature(nextFile);
  const { nInfo, nCell } = readPreludeSize(nextFile);
  const name = readInlineQstr(r, ctx, "code name");
  const sourceFile = readInlineQstr(r, ctx, "source file name");
  // qstr numbers are given out at load time: the RAM image holds placeholders in their 2 bytes each
  ram.push(0, 0, 0, 0);
  if (nInfo < 4) throw new MpyFormatError(`corrupt .mpy file: source-info size ${nInfo} too small in ${name}`);
  const lineInfo = r.bytes(nInfo - 4, `line table of ${name}`).slice();
  const cells = Array.from(r.bytes(nCell, `closure cells of ${name}`));
  ram.push(...lineInfo, ...cells);
  rc.prelude = makePrelude(sig, nInfo, nCell, name, [], lineInfo, decodeLines(lineInfo, true), cells, sourceFile);
  rc.codeOffset = ram.length;
  if (rc.codeOffset > rc.dataLength) throw new MpyFormatError(`corrupt .mpy file: prelude of ${name} is longer than its code`);
}

/** v4: the plain prelude is stored as it sits in RAM: two uints, four bytes, the code info (its size first), cells up to 255. */
function readPlainPreludeBytes(r: Cursor, ram: RamImage, dataLength: number, fileOffset: number): void {
  const what = `prelude of code at offset ${fileOffset}`;
  const next = (): number => {
    if (ram.length >= dataLength) throw new MpyFormatError(`corrupt .mpy file: ${what} is longer than its code`);
    const b = r.byte(what);
    ram.push(b);
    return b;
  };
  const uint = (): number => readUint(next, what);
  uint();
  uint();
  for (let i = 0; i < 4; i++) next();
  const infoStart = ram.length;
  const infoSize = uint();
  while (ram.length < infoStart + infoSize) next();
  while (next() !== 255) { /* closure cells */ }
}

function packedNativePrelude(rc: RawCode, fileOffset: number): Prelude {
  let p = rc.preludeOffset!;
  const next = (): number => {
    if (p >= rc.data.length) throw new MpyFormatError(`corrupt .mpy file: native prelude runs past the code at ${fileOffset}`);
    return rc.data[p++]!;
  };
  const sig = readSignature(next);
  const { nInfo, nCell } = readPreludeSize(next);
  return makePrelude(sig, nInfo, nCell, "", [], new Uint8Array(0), [], []);
}

function decodeBytecodeInline(r: Cursor, ctx: InlineContext, rc: RawCode, ram: RamImage): Instruction[] {
  const out: Instruction[] = [];
  const lineCursor = new LineCursor(rc.prelude!.lines);
  const name = rc.prelude!.name || `the code at offset ${rc.fileOffset}`;
  const codeStart = rc.codeOffset!;
  const what = `bytecode of ${name}`;
  const src = {
    file: r.buf,
    byte: (): number => {
      const b = r.byte(what);
      ram.push(b);
      return b;
    },
    qstr: (): { text: string } => {
      const text = readInlineQstr(r, ctx, what);
      ram.push(0, 0);
      return { text };
    },
    offset: (): number => ram.length - codeStart,
    filePos: (): number => r.pos,
  };
  while (ram.length < rc.dataLength) {
    const at = r.pos;
    const ins = decodeInstruction(src, ctx.dialect, ctx.cachedLookups, "fixed16", () => `${what} at offset ${at}`);
    ins.line = lineCursor.at(ins.offset);
    out.push(ins);
  }
  if (ram.length !== rc.dataLength) {
    throw new MpyFormatError(`corrupt .mpy file: last instruction of ${name} overruns its code length (${ram.length} > ${rc.dataLength})`);
  }
  return out;
}
