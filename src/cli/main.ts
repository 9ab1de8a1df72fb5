// The command table and the command line: global flags, `+` chaining, errors → one line + exit status.
// Each command lives in its own module and is loaded only when used, so start-up stays fast.
import { didYouMean, flag, parse, str, type CommandDef } from "../args/index.js";
import { TspyError, UsageError } from "../errors.js";
import type { CommandSpec } from "./command.js";
// The connection layer is loaded only by commands that reach a board: `mpy-cross` and `--help` skip it.
import type { Session } from "./context.js";
import { expandFront, loadShortcuts, type Shortcut } from "./shortcuts.js";
import { Stopper } from "./stop.js";
import { failureStatus } from "./report-error.js";

interface TableEntry {
  names: string[];
  summary: string;
  group: string;
  greedy?: boolean;
  arity?: number;
  load: () => Promise<CommandSpec>;
}

/**
 * Load `exportName` from a command's module when the command is used. Literal import()s, so the bundler
 * puts every command into the bundled command line (see scripts/bundle-compiler.mjs).
 */
function lazy(load: () => Promise<object>, exportName: string): () => Promise<CommandSpec> {
  return async () => {
    const mod = (await load()) as Record<string, CommandSpec | CommandSpec[]>;
    const found = mod[exportName];
    if (!found) throw new TspyError(`this build of tspy lacks ${exportName}`);
    return found as CommandSpec;
  };
}

function fsEntry(name: string, summary: string, aliases: string[] = []): TableEntry {
  return {
    names: [name, ...aliases],
    summary,
    group: "Files on the board",
    load: async () => {
      const mod = (await import("./fs.js")) as { fsCommands: CommandSpec[] };
      const cmd = mod.fsCommands.find((c) => c.name === name);
      if (!cmd) throw new TspyError(`this build of tspy lacks the ${name} command`);
      return cmd;
    },
  };
}

