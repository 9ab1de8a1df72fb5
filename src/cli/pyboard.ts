// `tspy pyboard …`: pyboard.py's command line, verbatim, so documented invocations work after `tspy`:
//   tspy pyboard -d /dev/ttyACM0 -b 115200 -c "print(1)" script.py
//   tspy pyboard -f cp main.py :main.py
import { flag, helpFor, parse, str, type CommandDef } from "../args/index.js";
import { UsageError } from "../errors.js";
import { readLocalScript } from "./board.js";
import type { CliContext, CommandSpec } from "./command.js";
import type { Session } from "./context.js";

interface PyboardArgs {
  device?: string;
  baud?: number;
  user?: string;
  password?: string;
  command?: string;
  wait: number;
  softReset: boolean;
  follow?: boolean;
  filesystem: boolean;
  files: string[];
}

/** pyboard.py's argparse options; short valued ones also glued (`-d/dev/ttyACM0`), as argparse allows. */
export const pyboardDef: CommandDef = {
  name: "pyboard",
  summary: "Run scripts or filesystem commands with pyboard.py's command line.",
  usage: "[-d DEVICE] [-b BAUDRATE] [-u USER] [-p PASSWORD] [-c COMMAND] [-w WAIT] [--follow|--no-follow] [-f CMD ARGS...] [FILES...]",
  options: [
    { flags: ["-d", "--device"], key: "device", takes: "value", glued: true, help: "the serial device or IP address of the board" },
    { flags: ["-b", "--baudrate"], key: "baud", takes: "value", glued: true, metavar: "BAUDRATE", help: "the baud rate of the serial device" },
    { flags: ["-u", "--user"], key: "user", takes: "value", glued: true, help: "the telnet login username" },
    { flags: ["-p", "--password"], key: "password", takes: "value", glued: true, help: "the telnet login password" },
    { flags: ["-c", "--command"], key: "command", takes: "value", glued: true, help: "program passed in as string" },
    { flags: ["-w", "--wait"], key: "wait", takes: "value", glued: true, metavar: "SECONDS", help: "seconds to wait for USB connected board to become available" },
    { flags: ["--soft-reset"], key: "softReset", help: "whether to perform a soft reset when connecting (default)" },
    { flags: ["--no-soft-reset"], key: "softReset", set: false, help: "do not soft-reset when connecting" },
    { flags: ["--follow"], key: "follow", help: "follow the output after running the scripts (default if no scripts given)" },
    { flags: ["--no-follow"], key: "follow", set: false, help: "start the last script and return at once" },
    { flags: ["--exclusive"], key: "exclusive", help: "open the serial device exclusively (always done)" },
    { flags: ["--no-exclusive"], key: "exclusive", set: false, help: "accepted; tspy always opens exclusively" },
    { flags: ["-f", "--filesystem"], key: "filesystem", help: "perform a filesystem action: cp, ls, cat, rm, mkdir, rmdir, touch" },
  ],
};

export function parsePyboardArgs(args: string[]): PyboardArgs | null {
  // With -f, everything from the filesystem verb on belongs to that verb (`-f cp -r dir :`).
  const fIndex = args.findIndex((a) => a === "-f" || a === "--filesystem");
  const verbAt = fIndex < 0 ? -1 : args.findIndex((a, i) => i > fIndex && !a.startsWith("-"));
  const own = verbAt < 0 ? args : args.slice(0, verbAt);
  const parsed = parse(pyboardDef, own);
  if (parsed.help) return null;
  const p: PyboardArgs = {
    device: str(parsed, "device"),
    baud: str(parsed, "baud") === undefined ? undefined : Number(str(parsed, "baud")),
    user: str(parsed, "user"),
    password: str(parsed, "password"),
    command: str(parsed, "command"),
    wait: Number(str(parsed, "wait") ?? 0),
    softReset: flag(parsed, "softReset", true),
    follow: parsed.values.follow === undefined ? undefined : flag(parsed, "follow"),
    filesystem: flag(parsed, "filesystem"),
    files: verbAt < 0 ? parsed.positionals : [...parsed.positionals, ...args.slice(verbAt)],
  };
  if (p.baud !== undefined && !(Number.isInteger(p.baud) && p.baud > 0)) throw new UsageError("pyboard: -b needs a baud rate");
  if (!(Number.isFinite(p.wait) && p.wait >= 0)) throw new UsageError("pyboard: -w needs a number of seconds");
  return p;
}

async function withWait<T>(seconds: number, open: () => Promise<T>): Promise<T> {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await open();
    } catch (e) {
      if (Date.now() >= end) throw e;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export const pyboardCommand: CommandSpec = {
  name: "pyboard",
  summary: "pyboard.py's flags: -d -b -u -p -c -w --follow/--no-follow --soft-reset -f, and script files",
  greedy: true,
  async run(args, ctx: CliContext) {
    const p = parsePyboardArgs(args);
    if (!p) {
      ctx.out.write(helpFor(pyboardDef));
      (ctx as Session).acted = true;
      return 0;
    }
    const s = ctx as Session;
    // pyboard.py's default device is /dev/ttyACM0 when neither -d nor the environment names one.
    if (p.device) await s.reconnect(p.device);
    else if (s.device === "auto" && !process.env.TSPY_DEVICE && !process.env.PYBOARD_DEVICE) await s.reconnect("/dev/ttyACM0");
    if (p.baud) s.baud = p.baud;
    if (p.user !== undefined || p.password !== undefined) {
      s.credentials = { user: p.user ?? "micro", password: p.password ?? "python" };
    }
    s.resume = !p.softReset;
    await withWait(p.wait, () => ctx.stream());
    s.acted = true;

    if (p.filesystem) {
      const [verb, ...rest] = p.files;
      if (!verb) throw new UsageError("pyboard: -f needs a command (cp, ls, cat, rm, mkdir, rmdir, touch)");
      const mod = (await import("./fs.js" as string)) as { fsCommands: CommandSpec[] };
      const cmd = mod.fsCommands.find((c) => c.name === verb);
      if (!cmd) throw new UsageError(`pyboard: unknown filesystem command ${verb}`);
      return cmd.run(rest, ctx);
    }

    const repl = await ctx.repl();
    const follow = p.follow ?? true;
    const programs: (string | Uint8Array)[] = [];
    if (p.command !== undefined) programs.push(p.command);
    for (const f of p.files) programs.push(readLocalScript(f, "pyboard"));
    if (programs.length === 0) {
      // pyboard.py with nothing to run follows the board's output until it sends Ctrl-D.
      const stream = await ctx.stream();
      await stream.readUntil("\x04", Infinity, "following output", (c) => ctx.out.write(c));
      return 0;
    }
    for (let i = 0; i < programs.length; i++) {
      const last = i === programs.length - 1;
      if (!follow && last) {
        await repl.start(programs[i]);
        s.leaveRunning = true;
      } else {
        await repl.exec(programs[i], { onStdout: (c) => ctx.out.write(c), timeoutMs: Infinity });
      }
    }
    return 0;
  },
};
