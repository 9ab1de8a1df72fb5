// Code on the board can reach the worker's JavaScript global object: the port's `js` module is a view
// of it, and any JS object handed to Python exposes `.constructor` and friends. Left alone, that is a
// way out of the board's directory (`process`, `eval`, the Function constructor and dynamic import
// reach everything the host process can). The VM thread therefore runs with those taken away; the
// WebAssembly glue only needs `process.versions` and `process.argv` from them.

const FUNCTION_KINDS: unknown[] = [
  function () {},
  async function () {},
  function* () {},
  async function* () {},
];

export function hardenWorkerGlobals(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  const stub = Object.freeze({
    versions: Object.freeze({ ...process.versions }),
    argv: Object.freeze([] as string[]),
    env: Object.freeze({}),
    platform: process.platform,
  });
  Object.defineProperty(g, "process", { value: stub, writable: false, configurable: false, enumerable: false });
  for (const name of ["eval", "Function", "fetch", "WebSocket", "require", "module"]) {
    if (name in g) Object.defineProperty(g, name, { value: undefined, writable: false, configurable: false });
  }
  for (const fn of FUNCTION_KINDS) {
    const proto = Object.getPrototypeOf(fn) as object;
    Object.defineProperty(proto, "constructor", { value: undefined, writable: false, configurable: false });
  }
}
