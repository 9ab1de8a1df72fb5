// `tspy circup install|list|update|uninstall|freeze|show`: CircuitPython library bundles as circup handles
// them. The device is the board behind the raw REPL, or a mounted CIRCUITPY drive with --path DIR.
import { promises as fs } from "node:fs";
import path from "node:path";
import { flag, parseOrHelp, str, type CommandDef, type OptionDef, type Parsed } from "../args/index.js";
import { UsageError } from "../errors.js";
import type { CliContext, CommandSpec } from "./command.js";
import type { CircuitPythonInfo, CircuitPyDevice, CircupManager, Library, ModuleCompiler, ModuleStatus } from "../bundle/index.js";

/** One option of circup's table: a flag or a valued option, spelled `--KEY` unless `flags` says otherwise. */
function value(key: string, takes: "value" | "flag", help: string, flags = [`--${key}`], extra: Partial<OptionDef> = {}): OptionDef {
  return { flags, key, takes, help, ...extra };
}

export const circupDef: CommandDef = {
  name: "circup",
  summary: "CircuitPython library bundles, as circup handles them: on the board behind -d/--device, or a CIRCUITPY drive (--path).",
  usage: "[--path DIR] [--bundle ZIP|URL|github:OWNER/REPO[@TAG]]... [--cpy-version V] [--offline] COMMAND",
  options: [
    value("path", "value", "a mounted CIRCUITPY drive instead of the board on -d/--device", ["--path"], { metavar: "DIR" }),
    value("bundle", "value", "a bundle zip, a URL to one, or github:OWNER/REPO[@TAG]; repeat for several (default: Adafruit's and the community bundle)", ["--bundle"], { repeat: true, metavar: "SRC" }),
    value("cpy-version", "value", "the board's CircuitPython version when boot_out.txt cannot tell", ["--cpy-version"], { metavar: "V" }),
    value("offline", "flag", "no network: github: bundles come from the cache of earlier downloads"),
  ],
  subcommands: [
    {
      name: "circup install",
      summary: "Install modules and their dependencies into /lib (--auto: those code.py imports).",
      usage: "[--py|--compile] [-r requirements.txt] [-U] [--auto | --auto-file FILE] NAME...",
      options: [
        value("py", "flag", "install .py sources instead of the .mpy build for the board's release"),
        value("compile", "flag", "install the py bundle compiled here for the board's exact release (the default when no N.x-mpy bundle for the board is at hand)"),
        value("requirement", "value", "also install the modules listed in FILE", ["-r", "--requirement"], { repeat: true, metavar: "FILE" }),
        value("upgrade", "flag", "upgrade modules that are already installed", ["-U", "--upgrade"]),
        value("auto", "flag", "install the modules code.py imports", ["-a", "--auto"]),
        value("auto-file", "value", "install the modules FILE (on the device) imports", ["--auto-file"], { metavar: "FILE" }),
      ],
    },
    { name: "circup list", summary: "Installed modules, their versions, and which are out of date.", maxPositionals: 0 },
    { name: "circup update", summary: "Update out-of-date modules (--all: without asking).", usage: "[--all] [NAME...]", options: [value("all", "flag", "update every out-of-date module without asking")] },
    { name: "circup uninstall", summary: "Remove modules from /lib.", usage: "NAME...", minPositionals: 1 },
    { name: "circup freeze", summary: "Print NAME==VERSION for each module (-r: write requirements.txt).", maxPositionals: 0, options: [value("requirement", "flag", "also write requirements.txt", ["-r", "--requirement"])] },
    { name: "circup show", summary: "List the modules the bundles offer (those containing MATCH).", usage: "[MATCH]", maxPositionals: 1 },
  ],
};

function markActed(ctx: CliContext): void {
  const s = ctx as CliContext & { acted?: boolean };
  if ("acted" in s) s.acted = true;
}

type Common = { path?: string; bundle?: string[]; "cpy-version"?: string; offline?: boolean };

function common(a: Parsed): Common {
  return { path: str(a, "path"), bundle: a.values.bundle as string[] | undefined, "cpy-version": str(a, "cpy-version"), offline: flag(a, "offline") };
}

interface Connected {
  device: CircuitPyDevice;
  info: CircuitPythonInfo;
  manager: CircupManager;
}

