// File commands, mpremote-compatible: cp ls cat rm mkdir rmdir touch tree df sha256sum edit, the
// `fs` prefix, and tspy's own `sync`. Thin: parse the words, call src/fs, print.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { didYouMean, flag, parse, helpFor, UsageBlockError, type CommandDef, type OptionDef } from "../args/index.js";
import { TspyError, UsageError } from "../errors.js";
import type { CliContext, CommandSpec } from "./command.js";
import type { BoardFiles } from "../fs/board-files.js";

/** mpremote's fs flags (accepted by every file command, as mpremote does) and tspy's extras. */
interface FsFlags {
  recursive: boolean;
  force: boolean;
  /** undefined: not given (the command's default applies). */
  verbose: boolean | undefined;
  size: boolean;
  human: boolean;
  long: boolean;
  json: boolean;
  delete: boolean;
  dryRun: boolean;
  compile: boolean;
  help: boolean;
  paths: string[];
}

/** mpremote's fs options (every file command accepts them all, as mpremote's one fs parser does) and tspy's extras. */
const FS_OPTIONS: OptionDef[] = [
  { flags: ["--recursive", "-r"], key: "recursive", help: "recursive (for cp and rm)" },
  { flags: ["--no-recursive"], key: "recursive", set: false, help: "not recursive", hidden: true },
  { flags: ["--force", "-f"], key: "force", help: "copy even when the file is unchanged (cp)" },
  { flags: ["--no-force"], key: "force", set: false, help: "skip unchanged files", hidden: true },
  { flags: ["--verbose", "-v"], key: "verbose", help: "say what is done (default for all but cat)" },
  { flags: ["--no-verbose"], key: "verbose", set: false, help: "quiet", hidden: true },
  { flags: ["--size", "-s"], key: "size", help: "show file sizes in bytes (tree)" },
  { flags: ["--human", "-h"], key: "human", help: "show file sizes in human units (tree)" },
  { flags: ["--long", "-l"], key: "long", help: "sizes and times (ls)" },
  { flags: ["--json"], key: "json", help: "machine-readable output (ls, tree, df, sha256sum)" },
  { flags: ["--delete"], key: "delete", help: "remove board files that are not in LOCALDIR (sync)" },
  { flags: ["--dry-run", "-n"], key: "dryRun", help: "say what sync would do, do nothing" },
  { flags: ["--compile"], key: "compile", help: "write .py files as .mpy compiled for the connected board (cp, sync; boot.py, main.py, code.py stay source)" },
];

/** The usage block mpremote's argparse prints for `fs` (kept verbatim: scripts compare it). */
const MPREMOTE_FS_USAGE = `usage: fs [--help] [--recursive | --no-recursive] [--force | --no-force]
          [--verbose | --no-verbose] [--size | --human]
          command path [path ...] ...`;

function fsDef(cmd: string): CommandDef {
  const usage = USAGE[cmd] ?? cmd;
  return {
    name: cmd,
    summary: SUMMARY[cmd] ?? "File commands on the board.",
    usage: usage.slice(usage.indexOf(" ") + 1),
    options: FS_OPTIONS,
    bundling: true,
    helpFlags: ["--help"],
    notes: ["Paths starting with `:` are on the board; `:` alone is its current directory."],
  };
}

export function parseFsArgs(cmd: string, args: string[]): FsFlags {
  const p = parse(fsDef(cmd), args);
  const f: FsFlags = {
    recursive: flag(p, "recursive"), force: flag(p, "force"),
    verbose: p.values.verbose === undefined ? undefined : flag(p, "verbose"),
    size: flag(p, "size"), human: flag(p, "human"), long: flag(p, "long"), json: flag(p, "json"),
    delete: flag(p, "delete"), dryRun: flag(p, "dryRun"), compile: flag(p, "compile"), help: p.help, paths: p.positionals,
  };
  if (f.size && f.human) {
    throw new UsageBlockError(MPREMOTE_FS_USAGE, "fs: error: argument --human/-h: not allowed with argument --size/-s");
  }
  return f;
}

const USAGE: Record<string, string> = {
  cp: "cp [-r] [-f] [--compile] [-v|--no-verbose] SRC... DEST   (`:path` is on the board, `:` its current directory)",
  ls: "ls [-l] [--json] [:PATH]...",
  cat: "cat :PATH...",
  rm: "rm [-r] [-v] :PATH...",
  mkdir: "mkdir :PATH...",
  rmdir: "rmdir :PATH...",
  touch: "touch :PATH...",
  tree: "tree [-s|-h] [--json] [:PATH]...",
  df: "df [--json]",
  sha256sum: "sha256sum [--json] :PATH...",
  edit: "edit :PATH...",
  sync: "sync [--delete] [--dry-run] [--compile] LOCALDIR :DEST",
};

