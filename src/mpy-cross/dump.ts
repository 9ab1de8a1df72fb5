// Human-readable listing of a .mpy file (`tspy mpy-cross --dump`): header, qstr and constant tables,
// then every code object with its prelude and disassembled bytecode. Also the tool the compiler tests
// use to show where our output first departs from upstream's.
import { readFile } from "node:fs/promises";
import { OpFormat } from "./opcodes.js";
import { rawByteOf } from "./utf8.js";
import { readMpy, MpyFormatError, type MpyConst, type MpyFile, type RawCode, type Instruction, type ReadOptions } from "./mpy-reader.js";
import type { BytecodeDialect } from "./mpy-dialects.js";

export interface DumpOptions {
  /** Show each instruction's bytes in hex (default true). */
  hex?: boolean;
  /** Show file offsets of code objects (default true; the diff view turns them off to compare content). */
  offsets?: boolean;
  /** Whose bytecode a .mpy 5 holds, when not told from the file (`--mpy-version pycopy`). */
  firmware?: ReadOptions["firmware"];
}

/** Parses and renders a .mpy image. Throws MpyFormatError on malformed input. */
export function dumpMpy(bytes: Uint8Array, options: DumpOptions = {}): string {
  return renderMpy(readMpy(bytes, { allowTrailing: true, firmware: options.firmware }), options);
}

export function renderMpy(file: MpyFile, options: DumpOptions = {}): string {
  const opt = { hex: options.hex ?? true, offsets: options.offsets ?? true };
  const out: string[] = [];
  const h = file.header;
  // The sub-version is only written when the file holds native code; bytecode-only 6.x files all say 6.
  const version = h.version === 6 && (h.arch !== 0 || h.subVersion !== 0) ? `6.${h.subVersion}` : String(h.version);
  let head = `mpy ${h.magic === "C" ? "(CircuitPython header) " : ""}version ${version}, arch ${h.archName}, small int bits ${h.smallIntBits}`;
  if (h.archFlags !== undefined) head += `, arch flags 0x${h.archFlags.toString(16)}`;
  if (h.featureFlags !== undefined) head += `, flags 0x${h.featureFlags.toString(16)}`;
  if (h.qstrWindowSize !== undefined) head += `, qstr window ${h.qstrWindowSize}`;
  out.push(head);
  out.push(`bytecode: ${file.dialect.label}`);
  out.push(`source file: ${file.sourceFile}`);
  if (file.consumed < file.size) out.push(`warning: ${file.size - file.consumed} trailing bytes after the code`);

  out.push(`qstrs (${file.qstrs.length}):`);
  file.qstrs.forEach((q, i) => {
    out.push(`  ${String(i).padStart(3)} ${q.staticNumber !== undefined ? `static ${q.staticNumber} ` : ""}${pyStr(q.text)}`);
  });
  if (h.version === 6) {
    out.push(`constants (${file.constants.length}):`);
    file.constants.forEach((c, i) => out.push(`  ${String(i).padStart(3)} ${constType(c)} ${pyRepr(c)}`));
  }
  renderCode(file.root, "", { ...opt, dialect: file.dialect }, out, undefined);
  return out.join("\n") + "\n";
}

interface RenderOptions {
  hex: boolean;
  offsets: boolean;
  dialect: BytecodeDialect;
}

/**
 * Viper and asm code objects carry no name; the parent's MAKE_FUNCTION for them is usually followed
 * by the store that names them, which is the best label the file offers.
 */
function storedName(parent: RawCode | undefined, child: number): string | undefined {
  const ins = parent?.instructions;
  if (!ins) return undefined;
  const k = ins.findIndex((i) => i.child === child);
  const next = k >= 0 ? ins[k + 1] : undefined;
  return next && /^STORE_(NAME|GLOBAL|ATTR|NAME_CONST|GLOBAL_CONST)$/.test(next.name) ? next.qstr : undefined;
}

