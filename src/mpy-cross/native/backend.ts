// The native back end as one module: the machine-code emitter, the assemblers and the inline
// assemblers, which a bytecode compile never uses. compiler.ts reaches it through native-backend.ts,
// which the bundle loads only when a compile first needs it.
export { createAssembler } from "./assemblers.js";
export { NativeEmitter } from "./emit-native.js";
export { compileInlineAsmScope } from "./inline-asm.js";
export { asmCompat } from "./asm-compat.js";
