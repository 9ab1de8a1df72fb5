// The inline RISC-V assembler (@micropython.asm_rv32, .mpy 6.3 / MicroPython 1.27; upstream's
// py/emitinlinerv32.c): each `op(args)` is looked up in one table that says what every operand must be
// (register, immediate or label, the bits it may have) and how the instruction is packed. There is no
// prologue: the body runs as written and `c.jr ra` ends it. Loads and stores take `offset(base)`.
import { Pass } from "../emitter.js";
import type { ParseNode } from "../parse-tree.js";
import { isStruct, isToken } from "../parse-node.js";
import { Tok } from "../tokens.js";
import { AsmRv32, RV32_EXT_ZBA, split } from "./asm-rv32.js";
import { argStr, InlineAsmBase, intArg, lookup, type ParamRule } from "./inline-base.js";
import {
  cbImm, cbOffset, spOffset, typeB, typeCA, typeCB, typeCI, typeCIW, typeCJ, typeCL, typeCR, typeCSRI, typeCSS,
  typeI, typeJ, typeR, typeS, typeU,
} from "./rv32-formats.js";

const ABI_NAMES = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
];
/** Both spellings of every register: ABI names and x0-x31. */
const REGS: Record<string, number> = Object.fromEntries([
  ...ABI_NAMES.map((n, i): [string, number] => [n, i]),
  ...ABI_NAMES.map((_, i): [string, number] => [`x${i}`, i]),
]);
const A0 = 10, RA = 1;


/**
 * One operand. `mask` holds the register numbers allowed (a bit per register) or the bits an
 * immediate or label displacement may have; a mask starting at bit 31 takes anything.
 */
type Operand =
  /** window: a compressed-form register (x8-x15), passed on as 0-7 */
  | { readonly kind: "register"; readonly mask: number; readonly window?: boolean }
  | { readonly kind: "integer"; readonly mask: number; readonly shift?: number; readonly unsigned?: boolean; readonly nonzero?: boolean }
  | { readonly kind: "label"; readonly mask: number };

interface OpDef {
  readonly operands: readonly Operand[];
  /** The second operand is written `offset(base)`: two values from one argument. */
  readonly offsetBase?: boolean;
  /** Needs an extension -march-flags must allow. */
  readonly ext?: number;
  /** Writes the instruction from the operands' values, in operand order. */
  readonly emit: (as: AsmRv32, v: readonly number[]) => void;
}

const ANY = 0xffffffff;
const reg = (mask = ANY): Operand => ({ kind: "register", mask });
const creg: Operand = { kind: "register", mask: 0xff00, window: true };
const imm = (mask: number, more: { shift?: number; unsigned?: boolean; nonzero?: boolean } = {}): Operand => ({ kind: "integer", mask, ...more });
const uimm = (mask: number, nonzero = false): Operand => imm(mask, { unsigned: true, nonzero });
const label = (mask: number): Operand => ({ kind: "label", mask });

const word = (f: (v: readonly number[]) => number) => (as: AsmRv32, v: readonly number[]) => as.op32(f(v));
const half = (f: (v: readonly number[]) => number) => (as: AsmRv32, v: readonly number[]) => as.op16(f(v));

const rrr = (f3: number, f7: number, ext?: number): OpDef =>
  ({ operands: [reg(), reg(), reg()], ext, emit: word((v) => typeR(0x33, f3, f7, v[0], v[1], v[2])) });
const rri = (op: number, f3: number, last: Operand, fixImm: (i: number) => number = (i) => i): OpDef =>
  ({ operands: [reg(), reg(), last], emit: word((v) => typeI(op, f3, v[0], v[1], fixImm(v[2]))) });
const branch = (f3: number): OpDef =>
  ({ operands: [reg(), reg(), label(0x1ffe)], emit: word((v) => typeB(0x63, f3, v[0], v[1], v[2])) });
const load = (f3: number): OpDef =>
  ({ operands: [reg(), imm(0xfff), reg()], offsetBase: true, emit: word((v) => typeI(0x03, f3, v[0], v[2], v[1])) });
const store = (f3: number): OpDef =>
  ({ operands: [reg(), imm(0xfff), reg()], offsetBase: true, emit: word((v) => typeS(0x23, f3, v[2], v[0], v[1])) });
const csrri = (f3: number): OpDef =>
  ({ operands: [reg(), uimm(0xfff), uimm(0x1f)], emit: word((v) => typeCSRI(0x73, f3, v[0], v[1], v[2])) });