function renderCode(rc: RawCode, indent: string, opt: RenderOptions, out: string[], parent: RawCode | undefined): void {
  const p = rc.prelude;
  const where = opt.offsets ? ` at file offset ${rc.fileOffset}` : "";
  const nChildren = rc.children.length ? `, ${rc.children.length} children` : "";
  let name = p?.name;
  if (name === undefined) {
    const stored = parent ? storedName(parent, parent.children.indexOf(rc)) : undefined;
    name = stored ? `(no prelude; stored as ${stored})` : "(no prelude)";
  }
  out.push(`${indent}code ${name} (${rc.kind}, ${rc.dataLength} bytes${nChildren})${where}`);
  const i2 = indent + "  ";
  if (p) {
    out.push(
      `${i2}prelude: n_state=${p.nState} n_exc_stack=${p.nExcStack} scope_flags=0x${p.scopeFlags.toString(16)}${scopeFlagNames(p.scopeFlags, opt.dialect)}` +
        ` n_pos_args=${p.nPosArgs} n_kwonly_args=${p.nKwonlyArgs} n_def_pos_args=${p.nDefPosArgs}`,
    );
    out.push(`${i2}args: [${p.argNames.join(", ")}]${p.cells.length ? `  cells: [${p.cells.join(", ")}]` : ""}`);
    if (p.sourceFile !== undefined && opt.offsets) out.push(`${i2}source file: ${p.sourceFile}`);
    if (rc.kind === "bytecode") {
      out.push(`${i2}lines: ${p.lines.map((e) => `${e.offset}:${e.line}`).join(" ") || "(none)"}  [${hexBytes(p.lineInfo)}]`);
    }
  }
  if (rc.kind !== "bytecode") {
    const bits: string[] = [];
    if (rc.preludeOffset !== undefined) bits.push(`prelude at ${rc.preludeOffset}`);
    if (rc.scopeFlags !== undefined) bits.push(`scope_flags=0x${rc.scopeFlags.toString(16)}`);
    if (rc.asmNPosArgs !== undefined) bits.push(`n_pos_args=${rc.asmNPosArgs} type_sig=0x${rc.asmTypeSig!.toString(16)}`);
    if (rc.rodata) bits.push(`rodata ${rc.rodata.length} bytes`);
    if (rc.bssSize !== undefined) bits.push(`bss ${rc.bssSize} bytes`);
    if (rc.relocations !== undefined) bits.push(`${rc.relocations} relocations`);
    if (rc.qstrLinks?.length) bits.push(`qstr links: ${rc.qstrLinks.map((l) => `${l.off >> 2}:${l.qstr}`).join(" ")}`);
    out.push(`${i2}machine code${bits.length ? ` (${bits.join(", ")})` : ""}`);
    if (opt.hex) {
      for (let k = 0; k < rc.data.length; k += 16) {
        out.push(`${i2}  ${String(k).padStart(5)}  ${hexBytes(rc.data.subarray(k, k + 16))}`);
      }
    }
  }
  if (rc.constants) {
    out.push(`${i2}constants (${rc.constants.length}):`);
    rc.constants.forEach((c, i) => out.push(`${i2}  ${String(i).padStart(3)} ${constType(c)} ${pyRepr(c)}`));
  }
  if (rc.instructions) {
    const targets = new Set(rc.instructions.filter((i) => i.target !== undefined).map((i) => i.target!));
    let lastLine = -1;
    for (const ins of rc.instructions) {
      const mark = targets.has(ins.offset) ? ">>" : "  ";
      const line = ins.line !== lastLine ? String(ins.line) : "";
      lastLine = ins.line;
      const hex = opt.hex ? ` ${hexBytes(ins.bytes).padEnd(14)}` : "";
      const arg = describeArg(ins, rc);
      out.push(`${i2}${line.padStart(5)} ${mark}${String(ins.offset).padStart(5)}${hex} ${ins.name}${arg ? " " + arg : ""}`);
    }
  }
  for (const child of rc.children) renderCode(child, i2, opt, out, rc);
}

function describeArg(ins: Instruction, rc: RawCode): string {
  const op = ins.name;
  // A string constant shown quoted; names (attributes, globals, modules) shown bare.
  if (op === "LOAD_CONST_STRING") return pyStr(ins.qstr ?? "");
  if (ins.format === OpFormat.Qstr) return ins.qstr ?? "";
  if (ins.target !== undefined) {
    const extra = ins.extra !== undefined ? ` unwind=${ins.extra & 0x7f}${ins.extra & 0x80 ? "+pop" : ""}` : "";
    return `-> ${ins.target}${extra}`;
  }
  if (op === "LOAD_CONST_OBJ" && ins.constValue) return `#${ins.constIndex} ${pyRepr(ins.constValue)}`;
  if (ins.child !== undefined) {
    const name = rc.children[ins.child]?.prelude?.name ?? "?";
    const closed = ins.extra !== undefined ? ` n_closed=${ins.extra}` : "";
    return `#${ins.child} ${name}${closed}`;
  }
  if (op.startsWith("CALL_")) {
    return `n=${ins.arg! & 0xff} nkw=${(ins.arg! >> 8) & 0xff}`;
  }
  if (op === "RAISE_VARARGS") return `n=${ins.extra}`;
  if (op === "UNPACK_EX") return `before=${ins.arg! & 0xff} after=${ins.arg! >> 8}`;
  if (ins.arg !== undefined) return String(ins.arg);
  return "";
}

