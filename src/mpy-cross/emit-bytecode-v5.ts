// The bytecode emitter of MicroPython 1.12-1.18 (.mpy v5): qstr arguments are 2-byte placeholders
// (the writer spells them out), constants and child functions index a per-function table that
// starts with the argument names, jumps are always 3 bytes, and the prelude carries the function
// and source file names. Everything else is shared with the v6 emitter.
import { BytecodeEmitter } from "./emit-bytecode.js";
import { Pass } from "./emitter.js";
import { ID_FLAG_IS_PARAM, type Scope } from "./scope.js";
import { Op } from "./opcodes.js";
import type { ConstObj } from "./constants.js";
import type { RawCode } from "./raw-code.js";

export class BytecodeEmitterV5 extends BytecodeEmitter {
  protected ctCurObj = 0;
  protected ctNumObj = 0;
  protected ctCurRawCode = 0;
  protected objects: ConstObj[] = [];
  protected children: RawCode[] = [];
  protected qstrAt = new Map<number, string>();
  protected argNames: string[] = [];
  protected preludeQstrOffset = 0;
  sourceFile = "";
  /** -mcache-lookup-bc: name and attribute lookups are followed by a byte the VM caches a map slot in. */
  cacheLookups = false;

  protected override byteQstr(stackAdj: number, b: number, s: string): void {
    this.pre(stackAdj);
    if (this.pass === Pass.Emit) this.qstrAt.set(this.bcOffset, s);
    this.raw(b);
    this.raw(0);
    this.raw(0);
    const op = this.op;
    if (this.cacheLookups && (b === op.LOAD_NAME || b === op.LOAD_GLOBAL || b === op.LOAD_ATTR || b === op.STORE_ATTR)) this.raw(0);
  }

  protected override byteObj(stackAdj: number, b: number, obj: ConstObj): void {
    const n = this.scope.numPosArgs + this.scope.numKwonlyArgs + this.ctCurObj;
    if (this.pass === Pass.Emit) this.objects[this.ctCurObj] = obj;
    this.ctCurObj++;
    this.byteUint(stackAdj, b, n);
  }

  protected override byteChild(stackAdj: number, b: number, scope: Scope): void {
    const n = this.scope.numPosArgs + this.scope.numKwonlyArgs + this.ctNumObj + this.ctCurRawCode;
    if (this.pass === Pass.Emit) this.children[this.ctCurRawCode] = scope.rawCode!;
    this.ctCurRawCode++;
    this.byteUint(stackAdj, b, n);
  }

  protected override byteLabel(stackAdj: number | null, b: number, label: number): void {
    if (stackAdj !== null) this.pre(stackAdj);
    // 1.18 biased every jump that can go backwards (including the *_OR_POP ones) by 0x8000
    const signed = this.jumpIsSigned(b);
    let offset = 0;
    if (this.pass === Pass.Emit) {
      offset = this.labelOffsets[label] - this.bcOffset - 3;
      if (signed) offset += 0x8000;
    }
    this.raw(b);
    this.raw(offset & 0xff);
    this.raw((offset >> 8) & 0xff);
  }

  /** Whether a jump opcode's offset is stored biased by 0x8000 (it can go backwards). */
  protected jumpIsSigned(b: number): boolean {
    return b <= this.op.JUMP_IF_FALSE_OR_POP;
  }

  protected override callHelper(stackAdj: number, base: number, nPos: number, nKw: number, starFlags: number): void {
    // the star and double-star arguments are two objects on the stack (either may be NULL)
    if (starFlags) {
      this.byteUint(stackAdj - (nPos + 2 * nKw + 2), base + 1, (nKw << 8) | nPos);
    } else {
      this.byteUint(stackAdj - (nPos + 2 * nKw), base, (nKw << 8) | nPos);
    }
  }

  override labelAssign(label: number): void {
    if (this.pass === Pass.Scope) return;
    this.suppress = false;
    this.lastWasReturn = false;
    // label offsets are final after the code-size pass: jumps never change size
    if (this.pass < Pass.Emit) this.labelOffsets[label] = this.bcOffset;
  }

  override startPass(pass: Pass, scope: Scope): void {
    this.qstrAt = new Map();
    this.beginPrelude(pass, scope);
    this.nInfo = this.codeInfo.length;
    this.preludeQstrOffset = this.codeInfo.length;
    this.ci(0); this.ci(0); // simple name
    this.ci(0); this.ci(0); // source file
    this.ctCurObj = 0;
    this.ctCurRawCode = 0;
    if (pass === Pass.Emit) {
      this.objects = [];
      this.children = [];
      this.argNames = [];
      for (let i = 0; i < scope.numPosArgs + scope.numKwonlyArgs; i++) {
        const id = scope.ids.find((x) => x.flags & ID_FLAG_IS_PARAM && x.localNum === i);
        this.argNames.push(id ? id.name : "*");
      }
    }
  }

  override endPass(): boolean {
    if (this.pass === Pass.Scope) return true;
    // (1.8's mpy-cross wrote the code even so, e.g. for `super.f()`; see compat.ts adjustRaisesMax)
    if (this.stackSize !== 0 && this.compat.adjustRaisesMax) throw new Error(`internal: stack not balanced in ${this.scope.simpleName}`);
    this.closePrelude();
    this.ctNumObj = this.ctCurObj;
    if (this.pass === Pass.Emit) this.storeRawCode();
    return true;
  }

  /** Ends the line-number table and writes what follows it (here: the cell list). */
  protected closePrelude(): void {
    this.ci(0); // end of the line-number table
    this.writeCellList();
  }

  /** Hands the finished function to its raw code, with what the writer needs to spell out its qstrs. */
  protected storeRawCode(): void {
    const rc = this.scope.rawCode!;
    const ciLen = this.codeInfo.length;
    rc.funData = this.funData();
    rc.children = this.children.slice(0, this.ctCurRawCode);
    rc.scopeFlags = this.scope.scopeFlags;
    rc.v5 = {
      simpleName: this.scope.simpleName,
      sourceFile: this.sourceFile,
      argNames: this.argNames,
      objects: this.objects.slice(0, this.ctCurObj),
      qstrAt: new Map([...this.qstrAt].map(([off, q]) => [off + ciLen, q])),
      preludeQstrOffset: this.preludeQstrOffset,
      codeStart: ciLen,
    };
  }
}
