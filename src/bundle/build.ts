// `tspy bundle build`: library sources in, bundles shaped as Adafruit publishes them out, with tspy's
// own compiler instead of downloaded mpy-cross binaries:
//   NAME-py-TAG.zip, NAME-N.x-mpy-TAG.zip (one per CircuitPython major), each holding
//   NAME-…-TAG/lib/<module>(.py|.mpy or a package directory) and requirements/<module>/requirements.txt
//   (and pyproject.toml), plus NAME-TAG.json: per module its version, repo, package flag, path and
//   dependencies, as circuitpython-build-tools writes it.
// A source directory is one library as its repository holds it: top-level modules (`x.py`) and
// packages (directories with `__init__.py`), beside requirements.txt; examples, docs and tests are left out.
import { promises as fs } from "node:fs";
import path from "node:path";
import { BundleError } from "./errors.js";
import { metadataFromPy } from "./module-metadata.js";
import { canonicalModuleName, requirementNames } from "./requirements.js";
import { writeZip, type ZipInput } from "./zip-writer.js";

/** Not part of a library even when they sit beside it. */
const NOT_MODULES = new Set(["setup.py", "conf.py", "noxfile.py", "examples", "docs", "tests", "test", "build", "dist"]);

export interface LibrarySource {
  /** The module or package name (as imported). */
  name: string;
  isPackage: boolean;
  /** Relative to lib/, `/`-separated, with their bytes. */
  files: { path: string; data: Uint8Array }[];
  requirementsTxt?: string;
  pyprojectToml?: string;
}

async function walkFiles(root: string, rel: string, out: { path: string; data: Uint8Array }[]): Promise<void> {
  for (const e of (await fs.readdir(path.join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.name.startsWith(".") || e.name === "__pycache__") continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walkFiles(root, p, out);
    else if (e.isFile()) out.push({ path: p, data: new Uint8Array(await fs.readFile(path.join(root, p))) });
  }
}

/** The libraries of one source directory (usually one module or package). */
export async function readLibrarySources(dir: string): Promise<LibrarySource[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    throw new BundleError(`bundle build: ${dir}: ${e.code === "ENOENT" ? "no such directory" : e.code === "ENOTDIR" ? "not a directory" : e.message}`);
  });
  const txt = await fs.readFile(path.join(dir, "requirements.txt"), "utf8").catch(() => undefined);
  const toml = await fs.readFile(path.join(dir, "pyproject.toml"), "utf8").catch(() => undefined);
  const out: LibrarySource[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (NOT_MODULES.has(e.name) || e.name.startsWith(".") || e.name.startsWith("_")) continue;
    if (e.isFile() && e.name.endsWith(".py")) {
      out.push({ name: e.name.slice(0, -3), isPackage: false, files: [{ path: e.name, data: new Uint8Array(await fs.readFile(path.join(dir, e.name))) }], requirementsTxt: txt, pyprojectToml: toml });
    } else if (e.isDirectory() && (await fs.stat(path.join(dir, e.name, "__init__.py")).catch(() => null))) {
      const files: { path: string; data: Uint8Array }[] = [];
      await walkFiles(dir, e.name, files);
      out.push({ name: e.name, isPackage: true, files, requirementsTxt: txt, pyprojectToml: toml });
    }
  }
  if (out.length === 0) throw new BundleError(`bundle build: ${dir}: no module (x.py) or package (a directory with __init__.py) in it`);
  return out;
}

/** Compiles one library file for a CircuitPython major; the path is the file's place below lib/. */
export type CompileFor = (major: number, files: { path: string; data: Uint8Array }[]) => Promise<Uint8Array[]>;

export interface BuildOptions {
  name: string;
  tag: string;
  majors: number[];
  outDir: string;
  compile: CompileFor;
}

const isSource = (p: string) => p.endsWith(".py");

