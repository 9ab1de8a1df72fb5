// A Node built-in loaded when first needed, not imported at the top: node:v8, node:crypto and
// node:worker_threads each cost milliseconds to load, and most runs need none of them. Through require,
// because the bundled compiler runs in a vm.Script, which has no dynamic import(). The bundle (a
// CommonJS script, bundle-loader.ts) has a require of its own; only the ES modules make one through
// node:module's createRequire, which in a bundle would cost ~0.5 ms to load plus the URL conversions
// of import.meta.url (~1 ms in all of a 7 KB compile's ~30 above Node's start, measured with V8's
// CPU profile).
import { createRequire } from "node:module";

export function requireBuiltin<T>(name: `node:${string}`): T {
  return (typeof require === "function" ? require(name) : createRequire(import.meta.url)(name)) as T;
}
