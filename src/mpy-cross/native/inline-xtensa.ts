// The inline Xtensa assembler (@micropython.asm_xtensa; upstream's py/emitinlinextensa.c): each
// `op(args)` of the body becomes Xtensa instructions through the call0 code generator (asm-xtensa.ts),
// whose entry/exit frame wraps the body. 1.27 knows many more instructions than 1.18-1.22 ("base").
import type { ParseNode } from "../parse-tree.js";
import type { AsmCompat } from "./asm-compat.js";
import { AsmXtensa, CC, XtensaRangeError, callxFmt, rri8, rrr, rrrn } from "./asm-xtensa.js";
import { InlineAsmBase, lookup, type ParamRule } from "./inline-base.js";

const REGS: Record<string, number> = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`a${i}`, i]));

type Op3 = { kind: "rrr"; op1: number; op2: number } | { kind: "rri8"; shift: number; signed: boolean; op0: number; r: number } | { kind: "branch"; cond: number };

const rrrOp = (op1: number, op2: number): Op3 => ({ kind: "rrr", op1, op2 });
/** A load/store/addi: the immediate's scale (0 = signed byte range as addi) and the r field. */
const rri8Op = (shift: number, signed: boolean, r: number): Op3 => ({ kind: "rri8", shift, signed, op0: 2, r });
const branchOp = (cond: number): Op3 => ({ kind: "branch", cond });

/** Three-operand instructions every release knows. */
const OPS3_BASE: Record<string, Op3> = {
  and_: rrrOp(0, 1), or_: rrrOp(0, 2), xor: rrrOp(0, 3), add: rrrOp(0, 8), sub: rrrOp(0, 12), mull: rrrOp(2, 8),
  l8ui: rri8Op(0, false, 0), l16ui: rri8Op(1, false, 1), l32i: rri8Op(2, false, 2),
  s8i: rri8Op(0, false, 4), s16i: rri8Op(1, false, 5), s32i: rri8Op(2, false, 6),
  l16si: rri8Op(1, false, 9), addi: rri8Op(0, true, 12),
  ball: branchOp(CC.ALL), bany: branchOp(CC.ANY), bbc: branchOp(CC.BC), bbs: branchOp(CC.BS), beq: branchOp(CC.EQ),
  bge: branchOp(CC.GE), bgeu: branchOp(CC.GEU), blt: branchOp(CC.LT), bnall: branchOp(CC.NALL), bne: branchOp(CC.NE),
  bnone: branchOp(CC.NONE),
};
/** 1.27 adds these to the table. */
const OPS3_V127: Record<string, Op3> = {
  ...OPS3_BASE,
  addx2: rrrOp(0, 9), addx4: rrrOp(0, 10), addx8: rrrOp(0, 11), subx2: rrrOp(0, 13), subx4: rrrOp(0, 14),
  subx8: rrrOp(0, 15), src: rrrOp(1, 8), bltu: branchOp(CC.LTU),
};
/** Compare-with-zero branches, by their condition number (the .n forms assemble as the wide ones). */
const BCCZ_BASE: Record<string, number> = { beqz: 0, bnez: 1 };
const BCCZ_V127: Record<string, number> = { beqz: 0, bnez: 1, bltz: 2, bgez: 3, beqz_n: 0, bnez_n: 1 };
/** Two-register ops of 1.27 as rrr(op1, op2, r, s, t) with the operands' places. */
const OPS2_V127: Record<string, (d: number, s: number) => number> = {
  abs_: (d, s) => rrr(0, 0, 6, d, 1, s),
  neg: (d, s) => rrr(0, 0, 6, d, 0, s),
  sll: (d, s) => rrr(0, 1, 10, d, s, 0),
  sra: (d, s) => rrr(0, 1, 11, d, 0, s),
  srl: (d, s) => rrr(0, 1, 9, d, 0, s),
  nsa: (d, s) => rrr(0, 0, 4, 14, s, d),
  nsau: (d, s) => rrr(0, 0, 4, 15, s, d),
};

