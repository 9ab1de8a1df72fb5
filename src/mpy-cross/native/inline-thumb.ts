// The inline Thumb assembler (@micropython.asm_thumb; upstream's py/emitinlinethumb.c): parses each
// `op(args)` of the body into Thumb instructions through AsmThumb. ARMv7-M-only and VFP instructions
// exist only where the target (and release) allows them; elsewhere they are "unsupported".
import type { ParseNode } from "../parse-tree.js";
import { extractList, isId, isStruct } from "../parse-node.js";
import type { NativeArch } from "./arch.js";
import { type AsmCompat, thumbAllowsArmv7m, thumbAllowsFloat } from "./asm-compat.js";
import {
  AsmThumb, CC, F1_ASR, F1_LSL, F1_LSR, F2_ADD, F2_IMM, F2_REG, F2_SUB, F3_ADD, F3_CMP, F3_MOV, F3_SUB, F4,
  F9_BYTE, F9_LDR, F9_STR, F10_LDRH, F10_STRH, OP_CPSID_I, OP_CPSIE_I, OP_MOVT, OP_MOVW, OP_NOP, OP_WFI,
} from "./asm-thumb.js";
import { argStr, InlineAsmBase, lookup, type ParamRule } from "./inline-base.js";

const REGS: Record<string, number> = {
  r0: 0, r1: 1, r2: 2, r3: 3, r4: 4, r5: 5, r6: 6, r7: 7, r8: 8, r9: 9, r10: 10, r11: 11, r12: 12, r13: 13,
  r14: 14, r15: 15, sl: 10, fp: 11, sp: 13, lr: 14, pc: 15,
};
const SPECIAL_REGS: Record<string, number> = { IPSR: 5, BASEPRI: 17 };
const CONDS: Record<string, number> = CC;

/** Two-register ALU ops (format 4) by name; `and_` is spelt with a trailing underscore (a keyword). */
const FORMAT4: Record<string, number> = {
  and_: F4.and, eor: F4.eor, lsl: F4.lsl, lsr: F4.lsr, asr: F4.asr, adc: F4.adc, sbc: F4.sbc, ror: F4.ror,
  tst: F4.tst, neg: F4.neg, cmp: F4.cmp, cmn: F4.cmn, orr: F4.orr, mul: F4.mul, bic: F4.bic, mvn: F4.mvn,
};
/** Loads/stores with an immediate offset: opcode and the offset's mask and scale. */
const FORMAT9_10: Record<string, { op: number; mask: number; shift: number }> = {
  ldr: { op: F9_LDR, mask: 0x7c, shift: 2 },
  ldrb: { op: F9_LDR | F9_BYTE, mask: 0x1f, shift: 0 },
  ldrh: { op: F10_LDRH, mask: 0x3e, shift: 1 },
  str: { op: F9_STR, mask: 0x7c, shift: 2 },
  strb: { op: F9_STR | F9_BYTE, mask: 0x1f, shift: 0 },
  strh: { op: F10_STRH, mask: 0x3e, shift: 1 },
};
/** Three-register VFP arithmetic: the coprocessor opcode's high and low nibbles. */
const VFP3: Record<string, number> = { vadd: 0x30, vsub: 0x34, vmul: 0x20, vdiv: 0x80 };
/** Two-register VFP ops: first halfword and the low opcode. */
const VFP2: Record<string, { hi: number; lo: number }> = {
  vcmp: { hi: 0xeeb4, lo: 0x0ac0 },
  vsqrt: { hi: 0xeeb1, lo: 0x0ac0 },
  vneg: { hi: 0xeeb1, lo: 0x0a40 },
  vcvt_f32_s32: { hi: 0xeeb8, lo: 0x0ac0 },
  vcvt_s32_f32: { hi: 0xeebd, lo: 0x0ac0 },
};

const hex = (n: number): string => (n >>> 0).toString(16);

class Unsupported extends Error {}
class OutOfRange extends Error {}

const THUMB_PARAMS: ParamRule = {
  isParam: (name, i) => name === `r${i}`,
  tooMany: "can only have up to 4 parameters to Thumb assembly",
  outOfSequence: "parameters must be registers in sequence r0 to r3",
};

export class InlineThumb extends InlineAsmBase {
  readonly codeSizePasses = 1;
  protected readonly as: AsmThumb;
  protected readonly params = THUMB_PARAMS;
  private readonly armv7m: boolean;
  private readonly float: boolean;

