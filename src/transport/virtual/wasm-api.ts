// The slice of the WebAssembly JS API the virtual board uses. This project compiles against the
// ES2023 library without DOM typings, which is where TypeScript declares WebAssembly.
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** A compiled module (opaque; cloneable into worker threads). */
export type WasmModule = object & { readonly __wasmModule?: never };

export interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(source: WasmModule | Uint8Array, imports?: object): Promise<WasmInstance | { instance: WasmInstance; module: WasmModule }>;
}

export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