const carith = (f2: number): OpDef => ({ operands: [creg, creg], emit: half((v) => typeCA(1, 0x23, f2, v[0], v[1])) });
const cshift = (fn: number): OpDef => ({ operands: [creg, uimm(0x1f)], emit: half((v) => typeCB(1, 4, v[0], cbImm(v[1], fn))) });
const cbranch = (f3: number): OpDef => ({ operands: [creg, label(0x1fe)], emit: half((v) => typeCB(1, f3, v[0], cbOffset(v[1]))) });
const fixed32 = (w: number): OpDef => ({ operands: [], emit: (as) => as.op32(w) });
const fixed16 = (h: number): OpDef => ({ operands: [], emit: (as) => as.op16(h) });

/** Every instruction 1.27 knows (`and_`/`or_` are spelt so because the names are keywords). */
const OPS: Record<string, OpDef> = {
  add: rrr(0, 0), sub: rrr(0, 0x20), sll: rrr(1, 0), slt: rrr(2, 0), sltu: rrr(3, 0), xor: rrr(4, 0),
  srl: rrr(5, 0), sra: rrr(5, 0x20), or_: rrr(6, 0), and_: rrr(7, 0),
  mul: rrr(0, 1), mulh: rrr(1, 1), mulhsu: rrr(2, 1), mulhu: rrr(3, 1), div: rrr(4, 1), divu: rrr(5, 1),
  rem: rrr(6, 1), remu: rrr(7, 1),
  sh1add: rrr(2, 0x10, RV32_EXT_ZBA), sh2add: rrr(4, 0x10, RV32_EXT_ZBA), sh3add: rrr(6, 0x10, RV32_EXT_ZBA),
  addi: rri(0x13, 0, imm(0xfff)), slti: rri(0x13, 2, imm(0xfff)), sltiu: rri(0x13, 3, imm(0xfff)),
  xori: rri(0x13, 4, imm(0xfff)), ori: rri(0x13, 6, imm(0xfff)), andi: rri(0x13, 7, imm(0xfff)),
  slli: rri(0x13, 1, uimm(0x1f), (i) => i & 0x1f), srli: rri(0x13, 5, uimm(0x1f), (i) => i & 0x1f),
  srai: rri(0x13, 5, uimm(0x1f), (i) => (i & 0x1f) | 0x400),
  jalr: rri(0x67, 0, imm(0xfff)),
  csrrw: rri(0x73, 1, uimm(0xfff)), csrrs: rri(0x73, 2, uimm(0xfff)), csrrc: rri(0x73, 3, uimm(0xfff)),
  csrrwi: csrri(5), csrrsi: csrri(6), csrrci: csrri(7),
  beq: branch(0), bne: branch(1), blt: branch(4), bge: branch(5), bltu: branch(6), bgeu: branch(7),
  lb: load(0), lh: load(1), lw: load(2), lbu: load(4), lhu: load(5),
  sb: store(0), sh: store(1), sw: store(2),
  lui: { operands: [reg(), imm(0xfffff000, { shift: 12 })], emit: word((v) => typeU(0x37, v[0], v[1])) },
  auipc: { operands: [reg(), imm(0xfffff000, { shift: 12 })], emit: word((v) => typeU(0x17, v[0], v[1])) },
  jal: { operands: [reg(), label(0x1ffffe)], emit: word((v) => typeJ(0x6f, v[0], v[1])) },
  ecall: fixed32(0x73), ebreak: fixed32(0x100073),
  // pseudo-instructions
  li: { operands: [reg(), imm(ANY)], emit: (as, v) => as.movRegImm(v[0], v[1]) },
  // always auipc + addi, so that code does not change size between passes
  la: {
    operands: [reg(), label(ANY)],
    emit: (as, v) => {
      const [upper, lower] = split(v[1]);
      as.op32(typeU(0x17, v[0], upper));
      as.op32(typeI(0x13, 0, v[0], v[0], lower));
    },
  },
  mv: { operands: [reg(), reg()], emit: half((v) => typeCR(2, 8, v[0], v[1])) },
  // compressed forms
  c_add: { operands: [reg(0xfffffffe), reg(0xfffffffe)], emit: half((v) => typeCR(2, 9, v[0], v[1])) },
  c_mv: { operands: [reg(0xfffffffe), reg(0xfffffffe)], emit: half((v) => typeCR(2, 8, v[0], v[1])) },
  c_jr: { operands: [reg(0xfffffffe)], emit: half((v) => typeCR(2, 8, v[0], 0)) },
  c_jalr: { operands: [reg(0xfffffffe)], emit: half((v) => typeCR(2, 9, v[0], 0)) },
  c_addi: { operands: [reg(0xfffffffe), imm(0x3f, { nonzero: true })], emit: half((v) => typeCI(1, 0, v[0], v[1])) },
  c_li: { operands: [reg(0xfffffffe), imm(0x3f)], emit: half((v) => typeCI(1, 2, v[0], v[1])) },
  c_lui: { operands: [reg(0xfffffffa), imm(0x1f800, { shift: 12, unsigned: true, nonzero: true })], emit: half((v) => typeCI(1, 3, v[0], v[1] >>> 12)) },
  c_slli: { operands: [reg(0xfffffffe), uimm(0x1f)], emit: half((v) => typeCI(2, 0, v[0], v[1])) },
  // the register is named in full (x8-x15) but only its low bits are stored
  c_addi4spn: { operands: [reg(0xff00), uimm(0x3fc, true)], emit: half((v) => typeCIW(0, 0, v[0], v[1])) },
  c_lwsp: { operands: [reg(0xfffffffe), imm(0xfc)], emit: half((v) => typeCI(2, 2, v[0], spOffset(v[1]))) },
  c_swsp: { operands: [reg(), imm(0xfc)], emit: half((v) => typeCSS(2, 6, v[0], spOffset(v[1]))) },
  c_lw: { operands: [creg, imm(0x7c), creg], offsetBase: true, emit: half((v) => typeCL(0, 2, v[0], v[2], v[1])) },
  c_sw: { operands: [creg, imm(0x7c), creg], offsetBase: true, emit: half((v) => typeCL(0, 6, v[0], v[2], v[1])) },
  c_and: carith(3), c_or: carith(2), c_xor: carith(1), c_sub: carith(0),
  c_andi: { operands: [creg, imm(0x3f)], emit: half((v) => typeCB(1, 4, v[0], cbImm(v[1], 0x40))) },
  c_srli: cshift(0), c_srai: cshift(0x20),
  c_beqz: cbranch(6), c_bnez: cbranch(7),
  c_j: { operands: [label(0xffe)], emit: half((v) => typeCJ(1, 5, v[0])) },
  c_jal: { operands: [label(0xffe)], emit: half((v) => typeCJ(1, 1, v[0])) },
  c_nop: fixed16(0x0001), c_ebreak: fixed16(0x9002),
};

