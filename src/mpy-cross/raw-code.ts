// The compiled form of one scope, as the .mpy writer stores it: the bytecode function data
// (prelude + line table + opcodes) and the raw codes of the functions/classes it creates.
export interface RawCode {
  /** Prelude, source-info, closure cells and opcodes, exactly as stored in the .mpy. */
  funData: Uint8Array;
  /** Children in the order MAKE_FUNCTION/MAKE_CLOSURE refer to them. */
  children: RawCode[];
  /** Signature flags (generator, *args, **kwargs, kw defaults) of the scope. */
  scopeFlags: number;
}

/** A compiled module: its outer raw code plus the module-wide qstr and constant tables. */
export interface CompiledModule {
  rc: RawCode;
  /** qstr table; index 0 is the source file name. */
  qstrs: string[];
  consts: import("./constants.js").ConstObj[];
  smallIntBits: number;
}