class Unknown extends Error {}

const XTENSA_PARAMS: ParamRule = {
  isParam: (name, i) => name === `a${i + 2}`,
  tooMany: "can only have up to 4 parameters to Xtensa assembly",
  outOfSequence: "parameters must be registers in sequence a2 to a5",
};

export class InlineXtensa extends InlineAsmBase {
  /** Two compute passes: the first counts the literals the second lays out in front of the code. */
  readonly codeSizePasses = 2;
  protected readonly as: AsmXtensa;
  protected readonly params = XTENSA_PARAMS;
  private readonly v127: boolean;

  constructor(ac: AsmCompat) {
    super();
    this.as = new AsmXtensa(false, ac.xtensaGen);
    this.v127 = ac.xtensaInline === "v127";
  }

  protected enter(): void {
    this.as.entry(0);
  }

  endPass(): void {
    this.as.exit();
    this.as.endPass();
  }

  op(name: string, args: ParseNode[]): void {
    try {
      this.dispatch(name, args);
    } catch (e) {
      if (e instanceof Unknown) this.error = `unsupported Xtensa instruction '${name}' with ${args.length} arguments`;
      else if (e instanceof XtensaRangeError) this.error = e.message;
      else throw e;
    }
  }

  // ---- operands (each records an error and returns 0 when malformed, as upstream) ----

  private reg(op: string, pn: ParseNode): number {
    return this.registerArg(op, pn, REGS) ?? 0;
  }

  /** An integer, truncated to 32 bits; min === max: any value. */
  private int(op: string, pn: ParseNode, min: number, max: number): number {
    const v = this.integerArg(op, pn);
    if (v === null) return 0;
    const i = Number(BigInt.asIntN(32, v));
    if (min !== max && (i < min || i > max)) {
      this.error = `'${op}' integer ${i} isn't within range ${min}..${max}`;
      return 0;
    }
    return i;
  }

  private dispatch(op: string, args: ParseNode[]): void {
    const as = this.as;
    const v127 = this.v127;
    switch (args.length) {
      case 0:
        if (op === "ret_n" || (v127 && op === "ret")) as.op16(rrrn(13, 15, 0, 0));
        else if (v127 && op === "nop") as.op24(0x20f0);
        else if (v127 && op === "nop_n") as.op16(0xf03d);
        else throw new Unknown();
        return;
      case 1:
        this.dispatch1(op, args[0]);
        return;
      case 2:
        this.dispatch2(op, args);
        return;
      case 3:
        this.dispatch3(op, args);
        return;
      default:
        throw new Unknown();
    }
  }

  private dispatch1(op: string, a: ParseNode): void {
    const as = this.as;
    if (op === "callx0") {
      as.op24(callxFmt(this.reg(op, a), 3, 0));
    } else if (op === "j") {
      as.jumpLabel(this.labelArg(op, a));
    } else if (op === "jx") {
      as.jumpReg(this.reg(op, a));
    } else if (!this.v127) {
      throw new Unknown();
    } else if (op === "ssl") {
      as.op24(rrr(0, 0, 4, 1, this.reg(op, a), 0));
    } else if (op === "ssr") {
      as.op24(rrr(0, 0, 4, 0, this.reg(op, a), 0));
    } else if (op === "ssai") {
      const sa = this.int(op, a, 0, 31);
      as.op24(rrr(0, 0, 4, 4, sa & 0xf, (sa >> 4) & 1));
    } else if (op === "ssa8b") {
      as.op24(rrr(0, 0, 4, 3, this.reg(op, a), 0));
    } else if (op === "ssa8l") {
      as.op24(rrr(0, 0, 4, 2, this.reg(op, a), 0));
    } else if (op === "call0") {
      as.call0Label(this.labelArg(op, a));
    } else {
      throw new Unknown();
    }
  }