// ---- operand ranges, on the 64-bit values upstream's host computes with ----

const U64 = (1n << 64n) - 1n;
const clz = (m: number): number => Math.clz32(m);
const ctz = (m: number): number => 31 - Math.clz32(m & -m);

/**
 * Whether a value fits a signed field (the mask's top bit is its sign): all bits above clear, or all
 * set. Only the low 32 bits count; low zero bits of the mask must be clear in the value.
 */
function fitsSignedMask(mask: number, value: bigint): boolean {
  const lz = clz(mask);
  if (lz === 0) return true;
  const lo = Number(value & 0xffffffffn);
  const positive = ~(mask & ~(1 << (31 - lz))) >>> 0;
  if ((lo & positive) >>> 0 === 0) return true;
  let negative = ~(mask >>> 1) >>> 0;
  const tz = ctz(mask);
  if (tz > 0) {
    const low = (1 << tz) - 1;
    if ((lo & low) !== 0) return false;
    negative = (negative & ~low) >>> 0;
  }
  return (lo & negative) >>> 0 === negative;
}

/** Unsigned: no bit outside the mask, in all 64 bits. */
const fitsUnsignedMask = (mask: number, value: bigint): boolean => (value & ~BigInt(mask >>> 0) & U64) === 0n;

/**
 * Upstream sizes a forward label in its compute pass by reading one word past its label table (one
 * 8-byte word per label of the module's largest scope). That word is 0, except when the table fills
 * whole heap blocks of four words, from 8 labels up: then it is the first word of the next block, the
 * table of label names, whose first entry is the function's first label once that is defined (a qstr
 * number: every displacement check but an unbounded one fails). Reproduced so that the same programs
 * are rejected; null stands for that unrelated value.
 */
function forwardLabelValue(maxNumLabels: number, firstLabelDefined: boolean): bigint | null {
  return maxNumLabels >= 8 && maxNumLabels % 4 === 0 && firstLabelDefined ? null : 0n;
}

class OperandError extends Error {}

const RV32_PARAMS: ParamRule = {
  isParam: (name, i) => lookup(REGS, name) === A0 + i,
  tooMany: "can only have up to 4 parameters for RV32 assembly",
  outOfSequence: "parameters must be registers in sequence a0 to a3",
};

export class InlineRv32 extends InlineAsmBase {
  readonly codeSizePasses = 1;
  protected readonly as: AsmRv32;
  protected readonly params = RV32_PARAMS;

  /**
   * @param extensions RV32_EXT_* bits -march-flags allowed
   * @param maxNumLabels the most labels any scope of the module uses (see forwardLabelValue)
   */
  constructor(private readonly extensions: number, private readonly maxNumLabels: number) {
    super();
    this.as = new AsmRv32(extensions);
  }

