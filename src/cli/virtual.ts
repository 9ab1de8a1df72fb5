// `tspy virtual serve`: the built-in virtual board exposed to other programs, on a TCP port or a pty
// (mpremote, pyboard.py, a terminal). `tspy virtual dir` prints where the board keeps its files.
import { UsageError } from "../errors.js";
import { flag, parseOrHelp, str, type CommandDef, type Parsed } from "../args/index.js";
import type { CliContext, CommandSpec } from "./command.js";

const serveDef: CommandDef = {
  name: "virtual serve",
  summary: "Serve the virtual board on a TCP port or a pty; the first line printed is where it is (tcp://HOST:PORT, or the tty path).",
  options: [
    { flags: ["--tcp"], key: "tcp", takes: "value", metavar: "[HOST:]PORT", help: "listen there (default 127.0.0.1, port 0 = any free port)" },
    { flags: ["--pty"], key: "pty", help: "also make a pseudo-terminal (socat) bridged to the board" },
    { flags: ["--link"], key: "link", takes: "value", metavar: "PATH", help: "with --pty: a stable symlink to the pty" },
    { flags: ["--dir"], key: "dir", takes: "value", help: "the board's filesystem (default: -d virtual:DIR, else the user's data directory)" },
  ],
  maxPositionals: 0,
};

export const virtualDef: CommandDef = {
  name: "virtual",
  summary: "The built-in virtual board (MicroPython 1.27 VM).",
  usage: "serve|dir ...",
  subcommands: [
    serveDef,
    { name: "virtual dir", summary: "Print where the virtual board keeps its files.", maxPositionals: 0 },
  ],
};

function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[?([^\]]*?)\]?:)?(\d+)$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) throw new UsageError(`virtual serve: --tcp expects [HOST:]PORT, got "${value}"`);
  return { host: m[1] || "127.0.0.1", port };
}

function boardDirFrom(ctx: CliContext, explicit: string | undefined): string | undefined {
  if (explicit) return explicit;
  if (ctx.device.startsWith("virtual:")) return ctx.device.slice("virtual:".length);
  return undefined;
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** `virtual serve ARGS`; runs until `stopped` resolves (by default: SIGINT or SIGTERM). */
export async function serveVirtual(args: string[], ctx: CliContext, stopped?: Promise<void>): Promise<number> {
  const a = parseOrHelp(serveDef, args, ctx.out);
  if (!a) return 0;
  return serveParsed(a, ctx, stopped);
}

async function serveParsed(a: Parsed, ctx: CliContext, stopped?: Promise<void>): Promise<number> {
  if (str(a, "link") !== undefined && !flag(a, "pty")) throw new UsageError("virtual serve: --link needs --pty");
  const listen = parseListen(str(a, "tcp") ?? "0");

  const { openVirtualBoard, defaultBoardDir } = await import("../transport/virtual/index.js");
  const { serveBoard } = await import("../transport/virtual/board-server.js");
  // `-d virtual:DIR?firmware=1.12 virtual serve` serves that old release (the query is not part of DIR)
  const [given = "", query = ""] = (boardDirFrom(ctx, str(a, "dir")) ?? "").split("?");
  const dir = given || defaultBoardDir();
  const firmware = new URLSearchParams(query).get("firmware") ?? undefined;
  const board = await openVirtualBoard(dir, { firmware, onNotice: (msg) => ctx.err.write(`virtual board: ${msg}\n`) });
  const closers: (() => Promise<void>)[] = [() => board.close()];
  try {
    const server = await serveBoard(board, listen.host, listen.port);
    closers.unshift(() => server.close());
    const url = `tcp://${server.host.includes(":") ? `[${server.host}]` : server.host}:${server.port}`;
    if (flag(a, "pty")) {
      const { openPtyBridge } = await import("../transport/pty-bridge.js");
      const pty = await openPtyBridge(server.port, { link: str(a, "link") });
      closers.unshift(() => pty.close());
      ctx.out.write(`${pty.path}\n`);
      ctx.err.write(`virtual board (files in ${dir}) on ${pty.path}, bridged through ${url}; Ctrl-C stops\n`);
    } else {
      ctx.out.write(`${url}\n`);
      ctx.err.write(`virtual board (files in ${dir}) on ${url}; Ctrl-C stops\n`);
    }
    await (stopped ?? untilStopped());
    return 0;
  } finally {
    for (const close of closers) await close().catch(() => undefined);
  }
}

export const virtualCommand: CommandSpec = {
  name: "virtual",
  summary: "the built-in virtual board: `virtual serve --tcp HOST:PORT | --pty`",
  greedy: true,
  async run(args, ctx) {
    const a = parseOrHelp(virtualDef, args, ctx.out);
    if (!a) return 0;
    if (a.sub === serveDef) return serveParsed(a, ctx);
    const { defaultBoardDir } = await import("../transport/virtual/board-dir.js");
    ctx.out.write(`${boardDirFrom(ctx, undefined) ?? defaultBoardDir()}\n`);
    return 0;
  },
};