  constructor(arch: NativeArch, private readonly ac: AsmCompat) {
    super();
    this.armv7m = thumbAllowsArmv7m(arch, ac);
    this.float = thumbAllowsFloat(arch, ac);
    this.as = new AsmThumb({
      armv7m: this.armv7m, armEntryStub: arch.asm === "arm", loadStore: ac.thumbLoadStore, pcrelSxth: ac.thumbPcrelSxth,
    });
  }

  protected enter(): void {
    this.as.entry(0);
  }

  endPass(): void {
    this.as.exit();
    this.as.endPass();
  }

  /** Thumb data() keeps the value's full width (up to 8 bytes). */
  override data(bytes: number, value: bigint): void {
    this.as.rawData(bytes, value);
  }

  op(name: string, args: ParseNode[]): void {
    try {
      this.dispatch(name, args);
    } catch (e) {
      if (e instanceof Unsupported) this.error = `unsupported Thumb instruction '${name}' with ${args.length} arguments`;
      else if (e instanceof OutOfRange) this.error = "branch not in range";
      else throw e;
    }
  }

  // ---- operands (each records an error and returns 0 when malformed, as upstream) ----

  private reg(op: string, pn: ParseNode, maxReg: number): number {
    const r = this.registerArg(op, pn, REGS);
    if (r === null) return 0;
    if (r > maxReg) {
      this.error = `'${op}' expects at most r${maxReg}`;
      return 0;
    }
    return r;
  }

  private specialReg(op: string, pn: ParseNode): number {
    const r = lookup(SPECIAL_REGS, argStr(pn));
    if (r === undefined) {
      this.error = `'${op}' expects a special register`;
      return 0;
    }
    return r;
  }

  private vfpReg(op: string, pn: ParseNode): number {
    const s = argStr(pn);
    if (/^s[0-9]+$/.test(s)) {
      const n = Number(s.slice(1));
      if (n > 31) {
        this.error = `'${op}' expects at most r31`;
        return 0;
      }
      return n;
    }
    this.error = `'${op}' expects an FPU register`;
    return 0;
  }

  private regList(op: string, pn: ParseNode): number {
    const bad = (): number => {
      this.error = `'${op}' expects {r0, r1, ...}`;
      return 0;
    };
    if (!isStruct(pn, "atom_brace")) return bad();
    const inner = pn.nodes[0];
    if (isId(inner)) return 1 << this.reg(op, inner, 15);
    if (!isStruct(inner, "dictorsetmaker")) return bad();
    const tail = inner.nodes[1];
    if (!isStruct(tail, "dictorsetmaker_list")) return bad();
    let list = 1 << this.reg(op, inner.nodes[0], 15);
    for (const n of extractList(tail.nodes[0], "dictorsetmaker_list2")) list |= 1 << this.reg(op, n, 15);
    return list;
  }

  private int(op: string, pn: ParseNode, mask: number): number {
    const v = this.integerArg(op, pn);
    if (v === null) return 0;
    const i = Number(BigInt.asUintN(32, v));
    if ((i & ~mask) >>> 0 !== 0) {
      this.error = `'${op}' integer 0x${hex(i)} doesn't fit in mask 0x${hex(mask)}`;
      return 0;
    }
    return i;
  }

  /** `[base, offset]`; null (with the error recorded) when the argument has another shape. */
  private addr(op: string, pn: ParseNode): [ParseNode, ParseNode] | null {
    if (isStruct(pn, "atom_bracket") && isStruct(pn.nodes[0], "testlist_comp") && pn.nodes[0].nodes.length === 2) {
      return [pn.nodes[0].nodes[0], pn.nodes[0].nodes[1]];
    }
    this.error = `'${op}' expects an address of the form [a, b]`;
    return null;
  }

  // ---- instructions ----

  private dispatch(op: string, args: ParseNode[]): void {
    const as = this.as;
    if (this.float && op[0] === "v") {
      this.vfp(op, args);
      return;
    }
    switch (args.length) {
      case 0:
        if (op === "nop") as.op16(OP_NOP);
        else if (op === "wfi") as.op16(OP_WFI);
        else throw new Unsupported();
        return;
      case 1:
        this.oneArg(op, args[0]);
        return;
      case 2:
        if (isId(args[1])) this.twoRegs(op, args);
        else this.regAndOther(op, args);
        return;
      case 3:
        this.threeArgs(op, args);
        return;
      default:
        throw new Unsupported();
    }
  }

