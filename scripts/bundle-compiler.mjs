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
import { stripIndentation } from "./strip-indentation.mjs";

const root = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..");
const bundle = path.join(root, "dist", "mpy-cross.bundle.cjs");
const dist = path.join(root, "dist");
// Each module's import.meta.url becomes the URL its ES module has below dist/ (bundle-loader.ts passes
// in a function that gives dist's URL: few runs need it, and pathToFileURL costs ~0.4 ms the first
// time), so the paths it resolves (worker script, code cache) are the ones the modules use.
// In the bundles that call a lazy bundle (below), its facade module is replaced by the stand-in made for it.
const importMetaUrl = {
  name: "import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const rel = path.relative(dist, args.path).split(path.sep).join("/");
      const lazy = LAZY_BUNDLES.find((l) => l.facade === rel && l.standIn);
      if (lazy) return { contents: lazy.standIn, loader: "js", resolveDir: path.dirname(args.path) };
      const text = await fs.promises.readFile(args.path, "utf8");
      // A module's own path (fileURLToPath(import.meta.url), how modules find files beside them) is
      // joined from dist's path: no URL to parse and turn back at every start.
      const own = text.replaceAll("fileURLToPath(import.meta.url)", `__tspyDistPath(${JSON.stringify(rel)})`);
      return { contents: own.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, __tspyDistUrl()).href`), loader: "js" };
    });
  },
};

/**
 * Bundles of their own, loaded the first time a run needs them, so that the bundles calling them neither
 * read nor set up their code at every start:
 * - the native back end (src/mpy-cross/native/backend.js, ~250 KB), which a bytecode compile, nearly
 *   every one-file run, never uses;
 * - the .mpy reader and `mpy-cross --dump` (dump.js and the reader's modules, ~45 KB);
 * - the qstr pools of the releases before 1.12 (~25 KB of data);
 * - the back ends of the .mpy formats before 6 (legacy-backends.ts: emitters, writers, float formatting,
 *   ~20 KB).
 * Each is reached through a facade module (native-backend.ts, dump-loader.ts, old-qstr-pools-loader.ts,
 * legacy-backends-loader.ts;
 * as ES modules it just imports the code), replaced in every calling bundle by a stand-in made here that
 * loads the lazy bundle.
 * What a lazy bundle imports from outside its own modules (compat, scope, the error classes ...) is not
 * copied into it: the calling bundle passes its own modules in (bundle-loader.ts, loadLazyBundle), so
 * both work on the same classes and tables.
 */
const DUMP_MODULES = new Set(["dump.js", "mpy-reader.js", "mpy-reader-base.js", "mpy-reader-legacy.js", "mpy-dialects.js"].map((f) => `src/mpy-cross/${f}`));
const POOL_MODULES = new Set(["old-qstr-pools.js", "qstr-pools-legacy.js", "qstr-pools-1-9.js", "qstr-pools-1-8.js"].map((f) => `src/mpy-cross/${f}`));
const LEGACY_MODULES = new Set(["legacy-backends.js", "emit-bytecode-v4.js", "emit-bytecode-v5.js", "mpy-writer-v4.js", "mpy-writer-v5.js", "float-format-legacy.js"].map((f) => `src/mpy-cross/${f}`));
const LAZY_BUNDLES = [
  {
    name: "native", entry: "src/mpy-cross/native/backend.js", facade: "src/mpy-cross/native-backend.js", accessor: "nativeBackend",
    what: "the native back end", isMember: (rel) => rel.startsWith("src/mpy-cross/native/"),
  },
  { name: "dump", entry: "src/mpy-cross/dump.js", facade: "src/mpy-cross/dump-loader.js", accessor: "dumpModule", what: "the .mpy reader", isMember: (rel) => DUMP_MODULES.has(rel) },
  { name: "pools", entry: "src/mpy-cross/old-qstr-pools.js", facade: "src/mpy-cross/old-qstr-pools-loader.js", accessor: "oldQstrPools", what: "the pre-1.12 qstr pools", isMember: (rel) => POOL_MODULES.has(rel) },
  {
    name: "legacy", entry: "src/mpy-cross/legacy-backends.js", facade: "src/mpy-cross/legacy-backends-loader.js", accessor: "legacyBackends",
    what: "the back ends of .mpy 5 and older", isMember: (rel) => LEGACY_MODULES.has(rel),
  },
].map((l) => ({ ...l, script: path.join(dist, `mpy-cross-${l.name}.bundle.cjs`), shared: new Set(), members: new Set(), standIn: "" }));
const nativeBundle = LAZY_BUNDLES[0].script;

/** For bundling a lazy bundle: its own modules are bundled, every other one is asked of the caller. */
function sharedFromCaller(lazy) {
  return {
    name: "shared-from-caller",
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const rel = path.relative(dist, path.resolve(args.resolveDir, args.path)).split(path.sep).join("/");
        if (lazy.isMember(rel)) {
          lazy.members.add(rel);
          return undefined;
        }
        lazy.shared.add(rel);
        return { path: rel, namespace: "shared-from-caller" };
      });
      b.onLoad({ filter: /.*/, namespace: "shared-from-caller" }, (args) => ({ contents: `module.exports = __tspyShared[${JSON.stringify(args.path)}];`, loader: "js" }));
    },
  };
}

/**
 * The stand-in for a lazy bundle's facade: the bundle loaded on first use, handed the caller's shared
 * modules as objects of the names the lazy bundle's modules import from each (made then, not at every
 * start: namespace objects for a dozen modules were ~30 KB more to allocate in a one-file compile's start).
 */
function makeStandIn(lazy) {
  const names = new Map([...lazy.shared].sort().map((rel) => [rel, new Set()]));
  const relOf = (from, spec) => path.relative(dist, path.resolve(path.dirname(path.join(dist, from)), spec)).split(path.sep).join("/");
  for (const member of [lazy.entry, ...lazy.members]) {
    const text = fs.readFileSync(path.join(dist, member), "utf8");
    for (const m of text.matchAll(/^import\s*\{([^}]*)\}\s*from\s*"(\.\.?\/[^"]+)";/gm)) {
      const rel = relOf(member, m[2]);
      if (lazy.isMember(rel)) continue;
      for (const n of m[1].split(",").map((x) => x.trim()).filter(Boolean)) names.get(rel)?.add(n);
    }
    for (const m of text.matchAll(/^(?:import\s*\*\s*as|export)[^;]*from\s*"(\.\.?\/[^"]+)";/gm)) {
      if (!lazy.isMember(relOf(member, m[1]))) throw new Error(`bundle-compiler: ${member} imports ${m[1]} in a form ${lazy.name}'s stand-in does not hand over`);
    }
  }
  const fromHere = (rel) => "./" + path.relative(path.dirname(lazy.facade), rel).split(path.sep).join("/");
  const imports = [];
  const objects = [];
  [...names].forEach(([rel, set], i) => {
    const list = [...set].sort();
    if (list.length === 0) throw new Error(`bundle-compiler: found no names ${lazy.name} imports from ${rel}`);
    imports.push(`import { ${list.map((n) => `${n} as s${i}_${n}`).join(", ")} } from ${JSON.stringify(fromHere(rel))};`);
    objects.push(`${JSON.stringify(rel)}: { ${list.map((n) => `${n}: s${i}_${n}`).join(", ")} }`);
  });
  return [
    `import { loadLazyBundle } from ${JSON.stringify(fromHere("src/mpy-cross/batch/bundle-loader.js"))};`,
    ...imports,
    "let api;",
    `export function ${lazy.accessor}() {`,
    `  api ??= loadLazyBundle(${JSON.stringify(lazy.name)}, { ${objects.join(", ")} });`,
    `  if (!api) throw new Error(${JSON.stringify(`${lazy.what}'s bundle (dist/${path.basename(lazy.script)}) is missing or older than its modules: run npm run build`)});`,
    "  return api;",
    "}",
    "",
  ].join("\n");
}

