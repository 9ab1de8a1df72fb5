// The .mpy v5 container (MicroPython 1.12-1.18): a header with the qstr window size, then the raw
// codes, each with its qstrs spelled inline (or as a back-reference into a 32-entry most-recently-
// used window) and its own table of argument names, constant objects and child raw codes.
import type { RawCode, RawCodeV5 } from "./raw-code.js";
import type { ConstObj } from "./constants.js";
import { staticQstrNumber, STATIC_QSTRS } from "./static-qstrs.js";
import type { NumberReprs } from "./mpy-writer.js";
import { ByteBuffer } from "./byte-buffer.js";
import { legacyScopeFlags } from "./scope.js";

export const WINDOW_SIZE = 32;

/** Upstream's qstr window: a ring of recently written qstrs, moved to the head on each use. */
class QstrWindow {
  private idx = 0;
  private readonly window: (string | null)[] = new Array(WINDOW_SIZE).fill(null);

  private push(q: string): void {
    this.idx = (this.idx + 1) % WINDOW_SIZE;
    this.window[this.idx] = q;
  }

  private pull(idx: number): void {
    const w = this.window;
    const q = w[idx];
    if (idx > this.idx) {
      for (let i = idx; i < WINDOW_SIZE - 1; i++) w[i] = w[i + 1];
      w[WINDOW_SIZE - 1] = w[0];
      idx = 0;
    }
    for (let i = idx; i < this.idx; i++) w[i] = w[i + 1];
    w[this.idx] = q;
  }

  /** Distance back from the head if `q` is in the window (and move it to the head), else WINDOW_SIZE. */
  insert(q: string): number {
    for (let i = 0; i < WINDOW_SIZE; i++) {
      if (this.window[i] === q) {
        this.pull(i);
        return (this.idx + WINDOW_SIZE - i) % WINDOW_SIZE;
      }
    }
    this.push(q);
    return WINDOW_SIZE;
  }
}

/** Output of a .mpy 4/5 file: qstrs by static number, window back-reference or spelled out; constant objects. */
export class V5Sink extends ByteBuffer {
  readonly window = new QstrWindow();
  constructor(private readonly reprs: NumberReprs, private readonly staticQstrs: readonly string[] = STATIC_QSTRS) {
    super(4096);
  }

  qstr(q: string): void {
    const n = staticQstrNumber(q, this.staticQstrs);
    if (n !== undefined) {
      this.push(0);
      this.push(n & 0xff);
      return;
    }
    const idx = this.window.insert(q);
    if (idx < WINDOW_SIZE) {
      this.uint((idx << 1) | 1);
      return;
    }
    this.uint(ByteBuffer.utf8Length(q) << 1);
    this.appendUtf8(q);
  }

  /** A length-prefixed text (its UTF-8 byte count first). */
  text(s: string): void {
    this.uint(ByteBuffer.utf8Length(s));
    this.appendUtf8(s);
  }

  obj(o: ConstObj): void {
    const text = (type: string, s: string) => {
      this.push(type.charCodeAt(0));
      this.text(s);
    };
    switch (o.type) {
      case "str": return text("s", o.value);
      case "bytes":
        this.push(0x62);
        this.uint(o.value.length);
        this.append(o.value);
        return;
      case "ellipsis": this.push(0x65); return;
      case "int": return text("i", o.value.toString());
      case "float": return text("f", this.reprs.float(o.value));
      case "complex": return text("c", this.reprs.complex(0, o.imag));
      default:
        throw new Error(`internal: a ${o.type} constant cannot be stored in a .mpy v5 file`);
    }
  }
}

/** MP_CODE_* kind minus MP_CODE_BYTECODE, in the low 2 bits of the length word. */
const KIND_OFFSET = { native: 1, viper: 2, asm: 3 } as const;
const SCOPE_FLAG_ALL_SIG = 0x0f;

/**
 * Which scope flags a viper or asm function's header carries: 1.12+ the signature bits; 1.11 the 7
 * bits its raw code kept (a bit field: the viper return type from bit 6 is cut to its low bit), in
 * its numbering.
 */
export type ScopeFlagsSaved = "signature" | "raw-code-7-bits";
const savedFlags = (rc: RawCode, saved: ScopeFlagsSaved) =>
  saved === "raw-code-7-bits" ? legacyScopeFlags(rc.scopeFlags) & 0x7f : rc.scopeFlags & SCOPE_FLAG_ALL_SIG;

