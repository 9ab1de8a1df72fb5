// `tspy install`, `tspy upip install|pack|check`, `tspy mip install`: parse the words, pick the target
// (the board through the raw REPL, or a local directory with -p), call src/upip, print a summary.
import { promises as fs } from "node:fs";
import { parseOrHelp, str, type CommandDef, type Parsed } from "../args/index.js";
import { UsageError } from "../errors.js";
import type { CliContext, CommandSpec } from "./command.js";
import {
  BoardTarget,
  applyInstallRules,
  checkForUpip,
  formatReport,
  LocalDirTarget,
  normaliseTargetPath,
  packForUpip,
  parseMipSpec,
  parseRequirement,
  parseRequirementsText,
  stageMip,
  stageUpip,
  writeStaged,
  type InstallTarget,
  type MpyVersion,
  type Requirement,
  type StagedPackage,
} from "../upip/index.js";

/** A spinner on a terminal, nothing otherwise; returns the status callback and a stop function. */
async function spinner(ctx: CliContext, first: string): Promise<{ update: (t: string) => void; stop: () => void }> {
  if (!(ctx.err as { isTTY?: boolean }).isTTY) return { update: () => {}, stop: () => {} };
  const { default: ora } = await import("ora");
  const s = ora({ text: first, stream: ctx.err as NodeJS.WriteStream }).start();
  return { update: (t) => (s.text = t), stop: () => s.stop() };
}

/** Tell the session a command acted (so no friendly REPL is implied afterwards). */
function markActed(ctx: CliContext): void {
  const s = ctx as CliContext & { acted?: boolean };
  if ("acted" in s) s.acted = true;
}

async function chooseTarget(ctx: CliContext, localDir: string | undefined, mpy: MpyVersion | null = null): Promise<InstallTarget> {
  if (localDir !== undefined) return new LocalDirTarget(localDir, mpy);
  return new BoardTarget(await ctx.repl());
}

async function installStaged(
  ctx: CliContext,
  target: InstallTarget,
  installDir: string,
  packages: StagedPackage[],
): Promise<number> {
  const report = await writeStaged(target, installDir, packages);
  ctx.out.write(formatReport(report) + "\n");
  return 0;
}

const INSTALL_OPTIONS: CommandDef["options"] = [
  { flags: ["-p"], key: "path", takes: "value", metavar: "DIR", help: "install into DIR on this computer instead of the board" },
  { flags: ["--target"], key: "target", takes: "value", metavar: "PATH", help: "install into PATH on the board, or below DIR with -p (default: the board's first .../lib on sys.path)" },
  { flags: ["-i", "--index"], key: "index", takes: "value", repeat: true, metavar: "URL", help: "index to ask (repeat to try several in order; default https://pypi.org/pypi)" },
  { flags: ["-r"], key: "requirement", takes: "value", repeat: true, metavar: "FILE", help: "also install the packages listed in FILE" },
];

const INSTALL_SUMMARY =
  "Install packages and their dependencies (from requires.txt) as upip would, from a PyPI-style index\n" +
  "(JSON API, or a PEP 503 .../simple index), onto the board's lib directory or into a local directory.";

export const installDef: CommandDef = {
  name: "install",
  summary: INSTALL_SUMMARY,
  usage: "[-p DIR | --target PATH] [-i INDEX]... [-r requirements.txt] PACKAGE[==VERSION]...",
  options: INSTALL_OPTIONS,
};

export const upipDef: CommandDef = {
  name: "upip",
  summary: "upip's jobs: install packages, repack archives for small boards, check archives.",
  usage: "install|pack|check ...",
  subcommands: [
    { ...installDef, name: "upip install", summary: "Install packages and their dependencies, as upip would." },
    {
      name: "upip pack",
      summary: "Keep what upip installs and recompress with a 4 KB window (in place, original kept as .orig, unless -o).",
      usage: "DIST.tar.gz [-o OUT.tar.gz]",
      options: [{ flags: ["-o", "--output"], key: "output", takes: "value", metavar: "OUT", help: "write here instead of in place" }],
      minPositionals: 1,
      maxPositionals: 1,
    },
    { name: "upip check", summary: "Can upip on a small board inflate and read these archives?", usage: "FILE.tar.gz...", minPositionals: 1 },
  ],
};

