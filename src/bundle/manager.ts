// The circup operations against one device and a set of bundles: install (with dependencies, staged in
// memory and then written file by file atomically), list, update, uninstall, freeze, show. Output goes
// through `say`, worded like circup's where circup has the command.
import { createHash } from "node:crypto";
import type { CircuitPythonInfo } from "./boot-out.js";
import type { BundleFile } from "./bundle.js";
import type { CircuitPyDevice } from "./device.js";
import { BundleError } from "./errors.js";
import { LIB_DIR, scanInstalled, type InstalledModule } from "./installed.js";
import type { Library, ModuleChoice } from "./library.js";
import { compatAllows } from "./module-metadata.js";
import { canonicalModuleName } from "./requirements.js";
import { resolveDependencies } from "./resolve.js";
import { compareVersions, isValidVersion, majorOf } from "./versions.js";

export type Say = (line: string) => void;

/** Compiles a module's files for the board: `.py` ones become `.mpy` of the same name, the rest stay. */
export type ModuleCompiler = (files: { path: string; data: Uint8Array }[]) => Promise<{ path: string; data: Uint8Array }[]>;

export interface ModuleStatus {
  installed: InstalledModule;
  /** Null when no bundle offers it. */
  bundleVersion: string | null;
  deviceVersion: string | null;
  outdated: boolean;
  /** "MPY Format", "Major Version", "Minor Version" for outdated modules. */
  reason: string | null;
}

interface StagedModule {
  name: string;
  choice: ModuleChoice;
  replacing: InstalledModule | null;
  writes: { path: string; data: Uint8Array }[];
}

const pyList = (names: string[]) => `[${names.map((n) => `'${n}'`).join(", ")}]`;

export class CircupManager {
  private installedCache: InstalledModule[] | null = null;

  constructor(
    readonly device: CircuitPyDevice,
    readonly info: CircuitPythonInfo,
    private readonly say: Say,
  ) {}

  async installed(): Promise<InstalledModule[]> {
    this.installedCache ??= await scanInstalled(this.device);
    return this.installedCache;
  }

  /** Does this installed .mpy suit the board's CircuitPython? (.py always does.) */
  mpyMismatch(mod: InstalledModule): boolean {
    if (!mod.mpy) return false;
    const compat = mod.metadata.mpy;
    return compat === undefined ? false : !compatAllows(compat, this.info.major);
  }

  status(mod: InstalledModule, library: Library): ModuleStatus {
    const ref = library.reference(mod.name);
    const bundleVersion = ref?.module.metadata.version ?? null;
    const deviceVersion = mod.metadata.version ?? null;
    let outdated: boolean;
    if (!ref) outdated = false;
    else if (this.mpyMismatch(mod)) outdated = true;
    else if (deviceVersion && bundleVersion) outdated = (compareVersions(deviceVersion, bundleVersion) ?? -1) < 0;
    else outdated = true; // circup's rule: without both versions, assume an update is due
    let reason: string | null = null;
    if (outdated) {
      if (this.mpyMismatch(mod)) reason = "MPY Format";
      else if (deviceVersion && bundleVersion && majorOf(deviceVersion) !== null && majorOf(deviceVersion) === majorOf(bundleVersion)) reason = "Minor Version";
      else reason = "Major Version";
    }
    return { installed: mod, bundleVersion, deviceVersion, outdated, reason };
  }

  // --- install -------------------------------------------------------------------------------

  /** Stage a module's files from the bundle flavour that suits the board (or the installed flavour). */
  private stage(name: string, library: Library, py: boolean, replacing: InstalledModule | null): StagedModule {
    const choice = library.filesFor(name, this.info.major, py);
    const writes = choice.module.files.map((f: BundleFile) => ({ path: `${LIB_DIR}/${f.path}`, data: f.data }));
    return { name, choice, replacing, writes };
  }

  /** Write everything staged; only then remove what the new versions no longer have. */
  private async apply(staged: StagedModule[], verb: "Installed" | "Updated"): Promise<void> {
    const all = staged.flatMap((s) => s.writes);
    const existing = await this.device.sha256Many(all.map((w) => w.path));
    const sizeNow = new Map((await this.installed()).flatMap((m) => m.files.map((f) => [f.path, f.size] as const)));
    const changed = new Set(all.filter((w) => existing.get(w.path) !== createHash("sha256").update(w.data).digest("hex")).map((w) => w.path));
    let needed = 0;
    for (const w of all) if (changed.has(w.path)) needed += w.data.length - (sizeNow.get(w.path) ?? 0);
    if (needed > 0) {
      const free = await this.device.freeBytes(LIB_DIR);
      if (free !== null && free < needed) {
        throw new BundleError(`Aborted installing: not enough free space (${needed} bytes needed, ${free} free)`);
      }
    }
    const dirs = new Set<string>([LIB_DIR]);
    for (const w of all) if (changed.has(w.path)) dirs.add(w.path.slice(0, w.path.lastIndexOf("/")));
    for (const d of [...dirs].sort()) await this.device.mkdirs(d);
    for (const s of staged) {
      for (const w of s.writes) if (changed.has(w.path)) await this.device.writeFileAtomic(w.path, w.data);
      await this.removeStale(s);
      this.say(verb === "Installed" ? `Installed '${s.name}'.` : `Updated ${s.name}`);
    }
    this.installedCache = null;
  }

  private async removeStale(s: StagedModule): Promise<void> {
    const old = s.replacing;
    if (!old) return;
    const keep = new Set(s.writes.map((w) => w.path));
    if (old.isPackage && !s.choice.module.isPackage) {
      await this.device.removeTree(old.path);
      return;
    }
    // A .py left beside a new .mpy would shadow it: the importer looks for .py first.
    for (const f of old.files) if (!keep.has(f.path)) await this.device.removeFile(f.path);
  }

