// `tspy repl`: a raw terminal to the board's friendly REPL. Ctrl-] or Ctrl-X leaves.
import { parseOrHelp, type CommandDef } from "../args/index.js";
import type { CommandSpec } from "./command.js";
import type { Session } from "./context.js";

const CTRL_X = 0x18;
const CTRL_RIGHT_BRACKET = 0x1d;

export const replDef: CommandDef = {
  name: "repl",
  summary: "Connect to the board's REPL (Ctrl-] or Ctrl-X leaves).",
  options: [
    { flags: ["--escape-non-printable", "-e"], key: "escape", help: "accepted for mpremote compatibility" },
    { flags: ["--no-escape-non-printable"], key: "escape", set: false, help: "accepted for mpremote compatibility", hidden: true },
  ],
  maxPositionals: 0,
};

export const replCommand: CommandSpec = {
  name: "repl",
  summary: "connect to the board's REPL (Ctrl-] or Ctrl-X to leave)",
  arity: 0,
  async run(args, ctx) {
    if (!parseOrHelp(replDef, args, ctx.out)) return 0;
    const s = ctx as Session;
    s.acted = true;
    const stream = await ctx.stream();
    const repl = s.currentRepl();
    if (repl?.inRawRepl) await repl.exit();
    ctx.out.write(`Connected to MicroPython at ${stream.description.replace(/^serial /, "")}\r\nUse Ctrl-] or Ctrl-x to exit this shell\r\n`);

    const stdin = process.stdin;
    const isTty = stdin.isTTY === true;
    if (isTty) stdin.setRawMode(true);
    let done = false;
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    const stop = () => {
      if (done) return;
      done = true;
      finish();
    };
    const onData = (d: Buffer) => {
      const cut = d.findIndex((b) => b === CTRL_X || b === CTRL_RIGHT_BRACKET);
      const payload = cut >= 0 ? d.subarray(0, cut) : d;
      if (payload.length) stream.write(payload).catch(stop);
      if (cut >= 0) stop();
    };
    stdin.on("data", onData);
    // Piped input: send it all, then leave once the board has had a moment to answer.
    const onEnd = () => setTimeout(stop, 500);
    stdin.on("end", onEnd);
    stdin.resume();

    const pump = (async () => {
      while (!done) {
        let chunk: Uint8Array;
        try {
          chunk = await stream.readSome(100);
        } catch {
          ctx.err.write("\r\ntspy: the board went away\r\n");
          stop();
          return;
        }
        if (chunk.length) ctx.out.write(chunk);
      }
    })();
    await finished;
    stdin.off("data", onData);
    stdin.off("end", onEnd);
    if (isTty) stdin.setRawMode(false);
    stdin.pause();
    await pump;
    ctx.out.write("\r\n");
    return 0;
  },
};