async function connect(ctx: CliContext, values: Common): Promise<Connected> {
  const b = await import("../bundle/index.js");
  let device: CircuitPyDevice;
  let where: string;
  if (values.path !== undefined) {
    const st = await fs.stat(values.path).catch(() => null);
    if (!st?.isDirectory()) throw new UsageError(`circup: --path ${values.path} is not a directory`);
    device = new b.DriveDevice(values.path);
    where = path.resolve(values.path);
  } else {
    device = b.ReplDevice.for(await ctx.repl());
    where = ctx.device;
  }
  let info: CircuitPythonInfo;
  if (values["cpy-version"] !== undefined) {
    info = b.infoFromVersion(values["cpy-version"]);
  } else {
    const boot = await device.readFile("/boot_out.txt");
    if (boot) info = b.parseBootOut(Buffer.from(boot).toString("utf8"));
    else if (values.path !== undefined) {
      throw new b.NotCircuitPythonError("Missing file boot_out.txt on the device: wrong path or drive corrupted (give --cpy-version if it is CircuitPython).");
    } else info = await implementationOf(ctx, b);
  }
  const board = info.boardId || info.board;
  ctx.out.write(`Found device ${board} at ${where}, running CircuitPython ${info.version}.\n`);
  const manager = new b.CircupManager(device, info, (line) => ctx.out.write(line + "\n"));
  return { device, info, manager };
}

/** Without boot_out.txt, the board itself can say what it runs. */
async function implementationOf(ctx: CliContext, b: typeof import("../bundle/index.js")): Promise<CircuitPythonInfo> {
  const code = "import sys\nprint(sys.implementation.name, '.'.join(str(x) for x in sys.implementation.version[:3]))\n";
  const [name, version] = Buffer.from(await (await ctx.repl()).exec(code)).toString("utf8").trim().split(/\s+/);
  if (name === "circuitpython" && version) return b.infoFromVersion(version);
  throw new b.NotCircuitPythonError(`no boot_out.txt, and the board runs ${name ?? "?"} ${version ?? ""}, not CircuitPython (give --cpy-version to go on anyway)`);
}

async function library(ctx: CliContext, values: Common, major: number | null, py = false): Promise<Library> {
  const b = await import("../bundle/index.js");
  const bundles = await b.loadBundles(values.bundle ?? [], { major, py, offline: values.offline ?? false });
  for (const x of bundles) ctx.out.write(`Using bundle ${x.label} (${x.source}).\n`);
  return new b.Library(bundles);
}

