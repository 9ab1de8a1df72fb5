// Commands that run code on the board or steer it: exec, eval, run, soft-reset, reset, bootloader,
// resume, connect, disconnect, devs. mpremote's names and behaviour.
import fs from "node:fs";
import { TspyError, UsageError } from "../errors.js";
import { formatPort, listPorts } from "../transport/ports.js";
import { flag, parseOrHelp, type CommandDef } from "../args/index.js";
import type { CliContext, CommandSpec } from "./command.js";
import type { Session } from "./context.js";

function session(ctx: CliContext): Session {
  return ctx as Session;
}

/** Where --help goes: ctx.out, looked up only then (a silent `exec` never creates process.stdout). */
function helpOut(ctx: CliContext): { write(s: string): unknown } {
  return { write: (s) => ctx.out.write(s) };
}

/** Run code with its output streamed to ours; with --no-follow, start it and return at once. */
async function execAndFollow(ctx: CliContext, code: string | Uint8Array, follow: boolean): Promise<number> {
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

/** mpremote's `--follow/-f` (the default) and `--no-follow`. */
const FOLLOW = [
  { flags: ["--follow", "-f"], key: "follow", help: "follow the output until the code completes (default)" },
  { flags: ["--no-follow"], key: "follow", set: false, help: "start the code and return at once" },
];

export const execDef: CommandDef = {
  name: "exec",
  summary: "Execute the string CODE on the board, printing its output.",
  usage: "[--no-follow] CODE",
  options: FOLLOW,
  minPositionals: 1,
  maxPositionals: 1,
};

export const execCommand: CommandSpec = {
  name: "exec",
  summary: "execute the string CODE on the board",
  arity: 1,
  async run(args, ctx) {
    const a = parseOrHelp(execDef, args, helpOut(ctx));
    if (!a) return 0;
    return execAndFollow(ctx, a.positionals[0]!, flag(a, "follow", true));
  },
};

export const evalDef: CommandDef = {
  name: "eval",
  summary: "Evaluate the Python expression EXPR on the board and print the result.",
  usage: "EXPR",
  minPositionals: 1,
  maxPositionals: 1,
};

export const evalCommand: CommandSpec = {
  name: "eval",
  summary: "evaluate and print the Python expression EXPR",
  arity: 1,
  async run(args, ctx) {
    const a = parseOrHelp(evalDef, args, helpOut(ctx));
    if (!a) return 0;
    return execAndFollow(ctx, `print(${a.positionals[0]})`, true);
  },
};

/** The script's bytes as they are: a Latin-1 comment or string must reach the board unchanged. */
export function readLocalScript(file: string, cmd: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new TspyError(`${cmd}: ${file}: no such file`);
    if (code === "EISDIR") throw new TspyError(`${cmd}: ${file}: is a directory`);
    throw new TspyError(`${cmd}: ${file}: ${(e as Error).message}`);
  }
}

export const runDef: CommandDef = {
  name: "run",
  summary: "Run the local script FILE on the board, printing its output.",
  usage: "[--no-follow] FILE",
  options: FOLLOW,
  minPositionals: 1,
  maxPositionals: 1,
};

export const runCommand: CommandSpec = {
  name: "run",
  summary: "run the local script FILE on the board",
  arity: 1,
  async run(args, ctx) {
    const a = parseOrHelp(runDef, args, helpOut(ctx));
    if (!a) return 0;
    return execAndFollow(ctx, readLocalScript(a.positionals[0]!, "run"), flag(a, "follow", true));
  },
};

