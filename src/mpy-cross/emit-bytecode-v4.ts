// The bytecode emitter of MicroPython before 1.12 (.mpy 4 = 1.11, .mpy 3 = 1.10, and the releases
// built on them): the per-function tables and 2-byte qstr placeholders of the 1.12-1.18 emitter, but
// with the older opcode numbers (opcodes-legacy.ts) and the plain prelude those releases used:
//   uint n_state, uint n_exc_stack, byte scope_flags, byte n_pos_args, byte n_kwonly_args,
//   byte n_def_pos_args, uint code_info_size, 2-byte simple name, 2-byte source file, line table, 0
// and, before the opcodes, the list of locals that become cells ended by 255. The code-info size is
// not known in the first sizing pass, so upstream reserves two bytes for it; when it then fits in
// one, the code info keeps its reserved length and ends in a zero byte of padding.
import { BuildKind, Pass, SetupBlockKind } from "./emitter.js";
import { BinaryOp } from "./opcodes.js";
import { BytecodeEmitterV5 } from "./emit-bytecode-v5.js";
import { CIRCUITPY_SIG_FLAG_ASYNC, IdKind, legacyScopeFlags, SCOPE_FLAG_ASYNC, SCOPE_FLAG_HASCONSTS, SCOPE_FLAG_REFGLOBALS, type Scope } from "./scope.js";
import { legacyBinaryOp, legacyBuildOps, legacyOpTable, legacySetupOps, type OpTable } from "./opcodes-legacy.js";

/** Marks the end of the cell list in front of the opcodes. */
const CELL_LIST_END = 255;


export class BytecodeEmitterV4 extends BytecodeEmitterV5 {
  protected override readonly op: OpTable = this.compat.legacyOps ?? legacyOpTable();
  /** The code info's length as sized in the code-size pass (with two bytes for its own size). */
  private plainCodeInfoSize = 0;

  protected override writePreludeHead(pass: Pass, nState: number, nExc: number, scope: Scope): void {
    this.codeInfo.uint(nState);
    this.codeInfo.uint(nExc);
    // the whole flags byte: these releases also keep the native emitter's REFGLOBALS/HASCONSTS bits here
    const flags = this.compat.nativeScopeFlags ? scope.scopeFlags : scope.scopeFlags & ~(SCOPE_FLAG_REFGLOBALS | SCOPE_FLAG_HASCONSTS);
    // CircuitPython 6 marks an async def with its own bit (0x10, free there: its mpy-cross has no native emitter)
    const async = this.compat.awaitProtocol === "dunder-await" && (scope.scopeFlags & SCOPE_FLAG_ASYNC) !== 0;
    this.ci(legacyScopeFlags(flags) | (async ? CIRCUITPY_SIG_FLAG_ASYNC : 0));
    this.ci(scope.numPosArgs);
    this.ci(scope.numKwonlyArgs);
    this.ci(scope.numDefPosArgs);
    if (pass === Pass.Emit) {
      this.codeInfo.uint(this.plainCodeInfoSize - this.codeInfo.length);
    } else {
      this.ci(0); this.ci(0);
    }
  }

  override startPass(pass: Pass, scope: Scope): void {
    super.startPass(pass, scope);
    for (const id of scope.ids) if (id.kind === IdKind.Cell) this.raw(id.localNum);
    this.raw(CELL_LIST_END);
  }

  protected override closePrelude(): void {
    this.ci(0); // end of the line-number table
    if (this.pass === Pass.CodeSize) this.plainCodeInfoSize = this.codeInfo.length;
    else if (this.pass === Pass.Emit) while (this.codeInfo.length < this.plainCodeInfoSize) this.ci(0);
  }

  protected override jumpIsSigned(b: number): boolean {
    const op = legacyOpTable();
    return (b >= op.JUMP && b <= op.JUMP_IF_FALSE_OR_POP) || b === op.UNWIND_JUMP;
  }

  protected override setupOpcode(kind: SetupBlockKind): number { return legacySetupOps()[kind]!; }
  protected override buildOpcode(kind: BuildKind): number { return legacyBuildOps()[kind]!; }
  protected override binaryOpNumber(op: number): number {
    return this.compat.operators?.binary[op as BinaryOp] ?? legacyBinaryOp(op);
  }

  override raiseVarargs(nArgs: number): void {
    this.byte(-nArgs, legacyOpTable().RAISE_VARARGS);
    this.raw(nArgs);
    this.deadCodeFollows();
  }

  override popExceptJump(label: number, withinExcHandler: boolean): void {
    if (!this.compat.popBlockOpcodes) {
      super.popExceptJump(label, withinExcHandler);
      return;
    }
    // before 1.11: leave the block (or the handler) with its own opcode, then an ordinary jump
    if (withinExcHandler) this.popExcept();
    else this.popBlock();
    this.jump(label);
  }

  popBlock(): void { this.byte(0, legacyOpTable().POP_BLOCK); }
  popExcept(): void { this.byte(0, legacyOpTable().POP_EXCEPT); }

  override withCleanup(label: number): void {
    if (this.compat.popBlockOpcodes) this.popBlock();
    super.withCleanup(label);
  }
}
