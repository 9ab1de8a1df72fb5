// Commands that run code on the board or steer it: exec, eval, run, soft-reset, reset, bootloader,
// resume, connect, disconnect, devs. mpremote's names and behaviour.
import fs from "node:fs";
import { TspyError, UsageError } from "../errors.js";
import { formatPort, listPorts } from "../transport/ports.js";
import { expectCount, splitArgs } from "./args.js";
import type { CliContext, CommandSpec } from "./command.js";
import type { Session } from "./context.js";

function session(ctx: CliContext): Session {
  return ctx as Session;
}

/** Run code with its output streamed to ours; with --no-follow, start it and return at once. */
async function execAndFollow(ctx: CliContext, code: string, follow: boolean): Promise<number> {
  const repl = await ctx.repl();
  session(ctx).acted = true;
  if (!follow) {
    await repl.start(code);
    session(ctx).leaveRunning = true;
    return 0;
  }
  await repl.exec(code, { onStdout: (chunk) => ctx.out.write(chunk), timeoutMs: Infinity });
  return 0;
}

export const execCommand: CommandSpec = {
  name: "exec",
  summary: "execute the string CODE on the board",
  arity: 1,
  async run(args, ctx) {
    const a = splitArgs("exec", args, ["--follow", "--no-follow"]);
    expectCount("exec", a.positionals, 1, 1, "[--no-follow] CODE");
    return execAndFollow(ctx, a.positionals[0], !a.flags.has("--no-follow"));
  },
};

export const evalCommand: CommandSpec = {
  name: "eval",
  summary: "evaluate and print the Python expression EXPR",
  arity: 1,
  async run(args, ctx) {
    const a = splitArgs("eval", args, []);
    expectCount("eval", a.positionals, 1, 1, "EXPR");
    return execAndFollow(ctx, `print(${a.positionals[0]})`, true);
  },
};

export function readLocalScript(file: string, cmd: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new TspyError(`${cmd}: ${file}: no such file`);
    if (code === "EISDIR") throw new TspyError(`${cmd}: ${file}: is a directory`);
    throw new TspyError(`${cmd}: ${file}: ${(e as Error).message}`);
  }
}

export const runCommand: CommandSpec = {
  name: "run",
  summary: "run the local script FILE on the board",
  arity: 1,
  async run(args, ctx) {
    const a = splitArgs("run", args, ["--follow", "--no-follow"]);
    expectCount("run", a.positionals, 1, 1, "[--no-follow] FILE");
    return execAndFollow(ctx, readLocalScript(a.positionals[0], "run"), !a.flags.has("--no-follow"));
  },
};

/** A command that takes no arguments: the usage check is the same for all of them. */
function noArgCommand(name: string, summary: string, action: (ctx: CliContext) => Promise<void>): CommandSpec {
  return {
    name,
    summary,
    arity: 0,
    async run(args, ctx) {
      expectCount(name, splitArgs(name, args, []).positionals, 0);
      await action(ctx);
      return 0;
    },
  };
}

export const softResetCommand = noArgCommand("soft-reset", "perform a soft reset of the board", async (ctx) => {
  const repl = await ctx.repl();
  // ctx.repl() may just have soft-reset on entry; mpremote still resets here, and so do we.
  await repl.softResetInRaw();
  session(ctx).acted = true;
});

function machineCall(name: string, call: string, summary: string): CommandSpec {
  return noArgCommand(name, summary, async (ctx) => {
    const repl = await ctx.repl();
    await repl.start(`import machine
machine.${call}()
`);
    const s = session(ctx);
    s.acted = true;
    s.leaveRunning = true; // the board is gone (rebooting): do not talk to it any more
    await s.close();
  });
}

export const resetCommand = machineCall("reset", "reset", "hard reset the board (machine.reset())");
export const bootloaderCommand = machineCall("bootloader", "bootloader", "enter the board's bootloader (machine.bootloader())");

export const resumeCommand = noArgCommand(
  "resume",
  "resume a previous session: do not soft-reset on entering the raw REPL",
  async (ctx) => {
    session(ctx).resume = true;
  },
);

export const connectCommand: CommandSpec = {
  name: "connect",
  summary: "connect to DEVICE (serial port, a0/u0/c0, auto, id:SERIAL, tcp://host:port, virtual[:DIR])",
  arity: 1,
  async run(args, ctx) {
    const a = splitArgs("connect", args, []);
    expectCount("connect", a.positionals, 1, 1, "DEVICE");
    if (a.positionals[0] === "list") return devsCommand.run([], ctx);
    await ctx.reconnect(a.positionals[0]);
    await ctx.stream(); // fail here, naming the device, rather than in a later command
    return 0;
  },
};

export const disconnectCommand = noArgCommand(
  "disconnect",
  "disconnect from the board (leaving it in its friendly REPL)",
  async (ctx) => session(ctx).close(),
);

export const devsCommand: CommandSpec = {
  name: "devs",
  aliases: ["devices"],
  summary: "list serial ports: path, serial number, VID:PID, manufacturer, product",
  arity: 0,
  async run(args, ctx) {
    const a = splitArgs("devs", args, ["--json"]);
    if (a.positionals.length) throw new UsageError("devs: takes no arguments");
    session(ctx).acted = true;
    const ports = await listPorts();
    if (a.flags.has("--json")) ctx.out.write(JSON.stringify(ports, null, 2) + "\n");
    else for (const p of ports) ctx.out.write(formatPort(p) + "\n");
    return 0;
  },
};
