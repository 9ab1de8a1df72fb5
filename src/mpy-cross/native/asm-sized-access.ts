// The native emitter's sized loads and stores (8/16/32 bits, at a base register or at an offset in
// units of the access) for code generators that have one routine per direction taking the size as a
// number: RV32 and Xtensa, whose upstream assemblers pick an encoding by size and offset range alike.
import { AsmBase } from "./asm-base.js";

export abstract class SizedAccessAsm extends AsmBase {
  /** Loads 1 << size bytes from base + offset << size. */
  protected abstract loadSized(dest: number, base: number, offset: number, size: 0 | 1 | 2): void;
  /** Stores 1 << size bytes at base + offset << size. */
  protected abstract storeSized(src: number, base: number, offset: number, size: 0 | 1 | 2): void;

  load8RegReg(dest: number, base: number): void { this.loadSized(dest, base, 0, 0); }
  load16RegReg(dest: number, base: number): void { this.loadSized(dest, base, 0, 1); }
  load32RegReg(dest: number, base: number): void { this.loadSized(dest, base, 0, 2); }
  load8RegRegOffset(dest: number, base: number, offset: number): void { this.loadSized(dest, base, offset, 0); }
  load16RegRegOffset(dest: number, base: number, offset: number): void { this.loadSized(dest, base, offset, 1); }
  load32RegRegOffset(dest: number, base: number, offset: number): void { this.loadSized(dest, base, offset, 2); }
  store8RegReg(src: number, base: number): void { this.storeSized(src, base, 0, 0); }
  store16RegReg(src: number, base: number): void { this.storeSized(src, base, 0, 1); }
  store32RegReg(src: number, base: number): void { this.storeSized(src, base, 0, 2); }
  store8RegRegOffset(src: number, base: number, offset: number): void { this.storeSized(src, base, offset, 0); }
  store16RegRegOffset(src: number, base: number, offset: number): void { this.storeSized(src, base, offset, 1); }
  store32RegRegOffset(src: number, base: number, offset: number): void { this.storeSized(src, base, offset, 2); }
}
