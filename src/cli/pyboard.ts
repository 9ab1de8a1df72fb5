// `tspy pyboard …`: pyboard.py's command line, verbatim, so documented invocations work after `tspy`:
//   tspy pyboard -d /dev/ttyACM0 -b 115200 -c "print(1)" script.py
//   tspy pyboard -f cp main.py :main.py
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

const VALUED = new Set(["-d", "--device", "-b", "--baudrate", "-u", "--user", "-p", "--password", "-c", "--command", "-w", "--wait"]);

export function parsePyboardArgs(args: string[]): PyboardArgs {
  const p: PyboardArgs = { wait: 0, softReset: true, filesystem: false, files: [] };
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let value: string | undefined;
    if (a.startsWith("--") && a.includes("=")) {
      value = a.slice(a.indexOf("=") + 1);
      a = a.slice(0, a.indexOf("="));
    } else if (/^-[dbupcw]./.test(a)) {
      value = a.slice(2); // argparse's -d/dev/ttyACM0 form
      a = a.slice(0, 2);
    }
    if (VALUED.has(a)) {
      value ??= args[++i];
      if (value === undefined) throw new UsageError(`pyboard: ${a} needs a value`);
    }
    switch (a) {
      case "-d": case "--device": p.device = value; break;
      case "-b": case "--baudrate": p.baud = Number(value); break;
      case "-u": case "--user": p.user = value; break;
      case "-p": case "--password": p.password = value; break;
      case "-c": case "--command": p.command = value; break;
      case "-w": case "--wait": p.wait = Number(value); break;
      case "--soft-reset": p.softReset = true; break;
      case "--no-soft-reset": p.softReset = false; break;
      case "--follow": p.follow = true; break;
      case "--no-follow": p.follow = false; break;
      case "--exclusive": case "--no-exclusive": break; // we always open exclusively
      case "-f": case "--filesystem": p.filesystem = true; break;
      default:
        if (a.startsWith("-") && a !== "-" && !p.filesystem) throw new UsageError(`pyboard: unknown option ${a}`);
        p.files.push(args[i]);
    }
  }
  if (p.baud !== undefined && !(Number.isInteger(p.baud) && p.baud > 0)) throw new UsageError("pyboard: -b needs a baud rate");
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