const BOARD = "Board";
export const COMMANDS: TableEntry[] = [
  { names: ["connect"], summary: "connect to DEVICE (port, a0/u0/c0, auto, id:SERIAL, tcp://host:port, virtual[:DIR])", group: BOARD, arity: 1, load: lazy(() => import("./board.js"), "connectCommand") },
  { names: ["disconnect"], summary: "disconnect (leave the board in its friendly REPL)", group: BOARD, arity: 0, load: lazy(() => import("./board.js"), "disconnectCommand") },
  { names: ["devs", "devices"], summary: "list serial ports with VID:PID, serial number, manufacturer", group: BOARD, arity: 0, load: lazy(() => import("./board.js"), "devsCommand") },
  { names: ["exec"], summary: "execute the string CODE on the board [--no-follow]", group: BOARD, arity: 1, load: lazy(() => import("./board.js"), "execCommand") },
  { names: ["eval"], summary: "evaluate and print the expression EXPR", group: BOARD, arity: 1, load: lazy(() => import("./board.js"), "evalCommand") },
  { names: ["run"], summary: "run the local script FILE on the board [--no-follow]", group: BOARD, arity: 1, load: lazy(() => import("./board.js"), "runCommand") },
  { names: ["repl"], summary: "open the board's REPL (Ctrl-] or Ctrl-X leaves)", group: BOARD, arity: 0, load: lazy(() => import("./repl.js"), "replCommand") },
  { names: ["soft-reset"], summary: "soft-reset the board", group: BOARD, arity: 0, load: lazy(() => import("./board.js"), "softResetCommand") },
  { names: ["reset"], summary: "hard-reset the board", group: BOARD, arity: 0, load: lazy(() => import("./board.js"), "resetCommand") },
  { names: ["bootloader"], summary: "make the board enter its bootloader", group: BOARD, arity: 0, load: lazy(() => import("./board.js"), "bootloaderCommand") },
  { names: ["resume"], summary: "do not soft-reset on entering the raw REPL", group: BOARD, arity: 0, load: lazy(() => import("./board.js"), "resumeCommand") },
  { names: ["rtc"], summary: "print the board's RTC time (--set: set it to the host's local time)", group: BOARD, arity: 0, load: lazy(() => import("./board.js"), "rtcCommand") },
  { names: ["sleep"], summary: "sleep SECONDS before the next command (mpremote's `sleep`)", group: BOARD, arity: 1, load: lazy(() => import("./board.js"), "sleepCommand") },
  { names: ["mount"], summary: "mount the local directory DIR on the board at /remote [-l|--unsafe-links]", group: BOARD, arity: 1, load: lazy(() => import("./mount.js"), "mountCommand") },
  { names: ["romfs"], summary: "ROMFS partitions (1.25+): romfs query | build DIR [-o FILE] | deploy DIR|IMAGE [-p N]", group: BOARD, load: lazy(() => import("./romfs.js"), "romfsCommand") },
  { names: ["umount"], summary: "unmount the local directory from /remote", group: BOARD, arity: 0, load: lazy(() => import("./mount.js"), "umountCommand") },
  { names: ["pyboard"], summary: "run with pyboard.py's flags (-d -b -u -p -c -w --follow -f ...)", group: BOARD, greedy: true, load: lazy(() => import("./pyboard.js"), "pyboardCommand") },
  { names: ["virtual"], summary: "the built-in virtual board: `virtual serve --tcp HOST:PORT | --pty`", group: BOARD, greedy: true, load: lazy(() => import("./virtual.js"), "virtualCommand") },
  fsEntry("fs", "file commands with an `fs` prefix: tspy fs cp|ls|cat|rm|... "),
  fsEntry("cp", "copy files: cp [-r] [-f] SRC... DEST (`:` marks the board)"),
  fsEntry("ls", "list a board directory [-l] [--json]"),
  fsEntry("cat", "print board files"),
  fsEntry("rm", "remove board files [-r] [-v]"),
  fsEntry("mkdir", "make board directories"),
  fsEntry("rmdir", "remove empty board directories"),
  fsEntry("touch", "create board files or update their time"),
  fsEntry("tree", "show a board directory tree [-s] [-h] [--json]"),
  fsEntry("df", "board filesystem usage [--json]"),
  fsEntry("sha256sum", "SHA-256 of board files [--json]"),
  fsEntry("edit", "edit board files in $EDITOR"),
  fsEntry("sync", "push a local directory to the board: sync DIR :DEST [--delete] [--dry-run]"),
  { names: ["mpy-cross"], summary: "compile Python to .mpy, byte-identical to upstream mpy-cross (--dump to disassemble)", group: "Compile", greedy: true, load: lazy(() => import("./mpy-cross.js"), "mpyCrossCommand") },
  { names: ["esptool"], summary: "esptool-compatible ESP8266 flasher (chip_id, write_flash, read_flash ...)", group: "Flash", greedy: true, load: lazy(() => import("./esptool.js"), "esptoolCommand") },
  { names: ["flash"], summary: "flash FIRMWARE.bin onto a board (detect, write, verify, reset)", group: "Flash", greedy: true, load: lazy(() => import("./esptool.js"), "flashCommand") },
  { names: ["bossac"], summary: "bossac-compatible SAM-BA flasher for SAMD21 boards (-e -w -v --offset=0x2000 FILE)", group: "Flash", greedy: true, load: lazy(() => import("./bossac.js"), "bossacCommand") },
  { names: ["ota"], summary: "WiPy: update the firmware over WiFi (mcuimg.bin by FTP, reset, check the release)", group: "Flash", greedy: true, load: lazy(() => import("./ota.js"), "otaCommand") },
  { names: ["uf2"], summary: "UF2 files: convert | info | flash onto a bootloader drive", group: "Flash", greedy: true, load: lazy(() => import("./uf2.js"), "uf2Command") },
  { names: ["install"], summary: "install a package and its dependencies (upip-compatible)", group: "Packages", greedy: true, load: lazy(() => import("./install.js"), "installCommand") },
  { names: ["upip"], summary: "upip: install | pack DIST.tar.gz | check FILE.tar.gz", group: "Packages", greedy: true, load: lazy(() => import("./install.js"), "upipCommand") },
  { names: ["circup"], summary: "CircuitPython library bundles: install | list | update | uninstall | freeze | show", group: "Packages", greedy: true, load: lazy(() => import("./bundle.js"), "circupCommand") },
  { names: ["bundle"], summary: "build CircuitPython library bundles: bundle build SRC_DIR... --circuitpython 9,10", group: "Packages", greedy: true, load: lazy(() => import("./bundle-build.js"), "bundleCommand") },
  { names: ["mip"], summary: "mip install NAME[@VER] | github:org/repo | URL", group: "Packages", greedy: true, load: lazy(() => import("./install.js"), "mipCommand") },
  { names: ["help"], summary: "print this help (with your shortcuts) and exit", group: "tspy", arity: 0, load: async () => helpCommand },
  { names: ["version"], summary: "print tspy's version and exit", group: "tspy", arity: 0, load: async () => versionCommand },
];

/** Every word that names a command (for suggestions). */
export function commandWords(): string[] {
  return COMMANDS.flatMap((e) => e.names);
}

const SHORTCUT = /^[auc][0-9]+$/;

function findEntry(word: string): TableEntry | undefined {
  return COMMANDS.find((e) => e.names.includes(word));
}

