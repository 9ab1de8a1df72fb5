// The .mpy containers before 1.12, whose bytecode still holds qstrs as the 2-byte numbers of the
// mpy-cross process that wrote it (qstr-pool.ts gives those numbers):
//  - .mpy 4 (1.11): as .mpy 5, each function's prelude, opcodes (qstrs spelled inline, by static number
//    or through the 32-entry window), name and source file, then its argument names, constants and
//    children; but the prelude is copied as it sits in RAM, so the name and source-file fields carry
//    the raw numbers, and the two qstrs follow the opcodes.
//  - .mpy 3 (1.10 and back to 1.9.3; .mpy 2 and 0 alike): each function's whole body as it sits in RAM (every qstr a raw
//    number), then the text of its name, source file and each qstr of the opcodes in order, then its
//    argument names, constants and children. No window and no static numbers.
import type { CompiledModule, RawCode, RawCodeV5 } from "./raw-code.js";
import { V5Sink, WINDOW_SIZE, writeAsmRawCode, writeConstTable, writeNativeRawCode, writeOpcodes } from "./mpy-writer-v5.js";
import type { NumberReprs } from "./mpy-writer.js";
import { QstrPool } from "./qstr-pool.js";

export interface LegacyTarget {
  /** .mpy version byte: 4, 3, 2 or 0 (0-3 share one layout). */
  major: 0 | 2 | 3 | 4;
  /** Header byte 2: bit 0 = map lookups cached in the bytecode, bit 1 = str is unicode; bits 2-7 the
   * native arch (.mpy 4 with machine code). */
  featureFlags: number;
  /** The writing mpy-cross's own qstr pool, in number order. */
  pool: readonly string[];
  reprs: NumberReprs;
}

/** The function body with every qstr placeholder (and, for .mpy 3, every opcode's qstr) set to its raw number. */
function bodyWithNumbers(rc: RawCode, v5: RawCodeV5, pool: QstrPool, opcodesToo: boolean): Uint8Array {
  const data = Uint8Array.from(rc.funData);
  const put = (at: number, q: string) => {
    const n = pool.number(q);
    data[at] = n & 0xff;
    data[at + 1] = n >> 8;
  };
  put(v5.preludeQstrOffset, v5.simpleName);
  put(v5.preludeQstrOffset + 2, v5.sourceFile);
  if (opcodesToo) for (const [at, q] of [...v5.qstrAt].sort((a, b) => a[0] - b[0])) put(at + 1, q);
  return data;
}

function writeRawCodeV4(out: V5Sink, rc: RawCode, pool: QstrPool): void {
  // machine code as in .mpy 5 (its qstrs already the process's numbers), but with 1.11's scope flags
  if (rc.native?.kind === "asm") return writeAsmRawCode(out, rc, "raw-code-7-bits");
  if (rc.native) return writeNativeRawCode(out, rc, (child) => writeRawCodeV4(out, child, pool), "raw-code-7-bits");
  const v5 = rc.v5!;
  const data = bodyWithNumbers(rc, v5, pool, false);
  out.uint(data.length << 2);
  // the prelude and cell list, up to the first opcode (the cell list ends with 255)
  let i = v5.codeStart;
  while (data[i++] !== 255) { /* cell numbers */ }
  out.append(data.subarray(0, i));
  writeOpcodes(out, data, i, v5.qstrAt);
  out.qstr(v5.simpleName);
  out.qstr(v5.sourceFile);
  writeConstTable(out, rc, v5, (child) => writeRawCodeV4(out, child, pool));
}

function writeRawCodeV3(out: V5Sink, rc: RawCode, pool: QstrPool): void {
  const v5 = rc.v5!;
  const data = bodyWithNumbers(rc, v5, pool, true);
  out.uint(data.length);
  out.append(data);
  out.text(v5.simpleName);
  out.text(v5.sourceFile);
  for (const [, q] of [...v5.qstrAt].sort((a, b) => a[0] - b[0])) out.text(q);
  out.uint(v5.objects.length);
  out.uint(rc.children.length);
  for (const name of v5.argNames) out.text(name);
  for (const o of v5.objects) out.obj(o);
  for (const child of rc.children) writeRawCodeV3(out, child, pool);
}

export function writeMpyLegacy(cm: CompiledModule, target: LegacyTarget): Uint8Array {
  const out = new V5Sink(target.reprs);
  const pool = new QstrPool(target.pool, cm.createdQstrs ?? []);
  out.append([0x4d, target.major, target.featureFlags, cm.smallIntBits]);
  if (target.major === 4) {
    out.uint(WINDOW_SIZE);
    writeRawCodeV4(out, cm.rc, pool);
  } else {
    writeRawCodeV3(out, cm.rc, pool);
  }
  return out.slice();
}
