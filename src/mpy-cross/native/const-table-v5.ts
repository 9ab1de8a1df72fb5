// What a native function of MicroPython 1.18 (.mpy v5) reaches through its own constant table rather
// than through a module context: the table is [argument names (@native only), mp_fun_table, constant
// objects, child raw codes], and every qstr the code passes to the runtime is a fixed-size immediate
// that the loader patches (the qstr-link table). The emitter fills this per function and pass.
import type { ConstObj } from "../constants.js";
import type { RawCode } from "../raw-code.js";

/** MP_QSTR link kinds of .mpy v5: a 16-bit qstr number, or a word-sized qstr object. */
export const QSTR_LINK_U16 = 1;
export const QSTR_LINK_OBJ = 2;

/** An immediate the loader replaces with the runtime's qstr (offset into the machine code). */
export interface QstrLink {
  offset: number;
  kind: typeof QSTR_LINK_U16 | typeof QSTR_LINK_OBJ;
  qstr: string;
}

export class FunctionConstTable {
  /** Entries before mp_fun_table: the argument names of a @native function, none for viper. */
  private argSlots = 0;
  objects: ConstObj[] = [];
  children: RawCode[] = [];
  links: QstrLink[] = [];
  private numChildren = 0;
  /**
   * Objects counted by the pass before: children are numbered after them, as upstream numbers them
   * with the previous pass's count (stale from the previous function in a function's first pass).
   */
  private numObjLastPass = 0;

  /** `preludeSlot`: the first object is the prelude as bytes (NativeAssembler.preludeAsBytesObj). */
  startPass(argSlots: number, preludeSlot: boolean): void {
    this.argSlots = argSlots;
    this.objects = preludeSlot ? [{ type: "bytes", value: new Uint8Array(0) }] : [];
    this.children = [];
    this.links = [];
    this.numChildren = 0;
  }

  endPass(): void {
    this.numObjLastPass = this.objects.length;
  }

  /** Index of mp_fun_table in the table. */
  get funTableIndex(): number {
    return this.argSlots;
  }

  /** Index of the prelude's bytes object, when reserved (the first object). */
  get preludeIndex(): number {
    return this.argSlots + 1;
  }

  setPrelude(bytes: Uint8Array): void {
    this.objects[0] = { type: "bytes", value: bytes };
  }

  /** A new slot for an object (upstream does not share slots between equal constants). */
  addObject(obj: ConstObj): number {
    this.objects.push(obj);
    return this.argSlots + this.objects.length;
  }

  addChild(rc: RawCode, emitting: boolean): number {
    if (emitting) this.children.push(rc);
    return this.argSlots + 1 + this.numObjLastPass + this.numChildren++;
  }

  addLink(link: QstrLink, emitting: boolean): void {
    if (emitting) this.links.push(link);
  }
}
