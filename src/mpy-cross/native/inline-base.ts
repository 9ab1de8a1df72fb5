// What the inline assemblers (inline-thumb.ts, inline-xtensa.ts, inline-rv32.ts) do alike, as upstream's
// emitinline*.c do: the pass and error state, the label names of the function (reset by the compute
// pass, kept for the emit pass so forward references resolve), label/align/data over the code buffer,
// and the check that the parameters are the first argument registers in order.
import { Pass } from "../emitter.js";
import type { ParseNode } from "../parse-tree.js";
import type { AsmBase } from "./asm-base.js";
import { isId, isSmallInt } from "../parse-node.js";
import type { InlineAssembler } from "./inline-asm.js";

/** An integer argument (mp_parse_node_get_int_maybe): a small int leaf or a constant int object. */
export function intArg(pn: ParseNode): bigint | null {
  if (isSmallInt(pn)) return BigInt(pn.value);
  if (pn !== null && pn.kind === "const" && pn.value.type === "int") return pn.value.value;
  return null;
}

/** The name of an identifier argument, or "" (upstream's get_arg_str). */
export function argStr(pn: ParseNode): string {
  return isId(pn) ? pn.name : "";
}

/** A table entry by own key only (op names come from user code: "toString" must not match). */
export function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The inline parameter rules of an arch: the i-th parameter's register, and the two error texts. */
export interface ParamRule {
  /** Whether `name` is the register the i-th parameter must be. */
  readonly isParam: (name: string, i: number) => boolean;
  readonly tooMany: string;
  readonly outOfSequence: string;
}

export abstract class InlineAsmBase implements InlineAssembler {
  abstract readonly codeSizePasses: number;
  error: string | null = null;
  protected pass: Pass = Pass.CodeSize;
  /** Label name to label number, as assigned so far (all of them in the emit pass). */
  protected labels = new Map<string, number>();
  protected abstract readonly as: AsmBase;
  protected abstract readonly params: ParamRule;

  startPass(pass: Pass.CodeSize | Pass.Emit): void {
    this.pass = pass;
    this.error = null;
    if (pass === Pass.CodeSize) this.labels = new Map();
    this.as.startPass(pass === Pass.Emit);
    this.enter();
  }

  /** What starts the function's code (a prologue), after the pass has started. */
  protected abstract enter(): void;
  abstract endPass(): void;
  abstract op(name: string, args: ParseNode[]): void;

  countParams(params: ParseNode[]): number {
    // upstream allows up to four, whatever the arch
    if (params.length > 4) {
      this.error = this.params.tooMany;
      return 0;
    }
    for (let i = 0; i < params.length; i++) {
      if (!this.params.isParam(argStr(params[i]), i)) {
        this.error = this.params.outOfSequence;
        return 0;
      }
    }
    return params.length;
  }

  label(num: number, name: string): boolean {
    if (this.pass === Pass.CodeSize && this.labels.has(name)) return false;
    if (!this.labels.has(name)) this.labels.set(name, num);
    this.as.labelAssign(num);
    return true;
  }

  align(n: number): void {
    this.as.align(n);
  }

  /** data(): the value's low 32 bits, in `bytes` bytes. */
  data(bytes: number, value: bigint): void {
    this.as.data(bytes, Number(BigInt.asUintN(32, value)));
  }

  code(): Uint8Array {
    return this.as.code();
  }

  // ---- operands of the Thumb and Xtensa forms: an error is recorded and null returned when malformed ----

  /** A register operand by its name in `table`. */
  protected registerArg(op: string, pn: ParseNode, table: Record<string, number>): number | null {
    const r = lookup(table, argStr(pn));
    if (r === undefined) {
      this.error = `'${op}' expects a register`;
      return null;
    }
    return r;
  }

  /** An integer operand (any size: each arch truncates and checks its range). */
  protected integerArg(op: string, pn: ParseNode): bigint | null {
    const v = intArg(pn);
    if (v === null) this.error = `'${op}' expects an integer`;
    return v;
  }

  /**
   * The label number of a label operand, recording `'op' expects a label` for anything else. A forward
   * reference is label 0 until the emit pass, where an unknown name is an error.
   */
  protected labelArg(op: string, pn: ParseNode): number {
    const name = argStr(pn);
    if (name === "") {
      this.error = `'${op}' expects a label`;
      return 0;
    }
    const n = this.labels.get(name);
    if (n !== undefined) return n;
    if (this.pass === Pass.Emit) this.error = `label '${name}' not defined`;
    return 0;
  }
}
