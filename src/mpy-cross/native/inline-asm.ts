// Compiling an @micropython.asm_* function (upstream's compile_scope_inline_asm) with the target arch's
// inline assembler. The assemblers themselves are separate modules (see notes in NOTES / notes-native).
import type { Compiler } from "../compiler.js";
import type { Scope } from "../scope.js";
import { PendingTypedError } from "../compile-error.js";

export function compileInlineAsmScope(c: Compiler, scope: Scope): void {
  void c;
  void scope;
  throw new PendingTypedError("NotImplementedError", "inline assembler not available in tspy yet");
}