/**
 * One CommonJS script for Node 20 from the ES module `entry` (below dist/), ASCII only (see asciiOnly),
 * by default wrapped as the function bundle-loader.ts runs (wrapAsFunction); `asModule` leaves it a plain
 * CommonJS module for require().
 */
async function bundleScript(entry, outfile, options = {}, { asModule = false, params = BUNDLE_PARAMS } = {}) {
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
  // esbuild writes UTF-8; once asciiOnly has run, Latin-1 reads and writes the same bytes
  const text = stripIndentation(asciiOnly(cheapBuiltinImports(fs.readFileSync(outfile, "utf8"))));
  fs.writeFileSync(outfile, asModule ? text : wrapAsFunction(text, params), "latin1");
}

/**
 * The bundle as the function bundle-loader.ts runs (CommonJS's wrapper plus the URL of dist/), written so
 * at build time: the loader then compiles the file's text as it is read, instead of first copying 700 KB
 * into a wrapped string on every start.
 */
const BUNDLE_PARAMS = "exports, require, module, __tspyDistUrl, __tspyDistDir";
/** Below every bundle: a path below dist/ as a host path (see importMetaUrl). */
const DIST_PATH_HELPER = 'function __tspyDistPath(rel) {\n  return require("node:path").join(__tspyDistDir, rel);\n}\n';
function wrapAsFunction(text, params) {
  return `(function (${params}) {${text}\n${DIST_PATH_HELPER}})`;
}