/** An inline-assembler function: its machine code and its signature, no constant table. */
export function writeAsmRawCode(out: V5Sink, rc: RawCode, saved: ScopeFlagsSaved = "signature"): void {
  const nat = rc.native!;
  out.uint((rc.funData.length << 2) | KIND_OFFSET.asm);
  out.append(rc.funData);
  out.uint(savedFlags(rc, saved));
  out.uint(nat.asmNPosArgs ?? 0);
  out.uint(nat.asmTypeSig ?? 0);
}

/**
 * A @native or @viper function: its machine code as emitted (qstrs in it are the writing process's
 * numbers), the immediates to patch with qstrs, then the prelude's offset and its two qstrs (@native)
 * or the signature flags (@viper), then the constant table as for bytecode.
 */
export function writeNativeRawCode(
  out: V5Sink, rc: RawCode, writeChild: (child: RawCode) => void = writeChildV5(out), saved: ScopeFlagsSaved = "signature",
): void {
  const nat = rc.native!;
  const v5 = rc.v5!;
  out.uint((rc.funData.length << 2) | KIND_OFFSET[nat.kind]);
  out.append(rc.funData);
  const links = nat.qstrLinks ?? [];
  out.uint(links.length);
  for (const link of links) {
    out.uint((link.offset << 2) | link.kind);
    out.qstr(link.qstr);
  }
  if (nat.kind === "native") {
    out.uint(nat.preludeOffset);
    out.qstr(v5.simpleName);
    out.qstr(v5.sourceFile);
  } else {
    out.uint(savedFlags(rc, saved));
  }
  writeConstTable(out, rc, v5, writeChild);
}

/** A function's constant table: its counts, argument names, objects, then each child (by `writeChild`). */
export function writeConstTable(out: V5Sink, rc: RawCode, v5: RawCodeV5, writeChild: (child: RawCode) => void): void {
  out.uint(v5.objects.length);
  out.uint(rc.children.length);
  for (const name of v5.argNames) out.qstr(name);
  for (const o of v5.objects) out.obj(o);
  for (const child of rc.children) writeChild(child);
}

/**
 * Opcodes from `start` on, each qstr argument (a 2-byte placeholder after its opcode) spelled as a qstr.
 * `qstrAt` lists the opcodes in the order they were written, so it is sorted by offset: the bytes
 * between two of them are copied as one block.
 */
export function writeOpcodes(out: V5Sink, data: Uint8Array, start: number, qstrAt: ReadonlyMap<number, string>): void {
  let i = start;
  for (const [at, q] of qstrAt) {
    if (at < i) continue;
    out.append(data.subarray(i, at + 1));
    out.qstr(q);
    i = at + 3;
  }
  if (i < data.length) out.append(data.subarray(i));
}

const writeChildV5 = (out: V5Sink) => (child: RawCode) => writeRawCode(out, child);

function writeRawCode(out: V5Sink, rc: RawCode): void {
  if (rc.native?.kind === "asm") return writeAsmRawCode(out, rc);
  if (rc.native) return writeNativeRawCode(out, rc);
  const v5 = rc.v5!;
  const data = rc.funData;
  out.uint(data.length << 2);
  out.append(data.subarray(0, v5.preludeQstrOffset));
  out.qstr(v5.simpleName);
  out.qstr(v5.sourceFile);
  writeOpcodes(out, data, v5.preludeQstrOffset + 4, v5.qstrAt);
  writeConstTable(out, rc, v5, writeChildV5(out));
}

/** `magic` is the header's first byte ("M", or "C" for CircuitPython); `reprs` print float constants;
 * `staticQstrs` is the firmware's numbered qstr list (MicroPython's unless given). */
export function writeMpyV5(
  rc: RawCode, smallIntBits: number,
  target: { magic: number; reprs: NumberReprs; archCode?: number; staticQstrs?: readonly string[]; featureFlags: number },
): Uint8Array {
  const out = new V5Sink(target.reprs, target.staticQstrs ?? STATIC_QSTRS);
  // native code adds the arch (bits 2-7) to the feature flags
  out.append([target.magic, 5, target.featureFlags | ((target.archCode ?? 0) << 2), smallIntBits]);
  out.uint(WINDOW_SIZE);
  writeRawCode(out, rc);
  return out.slice();
}