const SUMMARY: Record<string, string> = {
  cp: "Copy files between the host and the board (`:` marks the board); unchanged files are skipped.",
  ls: "List board directories, in the board's order.",
  cat: "Print board files.",
  rm: "Remove board files (-r: directories too).",
  mkdir: "Make board directories.",
  rmdir: "Remove empty board directories.",
  touch: "Create board files (or leave existing ones as they are).",
  tree: "Show board directory trees (-s: sizes in bytes, -h: human sizes).",
  df: "Show the board's filesystem usage.",
  sha256sum: "Print the SHA-256 of board files.",
  edit: "Edit board files in $EDITOR and write them back when changed.",
  sync: "Make a board directory match a local one (only changed files are sent).",
};

function line(ctx: CliContext, s: string): void {
  ctx.out.write(s + "\n");
}

function markActed(ctx: CliContext): void {
  const s = ctx as CliContext & { acted?: boolean };
  if ("acted" in s) s.acted = true;
}

async function boardFs(ctx: CliContext): Promise<BoardFiles> {
  markActed(ctx);
  if (ctx.files) return ctx.files();
  const [{ BoardFs }, repl] = await Promise.all([import("../fs/board-fs.js"), ctx.repl()]);
  const bfs = BoardFs.for(repl);
  bfs.onNotice = (message) => ctx.err.write(`tspy: ${message}\n`);
  return bfs;
}


const strip = (p: string) => (p.startsWith(":") ? p.slice(1) : p);

/** Run one file command as mpremote's do_filesystem does; errors are worded with the command's name. */
async function runFs(cmd: string, args: string[], ctx: CliContext): Promise<number> {
  const f = parseFsArgs(cmd, args);
  if (f.help) {
    ctx.out.write(helpFor(fsDef(cmd)));
    return 0;
  }
  const [{ FsError }, { DeviceError }] = await Promise.all([import("../fs/errors.js"), import("../raw-repl/errors.js")]);
  try {
    return await dispatch(cmd, f, ctx);
  } catch (e) {
    if (e instanceof FsError) throw e.forCommand(cmd);
    // An exception other than OSError from the board's filesystem (a user VFS raising anything): mpremote
    // heads the traceback with this line, and scripts that keep only the first line of stderr see it.
    if (e instanceof DeviceError) throw new DeviceError(`tspy: Error with transport:\n${e.traceback}`, e.stdout);
    throw e;
  }
}

async function dispatch(cmd: string, f: FsFlags, ctx: CliContext): Promise<number> {
  switch (cmd) {
    case "cp":
      return cp(f, ctx);
    case "df":
      return df(f, ctx);
    case "edit":
      return edit(f, ctx);
    case "sync":
      return sync(f, ctx);
  }
  const verbose = cmd === "cat" ? f.verbose === true : f.verbose !== false;
  let paths = f.paths.map(strip);
  if ((cmd === "ls" || cmd === "tree") && paths.length === 0) paths = [""];
  if (paths.length === 0) throw new UsageError(`usage: tspy ${USAGE[cmd] ?? cmd}`);
  const bfs = await boardFs(ctx);
  const json: Record<string, unknown> = {};
  for (const p of paths) {
    if (verbose && !f.json) line(ctx, `${cmd} :${p}`);
    switch (cmd) {
      case "cat":
        ctx.out.write(await bfs.readFile(p));
        break;
      case "ls": {
        const { lsLine, lsLongLine } = await import("../fs/format.js");
        const entries = await bfs.listdir(p, { long: f.long });
        if (f.json) {
          line(ctx, JSON.stringify(entries.map((e) => ({ name: e.name, type: e.isDir ? "dir" : "file", size: e.size, ...(e.mtime !== undefined ? { mtime: e.mtime } : {}) }))));
        } else for (const e of entries) line(ctx, f.long ? lsLongLine(e) : lsLine(e));
        break;
      }
      case "mkdir":
        await bfs.mkdir(p);
        break;
      case "rmdir":
        await bfs.rmdir(p);
        break;
      case "touch":
        await bfs.touch(p);
        break;
      case "rm":
        if (f.recursive) {
          await bfs.removeTree(p, (kind, q) => {
            if (f.verbose !== true) return;
            if (kind === "file") line(ctx, `removed: '${q}'`);
            else if (kind === "dir") line(ctx, `removed directory: '${q}'`);
            else line(ctx, `skipped: '${q}' (vfs mountpoint)`);
          });
        } else await bfs.remove(p);
        break;
      case "sha256sum": {
        const digest = await bfs.sha256(p);
        if (f.json) json[p] = digest;
        else line(ctx, digest);
        break;
      }
      case "tree":
        await tree(bfs, p, f, ctx, json);
        break;
      default:
        throw new UsageError(`'${cmd}' is not a file command (see tspy --help)`);
    }
  }
  if (f.json && Object.keys(json).length) line(ctx, JSON.stringify(paths.length === 1 && cmd === "tree" ? json[paths[0]] : json));
  return 0;
}