  private dispatch2(op: string, args: ParseNode[]): void {
    const as = this.as;
    const r0 = this.reg(op, args[0]);
    const cz = lookup(this.v127 ? BCCZ_V127 : BCCZ_BASE, op);
    if (cz !== undefined) {
      as.bcczLabel(cz, r0, this.labelArg(op, args[1]));
    } else if (op === "mov" || op === "mov_n") {
      as.movRegReg(r0, this.reg(op, args[1]));
    } else if (op === "movi") {
      // always from the literal table, whatever the value
      as.movRegI32(r0, this.int(op, args[1], 0, 0));
    } else if (!this.v127) {
      throw new Unknown();
    } else if (lookup(OPS2_V127, op)) {
      as.op24(OPS2_V127[op](r0, this.reg(op, args[1])));
    } else if (op === "l32r") {
      as.l32rLabel(r0, this.labelArg(op, args[1]));
    } else if (op === "movi_n") {
      as.moviN(r0, this.int(op, args[1], -32, 95));
    } else {
      throw new Unknown();
    }
  }

  private dispatch3(op: string, args: ParseNode[]): void {
    const as = this.as;
    const o = lookup(this.v127 ? OPS3_V127 : OPS3_BASE, op);
    if (o) {
      const r0 = this.reg(op, args[0]);
      const r1 = this.reg(op, args[1]);
      if (o.kind === "rrr") {
        as.op24(rrr(0, o.op1, o.op2, r0, r1, this.reg(op, args[2])));
      } else if (o.kind === "branch") {
        as.bccLabel(o.cond, r0, r1, this.labelArg(op, args[2]));
      } else {
        const [min, max] = o.signed ? [-128, 127] : [0, 0xff << o.shift];
        const imm = this.int(op, args[2], min, max);
        as.op24(rri8(o.op0, o.r, r1, r0, (imm >> o.shift) & 0xff));
      }
      return;
    }
    if (!this.v127) throw new Unknown();
    const reg = (i: number): number => this.reg(op, args[i]);
    switch (op) {
      case "add_n": {
        const [d, a, b] = [reg(0), reg(1), reg(2)];
        as.addN(d, a, b);
        return;
      }
      case "addi_n": {
        const [d, s] = [reg(0), reg(1)];
        const imm4 = this.int(op, args[2], -1, 15);
        as.op16(rrrn(11, d, s, (imm4 !== 0 ? imm4 : -1) & 0xf));
        return;
      }
      case "addmi": {
        const [d, s] = [reg(0), reg(1)];
        const imm = this.int(op, args[2], -128 * 256, 127 * 256);
        if ((imm & 0xff) !== 0) this.error = `${imm} is not a multiple of 256`;
        else as.op24(rri8(2, 13, s, d, imm >> 8));
        return;
      }
      case "bbci":
      case "bbsi": {
        const r = reg(0);
        const bit = this.int(op, args[1], 0, 31);
        as.bitBranchLabel(r, bit, this.labelArg(op, args[2]), op === "bbci" ? 6 : 14);
        return;
      }
      case "slli": {
        const [d, s] = [reg(0), reg(1)];
        const bits = 32 - this.int(op, args[2], 1, 31);
        as.op24(rrr(0, 1, (bits >> 4) & 1, d, s, bits & 0xf));
        return;
      }
      case "srai": {
        const [d, s] = [reg(0), reg(1)];
        const bits = this.int(op, args[2], 0, 31);
        as.op24(rrr(0, 1, 2 | ((bits >> 4) & 1), d, bits & 0xf, s));
        return;
      }
      case "srli": {
        const [d, s] = [reg(0), reg(1)];
        const bits = this.int(op, args[2], 0, 15);
        as.op24(rrr(0, 1, 4, d, bits, s));
        return;
      }
      case "l32i_n":
      case "s32i_n": {
        const [r, base] = [reg(0), reg(1)];
        const imm = this.int(op, args[2], 0, 60);
        if ((imm & 3) !== 0) this.error = `${imm} is not a multiple of 4`;
        else if (op === "l32i_n") as.l32iN(r, base, imm >> 2);
        else as.s32iN(r, base, imm >> 2);
        return;
      }
      default:
        throw new Unknown();
    }
  }
}
