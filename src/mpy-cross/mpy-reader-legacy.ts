// The .mpy containers of MicroPython 1.8-1.10 (.mpy 0, 2 and 3; CircuitPython 2-6 write them too), and
// the plain prelude those releases and 1.11 (.mpy 4, read in mpy-reader.ts) put before the opcodes.
//
// Each function is stored as its whole body exactly as it sits in RAM, every qstr in it (the prelude's
// name and source file, each qstr argument) holding the number the writing mpy-cross had for it; then
// come the texts of the name, the source file and of each qstr argument in order, the argument names,
// the constants and the children. The loader overwrites the numbers with its own, so the reader only
// needs the texts. .mpy 0, 2 and 3 share this layout; they differ in the opcode numbering (mpy-dialects.ts).
import { DIALECT_V0, DIALECT_V2, DIALECT_V3, type BytecodeDialect } from "./mpy-dialects.js";
import { OpFormat } from "./opcodes.js";
import {
  Cursor, MpyFormatError, NATIVE_ARCH_NAMES, checkChildRefs, decodeBody, decodeLines, makePrelude,
  readTaggedObj, readUint, resolveConstTable, utf8,
  type Instruction, type MpyFile, type MpyHeader, type MpyQstr, type Prelude, type RawCode,
} from "./mpy-reader-base.js";

/**
 * The plain prelude at `start`: uint n_state, uint n_exc_stack, bytes scope_flags, n_pos_args,
 * n_kwonly_args, n_def_pos_args; the code info (uint size counted from itself, 2-byte name and source
 * file numbers, the line table ended by 0, padding); the closure cells ended by 255. The name is left
 * empty: the file gives its text elsewhere.
 */
export function parsePlainPrelude(data: Uint8Array, start: number, what: string): { prelude: Prelude; codeOffset: number } {
  let p = start;
  const next = (): number => {
    if (p >= data.length) throw new MpyFormatError(`corrupt .mpy file: ${what} runs past the code`);
    return data[p++]!;
  };
  const uint = (): number => readUint(next, what);
  const nState = uint();
  const nExcStack = uint();
  const sig = { nState, nExcStack, scopeFlags: next(), nPosArgs: next(), nKwonlyArgs: next(), nDefPosArgs: next() };
  const infoStart = p;
  const nInfo = uint();
  const lineStart = p + 4;
  const infoEnd = infoStart + nInfo;
  if (lineStart > infoEnd || infoEnd > data.length) throw new MpyFormatError(`corrupt .mpy file: code info of ${what} does not fit the code`);
  const lineInfo = data.subarray(lineStart, infoEnd);
  p = infoEnd;
  const cells: number[] = [];
  for (let c = next(); c !== 255; c = next()) cells.push(c);
  const prelude = makePrelude(sig, nInfo, cells.length, "", [], lineInfo, decodeLines(lineInfo, true), cells);
  return { prelude, codeOffset: p };
}

const DIALECTS: Record<0 | 2 | 3, BytecodeDialect> = { 0: DIALECT_V0, 2: DIALECT_V2, 3: DIALECT_V3 };

export function readV3(r: Cursor, magic: number, version: 0 | 2 | 3): MpyFile {
  const featureByte = r.byte("header");
  const smallIntBits = r.byte("header");
  const header: MpyHeader = {
    magic: String.fromCharCode(magic), version, subVersion: 0, featureByte, arch: 0, archName: NATIVE_ARCH_NAMES[0], smallIntBits,
    featureFlags: featureByte & 3,
  };
  if (featureByte & ~3) throw new MpyFormatError(`corrupt .mpy file: unknown feature flags 0x${featureByte.toString(16)} in a .mpy ${version} header`);
  const dialect = DIALECTS[version];
  const ctx: V3Context = { dialect, cachedLookups: (featureByte & 1) !== 0, qstrs: [] };
  const root = readRawCodeV3(r, ctx, 0);
  return { header, dialect, qstrs: ctx.qstrs, constants: [], root, sourceFile: root.prelude!.sourceFile ?? "", consumed: 0, size: r.buf.length };
}

interface V3Context {
  dialect: BytecodeDialect;
  cachedLookups: boolean;
  qstrs: MpyQstr[];
}

function readText(r: Cursor, ctx: V3Context, what: string): string {
  const at = r.pos;
  const text = utf8(r.bytes(r.uint(what), what), what);
  ctx.qstrs.push({ text, fileOffset: at });
  return text;
}

function readRawCodeV3(r: Cursor, ctx: V3Context, depth: number): RawCode {
  if (depth > 200) throw new MpyFormatError("corrupt .mpy file: code nested too deep");
  const fileOffset = r.pos;
  const dataLength = r.uint("code header");
  const dataOffset = r.pos;
  const data = r.bytes(dataLength, `body of code at offset ${fileOffset}`).slice();
  const rc: RawCode = { kind: "bytecode", fileOffset, dataOffset, dataLength, data, children: [], endOffset: 0 };
  const { prelude, codeOffset } = parsePlainPrelude(data, 0, `prelude of code at offset ${fileOffset}`);
  rc.prelude = prelude;
  rc.codeOffset = codeOffset;
  prelude.name = readText(r, ctx, "code name");
  prelude.sourceFile = readText(r, ctx, "source file name");
  rc.instructions = decodeBytecodeV3(rc, ctx);
  // the texts of the qstr arguments, in the order the arguments appear
  for (const ins of rc.instructions) if (ins.format === OpFormat.Qstr) ins.qstr = readText(r, ctx, `qstr of ${ins.name}`);

  const nArgs = prelude.nPosArgs + prelude.nKwonlyArgs;
  const nObj = r.uint("constant count");
  const nRawCode = r.uint("child count");
  for (let i = 0; i < nArgs; i++) prelude.argNames.push(readText(r, ctx, "argument name"));
  rc.constants = [];
  for (let i = 0; i < nObj; i++) rc.constants.push(readTaggedObj(r, `constant ${i}`));
  for (let i = 0; i < nRawCode; i++) rc.children.push(readRawCodeV3(r, ctx, depth + 1));
  resolveConstTable(rc, nArgs);
  rc.endOffset = r.pos;
  checkChildRefs(rc);
  return rc;
}

function decodeBytecodeV3(rc: RawCode, ctx: V3Context): Instruction[] {
  // a qstr argument is the writer's own number; its text follows the code (empty until then)
  return decodeBody(rc, ctx.dialect, ctx.cachedLookups, "fixed16", (next) => ({ text: "", arg: next() | (next() << 8) }));
}