function scopeFlagNames(f: number, dialect: BytecodeDialect): string {
  const names = dialect.scopeFlags.filter(([bit]) => f & bit).map(([, name]) => name);
  return names.length ? `(${names.join(",")})` : "";
}

function hexBytes(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join(" ");
}

function constType(c: MpyConst): string {
  return c.type.padEnd(7);
}

/** Python's repr of a constant, close enough to read and to compare. */
export function pyRepr(c: MpyConst): string {
  switch (c.type) {
    case "str":
      return pyStr(c.value);
    case "bytes":
      return pyBytes(c.value);
    case "int":
      return c.value.toString();
    case "float":
    case "complex":
      return c.text;
    case "tuple":
      return c.items.length === 1 ? `(${pyRepr(c.items[0]!)},)` : `(${c.items.map(pyRepr).join(", ")})`;
    case "none":
      return "None";
    case "false":
      return "False";
    case "true":
      return "True";
    case "ellipsis":
      return "Ellipsis";
    case "funtable":
      return "<mp_fun_table>";
  }
}

function pyStr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let body = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === q || ch === "\\") body += "\\" + ch;
    else if (ch === "\n") body += "\\n";
    else if (ch === "\r") body += "\\r";
    else if (ch === "\t") body += "\\t";
    else if (cp < 0x20 || cp === 0x7f) body += "\\x" + cp.toString(16).padStart(2, "0");
    else if (rawByteOf(cp) !== undefined) body += "\\x" + rawByteOf(cp)!.toString(16).padStart(2, "0"); // a byte that is not UTF-8
    else body += ch;
  }
  return q + body + q;
}

function pyBytes(b: Uint8Array): string {
  const q = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let body = "";
  for (const x of b) {
    if (x === q.charCodeAt(0) || x === 0x5c) body += "\\" + String.fromCharCode(x);
    else if (x === 0x0a) body += "\\n";
    else if (x === 0x0d) body += "\\r";
    else if (x === 0x09) body += "\\t";
    else if (x < 0x20 || x >= 0x7f) body += "\\x" + x.toString(16).padStart(2, "0");
    else body += String.fromCharCode(x);
  }
  return "b" + q + body + q;
}

/**
 * The first lines where two .mpy images' dumps differ, with a little context: what the compiler
 * tests print on a byte mismatch. Offsets are left out so a length change early on does not make
 * every later line differ.
 */
export function diffDumps(got: Uint8Array, want: Uint8Array, context = 3, maxLines = 12): string {
  const render = (b: Uint8Array, who: string): string[] => {
    try {
      return dumpMpy(b, { offsets: false }).split("\n");
    } catch (e) {
      return [`(${who} does not parse: ${(e as Error).message})`];
    }
  };
  const a = render(got, "ours");
  const b = render(want, "upstream");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) {
    return "dumps are identical (the difference is in bytes the dump does not show)";
  }
  let byte = 0;
  while (byte < got.length && byte < want.length && got[byte] === want[byte]) byte++;
  const lines: string[] = [`first differing byte at offset ${byte}; first difference at dump line ${i + 1}:`];
  for (let k = Math.max(0, i - context); k < i; k++) lines.push(`    ${b[k]}`);
  for (let k = i; k < Math.min(b.length, i + maxLines); k++) lines.push(`  - ${b[k]}`);
  for (let k = i; k < Math.min(a.length, i + maxLines); k++) lines.push(`  + ${a[k]}`);
  lines.push("(- upstream, + ours)");
  return lines.join("\n");
}

export interface TextSink {
  write(chunk: string): unknown;
}

/**
 * `tspy mpy-cross --dump FILE.mpy ...`: writes each file's dump to `out`; a file that cannot be read
 * or parsed gets one line on `err` and the others are still dumped. Returns the exit status.
 */
export async function runDump(files: string[], out: TextSink, err: TextSink = process.stderr, options: DumpOptions = {}): Promise<number> {
  let status = 0;
  for (const [i, file] of files.entries()) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      err.write(`${file}: cannot read${code ? ` (${code})` : ""}\n`);
      status = 1;
      continue;
    }
    try {
      const text = dumpMpy(bytes, options);
      if (files.length > 1) out.write(`${i ? "\n" : ""}==> ${file} <==\n`);
      out.write(text);
    } catch (e) {
      if (!(e instanceof MpyFormatError)) throw e;
      err.write(`${file}: ${e.message}\n`);
      status = 1;
    }
  }
  return status;
}
