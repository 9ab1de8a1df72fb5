// State shared by all scopes of one module while emitting: the module's qstr table (first use
// order, the source file name first), its constant-object table, and the child raw codes of the
// scope being emitted.
import { ConstTable, type ConstObj } from "./constants.js";
import type { RawCode } from "./raw-code.js";
import { Pass } from "./emitter.js";

export class EmitCommon {
  pass: Pass = Pass.Scope;
  private readonly qstrIndex = new Map<string, number>();
  readonly qstrs: string[] = [];
  private readonly constTable: ConstTable;
  readonly consts: ConstObj[];
  children: RawCode[] = [];
  curChild = 0;

  constructor(sourceFile: string, signedZeroDistinct = true) {
    this.constTable = new ConstTable(signedZeroDistinct);
    this.consts = this.constTable.items;
    this.useQstr(sourceFile);
  }

  startPass(pass: Pass): void {
    this.pass = pass;
    if (pass === Pass.CodeSize) this.children = [];
    this.curChild = 0;
  }

  useQstr(s: string): number {
    let i = this.qstrIndex.get(s);
    if (i === undefined) {
      i = this.qstrs.length;
      this.qstrs.push(s);
      this.qstrIndex.set(s, i);
    }
    return i;
  }

  useConst(obj: ConstObj): number {
    return this.constTable.use(obj);
  }

  allocChild(rc: RawCode): number {
    if (this.pass === Pass.Emit) this.children[this.curChild] = rc;
    return this.curChild++;
  }
}