export const mipDef: CommandDef = {
  name: "mip",
  summary: "mip, as mpremote's `mip install`.",
  usage: "install ...",
  subcommands: [
    {
      name: "mip install",
      summary: "Install packages from the mip index, GitHub or a URL, with their dependencies.",
      usage: "[--target PATH] [--index URL] [--no-mpy] [-p DIR [--mpy 6.3]] NAME[@VERSION] | github:ORG/REPO[/PATH][@REF] | URL ...",
      minPositionals: 1,
      options: [
        { flags: ["--target"], key: "target", takes: "value", metavar: "PATH", help: "install into PATH (default: the board's first .../lib on sys.path)" },
        { flags: ["--index"], key: "index", takes: "value", metavar: "URL", help: "mip index (default https://micropython.org/pi/v2)" },
        { flags: ["--no-mpy"], key: "no-mpy", help: "install .py sources instead of .mpy built for the board's .mpy version" },
        { flags: ["-p"], key: "path", takes: "value", metavar: "DIR", help: "install into DIR on this computer" },
        { flags: ["--mpy"], key: "mpy", takes: "value", metavar: "VERSION", help: "with -p: pick .mpy builds for this .mpy version" },
      ],
    },
  ],
};

const list = (p: Parsed, key: string) => (p.values[key] as string[] | undefined) ?? [];

