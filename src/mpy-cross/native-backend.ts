// The native back end (native/backend.ts) for compiler.ts. As ES modules it is imported with the rest;
// in the bundled compiler (scripts/bundle-compiler.mjs) this module is replaced by one that loads the
// back end on first use: its setup (assembler and emitter tables, ~3 ms) and its share of the code
// cache (~100 KB) are then left out of every bytecode-only compile, which is nearly every one-file run.
import * as backend from "./native/backend.js";

export type NativeBackend = typeof backend;

export function nativeBackend(): NativeBackend {
  return backend;
}