async function tree(bfs: BoardFiles, p: string, f: FsFlags, ctx: CliContext, json: Record<string, unknown>): Promise<void> {
  const { treeFromWalk, treeLines } = await import("../fs/format.js");
  let shown = p;
  if (!p || p === ".") shown = await bfs.getcwd();
  if (!(shown === "." || (await bfs.isDir(shown)))) throw new TspyError(`tree: '${shown}' is not a directory`);
  const nodes = treeFromWalk(await bfs.walk(shown));
  if (f.json) {
    json[p] = { path: shown, children: nodes };
    return;
  }
  line(ctx, f.verbose === true ? `:${shown} on ${ctx.device}` : `:${shown}`);
  for (const l of treeLines(nodes, f.size ? "bytes" : f.human ? "human" : "none")) line(ctx, l);
}

async function cp(f: FsFlags, ctx: CliContext): Promise<number> {
  if (f.paths.length <= 1) throw new TspyError("cp: missing destination path");
  const verbose = f.verbose !== false;
  const dest = f.paths[f.paths.length - 1];
  const sources = f.paths.slice(0, -1);
  const bfs = await boardFs(ctx);
  const { copyFile, copyRecursive } = await import("../fs/copy.js");
  const { progressBar } = await import("../fs/progress.js");
  // With `-` as the destination stdout carries the file's bytes alone: what cp says goes to stderr.
  const talk = dest === "-" ? ctx.err : ctx.out;
  const compiled: string[] = [];
  const prepare = f.compile ? await compilePrepare(ctx, compiled) : undefined;
  for (const src of sources) {
    if (verbose) talk.write(`cp ${src} ${dest}\n`);
    const opts = {
      checkHash: !f.force,
      say: (s: string) => talk.write(s + "\n"),
      progress: (op: string) => progressBar(talk, op),
      signal: ctx.signal,
      prepare,
    };
    if (f.recursive) await copyRecursive(bfs, src, dest, sources.length > 1, opts);
    else await copyFile(bfs, src, dest, sources.length > 1, opts);
  }
  await warnShadowed(bfs, compiled, ctx);
  return 0;
}

async function df(f: FsFlags, ctx: CliContext): Promise<number> {
  const bfs = await boardFs(ctx);
  const rows = await bfs.statvfs();
  if (f.json) {
    line(ctx, JSON.stringify(rows.map((r) => ({ ...r, usePercent: Math.floor((100 * r.used) / r.size) }))));
    return 0;
  }
  const { dfLines } = await import("../fs/format.js");
  for (const l of dfLines(rows)) line(ctx, l);
  return 0;
}