  /**
   * `compiler` turns a module's .py files into .mpy for this board: used when the files come from the
   * py bundle (no N.x-mpy bundle at hand, or `compile` asks for the py bundle on purpose), never with `py`.
   */
  async install(names: string[], library: Library, opts: { py?: boolean; upgrade?: boolean; compile?: boolean; compiler?: ModuleCompiler } = {}): Promise<void> {
    const requested = [...new Set(names.map(canonicalModuleName))].sort();
    this.say(`Searching for dependencies for: ${pyList(requested)}`);
    const { modules, unknownDependencies } = resolveDependencies(requested, library);
    for (const u of unknownDependencies) this.say(`WARNING:\n\t${u} is not a known CircuitPython library.`);
    this.say(`Ready to install: ${pyList(modules)}\n`);
    const installed = new Map((await this.installed()).map((m) => [m.name, m]));
    const staged: StagedModule[] = [];
    for (const name of modules) {
      const have = installed.get(name) ?? null;
      if (have && !opts.upgrade) {
        this.say(`'${name}' is already installed.`);
        continue;
      }
      const s = this.stage(name, library, (opts.py ?? false) || (opts.compile ?? false), have);
      if (opts.compiler && !opts.py && s.choice.bundle.name.flavour.kind === "py") s.writes = await opts.compiler(s.writes);
      staged.push(s);
    }
    await this.apply(staged, "Installed");
  }

  // --- list / update -------------------------------------------------------------------------

  async list(library: Library): Promise<ModuleStatus[]> {
    return (await this.installed()).map((m) => this.status(m, library));
  }

  /**
   * Update the outdated modules (all of them, or those named), keeping each one's flavour: a .py stays
   * source, a .mpy comes from the bundle for the board's release. `confirm` decides for each module
   * when not all are wanted.
   */
  async update(library: Library, opts: { all?: boolean; names?: string[]; confirm?: (s: ModuleStatus, question: string) => Promise<boolean>; compiler?: ModuleCompiler } = {}): Promise<string[]> {
    const wanted = opts.names?.length ? new Set(opts.names.map(canonicalModuleName)) : null;
    const statuses = (await this.list(library)).filter((s) => s.outdated && (!wanted || wanted.has(s.installed.name)));
    if (statuses.length === 0) {
      this.say("None of the module[s] found on the device need an update.");
      return [];
    }
    this.say(`Found ${statuses.length} module[s] needing update.`);
    const chosen: ModuleStatus[] = [];
    for (const s of statuses) {
      const name = s.installed.name;
      if (s.bundleVersion !== null && !isValidVersion(s.bundleVersion)) {
        this.say(`WARNING: Library ${name} repo has incorrect __version__\n\tmetadata. Circup will assume it needs updating.`);
      }
      if (opts.all || wanted) {
        chosen.push(s);
        continue;
      }
      const question =
        s.installed.metadata.mpy === "bad" && s.installed.mpy
          ? `WARNING: '${name}': module corrupted or in an unknown mpy format. Updating is required.\nDo you want to update?`
          : s.reason === "MPY Format"
            ? `WARNING: '${name}': mpy format doesn't match the device's Circuitpython version. Updating is required.\nDo you want to update?`
            : s.reason === "Major Version"
              ? `'${name}' is a Major Version update and may contain breaking changes. Do you want to update?`
              : `Update '${name}'?`;
      if (opts.confirm && (await opts.confirm(s, question))) chosen.push(s);
    }
    const staged = chosen.map((s) => this.stage(s.installed.name, library, !s.installed.mpy, s.installed));
    // An installed .mpy stays one: from the py bundle it is compiled here when a compiler is given.
    for (const s of staged) {
      if (opts.compiler && s.replacing?.mpy && s.choice.bundle.name.flavour.kind === "py") s.writes = await opts.compiler(s.writes);
    }
    await this.apply(staged, "Updated");
    const updated = staged.map((s) => s.name);
    if (updated.length === 0) return [];
    this.say(`Checking ${updated.length} updated module[s] for missing requirements.`);
    const have = new Set((await this.installed()).map((m) => m.name));
    const missing = resolveDependencies(updated, library).modules.filter((n) => !have.has(n));
    if (missing.length) {
      this.say(`Ready to install: ${pyList(missing)}\n`);
      await this.apply(missing.map((n) => this.stage(n, library, false, null)), "Installed");
    }
    return updated;
  }

  // --- uninstall / freeze --------------------------------------------------------------------

  async uninstall(names: string[]): Promise<{ removed: string[]; missing: string[] }> {
    const installed = new Map((await this.installed()).map((m) => [m.name, m]));
    const removed: string[] = [];
    const missing: string[] = [];
    for (const raw of names) {
      const name = raw.toLowerCase().replace(/\.m?py$/, "");
      const mod = installed.get(name) ?? installed.get(canonicalModuleName(name));
      if (!mod) {
        this.say(`Module '${name}' not found on device.`);
        missing.push(name);
        continue;
      }
      if (mod.isPackage) await this.device.removeTree(mod.path);
      else await this.device.removeFile(mod.path);
      this.say(`Uninstalled '${name}'.`);
      removed.push(name);
    }
    this.installedCache = null;
    return { removed, missing };
  }

  /** `name==version` for each installed module (just `name` when it declares no version). */
  async freezeLines(): Promise<string[]> {
    return (await this.installed()).map((m) => (m.metadata.version ? `${m.name}==${m.metadata.version}` : m.name));
  }
}