export function helpText(shortcuts: Map<string, Shortcut> = new Map()): string {
  const lines = [
    "usage: tspy [-d DEVICE] [-b BAUD] COMMAND [ARGS] [+ COMMAND [ARGS]] ...",
    "",
    "One toolchain for MicroPython, CircuitPython and Pycopy boards.",
    "",
    "Options:",
    "  -d, --device DEVICE  board to use (default: $TSPY_DEVICE, $PYBOARD_DEVICE, or auto)",
    "  -b, --baud BAUD      serial baud rate (default: $PYBOARD_BAUDRATE or 115200)",
    "  -h, --help           show this help",
    "  --version            show tspy's version",
  ];
  let group = "";
  for (const e of COMMANDS) {
    if (e.group !== group) {
      group = e.group;
      lines.push("", `${group}:`);
    }
    lines.push(`  ${e.names[0].padEnd(12)} ${e.summary}`);
  }
  if (shortcuts.size) {
    lines.push("", "Your shortcuts:");
    for (const sc of shortcuts.values()) {
      const sig = [sc.name, ...sc.params.map((p) => p.join("="))].join(" ");
      lines.push(`  ${sig.padEnd(12)} ${sc.help || sc.words.join(" ")}`);
    }
  }
  lines.push(
    "",
    "Each command answers --help. Devices: /dev/ttyUSB0, COM3, a0 (ttyACM0), u0 (ttyUSB0), c0 (COM0), auto, id:SERIAL, tcp://HOST:PORT,",
    "         telnet://[USER:PASS@]HOST[?ftp=PORT|off], ftp://[USER:PASS@]HOST[:PORT] (files only),",
    "         ws://[:PASS@]HOST[:8266] (WebREPL), virtual[:DIR]",
    "Chain commands with +, e.g. tspy connect a0 exec \"x=1\" + eval x",
  );
  return lines.join("\n") + "\n";
}

interface Segment {
  entry: TableEntry;
  word: string;
  args: string[];
}

/** Split the words after the global flags into commands, by `+` and by fixed arities. */
export function parseChain(input: string[], shortcuts: Map<string, Shortcut> = new Map()): Segment[] {
  const segments: Segment[] = [];
  let words = input;
  let i = 0;
  while (i < words.length) {
    if (shortcuts.size && shortcuts.has(words[i]!)) {
      words = [...words.slice(0, i), ...expandFront(words.slice(i), shortcuts)];
    }
    const word = words[i]!;
    if (word === "+") {
      i++;
      continue;
    }
    if (SHORTCUT.test(word)) {
      segments.push({ entry: findEntry("connect")!, word: "connect", args: [word] });
      i++;
      continue;
    }
    const entry = findEntry(word);
    if (!entry) {
      const hint = didYouMean(word, [...commandWords(), ...shortcuts.keys()]);
      throw new UsageError(`unknown command "${word}"${hint || " (see tspy --help)"}`);
    }
    i++;
    const args: string[] = [];
    if (entry.greedy) {
      args.push(...words.slice(i));
      i = words.length;
    } else if (entry.arity !== undefined) {
      let positional = 0;
      while (i < words.length && words[i] !== "+" && (positional < entry.arity || words[i]!.startsWith("-"))) {
        if (!words[i]!.startsWith("-") || words[i] === "-") positional++;
        args.push(words[i++]!);
      }
    } else {
      while (i < words.length && words[i] !== "+") args.push(words[i++]!);
    }
    segments.push({ entry, word, args });
  }
  return segments;
}

interface GlobalOptions {
  device?: string;
  baud?: number;
  help: boolean;
  version: boolean;
  rest: string[];
}

/** tspy's own options, before the first command word (everything from there on is the chain's). */
const GLOBALS_DEF: CommandDef = {
  name: "tspy",
  summary: "global options",
  stopAtPositional: true,
  options: [
    { flags: ["--device", "-d"], key: "device", takes: "value", help: "the board (port, tcp://, rfc2217://, socket://, a shortcut)" },
    { flags: ["--baud", "-b"], key: "baud", takes: "value", help: "baud rate" },
    { flags: ["--version"], key: "version", help: "print the version" },
  ],
};

export function parseGlobals(argv: string[]): GlobalOptions {
  const p = parse(GLOBALS_DEF, argv);
  const g: GlobalOptions = { help: p.help, version: flag(p, "version"), device: str(p, "device"), rest: p.positionals };
  const baud = str(p, "baud");
  if (baud !== undefined) {
    const b = Number(baud);
    if (!Number.isInteger(b) || b <= 0 || baud.trim() === "") throw new UsageError(`--baud needs a positive whole number, not "${baud}"`);
    g.baud = b;
  }
  return g;
}