/**
 * esbuild turns each `import fs from "node:fs"` into `__toESM(require("node:fs"), 1)`, which copies every
 * export of the module onto a new object as a getter: ~0.15 ms per import of fs, 70 of them in the
 * command line's bundle, a few ms of every start. A built-in is a plain CommonJS object, so an object
 * that inherits from it (its exports found through the prototype, `default` the module itself) serves
 * every form of import the same way, at the cost of one allocation. Both forms are made once per
 * built-in: each require of a built-in from user code copies all its exports onto the built-in's ES
 * module facade again (~100 of them for node:fs), and the compiler's bundle alone required node:fs 13
 * times and node:path 12 (~0.1 ms of a one-file compile).
 * node:module and node:os (~1 ms and ~0.5 ms to load) are needed by few runs (in a bundle, node:module
 * only where its code runs as an ES module would: requireFromDist, requireBuiltin's fallback) but
 * imported at the top of modules every run initialises: they are loaded on first use instead.
 */
const LAZY_BUILTINS = new Set(["node:module", "node:os"]);
function cheapBuiltinImports(text) {
  const imports = /__toESM\(require\(("node:[a-z_/]+")\), 1\)|\brequire\(("node:[a-z_/]+")\)/g;
  let lazy = false;
  const out = text.replace(imports, (all, wrapped, bare) => {
    const name = wrapped ?? bare;
    if (LAZY_BUILTINS.has(JSON.parse(name))) {
      lazy = true;
      return `__tspyLazyBuiltin(${name})`;
    }
    return wrapped ? `__tspyBuiltin(${name})` : `__tspyRequire(${name})`;
  });
  if (out === text) return text;
  return (
    out +
    // (var, not const: the script's code calls these before it reaches their lines)
    "\nvar __tspyRequired, __tspyWrapped;\n" +
    "function __tspyRequire(name) {\n  return ((__tspyRequired ??= { __proto__: null })[name] ??= require(name));\n}\n" +
    "function __tspyBuiltin(name) {\n  const mod = __tspyRequire(name);\n  return ((__tspyWrapped ??= { __proto__: null })[name] ??= { __proto__: mod, default: mod });\n}\n" +
    (lazy ? "function __tspyLazyBuiltin(name) {\n  let mod;\n  const load = () => (mod ??= require(name));\n  return new Proxy({}, { get: (_, key) => (key === \"default\" ? load() : load()[key]) });\n}\n" : "")
  );
}

