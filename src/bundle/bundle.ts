// One library bundle archive, as Adafruit publishes them: `<top>/lib/` holds the modules (single files
// or package directories), `<top>/requirements/<module>/` their requirements.txt (and pyproject.toml).
// The flavour is in the name: `adafruit-circuitpython-bundle-9.x-mpy-20241120` or `…-py-20241120`.
import { BundleError } from "./errors.js";
import { metadataFromFile, type ModuleMetadata } from "./module-metadata.js";
import { canonicalModuleName, circupDependencies, requirementNames } from "./requirements.js";
import { readZip, type ZipArchive } from "./zip-reader.js";

export type Flavour = { kind: "py" } | { kind: "mpy"; major: number };

export interface BundleName {
  /** The bundle's identity without flavour and tag: `adafruit-circuitpython-bundle`. */
  id: string;
  flavour: Flavour;
  tag: string;
}

export interface BundleFile {
  /** Relative to lib/: `foo.mpy`, `foo/__init__.py`. */
  readonly path: string;
  /** Inflated on first use: a bundle holds hundreds of libraries and a command needs a few. */
  readonly data: Uint8Array;
}

export interface BundleModule {
  readonly name: string;
  /** A directory under lib/ rather than one file. */
  readonly isPackage: boolean;
  readonly files: BundleFile[];
  /** Read from the files on first use. */
  readonly metadata: ModuleMetadata;
}

class LazyFile implements BundleFile {
  private cached: Uint8Array | null = null;
  constructor(
    readonly path: string,
    private readonly load: () => Uint8Array,
  ) {}
  get data(): Uint8Array {
    this.cached ??= this.load();
    return this.cached;
  }
}

class LazyModule implements BundleModule {
  readonly files: BundleFile[] = [];
  private cached: ModuleMetadata | null = null;
  constructor(
    readonly name: string,
    readonly isPackage: boolean,
  ) {}
  get metadata(): ModuleMetadata {
    this.cached ??= packageMetadata(this.files);
    return this.cached;
  }
}

export function flavourLabel(f: Flavour): string {
  return f.kind === "py" ? "py" : `${f.major}.x-mpy`;
}

/** Split `name-9.x-mpy-tag` / `name-py-tag` (a directory or zip file name). */
export function parseBundleName(name: string): BundleName | null {
  const base = name.replace(/\.zip$/i, "");
  const mpy = /^(.+)-(\d+)\.x-mpy-([^/]+)$/.exec(base);
  if (mpy) return { id: mpy[1]!, flavour: { kind: "mpy", major: Number(mpy[2]) }, tag: mpy[3]! };
  const py = /^(.+)-py-([^/]+)$/.exec(base);
  if (py) return { id: py[1]!, flavour: { kind: "py" }, tag: py[2]! };
  return null;
}

const HIDDEN = (segment: string) => segment.startsWith(".") || segment === "__pycache__";

export class Bundle {
  readonly modules = new Map<string, BundleModule>();
  private readonly requirementTexts = new Map<string, { txt?: string; toml?: string }>();

  private constructor(
    readonly source: string,
    readonly name: BundleName,
  ) {}

  get label(): string {
    return `${this.name.id}-${flavourLabel(this.name.flavour)}-${this.name.tag}`;
  }

  /**
   * `fileName` (the zip's own name, or the last part of its URL) names the flavour when the archive's
   * top directory does not.
   */
  static fromZip(data: Uint8Array, source: string, fileName: string): Bundle {
    return Bundle.fromArchive(readZip(data, source), fileName);
  }

  static fromArchive(zip: ZipArchive, fileName: string): Bundle {
    const tops = new Set(zip.entries.map((e) => e.name.split("/")[0]!));
    const top = tops.size === 1 ? [...tops][0]! : null;
    const hasLibAtRoot = zip.entries.some((e) => e.name.startsWith("lib/"));
    const prefix = top !== null && !hasLibAtRoot ? `${top}/` : "";
    const name = (top !== null ? parseBundleName(top) : null) ?? parseBundleName(fileName.split("/").pop() ?? "");
    if (!name) {
      throw new BundleError(`${zip.source}: cannot tell the bundle's flavour: expected a name like NAME-py-TAG or NAME-9.x-mpy-TAG`);
    }
    const bundle = new Bundle(zip.source, name);
    let sawLib = false;
    for (const entry of zip.entries) {
      if (entry.isDir || !entry.name.startsWith(prefix)) continue;
      const rel = entry.name.slice(prefix.length).split("/");
      if (rel.some(HIDDEN)) continue;
      if (rel[0] === "lib" && rel.length >= 2) {
        sawLib = true;
        bundle.addLibFile(rel.slice(1), () => zip.read(entry));
      } else if (rel[0] === "requirements" && rel.length === 3) {
        const mod = canonicalModuleName(rel[1]!);
        const slot = bundle.requirementTexts.get(mod) ?? {};
        const text = Buffer.from(zip.read(entry)).toString("utf8");
        if (rel[2] === "requirements.txt") slot.txt = text;
        else if (rel[2] === "pyproject.toml") slot.toml = text;
        bundle.requirementTexts.set(mod, slot);
      }
    }
    if (!sawLib) throw new BundleError(`${zip.source}: not a library bundle (no ${prefix}lib/ directory)`);
    return bundle;
  }

  private addLibFile(parts: string[], load: () => Uint8Array): void {
    const isPackage = parts.length > 1;
    const file = parts[0]!;
    if (!isPackage && !/\.m?py$/.test(file)) return;
    const name = isPackage ? file.toLowerCase() : file.replace(/\.m?py$/, "").toLowerCase();
    let mod = this.modules.get(name);
    if (!mod) {
      mod = new LazyModule(name, isPackage);
      this.modules.set(name, mod);
    }
    mod.files.push(new LazyFile(parts.join("/"), load));
  }

  /** Dependencies as the bundle lists them (raw project names), empty when it lists none. */
  requirementsOf(module: string): string[] {
    const slot = this.requirementTexts.get(module);
    if (!slot) return [];
    return [...(slot.txt ? requirementNames(slot.txt) : []), ...(slot.toml ? circupDependencies(slot.toml) : [])];
  }

  hasRequirements(): boolean {
    return this.requirementTexts.size > 0;
  }
}

/** As circup does: the first of the package's files (sorted, so `__init__` comes early) that states a version. */
export function packageMetadata(files: readonly BundleFile[]): ModuleMetadata {
  let chosen: ModuleMetadata | null = null;
  let mpy: ModuleMetadata["mpy"];
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (!/\.m?py$/.test(f.path)) continue;
    const meta = metadataFromFile(f.path, f.data);
    mpy ??= meta.mpy;
    if (meta.mpy === "bad") mpy = "bad";
    if (!chosen && meta.version !== undefined) chosen = meta;
  }
  const out: ModuleMetadata = { ...(chosen ?? {}) };
  if (mpy !== undefined) out.mpy = mpy;
  else delete out.mpy;
  return out;
}