const isHelpWord = (a: string) => a === "--help" || a === "-h";

const helpCommand: CommandSpec = {
  name: "help",
  summary: "print help and exit",
  async run(args, ctx) {
    if (args.length && !args.every(isHelpWord)) throw new UsageError("help: takes no arguments (each command answers --help)");
    ctx.out.write(args.length ? "usage: tspy help\n\nPrint the list of commands (and your shortcuts) and exit.\n" : helpText(loadShortcuts()));
    (ctx as Session).acted = true;
    return 0;
  },
};

const versionCommand: CommandSpec = {
  name: "version",
  summary: "print tspy's version and exit",
  async run(args, ctx) {
    if (args.length && !args.every(isHelpWord)) throw new UsageError("version: takes no arguments");
    ctx.out.write(args.length ? "usage: tspy version\n\nPrint tspy's version and exit.\n" : (await version()) + "\n");
    (ctx as Session).acted = true;
    return 0;
  },
};

/** Bare `tspy`: like bare mpremote, connect to the configured board (or `auto`) and open its REPL; help when there is none. */
async function bareCommand(g: GlobalOptions): Promise<string[] | null> {
  if (g.device || process.env.TSPY_DEVICE || process.env.PYBOARD_DEVICE) return ["repl"];
  const { findAutoPort } = await import("../transport/connect.js");
  try {
    await findAutoPort();
    return ["repl"];
  } catch {
    return null;
  }
}

async function version(): Promise<string> {
  const { readFileSync } = await import("node:fs");
  const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as { version: string };
  return `tspy ${pkg.version}`;
}

/** mpremote: a chain that only chose a device (or resumed, or mounted) opens the REPL (when nothing acted). */
function endsInRepl(segments: Segment[]): boolean {
  return segments.every((s) => ["connect", "resume", "mount"].includes(s.entry.names[0]) && !s.args.some(isHelpWord));
}

/**
 * Whether this build of the command line has every command `argv` would run. The board commands'
 * bundle (dist/tspy-board.bundle.cjs, see scripts/bundle-compiler.mjs) holds main() with the board
 * commands only, a fifth of the whole and that much quicker to load; bin/ runs a chain from it when
 * this says yes, else from the whole command line. Loading a command runs nothing; a command line
 * that does not parse gets "no", so the whole command line reports it.
 */
export async function hasCommandsFor(argv: string[]): Promise<boolean> {
  try {
    const g = parseGlobals(argv);
    if (g.version || g.help) return true;
    // Bare `tspy` may open the REPL, and that needs the board to be looked for first.
    if (!g.rest.length) return false;
    const segments = parseChain(g.rest, loadShortcuts());
    for (const seg of segments) await seg.entry.load();
    if (endsInRepl(segments)) {
      const { replCommand } = (await import("./repl.js")) as { replCommand?: CommandSpec };
      if (!replCommand) return false;
    }
    return true;
  } catch {
    return false;
  }
}

export async function main(argv: string[]): Promise<number> {
  let session: Session | null = null;
  const stopper = new Stopper(() => session);
  try {
    const g = parseGlobals(argv);
    if (g.version) {
      process.stdout.write((await version()) + "\n");
      return 0;
    }
    // stdout and stderr are watched once something is written there (see Session's beforeStdio).
    stopper.install({ stdio: false });
    const shortcuts = loadShortcuts();
    if (g.help) {
      stopper.watchStdio();
      process.stdout.write(helpText(shortcuts));
      return 0;
    }
    const words = g.rest.length ? g.rest : await bareCommand(g);
    if (!words) {
      stopper.watchStdio();
      process.stdout.write(helpText(shortcuts));
      return 0;
    }
    const segments = parseChain(words, shortcuts);
    const { Session } = await import("./context.js");
    session = new Session({ device: g.device, baud: g.baud, signal: stopper.signal, beforeStdio: () => stopper.watchStdio() });
    let status = 0;
    for (const seg of segments) {
      const cmd = await seg.entry.load();
      status = await cmd.run(seg.args, session);
      if (status !== 0 || stopper.reason) break;
    }
    if (status === 0 && !stopper.reason && !session.acted && endsInRepl(segments)) {
      const { replCommand } = await import("./repl.js");
      status = await replCommand.run([], session);
    }
    return stopper.status ?? status;
  } catch (err) {
    stopper.watchStdio();
    return failureStatus(err, stopper, process.stderr);
  } finally {
    try {
      await session?.close();
    } catch {
      // Closing a link that already failed has nothing more to tell the user.
    }
    session?.flushNotes();
    stopper.uninstall();
  }
}