async function readRequirementsFile(file: string): Promise<string[]> {
  const { requirementNames } = await import("../bundle/index.js");
  try {
    return requirementNames(await fs.readFile(file, "utf8"));
  } catch (err) {
    throw new UsageError(`circup install: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

async function install(a: Parsed, ctx: CliContext): Promise<number> {
  const positionals = a.positionals;
  const values = { ...common(a), py: flag(a, "py"), compile: a.values.compile === true ? true : undefined, requirement: a.values.requirement as string[] | undefined, upgrade: flag(a, "upgrade"), auto: flag(a, "auto"), "auto-file": str(a, "auto-file") };
  const auto = values.auto === true || values["auto-file"] !== undefined;
  const names = [...positionals];
  for (const f of values.requirement ?? []) names.push(...(await readRequirementsFile(f)));
  if (names.length === 0 && !auto) throw new UsageError("circup install: name at least one module (or give -r requirements.txt, or --auto)");
  const { manager, info, device } = await connect(ctx, values);
  const lib = await library(ctx, values, info.major, values.py ?? false);
  if (auto) {
    const { programImports } = await import("../bundle/index.js");
    const { program, names: imported } = await programImports(device, values["auto-file"]);
    if (program === null) {
      throw new UsageError(values["auto-file"] !== undefined ? `circup install: --auto-file ${values["auto-file"]}: not found on the device` : "circup install --auto: no code.py (or main.py ...) on the device; give --auto-file FILE");
    }
    ctx.out.write(`Finding imports from: ${program}\n`);
    names.push(...imported.filter((n) => lib.has(n)));
    if (names.length === 0) {
      ctx.out.write("No bundle modules are imported.\n");
      return 0;
    }
  }
  if (values.py && values.compile) throw new UsageError("circup install: --py and --compile exclude each other");
  const compiler = values.py ? undefined : await moduleCompiler(info, values.compile ?? false, ctx);
  await manager.install(names, lib, { py: values.py ?? false, upgrade: values.upgrade ?? false, compile: values.compile ?? false, compiler });
  return 0;
}

/**
 * The py bundle's modules compiled here for the board's exact release, so one source bundle serves
 * every major. Without --compile a release this build cannot write just gets the sources.
 */
async function moduleCompiler(info: CircuitPythonInfo, explicit: boolean, ctx: CliContext): Promise<ModuleCompiler | undefined> {
  const { circuitPythonKey, compileFiles } = await import("../compile/for-board.js");
  const version = info.version.split(/[.-]/).slice(0, 3).map((x) => Number.parseInt(x, 10) || 0);
  let key: string;
  try {
    key = circuitPythonKey(version);
  } catch (e) {
    if (explicit) throw e;
    return undefined;
  }
  let told = false;
  return async (files) => {
    const sources = files.filter((f) => f.path.endsWith(".py"));
    if (!told && sources.length) ctx.out.write(`Compiling the py bundle's modules for CircuitPython ${info.version} (.mpy ${key}).\n`);
    told = true;
    const mpys = await compileFiles({ mpyVersion: key }, sources.map((f) => ({ file: f.path, source: f.data, boardName: f.path.replace(/^\/?lib\//, "") })));
    const byPath = new Map(sources.map((f, i) => [f.path, mpys[i]!]));
    return files.map((f) => (byPath.has(f.path) ? { path: f.path.slice(0, -3) + ".mpy", data: byPath.get(f.path)! } : f));
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)) + 2);
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("").trimEnd());
}

async function list(a: Parsed, ctx: CliContext): Promise<number> {
  const values = common(a);
  const { manager, info } = await connect(ctx, values);
  const lib = await library(ctx, values, info.major);
  const statuses = await manager.list(lib);
  if (statuses.length === 0) {
    ctx.out.write("No modules found on the device.\n");
    return 0;
  }
  const outdated = statuses.filter((s) => s.outdated);
  if (outdated.length) {
    ctx.out.write(
      "The following modules are out of date or probably need an update.\n" +
        "Major Updates may include breaking changes. Review before updating.\n" +
        "MPY Format changes from Circuitpython 8 to 9 require an update.\n\n",
    );
  }
  const rows = [["Module", "Version", "Latest", "Update Reason"]];
  rows.push(rows[0]!.map((h) => "-".repeat(h.length)));
  for (const s of statuses) {
    rows.push([s.installed.name, s.deviceVersion ?? "unknown", s.bundleVersion ?? (lib.has(s.installed.name) ? "unknown" : "-"), s.reason ?? ""]);
  }
  for (const line of table(rows)) ctx.out.write(line + "\n");
  ctx.out.write(outdated.length ? `\n${outdated.length} module[s] out of date: tspy circup update\n` : "\nAll modules found on the device are up to date.\n");
  return 0;
}

async function ask(ctx: CliContext, question: string): Promise<boolean> {
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: process.stdin, output: ctx.out as NodeJS.WritableStream });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N]: `)).trim());
  } finally {
    rl.close();
  }
}

async function update(a: Parsed, ctx: CliContext): Promise<number> {
  const positionals = a.positionals;
  const values = { ...common(a), all: flag(a, "all") };
  const { manager, info } = await connect(ctx, values);
  const lib = await library(ctx, values, info.major);
  const interactive = process.stdin.isTTY === true;
  const compiler = await moduleCompiler(info, false, ctx);
  if (!values.all && positionals.length === 0) ctx.out.write("Please indicate which module[s] you wish to update:\n\n");
  await manager.update(lib, {
    all: values.all ?? false,
    names: positionals,
    compiler,
    confirm: async (_s: ModuleStatus, question: string) => {
      if (interactive) return ask(ctx, question);
      ctx.out.write(`${question} no (not a terminal: use --all or name the modules)\n`);
      return false;
    },
  });
  return 0;
}

async function uninstall(a: Parsed, ctx: CliContext): Promise<number> {
  const positionals = a.positionals;
  const values = common(a);
  const { manager } = await connect(ctx, values);
  const { missing } = await manager.uninstall(positionals);
  return missing.length ? 1 : 0;
}

async function freeze(a: Parsed, ctx: CliContext): Promise<number> {
  const values = { ...common(a), requirement: flag(a, "requirement") };
  const { manager } = await connect(ctx, values);
  const lines = await manager.freezeLines();
  if (lines.length === 0) {
    ctx.out.write("No modules found on the device.\n");
    return 0;
  }
  for (const l of lines) ctx.out.write(l + "\n");
  if (values.requirement) {
    const file = path.resolve("requirements.txt");
    try {
      await fs.writeFile(file, lines.map((l) => l + "\n").join(""), { flag: "wx" });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UsageError(code === "EEXIST" ? `circup freeze: ${file} already exists; remove it first` : `circup freeze: cannot write ${file}: ${code ?? err}`);
    }
    ctx.out.write(`Wrote ${file}\n`);
  }
  return 0;
}

async function show(a: Parsed, ctx: CliContext): Promise<number> {
  const positionals = a.positionals;
  const values = common(a);
  const lib = await library(ctx, values, null, true);
  const all = lib.names();
  const match = positionals[0]?.toLowerCase();
  const shown = match === undefined ? all : all.filter((n) => n.includes(match));
  for (const n of shown) ctx.out.write(n + "\n");
  ctx.out.write(`${shown.length} shown of ${all.length} packages.\n`);
  return 0;
}

const SUBCOMMANDS: Record<string, (a: Parsed, ctx: CliContext) => Promise<number>> = { install, list, update, uninstall, freeze, show };

export const circupCommand: CommandSpec = {
  name: "circup",
  summary: "CircuitPython library bundles: install | list | update | uninstall | freeze | show",
  greedy: true,
  async run(args, ctx) {
    markActed(ctx);
    const a = parseOrHelp(circupDef, args, ctx.out);
    if (!a) return 0;
    return SUBCOMMANDS[a.sub!.name.split(" ")[1]!]!(a, ctx);
  },
};