/** A command that takes no arguments: the usage check is the same for all of them. */
function noArgCommand(name: string, summary: string, action: (ctx: CliContext) => Promise<void>): CommandSpec {
  return {
    name,
    summary,
    arity: 0,
    async run(args, ctx) {
      const def: CommandDef = { name, summary: summary[0]!.toUpperCase() + summary.slice(1) + ".", maxPositionals: 0 };
      if (!parseOrHelp(def, args, helpOut(ctx))) return 0;
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

export const connectDef: CommandDef = {
  name: "connect",
  summary: "Connect to DEVICE for the rest of the chain.",
  usage: "DEVICE",
  minPositionals: 1,
  maxPositionals: 1,
  notes: [
    "DEVICE: list, auto, a serial port (/dev/ttyUSB0, COM3), a0-a3, u0-u3, c0-c3, id:SERIAL, port:PATH,",
    "        tcp://HOST:PORT, telnet://[USER:PASS@]HOST[:PORT], ws://[:PASS@]HOST[:8266], virtual[:DIR]",
  ],
};

export const connectCommand: CommandSpec = {
  name: "connect",
  summary: "connect to DEVICE (serial port, a0/u0/c0, auto, id:SERIAL, tcp://host:port, virtual[:DIR])",
  arity: 1,
  async run(args, ctx) {
    const a = parseOrHelp(connectDef, args, helpOut(ctx));
    if (!a) return 0;
    if (a.positionals[0] === "list") return devsCommand.run([], ctx);
    await ctx.reconnect(a.positionals[0]!);
    await ctx.stream(); // fail here, naming the device, rather than in a later command
    return 0;
  },
};

export const disconnectCommand = noArgCommand(
  "disconnect",
  "disconnect from the board (leaving it in its friendly REPL)",
  async (ctx) => session(ctx).close(),
);

export const devsDef: CommandDef = {
  name: "devs",
  aliases: ["devices", "connect list"],
  summary: "List serial ports: path, serial number, VID:PID, manufacturer, product.",
  options: [{ flags: ["--json"], key: "json", help: "print the list as JSON" }],
  maxPositionals: 0,
};

export const devsCommand: CommandSpec = {
  name: "devs",
  aliases: ["devices"],
  summary: "list serial ports: path, serial number, VID:PID, manufacturer, product",
  arity: 0,
  async run(args, ctx) {
    const a = parseOrHelp(devsDef, args, helpOut(ctx));
    if (!a) return 0;
    session(ctx).acted = true;
    const ports = await listPorts();
    if (flag(a, "json")) ctx.out.write(JSON.stringify(ports, null, 2) + "\n");
    else for (const p of ports) ctx.out.write(formatPort(p) + "\n");
    return 0;
  },
};

export const rtcDef: CommandDef = {
  name: "rtc",
  summary: "Print the board's RTC time, or with --set set it to the host's local time.",
  options: [
    { flags: ["--set", "-s"], key: "set", help: "set the RTC to the current local time" },
    { flags: ["--no-set"], key: "set", set: false, help: "print the RTC time (default)", hidden: true },
  ],
  maxPositionals: 0,
};

export const rtcCommand: CommandSpec = {
  name: "rtc",
  summary: "get (default) or set the board's RTC",
  arity: 0,
  async run(args, ctx) {
    const a = parseOrHelp(rtcDef, args, helpOut(ctx));
    if (!a) return 0;
    const [{ readRtc, setRtc }, repl] = await Promise.all([import("../fs/rtc.js"), ctx.repl()]);
    session(ctx).acted = true;
    if (flag(a, "set")) await setRtc(repl, new Date());
    else ctx.out.write((await readRtc(repl)) + "\n");
    return 0;
  },
};

export const sleepDef: CommandDef = {
  name: "sleep",
  summary: "Wait SECONDS (a decimal number) before the next command of the chain.",
  usage: "SECONDS",
  minPositionals: 1,
  maxPositionals: 1,
};

export const sleepCommand: CommandSpec = {
  name: "sleep",
  summary: "sleep before the next command",
  arity: 1,
  async run(args, ctx) {
    const a = parseOrHelp(sleepDef, args, helpOut(ctx));
    if (!a) return 0;
    const seconds = Number(a.positionals[0]);
    if (!Number.isFinite(seconds) || seconds < 0 || a.positionals[0]!.trim() === "") {
      throw new UsageError(`sleep: "${a.positionals[0]}" is not a number of seconds`);
    }
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return 0;
  },
};
