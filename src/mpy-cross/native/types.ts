// Viper's machine-level types (MP_NATIVE_TYPE_*) and the value types the native emitter tracks for
// every stack slot and local: the native types plus a few markers (None constant, unbound, cast).

export enum NativeType { Obj = 0, Bool = 1, Int = 2, Uint = 3, Ptr = 4, Ptr8 = 5, Ptr16 = 6, Ptr32 = 7 }

const BY_NAME: Record<string, NativeType> = {
  object: NativeType.Obj, bool: NativeType.Bool, int: NativeType.Int, uint: NativeType.Uint,
  ptr: NativeType.Ptr, ptr8: NativeType.Ptr8, ptr16: NativeType.Ptr16, ptr32: NativeType.Ptr32,
};

/** The native type a name denotes in a viper annotation or cast, or -1. */
export function nativeTypeFromName(name: string): number {
  return Object.prototype.hasOwnProperty.call(BY_NAME, name) ? BY_NAME[name] : -1;
}

/** Value type of a stack slot or local; the low 4 bits of each are its native type. */
export enum VType {
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