  private oneArg(op: string, arg: ParseNode): void {
    const as = this.as;
    if (op === "b") {
      if (!as.bNLabel(this.labelArg(op, arg))) throw new OutOfRange();
    } else if (op === "bl") {
      if (!as.blLabel(this.labelArg(op, arg))) throw new OutOfRange();
    } else if (op === "bx") {
      as.op16(0x4700 | (this.reg(op, arg, 15) << 3));
    } else if (op[0] === "b" && (op.length === 3 || (op.length === 5 && op[3] === "_" && (op[4] === "n" || (this.armv7m && op[4] === "w"))))) {
      const cc = lookup(CONDS, op.slice(1, 3));
      if (cc === undefined) throw new Unsupported();
      const label = this.labelArg(op, arg);
      if (!as.bccNwLabel(cc, label, op.length === 5 && op[4] === "w")) throw new OutOfRange();
    } else if (this.armv7m && op.startsWith("it")) {
      const cc = lookup(CONDS, argStr(arg));
      if (cc === undefined || op.length > 5) throw new Unsupported();
      // the mask is read from the last then/else letter back to the first, ending in a stop bit
      let mask = 8;
      for (let i = op.length - 1; i >= 2; i--) {
        mask >>= 1;
        if (op[i] === "t") mask |= (cc & 1) << 3;
        else if (op[i] === "e") mask |= (~cc & 1) << 3;
        else throw new Unsupported();
      }
      as.itCc(cc, mask);
    } else if (op === "cpsid") {
      as.op16(OP_CPSID_I);
    } else if (op === "cpsie") {
      as.op16(OP_CPSIE_I);
    } else if (op === "push" || op === "pop") {
      this.pushPop(op, this.regList(op, arg));
    } else {
      throw new Unsupported();
    }
  }

  /** push/pop: 16-bit for low registers (plus lr for push, pc for pop), else the ARMv7-M 32-bit form. */
  private pushPop(op: "push" | "pop", list: number): void {
    const push = op === "push";
    const link = push ? 1 << 14 : 1 << 15;
    const narrowOp = push ? 0xb400 : 0xbc00;
    if (this.ac.thumbPushPopLrPcNarrow ? (list & ~link & 0xff00) === 0 : (list & 0xff00) === 0) {
      this.as.op16((list & link ? narrowOp | 0x100 : narrowOp) | (list & 0xff));
      return;
    }
    if (!this.armv7m) throw new Unsupported();
    this.as.op32(push ? 0xe92d : 0xe8bd, list);
  }

  private twoRegs(op: string, args: ParseNode[]): void {
    const as = this.as;
    if (op === "mov") {
      as.movRegRegAny(this.reg(op, args[0], 15), this.reg(op, args[1], 15));
    } else if (this.armv7m && (op === "clz" || op === "rbit")) {
      const [hi, lo] = op === "clz" ? [0xfab0, 0xf080] : [0xfa90, 0xf0a0];
      const rd = this.reg(op, args[0], 15);
      const rm = this.reg(op, args[1], 15);
      as.op32(hi | rm, lo | (rd << 8) | rm);
    } else if (this.armv7m && op === "mrs") {
      const rd = this.reg(op, args[0], 12);
      const sr = this.specialReg(op, args[1]);
      as.op32(0xf3ef, 0x8000 | (rd << 8) | sr);
    } else {
      const code = lookup(FORMAT4, op);
      if (code === undefined) throw new Unsupported();
      const rd = this.reg(op, args[0], 7);
      const rs = this.reg(op, args[1], 7);
      as.format4(code, rd, rs);
    }
  }

  private regAndOther(op: string, args: ParseNode[]): void {
    const as = this.as;
    const format3 = lookup<number>({ mov: F3_MOV, cmp: F3_CMP, add: F3_ADD, sub: F3_SUB }, op);
    if (format3 !== undefined) {
      const rd = this.reg(op, args[0], 7);
      as.format3(format3, rd, this.int(op, args[1], 0xff));
    } else if (this.armv7m && (op === "movw" || op === "movt")) {
      const rd = this.reg(op, args[0], 15);
      as.movRegI16(op === "movw" ? OP_MOVW : OP_MOVT, rd, this.int(op, args[1], 0xffff));
    } else if (this.armv7m && op === "movwt") {
      const rd = this.reg(op, args[0], 15);
      const v = this.int(op, args[1], 0xffffffff);
      as.movRegI16(OP_MOVW, rd, v & 0xffff);
      as.movRegI16(OP_MOVT, rd, (v >>> 16) & 0xffff);
    } else if (this.armv7m && op === "ldrex") {
      const rd = this.reg(op, args[0], 15);
      const a = this.addr(op, args[1]);
      if (a) {
        const rb = this.reg(op, a[0], 15);
        as.op32(0xe850 | rb, 0x0f00 | (rd << 12) | (this.int(op, a[1], 0xff) >> 2));
      }
    } else {
      const f = lookup(FORMAT9_10, op);
      if (f === undefined) throw new Unsupported();
      const rd = this.reg(op, args[0], 7);
      const a = this.addr(op, args[1]);
      if (!a) throw new Unsupported();
      const rb = this.reg(op, a[0], 7);
      as.format910(f.op, rd, rb, this.int(op, a[1], f.mask) >> f.shift);
    }
  }

