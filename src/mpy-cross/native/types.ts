// Viper's machine-level types (MP_NATIVE_TYPE_*) and the value types the native emitter tracks for
// every stack slot and local: the native types plus a few markers (None constant, unbound, cast).
// const enums, whose numbers tsc writes where they are used, and a switch rather than a lookup object:
// a bytecode compile reaches this module (scope.ts reads viper annotations' names), and building its
// two enums' objects took ~0.04-0.16 ms of every start.

export const enum NativeType { Obj = 0, Bool = 1, Int = 2, Uint = 3, Ptr = 4, Ptr8 = 5, Ptr16 = 6, Ptr32 = 7 }

/** The native type a name denotes in a viper annotation or cast, or -1. */
export function nativeTypeFromName(name: string): number {
  switch (name) {
    case "object": return NativeType.Obj;
    case "bool": return NativeType.Bool;
    case "int": return NativeType.Int;
    case "uint": return NativeType.Uint;
    case "ptr": return NativeType.Ptr;
    case "ptr8": return NativeType.Ptr8;
    case "ptr16": return NativeType.Ptr16;
    case "ptr32": return NativeType.Ptr32;
    default: return -1;
  }
}

/** Value type of a stack slot or local; the low 4 bits of each are its native type. */
export const enum VType {
  PyObj = NativeType.Obj,
  Bool = NativeType.Bool,
  Int = NativeType.Int,
  Uint = NativeType.Uint,
  Ptr = NativeType.Ptr,
  Ptr8 = NativeType.Ptr8,
  Ptr16 = NativeType.Ptr16,
  Ptr32 = NativeType.Ptr32,
  /** The constant None (an immediate). */
  PtrNone = 0x50 | NativeType.Ptr,
  /** A local not yet assigned in a viper function. */
  Unbound = 0x60 | NativeType.Obj,
  /** A cast operator (int, ptr8, ...) loaded as a global; its immediate is the target native type. */
  BuiltinCast = 0x70 | NativeType.Obj,
}

/** The name of a value type in ViperTypeError messages. */
export function vtypeName(t: VType): string {
  switch (t) {
    case VType.PyObj: return "object";
    case VType.Bool: return "bool";
    case VType.Int: return "int";
    case VType.Uint: return "uint";
    case VType.Ptr: return "ptr";
    case VType.Ptr8: return "ptr8";
    case VType.Ptr16: return "ptr16";
    case VType.Ptr32: return "ptr32";
    default: return "None";
  }
}
