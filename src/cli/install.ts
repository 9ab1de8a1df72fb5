// `tspy install`, `tspy upip install|pack|check`, `tspy mip install`: parse the words, pick the target
// (the board through the raw REPL, or a local directory with -p), call src/upip, print a summary.
import { promises as fs } from "node:fs";
import { parseArgs, type ParseArgsConfig } from "node:util";
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

type Options = NonNullable<ParseArgsConfig["options"]>;

function parse<const T extends Options>(cmd: string, args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true } as const);
  } catch (err) {
    throw new UsageError(`${cmd}: ${(err as Error).message.split("\n")[0]}`);
  }
}

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

const INSTALL_ARGS = "[-p DIR | --target PATH] [-i INDEX]... [-r requirements.txt] PACKAGE[==VERSION]...";
const MIP_ARGS = "[--target PATH] [--index URL] [--no-mpy] [-p DIR [--mpy 6.3]] NAME[@VERSION] | github:ORG/REPO[/PATH][@REF] | URL ...";

const USAGE: Record<string, string> = {
  install: `usage: tspy install ${INSTALL_ARGS}
Installs packages and their dependencies (from requires.txt) as upip would, from a PyPI-style index
(JSON API, or a PEP 503 .../simple index), onto the board's lib directory or into a local directory.
  -p DIR          install into DIR on this computer instead of the board
  --target PATH   install into PATH on the board, or below DIR with -p (default: the board's first .../lib on sys.path)
  -i, --index URL index to ask (repeat to try several in order; default https://pypi.org/pypi)
  -r FILE         also install the packages listed in FILE`,
  upip: `usage: tspy upip install ${INSTALL_ARGS}
       tspy upip pack DIST.tar.gz [-o OUT.tar.gz]   keep what upip installs, recompress with a 4 KB window
                                                  (in place, original kept as .orig, unless -o)
       tspy upip check FILE.tar.gz...              can upip on a small board inflate and read it?`,
  mip: `usage: tspy mip install ${MIP_ARGS}
  --target PATH   install into PATH (default: the board's first .../lib on sys.path)
  --index URL     mip index (default https://micropython.org/pi/v2)
  --no-mpy        install .py sources instead of .mpy built for the board's .mpy version
  -p DIR          install into DIR on this computer; --mpy VERSION picks .mpy builds for it`,
};

function wantsHelp(args: string[]): boolean {
  return args.includes("-h") || args.includes("--help");
}

function showHelp(ctx: CliContext, which: string): number {
  ctx.out.write(USAGE[which] + "\n");
  return 0;
}

function usageError(cmd: string, which: string): UsageError {
  return new UsageError(`${cmd}: ${USAGE[which]!.split("\n")[0]}`);
}

async function upipInstall(cmd: string, args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse(cmd, args, {
    path: { type: "string", short: "p" },
    target: { type: "string" },
    index: { type: "string", short: "i", multiple: true },
    requirement: { type: "string", short: "r", multiple: true },
  });
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
  if (requests.length === 0) throw usageError(cmd, cmd === "install" ? "install" : "upip");

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

async function upipPack(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse("upip pack", args, { output: { type: "string", short: "o" } });
  if (positionals.length !== 1) throw new UsageError("upip pack: usage: tspy upip pack DIST.tar.gz [-o OUT.tar.gz]");
  const input = positionals[0]!;
  const data = await readLocal("upip pack", input);
  const result = await packForUpip(data, input);
  let output = values.output;
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

async function upipCheck(args: string[], ctx: CliContext): Promise<number> {
  const { positionals } = parse("upip check", args, {});
  if (positionals.length === 0) throw new UsageError("upip check: usage: tspy upip check FILE.tar.gz...");
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

async function mipInstall(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parse("mip install", args, {
    target: { type: "string" },
    index: { type: "string" },
    "no-mpy": { type: "boolean" },
    path: { type: "string", short: "p" },
    mpy: { type: "string" },
  });
  if (positionals.length === 0) throw usageError("mip", "mip");
  if (values.mpy !== undefined && values.path === undefined) throw new UsageError("mip: --mpy is for -p DIR; a board reports its own .mpy version");
  const specs = positionals.map(parseMipSpec);
  const target = await chooseTarget(ctx, values.path, values.mpy !== undefined ? parseMpyOption(values.mpy) : null);
  const mpy = values["no-mpy"] ? null : await target.mpyVersion();
  const installDir = values.target !== undefined ? normaliseTargetPath(values.target) : await target.libDir();
  const spin = await spinner(ctx, "resolving");
  let packages: StagedPackage[];
  try {
    packages = await stageMip(specs, { ...(values.index ? { index: values.index } : {}), mpy, onStatus: spin.update });
  } finally {
    spin.stop();
  }
  return installStaged(ctx, target, installDir, packages);
}

export const installCommand: CommandSpec = {
  name: "install",
  summary: "install a package and its dependencies (upip-compatible)",
  greedy: true,
  run(args, ctx) {
    markActed(ctx);
    return wantsHelp(args) ? Promise.resolve(showHelp(ctx, "install")) : upipInstall("install", args, ctx);
  },
};

export const upipCommand: CommandSpec = {
  name: "upip",
  summary: "upip: install | pack DIST.tar.gz | check FILE.tar.gz",
  greedy: true,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    markActed(ctx);
    if (wantsHelp(args)) return showHelp(ctx, "upip");
    if (sub === "install") return upipInstall("upip install", rest, ctx);
    if (sub === "pack") return upipPack(rest, ctx);
    if (sub === "check") return upipCheck(rest, ctx);
    throw usageError("upip", "upip");
  },
};

export const mipCommand: CommandSpec = {
  name: "mip",
  summary: "mip install NAME[@VER] | github:org/repo | URL",
  greedy: true,
  async run(args, ctx) {
    const [sub, ...rest] = args;
    markActed(ctx);
    if (wantsHelp(args)) return showHelp(ctx, "mip");
    if (sub === "install") return mipInstall(rest, ctx);
    throw usageError("mip", "mip");
  },
};
