// The compiled form of one scope, as the .mpy writer stores it: the bytecode function data
// (prelude + line table + opcodes) and the raw codes of the functions/classes it creates.
export interface RawCode {
  /** Prelude, source-info, closure cells and opcodes, exactly as stored in the .mpy. */
  funData: Uint8Array;
  /** Children in the order MAKE_FUNCTION/MAKE_CLOSURE refer to them. */
  children: RawCode[];
  /** Signature flags (generator, *args, **kwargs, kw defaults) of the scope. */
  scopeFlags: number;
  /** .mpy v5 only: this code's own constant table and where its inline qstrs sit. */
  v5?: RawCodeV5;
  /** Machine code (absent: bytecode). funData then holds the machine code (and a native prelude). */
  native?: NativeCodeInfo;
}

/** What the .mpy stores after the machine code of a native raw code. */
export interface NativeCodeInfo {
  kind: "native" | "viper" | "asm";
  /** @native: offset of the bytecode-style prelude within funData. */
  preludeOffset: number;
  /** @asm: number of register arguments and the type signature (2 bits per arg, return first). */
  asmNPosArgs?: number;
  asmTypeSig?: number;
  /** .mpy v5 @native/@viper: the immediates the loader patches with qstrs (native/const-table-v5.ts). */
  qstrLinks?: import("./native/const-table-v5.js").QstrLink[];
}

/** The parts of a raw code that .mpy v5 stores per function instead of per module. */
export interface RawCodeV5 {
  simpleName: string;
  sourceFile: string;
  /** Argument names (the first entries of the constant table). */
  argNames: string[];
  objects: import("./constants.js").ConstObj[];
  /** Offset in funData of each qstr-argument opcode (its 2-byte placeholder follows) and the qstr. */
  qstrAt: Map<number, string>;
  /** Offset in funData of the prelude's simple-name and source-file placeholders. */
  preludeQstrOffset: number;
  /** Offset in funData where the part after the code info starts (cell list, then opcodes). */
  codeStart: number;
}

/** A compiled module: its outer raw code plus the module-wide qstr and constant tables. */
export interface CompiledModule {
  rc: RawCode;
  /** qstr table; index 0 is the source file name. */
  qstrs: string[];
  consts: import("./constants.js").ConstObj[];
  smallIntBits: number;
  /** .mpy 5 and older: header feature bits (bit 0 cached map lookups, bit 1 unicode str). */
  featureFlags?: number;
  /** Pre-1.12 writers: the strings the parse made qstrs, in creation order (ParseTree.createdQstrs). */
  createdQstrs?: readonly string[];
  /** The arch of the module's native code; absent when it is bytecode only (no arch in the header). */
  nativeArch?: import("./native/arch.js").NativeArch;
  /** -march-flags bits (.mpy 6.3): when not 0, header feature bit 6 and the number after the header. */
  archFlags?: number;
}