async function upipInstall(cmd: string, a: Parsed, ctx: CliContext): Promise<number> {
  const positionals = a.positionals;
  const values = { path: str(a, "path"), target: str(a, "target"), index: a.values.index as string[] | undefined, requirement: list(a, "requirement") };
  const requests: Requirement[] = [];
  for (const p of positionals) {
    const req = parseRequirement(p);
    if (req) requests.push(req);
  }
  for (const file of values.requirement ?? []) {
    let text: string;
    try {
      text = await fs.readFile(file, "utf8");
    } catch (err) {
      throw new UsageError(`${cmd}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    requests.push(...parseRequirementsText(text));
  }
  if (requests.length === 0) throw new UsageError(`${cmd}: no packages named; usage: tspy ${cmd} ${installDef.usage}`);

  // The target first: its free space bounds how far an archive may inflate.
  const target = await chooseTarget(ctx, values.path);
  const installDir = values.target !== undefined ? normaliseTargetPath(values.target) : await target.libDir();
  const freeBytes = target.freeBytes ? await target.freeBytes(installDir) : null;
  const spin = await spinner(ctx, "resolving");
  let packages: StagedPackage[];
  try {
    packages = await stageUpip(requests, { ...(values.index ? { indexes: values.index } : {}), onStatus: spin.update, freeBytes });
  } finally {
    spin.stop();
  }
  return installStaged(ctx, target, installDir, packages);
}

async function upipPack(a: Parsed, ctx: CliContext): Promise<number> {
  const input = a.positionals[0]!;
  const data = await readLocal("upip pack", input);
  const result = await packForUpip(data, input);
  let output = str(a, "output");
  if (output === undefined) {
    // In place, keeping the original beside it, as sdist_upip did; never over an earlier original.
    const orig = `${input}.orig`;
    if (await fs.stat(orig).then(() => true, () => false)) {
      throw new UsageError(`upip pack: ${orig} already exists; remove it or give -o OUT`);
    }
    await fs.copyFile(input, orig);
    output = input;
  }
  const temp = `${output}.tspy-tmp`;
  await fs.writeFile(temp, result.archive);
  await fs.rename(temp, output);
  ctx.out.write(
    `${output}: ${result.kept.length} file${result.kept.length === 1 ? "" : "s"} kept, ${result.dropped.length} dropped; ` +
      `${data.length} → ${result.archive.length} bytes; largest back-reference ${result.window.maxDistance} bytes (4 KB window)\n`,
  );
  for (const d of result.dropped) ctx.out.write(`  dropped ${d}\n`);
  return 0;
}

async function upipCheck(a: Parsed, ctx: CliContext): Promise<number> {
  const positionals = a.positionals;
  let status = 0;
  for (const file of positionals) {
    const data = await readLocal("upip check", file);
    let result;
    try {
      // Exactly what install would refuse first (members outside the package, links, devices, sizes) ...
      await applyInstallRules(data, file);
      // ... then what upip on the board itself needs.
      result = checkForUpip(data, file);
    } catch (err) {
      ctx.out.write(`${file}: ${(err as Error).message.replace(`${file}: `, "")}\n`);
      status = 1;
      continue;
    }
    const { maxDistance } = result.window;
    if (result.fitsWindow) {
      ctx.out.write(`${file}: inflates with a 4 KB window (largest back-reference ${maxDistance} bytes)\n`);
    } else {
      ctx.out.write(`${file}: needs more than a 4 KB window (a back-reference reaches ${maxDistance} bytes); upip on small boards cannot install it: try tspy upip pack\n`);
      status = 1;
    }
    for (const p of result.tarProblems) ctx.out.write(`  ${p}\n`);
    if (result.tarProblems.length) status = 1;
  }
  return status;
}

async function readLocal(cmd: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fs.readFile(file));
  } catch (err) {
    throw new UsageError(`${cmd}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

function parseMpyOption(text: string): MpyVersion {
  const m = /^(\d+)(?:\.(\d))?$/.exec(text);
  if (!m) throw new UsageError(`mip: --mpy wants a version like 6 or 6.3, not ${text}`);
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), arch: 0 };
}

async function mipInstall(a: Parsed, ctx: CliContext): Promise<number> {
  const positionals = a.positionals;
  const values = { target: str(a, "target"), index: str(a, "index"), "no-mpy": a.values["no-mpy"] === true, path: str(a, "path"), mpy: str(a, "mpy") };
  if (values.mpy !== undefined && values.path === undefined) throw new UsageError("mip: --mpy is for -p DIR; a board reports its own .mpy version");
  const specs = positionals.map(parseMipSpec);
  const target = await chooseTarget(ctx, values.path, values.mpy !== undefined ? parseMpyOption(values.mpy) : null);
  const mpy = values["no-mpy"] ? null : await target.mpyVersion();
  const installDir = values.target !== undefined ? normaliseTargetPath(values.target) : await target.libDir();
  const spin = await spinner(ctx, "resolving");
  let packages: StagedPackage[];
  try {
    // mpremote's progress lines: `Install SPEC` per package named, `Installing: PATH` per file, `Done`.
    for (const p of positionals) ctx.out.write(`Install ${p}\n`);
    packages = await stageMip(specs, { ...(values.index ? { index: values.index } : {}), mpy, onStatus: spin.update });
  } finally {
    spin.stop();
  }
  const report = await writeStaged(target, installDir, packages, (dest) => ctx.out.write(`Installing: ${dest}\n`));
  const same = report.upToDate.reduce((n, k) => n + k, 0);
  if (same) ctx.out.write(`(${same} file${same === 1 ? "" : "s"} already up to date)\n`);
  for (const note of packages.flatMap((p) => p.notes)) ctx.out.write(`note: ${note}\n`);
  ctx.out.write("Done\n");
  return 0;
}

export const installCommand: CommandSpec = {
  name: "install",
  summary: "install a package and its dependencies (upip-compatible)",
  greedy: true,
  async run(args, ctx) {
    markActed(ctx);
    const a = parseOrHelp(installDef, args, ctx.out);
    return a ? upipInstall("install", a, ctx) : 0;
  },
};

export const upipCommand: CommandSpec = {
  name: "upip",
  summary: "upip: install | pack DIST.tar.gz | check FILE.tar.gz",
  greedy: true,
  async run(args, ctx) {
    markActed(ctx);
    const a = parseOrHelp(upipDef, args, ctx.out);
    if (!a) return 0;
    const sub = a.sub!.name;
    if (sub === "upip install") return upipInstall("upip install", a, ctx);
    return sub === "upip pack" ? upipPack(a, ctx) : upipCheck(a, ctx);
  },
};

export const mipCommand: CommandSpec = {
  name: "mip",
  summary: "mip install NAME[@VER] | github:org/repo | URL",
  greedy: true,
  async run(args, ctx) {
    markActed(ctx);
    const a = parseOrHelp(mipDef, args, ctx.out);
    return a ? mipInstall(a, ctx) : 0;
  },
};