  private threeArgs(op: string, args: ParseNode[]): void {
    const as = this.as;
    const shift = lookup<number>({ lsl: F1_LSL, lsr: F1_LSR, asr: F1_ASR }, op);
    if (shift !== undefined) {
      const rd = this.reg(op, args[0], 7);
      const rs = this.reg(op, args[1], 7);
      as.format1(shift, rd, rs, this.int(op, args[2], 0x1f));
    } else if (op === "add" || op === "sub") {
      const base = op === "add" ? F2_ADD : F2_SUB;
      const rd = this.reg(op, args[0], 7);
      const rs = this.reg(op, args[1], 7);
      if (isId(args[2])) as.format2(base | F2_REG, rd, rs, this.reg(op, args[2], 7));
      else as.format2(base | F2_IMM, rd, rs, this.int(op, args[2], 0x7));
    } else if (this.armv7m && (op === "sdiv" || op === "udiv")) {
      const hi = op === "sdiv" ? 0xfb90 : 0xfbb0;
      const rd = this.reg(op, args[0], 15);
      const rn = this.reg(op, args[1], 15);
      const rm = this.reg(op, args[2], 15);
      as.op32(hi | rn, 0xf0f0 | (rd << 8) | rm);
    } else if (this.armv7m && op === "strex") {
      const rd = this.reg(op, args[0], 15);
      const rs = this.reg(op, args[1], 15);
      const a = this.addr(op, args[2]);
      if (a) {
        const rb = this.reg(op, a[0], 15);
        as.op32(0xe840 | rb, (rs << 12) | (rd << 8) | (this.int(op, a[1], 0xff) >> 2));
      }
    } else {
      throw new Unsupported();
    }
  }

  private vfp(op: string, args: ParseNode[]): void {
    const as = this.as;
    if (args.length === 2) {
      const two = lookup(VFP2, op);
      if (two) {
        const vd = this.vfpReg(op, args[0]);
        const vm = this.vfpReg(op, args[1]);
        as.op32(two.hi | ((vd & 1) << 6), two.lo | ((vd & 0x1e) << 11) | ((vm & 1) << 5) | ((vm & 0x1e) >> 1));
      } else if (op === "vmrs") {
        const rd = argStr(args[0]) === "APSR_nzcv" ? 15 : this.reg(op, args[0], 15);
        if (argStr(args[1]) !== "FPSCR") throw new Unsupported();
        as.op32(0xeef1, 0x0a10 | (rd << 12));
      } else if (op === "vmov") {
        // vmov(rN, sM) moves to the core register, vmov(sM, rN) to the FPU
        let hi = 0xee00;
        let rArm: number, vm: number;
        if (argStr(args[0])[0] === "r") {
          rArm = this.reg(op, args[0], 15);
          vm = this.vfpReg(op, args[1]);
          hi |= 0x10;
        } else {
          vm = this.vfpReg(op, args[0]);
          rArm = this.reg(op, args[1], 15);
        }
        as.op32(hi | ((vm & 0x1e) >> 1), 0x0a10 | (rArm << 12) | ((vm & 1) << 7));
      } else if (op === "vldr" || op === "vstr") {
        const hi = op === "vldr" ? 0xed90 : 0xed80;
        const vd = this.vfpReg(op, args[0]);
        const a = this.addr(op, args[1]);
        if (a) {
          const rb = this.reg(op, a[0], 7);
          const i8 = this.int(op, a[1], 0x3fc) >> 2;
          as.op32(hi | rb | ((vd & 1) << 6), 0x0a00 | ((vd & 0x1e) << 11) | i8);
        }
      } else {
        throw new Unsupported();
      }
      return;
    }
    if (args.length === 3) {
      const code = lookup(VFP3, op);
      if (code === undefined) throw new Unsupported();
      const vd = this.vfpReg(op, args[0]);
      const vn = this.vfpReg(op, args[1]);
      const vm = this.vfpReg(op, args[2]);
      as.op32(
        0xee00 | (code & 0xf0) | ((vd & 1) << 6) | (vn >> 1),
        0x0a00 | ((code & 0x0f) << 4) | (vm >> 1) | ((vm & 1) << 5) | ((vd & 0x1e) << 11) | ((vn & 1) << 7),
      );
      return;
    }
    throw new Unsupported();
  }
}
