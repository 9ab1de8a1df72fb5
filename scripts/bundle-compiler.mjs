// Build step after tsc: the compiler and the mpy-cross command as one script (dist/mpy-cross.bundle.cjs),
// which loads in a fraction of the time its ~60 modules take (see src/mpy-cross/batch/bundle-loader.ts),
// then one compile through the CLI so V8's code cache for it is saved beside the bundle.
import { build } from "esbuild";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import url from "node:url";

const root = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..");
const bundle = path.join(root, "dist", "mpy-cross.bundle.cjs");
const dist = path.join(root, "dist");
// Each module's import.meta.url becomes the URL its ES module has below dist/ (bundle-loader.ts passes
// dist's URL in), so the paths it resolves (worker script, code cache) are the ones the modules use.
const importMetaUrl = {
  name: "import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const rel = path.relative(dist, args.path).split(path.sep).join("/");
      if (rel === LAZY_NATIVE_BACKEND) return { contents: lazyNativeBackend, loader: "js", resolveDir: path.dirname(args.path) };
      const text = await fs.promises.readFile(args.path, "utf8");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, __tspyDistUrl).href`), loader: "js" };
    });
  },
};
// The native back end is set up on first use in a bundle (src/mpy-cross/native-backend.ts): a require()
// inside a function, which esbuild turns into a module initialised when first called.
const LAZY_NATIVE_BACKEND = "src/mpy-cross/native-backend.js";
const lazyNativeBackend = 'let backend;\nexport function nativeBackend() {\n  return (backend ??= require("./native/backend.js"));\n}\n';
/**
 * One CommonJS script for Node 20 from the ES module `entry` (below dist/), ASCII only (see asciiOnly),
 * by default wrapped as the function bundle-loader.ts runs (wrapAsFunction); `asModule` leaves it a plain
 * CommonJS module for require().
 */
async function bundleScript(entry, outfile, options = {}, { asModule = false } = {}) {
  await build({
    entryPoints: [path.join(dist, ...entry.split("/"))],
    outfile,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    plugins: [importMetaUrl],
    ...options,
  });
  cheapBuiltinImports(outfile);
  asciiOnly(outfile);
  if (!asModule) wrapAsFunction(outfile);
}

/**
 * The bundle as the function bundle-loader.ts runs (CommonJS's wrapper plus the URL of dist/), written so
 * at build time: the loader then compiles the file's text as it is read, instead of first copying 700 KB
 * into a wrapped string on every start.
 */
function wrapAsFunction(file) {
  fs.writeFileSync(file, `(function (exports, require, module, __tspyDistUrl) {${fs.readFileSync(file, "latin1")}\n})`, "latin1");
}

/**
 * esbuild turns each `import fs from "node:fs"` into `__toESM(require("node:fs"), 1)`, which copies every
 * export of the module onto a new object as a getter: ~0.15 ms per import of fs, 70 of them in the
 * command line's bundle, a few ms of every start. A built-in is a plain CommonJS object, so an object
 * that inherits from it (its exports found through the prototype, `default` the module itself) serves
 * every form of import the same way, at the cost of one allocation.
 * node:module and node:os (~1 ms and ~0.5 ms to load) are needed by few runs (a worker pool, the cache's
 * crypto, a bundle loaded from an ES module) but imported at the top of modules every run initialises:
 * they are loaded on first use instead.
 */
const LAZY_BUILTINS = new Set(["node:module", "node:os"]);
function cheapBuiltinImports(file) {
  const text = fs.readFileSync(file, "utf8");
  const imports = /__toESM\(require\(("node:[a-z_/]+")\), 1\)|\brequire\(("node:[a-z_/]+")\)/g;
  let lazy = false;
  const out = text.replace(imports, (all, wrapped, bare) => {
    const name = wrapped ?? bare;
    if (LAZY_BUILTINS.has(JSON.parse(name))) {
      lazy = true;
      return `__tspyLazyBuiltin(${name})`;
    }
    return wrapped ? `__tspyBuiltin(require(${name}))` : all;
  });
  if (out === text) return;
  fs.writeFileSync(
    file,
    out +
      "\nfunction __tspyBuiltin(mod) {\n  return Object.create(mod, { default: { value: mod, enumerable: true } });\n}\n" +
      (lazy ? "function __tspyLazyBuiltin(name) {\n  let mod;\n  const load = () => (mod ??= require(name));\n  return new Proxy({}, { get: (_, key) => (key === \"default\" ? load() : load()[key]) });\n}\n" : ""),
  );
}

// --board needs the connection layer: that run goes through the full command line (fast-path.ts).
await bundleScript("src/mpy-cross/batch/bundle-entry.js", bundle, { external: ["./compile-on-copy.js"] });
// Its hash, for the compile cache's key (src/mpy-cross/batch/cache.ts reads it instead of hashing the bundle).
fs.writeFileSync(bundle + ".sha256", crypto.createHash("sha256").update(fs.readFileSync(bundle)).digest("hex") + "\n");
// The whole command line as one script (dist/tspy.bundle.cjs): every command, packages left to Node.
// A script run by vm.Script has no import() (Node 20 loses its callback with a code cache): a package
// (all of them CommonJS) is loaded through require instead.
const cliBundle = path.join(dist, "tspy.bundle.cjs");
await bundleScript("src/cli/main.js", cliBundle, { packages: "external", supported: { "dynamic-import": false } });
fs.rmSync(cliBundle.replace(/\.cjs$/, ".v8cache"), { force: true });
// The board commands' part of it (dist/tspy-board.bundle.cjs): main() with only the commands that the
// modules below keep (exec, eval, run, connect, resume, soft-reset ...; the links and the raw REPL).
// Every other command module main() loads is left out, so a board command loads a fifth of the code;
// a chain that needs one of them runs from the whole bundle instead (main.ts, hasCommandsFor).
const BOARD_MODULES = new Set(["./board.js", "./context.js", "../transport/connect.js"]);
const boardOnly = {
  name: "board-only",
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) =>
      args.kind === "dynamic-import" && args.importer === path.join(dist, "src", "cli", "main.js") && !BOARD_MODULES.has(args.path)
        ? { path: args.path, namespace: "left-out" }
        : undefined,
    );
    // A module with no exports: main.ts's loader of such a command reports "this build lacks ...".
    b.onLoad({ filter: /.*/, namespace: "left-out" }, () => ({ contents: "export {};", loader: "js" }));
  },
};
const boardBundle = path.join(dist, "tspy-board.bundle.cjs");
await bundleScript("src/cli/main.js", boardBundle, { packages: "external", supported: { "dynamic-import": false }, plugins: [boardOnly, importMetaUrl] });
fs.rmSync(boardBundle.replace(/\.cjs$/, ".v8cache"), { force: true });
{
  // The words of the commands it lacks, for bin/'s first sort (fast-path.ts).
  const { loadCliBundle, BOARD_BUNDLE_LACKS } = await import(url.pathToFileURL(path.join(dist, "src", "mpy-cross", "batch", "bundle-loader.js")).href);
  const lacks = [];
  for (const entry of loadCliBundle("board").COMMANDS) {
    try {
      await entry.load();
    } catch {
      lacks.push(...entry.names);
    }
  }
  fs.writeFileSync(BOARD_BUNDLE_LACKS, lacks.join("\n") + "\n");
}
// The code bin/ runs first: whether a bundle can do the job, and loading it.
// bin/ requires it as a module, so its banner defines dist's URL that the loader passes the bundles.
await bundleScript("src/cli/fast-path.js", path.join(dist, "fast-path.cjs"), {
  banner: { js: 'var __tspyDistUrl = require("node:url").pathToFileURL(__dirname + "/").href;' },
}, { asModule: true });

/**
 * bundle-loader.ts reads the bundle as Latin-1 (several times quicker than UTF-8): any character
 * esbuild left outside ASCII (in a comment) becomes a \u escape, which means the same in every place
 * of a script where it can stand.
 */
function asciiOnly(file) {
  const text = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}
// Both code caches: the one-file compile's, and worker threads' with the batch flags (bundle-loader.ts).
for (const cache of [".v8cache", ".batch.v8cache"]) fs.rmSync(bundle.replace(/\.cjs$/, cache), { force: true });

// A small program that touches most of the compiler, so the saved code covers a typical file.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-warm-"));
const sample = path.join(tmp, "warm.py");
fs.writeFileSync(sample, [
  "import sys", "from micropython import const", "N = const(4)",
  "class A:", "    def __init__(self, x=1, *a, **k):", "        self.x = [i * 2 for i in range(x) if i]",
  "    async def run(self):", "        async with self as s:", "            await s", "",
  "def f(a, b=2.5, c='s'):", "    try:", "        return {a: b, 'k': (c, f'{a!r:>4}')}", "    except Exception as e:",
  "        raise ValueError(e) from None", "    finally:", "        pass", "",
  "def g():", "    x = 0", "    def h():", "        nonlocal x", "        x += 1", "        yield x", "    return h",
  "while N > 5 or not sys:", "    break", "print(f(1), g, b'\\x00', 1 << 40, -3 // 2, ...)", "",
].join("\n"));
const r = spawnSync(process.execPath, [path.join(root, "bin", "tspy.js"), "mpy-cross", "-o", path.join(tmp, "warm.mpy"), sample], { encoding: "utf8" });
fs.rmSync(tmp, { recursive: true, force: true });
if (r.status !== 0) {
  process.stderr.write(`bundle-compiler: the warm-up compile failed: ${r.stderr || r.error}\n`);
  process.exit(1);
}

// Where @serialport/bindings-cpp's addon is for this Node, so a serial command loads it straight away.
const { recordSerialAddon } = await import(url.pathToFileURL(path.join(dist, "src", "transport", "serial-addon.js")).href);
recordSerialAddon();

// The same for the command line: a board command (exec on the virtual board) saves the board bundle's
// code, and a chain that also lists files the whole bundle's, each covering the parts every board
// command runs. Not fatal: without it the first run saves the cache.
const board = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-warm-board-"));
for (const chain of [["exec", "pass"], ["exec", "pass", "+", "ls"]]) {
  const w = spawnSync(process.execPath, [path.join(root, "bin", "tspy.js"), "-d", `virtual:${board}`, ...chain], { encoding: "utf8", timeout: 60_000 });
  if (w.status !== 0) process.stderr.write(`bundle-compiler: the command-line warm-up failed (no code cache yet): ${w.stderr || w.error}\n`);
}
fs.rmSync(board, { recursive: true, force: true });