// The lazy bundles first: bundling each finds what the others must hand it.
for (const lazy of LAZY_BUNDLES) {
  await bundleScript(lazy.entry, lazy.script, { plugins: [sharedFromCaller(lazy), importMetaUrl] }, { params: BUNDLE_PARAMS + ", __tspyShared" });
  lazy.standIn = makeStandIn(lazy);
}
// --board needs the connection layer: that run goes through the full command line (fast-path.ts).
await bundleScript("src/mpy-cross/batch/bundle-entry.js", bundle, { external: ["./compile-on-copy.js"] });
// The compiler's hash, both bundles, for the compile cache's key (src/mpy-cross/batch/cache.ts reads it
// instead of hashing the bundles).
{
  const hash = crypto.createHash("sha256").update(fs.readFileSync(bundle));
  for (const lazy of LAZY_BUNDLES) hash.update(fs.readFileSync(lazy.script));
  fs.writeFileSync(bundle + ".sha256", hash.digest("hex") + "\n");
}
// The whole command line as one script (dist/tspy.bundle.cjs): every command, packages left to Node.
// A script run by vm.Script has no import() (Node 20 loses its callback with a code cache): a package
// (all of them CommonJS) is loaded through require instead.
const cliBundle = path.join(dist, "tspy.bundle.cjs");
await bundleScript("src/cli/main.js", cliBundle, { packages: "external", supported: { "dynamic-import": false } });
removeCodeCaches(cliBundle);
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
removeCodeCaches(boardBundle);
{
  // The words of the commands it lacks, for bin/'s first sort (fast-path.ts).
  const { loadCliBundle, boardBundleLacksFile } = await import(url.pathToFileURL(path.join(dist, "src", "mpy-cross", "batch", "bundle-loader.js")).href);
  const lacks = [];
  for (const entry of loadCliBundle("board").COMMANDS) {
    try {
      await entry.load();
    } catch {
      lacks.push(...entry.names);
    }
  }
  fs.writeFileSync(boardBundleLacksFile(), lacks.join("\n") + "\n");
}
// The code bin/ runs first: whether a bundle can do the job, and loading it.
// bin/ requires it as a module from dist/, so its banner says where dist/ is.
await bundleScript("src/cli/fast-path.js", path.join(dist, "fast-path.cjs"), {
  banner: { js: 'var __tspyDistDir = __dirname;\n' + DIST_PATH_HELPER },
}, { asModule: true });

/**
 * bundle-loader.ts reads the bundle as Latin-1 (several times quicker than UTF-8): any character
 * esbuild left outside ASCII (in a comment) becomes a \u escape, which means the same in every place
 * of a script where it can stand.
 */
function asciiOnly(text) {
  return text.replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
/**
 * Removes the code caches beside a bundle's script: one per V8 setting of `settings` (the one-file
 * compile's "", the batch's, the cold run's), each also as a Node started with options keeps it
 * (".flags"; bundle-loader.ts, codeCacheOf).
 */
function removeCodeCaches(script, settings = [""]) {
  for (const setting of settings) for (const flags of ["", ".flags"]) fs.rmSync(script.replace(/\.cjs$/, `${setting}${flags}.v8cache`), { force: true });
}
for (const b of [bundle, ...LAZY_BUNDLES.map((l) => l.script)]) removeCodeCaches(b, ["", ".batch", ".cold"]);

// The warm-up runs below save the caches a plain `node bin/tspy.js` takes: without this build's own
// Node options (NODE_OPTIONS would have them saved as the ".flags" caches instead, bundle-loader.ts).
const warmEnv = { ...process.env };
delete warmEnv.NODE_OPTIONS;

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
const r = spawnSync(process.execPath, [path.join(root, "bin", "tspy.js"), "mpy-cross", "-o", path.join(tmp, "warm.mpy"), sample], { encoding: "utf8", env: warmEnv });
// The native back end's code cache, from a small native compile. Not fatal: without it the first
// native compile saves it.
const nativeSample = path.join(tmp, "warm_native.py");
fs.writeFileSync(nativeSample, "@micropython.native\ndef f(a, b=2):\n    for i in range(a):\n        b += i * 2\n    return [a, b]\n\n@micropython.viper\ndef g(x: int) -> int:\n    return x + 1\n");
const rn = spawnSync(process.execPath, [path.join(root, "bin", "tspy.js"), "mpy-cross", "-march=x64", "-o", path.join(tmp, "warm_native.mpy"), nativeSample], { encoding: "utf8", env: warmEnv });
if (rn.status !== 0) process.stderr.write(`bundle-compiler: the native warm-up compile failed (no code cache yet): ${rn.stderr || rn.error}\n`);
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
  const w = spawnSync(process.execPath, [path.join(root, "bin", "tspy.js"), "-d", `virtual:${board}`, ...chain], { encoding: "utf8", timeout: 60_000, env: warmEnv });
  if (w.status !== 0) process.stderr.write(`bundle-compiler: the command-line warm-up failed (no code cache yet): ${w.stderr || w.error}\n`);
}
fs.rmSync(board, { recursive: true, force: true });