  /** No prologue: the body runs as written. */
  protected enter(): void {}

  endPass(): void {
    this.as.op16(typeCR(2, 8, RA, 0)); // c.jr ra
  }

  op(name: string, args: ParseNode[]): void {
    const def = lookup(OPS, name);
    if (!def || (def.ext !== undefined && (this.extensions & def.ext) !== def.ext)) {
      this.error = `invalid RV32 instruction '${name}'`;
      return;
    }
    const nodes = def.offsetBase ? 2 : def.operands.length;
    if (args.length !== nodes) {
      this.error = `opcode '${name}': expecting ${nodes} arguments`;
      return;
    }
    try {
      const v: number[] = [];
      if (nodes > 0) v.push(this.operand(name, def.operands[0], args[0], 1));
      if (def.offsetBase) v.push(...this.offsetBase(name, def, args[1]));
      else for (let i = 1; i < nodes; i++) v.push(this.operand(name, def.operands[i], args[i], i + 1));
      def.emit(this.as, v);
    } catch (e) {
      if (!(e instanceof OperandError)) throw e;
      this.error = e.message;
    }
  }

  /** An operand's value as the instruction packs it (a 32-bit pattern), or an OperandError. */
  private operand(op: string, spec: Operand, pn: ParseNode, n: number): number {
    const fail = (what: string): never => {
      throw new OperandError(`opcode '${op}' argument ${n}: ${what}`);
    };
    if (spec.kind === "register") {
      const r = lookup(REGS, argStr(pn));
      if (r === undefined) fail("expecting register");
      if ((spec.mask & (1 << r!)) === 0) fail("unknown register");
      return spec.window ? r! - 8 : r!;
    }
    if (spec.kind === "integer") {
      const i = intArg(pn);
      if (i === null) fail("expecting integer");
      const v = BigInt.asUintN(64, BigInt.asUintN(64, i!) << BigInt(spec.shift ?? 0));
      if (!(spec.unsigned ? fitsUnsignedMask(spec.mask, v) : fitsSignedMask(spec.mask, v))) fail("out of range");
      if (spec.nonzero && v === 0n) fail("must not be zero");
      return Number(v & 0xffffffffn);
    }
    const name = argStr(pn);
    if (name === "") fail("expecting label");
    const num = this.labels.get(name);
    if (num === undefined && this.pass === Pass.Emit) fail(`undefined label '${name}'`);
    const at = num === undefined ? forwardLabelValue(this.maxNumLabels, [...this.labels.values()].includes(0)) : BigInt(this.as.labelPos(num));
    const disp = at === null ? null : BigInt.asUintN(64, at - BigInt(this.as.codePos()));
    if (disp === null ? clz(spec.mask) !== 0 : !fitsSignedMask(spec.mask, disp)) fail("out of range");
    return Number((disp ?? 0n) & 0xffffffffn);
  }

  /** `offset(base)` or `-offset(base)`: the offset's and the base register's values. */
  private offsetBase(op: string, def: OpDef, pn: ParseNode): [number, number] {
    let expr = pn;
    let negative = false;
    if (isStruct(pn, "factor_2")) {
      negative = isToken(pn.nodes[0], Tok.OP_MINUS);
      if (!negative && !isToken(pn.nodes[0], Tok.OP_PLUS)) expr = null;
      else expr = pn.nodes[1];
    }
    if (!isStruct(expr, "atom_expr_normal")) throw new OperandError(`opcode '${op}' argument 2: expecting offset`);
    let offset: number;
    if (negative) {
      // the parser left the minus sign outside: negate here, then check the range as usual
      const i = intArg(expr.nodes[0]);
      if (i === null) throw new OperandError(`opcode '${op}' argument 2: expecting integer`);
      const v = BigInt.asUintN(64, -i);
      const spec = def.operands[1] as Extract<Operand, { kind: "integer" }>;
      const shifted = BigInt.asUintN(64, v << BigInt(spec.shift ?? 0));
      const fits = spec.unsigned ? fitsUnsignedMask(spec.mask, shifted) : fitsSignedMask(spec.mask, shifted);
      if (!fits || (spec.nonzero && shifted === 0n)) throw new OperandError(`opcode '${op}' argument 2: out of range`);
      offset = Number(v & 0xffffffffn);
    } else {
      offset = this.operand(op, def.operands[1], expr.nodes[0], 2);
    }
    // any trailer: `4(a0)` and even `4[a0]` name the base by its first child
    const trailer = expr.nodes[1];
    const base = trailer !== null && trailer.kind === "struct" ? trailer.nodes[0] : null;
    return [offset, this.operand(op, def.operands[2], base, 3)];
  }
}