async function edit(f: FsFlags, ctx: CliContext): Promise<number> {
  const editor = process.env.EDITOR;
  if (!editor) throw new TspyError("edit: $EDITOR not set");
  if (f.paths.length === 0) throw new UsageError(`usage: tspy ${USAGE.edit}`);
  const bfs = await boardFs(ctx);
  const { progressBar } = await import("../fs/progress.js");
  for (const arg of f.paths) {
    const src = arg.replace(/^:+/, "");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-edit-"));
    const local = path.join(dir, path.basename(src) || "file");
    try {
      line(ctx, `edit :${src}`);
      await bfs.touch(src);
      const before = await bfs.readFile(src, { onProgress: progressBar(ctx.out) });
      fs.writeFileSync(local, before);
      const r = spawnSync(`${editor} "${local}"`, { shell: true, stdio: "inherit" });
      // A failing editor (or one killed) is no go-ahead: the board file stays as it was, and we say so.
      if (r.error) throw new TspyError(`edit: cannot run $EDITOR (${editor}): ${r.error.message}`);
      if (r.status !== 0) {
        throw new TspyError(`edit: ${editor} ${r.signal ? `was killed by ${r.signal}` : `exited with status ${r.status}`}; :${src} left unchanged`);
      }
      const after = fs.readFileSync(local);
      if (Buffer.compare(after, before) !== 0) await bfs.writeFileAtomic(src, after, { onProgress: progressBar(ctx.out) });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return 0;
}

async function sync(f: FsFlags, ctx: CliContext): Promise<number> {
  if (f.paths.length !== 2 || !f.paths[1].startsWith(":") || f.paths[0].startsWith(":")) {
    throw new UsageError(`usage: tspy ${USAGE.sync}`);
  }
  const [localDir, destArg] = f.paths;
  if (!fs.statSync(localDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TspyError(`sync: ${localDir}: not a directory`);
  }
  const { runSync } = await import("../fs/sync-run.js");
  const bfs = await boardFs(ctx);
  const { progressBar } = await import("../fs/progress.js");
  const compiled: string[] = [];
  const prepare = f.compile ? await compileSyncPrepare(ctx, compiled) : undefined;
  const destDir = destArg.slice(1).replace(/\/+$/, "");
  await runSync(bfs, localDir, destDir, {
    prepare,
    delete: f.delete,
    dryRun: f.dryRun,
    say: (s) => line(ctx, s),
    progress: () => progressBar(ctx.out),
    signal: ctx.signal,
  });
  if (!f.dryRun) {
    const { joinBoard } = await import("../fs/paths.js");
    await warnShadowed(bfs, compiled.map((p) => (destDir ? joinBoard(destDir, p) : p)), ctx);
  }
  return 0;
}

/** cp --compile: .py files bound for the board become .mpy for it (none when it takes only sources). */
async function compilePrepare(ctx: CliContext, written: string[]) {
  const [{ copyTarget }, { cpPrepare }] = await Promise.all([import("./compile-on-copy.js"), import("../compile/for-board.js")]);
  const target = await copyTarget(ctx);
  return target ? cpPrepare(target, written) : undefined;
}

async function compileSyncPrepare(ctx: CliContext, written: string[]) {
  const [{ copyTarget }, { syncPrepare }] = await Promise.all([import("./compile-on-copy.js"), import("../compile/for-board.js")]);
  const target = await copyTarget(ctx);
  return target ? syncPrepare(target, (p) => fs.readFileSync(p), written) : undefined;
}

/** After a compiled copy: sources left beside the new .mpy files would still be the ones imported. */
async function warnShadowed(bfs: BoardFiles, written: string[], ctx: CliContext): Promise<void> {
  if (written.length === 0) return;
  const { warnShadowed } = await import("./compile-on-copy.js");
  await warnShadowed(bfs, written, ctx);
}

function spec(name: string, summary: string): CommandSpec {
  return { name, summary, run: (args, ctx) => runFs(name, args, ctx) };
}

export const fsCommands: CommandSpec[] = [
  spec("cp", "copy files between the host and the board: cp [-r] [-f] SRC... DEST"),
  spec("ls", "list board directories"),
  spec("cat", "print board files"),
  spec("rm", "remove board files [-r] [-v]"),
  spec("mkdir", "make board directories"),
  spec("rmdir", "remove empty board directories"),
  spec("touch", "create board files"),
  spec("tree", "show board directory trees [-s|-h]"),
  spec("df", "board filesystem usage"),
  spec("sha256sum", "SHA-256 of board files"),
  spec("edit", "edit board files in $EDITOR"),
  spec("sync", "make a board directory match a local one: sync LOCALDIR :DEST [--delete] [--dry-run]"),
  {
    name: "fs",
    summary: "file commands with mpremote's `fs` prefix",
    async run(args, ctx) {
      // Flags may come before the subcommand (`fs -r cp ...`), as with mpremote's argparse.
      const i = args.findIndex((a) => !a.startsWith("-"));
      if (i < 0 && args.includes("--help")) {
        const def: CommandDef = {
          name: "fs",
          summary: "File commands with mpremote's `fs` prefix (each also works without it).",
          usage: "COMMAND [options] PATH...",
          subcommands: Object.keys(USAGE).map((c) => ({ name: `fs ${c}`, summary: SUMMARY[c] ?? "" })),
          helpFlags: ["--help"],
        };
        ctx.out.write(helpFor(def));
        return 0;
      }
      if (i < 0) throw new UsageError(`fs: a file command is required (${Object.keys(USAGE).join(", ")})`);
      const sub = args[i]!;
      if (!(sub in USAGE)) throw new UsageError(`fs: '${sub}' is not a file command${didYouMean(sub, Object.keys(USAGE))}`);
      return runFs(sub, [...args.slice(0, i), ...args.slice(i + 1)], ctx);
    },
  },
];