/** The JSON beside the zips: what circuitpython-build-tools records for each module. */
function metadataJson(libs: LibrarySource[], bundleName: string, tag: string): string {
  const out: Record<string, unknown> = {};
  for (const lib of libs) {
    const main = lib.files.find((f) => f.path === (lib.isPackage ? `${lib.name}/__init__.py` : `${lib.name}.py`)) ?? lib.files.find((f) => isSource(f.path));
    const firstWithVersion = lib.files.map((f) => metadataFromPy(Buffer.from(f.data).toString("utf8"))).find((m) => m.version !== undefined);
    const meta = { ...(main ? metadataFromPy(Buffer.from(main.data).toString("utf8")) : {}), ...(firstWithVersion?.version ? { version: firstWithVersion.version } : {}) };
    const deps = lib.requirementsTxt ? requirementNames(lib.requirementsTxt) : [];
    out[lib.name] = {
      package: lib.isPackage,
      pypi_name: lib.name.replace(/_/g, "-"),
      version: meta.version ?? "0.0.0+auto.0",
      repo: meta.repo ?? "",
      path: `lib/${lib.isPackage ? lib.name : lib.name + ".py"}`,
      dependencies: deps.filter((d) => d !== lib.name),
      external_dependencies: [],
      bundle: `${bundleName}-${tag}`,
    };
  }
  return JSON.stringify(out, null, 2) + "\n";
}

function requirementEntries(top: string, libs: LibrarySource[]): ZipInput[] {
  const out: ZipInput[] = [];
  for (const lib of libs) {
    if (lib.requirementsTxt === undefined && lib.pyprojectToml === undefined) continue;
    const dir = `${top}/requirements/${canonicalModuleName(lib.name)}`;
    out.push({ name: `${dir}/` });
    if (lib.requirementsTxt !== undefined) out.push({ name: `${dir}/requirements.txt`, data: lib.requirementsTxt });
    if (lib.pyprojectToml !== undefined) out.push({ name: `${dir}/pyproject.toml`, data: lib.pyprojectToml });
  }
  return out;
}

/** Directory entries for every parent of the files, as zip tools write them. */
function withDirs(top: string, files: { path: string; data: Uint8Array }[]): ZipInput[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split("/");
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
  }
  return [...[...dirs].sort().map((d) => ({ name: `${top}/lib/${d}/` })), ...files.map((f) => ({ name: `${top}/lib/${f.path}`, data: f.data }))];
}

/** Write the py zip, one mpy zip per major and the JSON; returns the files written. */
export async function buildBundles(libs: LibrarySource[], o: BuildOptions): Promise<string[]> {
  const seen = new Map<string, string>();
  for (const lib of libs) {
    if (seen.has(lib.name)) throw new BundleError(`bundle build: two sources define the module ${lib.name}`);
    seen.set(lib.name, lib.name);
  }
  await fs.mkdir(o.outDir, { recursive: true });
  const written: string[] = [];
  const write = async (file: string, data: Uint8Array | string) => {
    const p = path.join(o.outDir, file);
    const tmp = `${p}.tspy-tmp`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, p);
    written.push(p);
  };
  const all = libs.flatMap((l) => l.files);
  const flavours: (number | "py")[] = ["py", ...o.majors];
  const zips: [string, Uint8Array][] = [];
  for (const f of flavours) {
    const top = `${o.name}-${f === "py" ? "py" : `${f}.x-mpy`}-${o.tag}`;
    let files = all;
    if (f !== "py") {
      const sources = all.filter((x) => isSource(x.path));
      const mpys = await o.compile(f, sources);
      const compiled = new Map(sources.map((s, i) => [s.path, mpys[i]!]));
      files = all.map((x) => (compiled.has(x.path) ? { path: x.path.slice(0, -3) + ".mpy", data: compiled.get(x.path)! } : x));
    }
    const entries: ZipInput[] = [{ name: `${top}/` }, { name: `${top}/lib/` }, ...withDirs(top, files), ...requirementEntries(top, libs)];
    zips.push([`${top}.zip`, writeZip(entries)]);
  }
  // Compile everything before writing anything: a source that does not compile leaves no half set.
  for (const [file, data] of zips) await write(file, data);
  await write(`${o.name}-${o.tag}.json`, metadataJson(libs, o.name, o.tag));
  return written;
}
