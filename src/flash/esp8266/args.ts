// esptool's command line, as users paste it after `tspy esptool`: global options, a command
// (write_flash or v5's write-flash spelling), then its options and positionals. The commands are a
// table for the shared parser (src/args), which also prints each command's --help.
import { flag, helpFor, parse, str, type CommandDef, type OptionDef, type OptionValue } from "../../args/index.js";
import { UsageError } from "../../errors.js";
import { FLASH_FREQS, FLASH_MODES, FLASH_SIZES } from "./chip.js";
import type { BeforeMode } from "./loader.js";

export type AfterMode = "hard_reset" | "soft_reset" | "no_reset" | "no_reset_stub";

export interface GlobalArgs {
  port?: string;
  baud: number;
  before: BeforeMode;
  after: AfterMode;
  noStub: boolean;
  trace: boolean;
  /** As given with --chip (esptool names it in make_image's lines), default "auto". */
  chip: string;
}

export interface EsptoolArgs {
  global: GlobalArgs;
  command: string;
  /** Option values by canonical name (flash_size, flash_mode, output ...). */
  opts: Record<string, OptionValue>;
  positionals: string[];
}

// ---- the command table (data for the shared parser in src/args) ----

const MODE_CHOICES = ["keep", ...Object.keys(FLASH_MODES)];
const FREQ_CHOICES = ["keep", ...Object.keys(FLASH_FREQS)];

/** -fm/-ff/-fs: the flash settings patched into an image written at 0. */
const FLASH_OPTS: OptionDef[] = [
  { flags: ["--flash_mode", "--flash-mode", "-fm"], key: "flash_mode", takes: "value", choices: MODE_CHOICES, metavar: "MODE", help: "SPI flash mode" },
  { flags: ["--flash_freq", "--flash-freq", "-ff"], key: "flash_freq", takes: "value", choices: FREQ_CHOICES, metavar: "FREQ", help: "SPI flash clock" },
  {
    flags: ["--flash_size", "--flash-size", "-fs"],
    key: "flash_size",
    takes: "value",
    metavar: "SIZE",
    help: "flash size (detect, keep, 512KB, 1MB, 2MB, 4MB, 8MB, 16MB, or megabits: 4m, 8m ...)",
  },
];

const NO_PROGRESS: OptionDef = { flags: ["--no-progress", "-p"], key: "no_progress", help: "no progress bar" };
const OUTPUT: OptionDef = { flags: ["--output", "-o"], key: "output", takes: "value", metavar: "FILE", help: "output file" };
const CHIP_ONLY: OptionDef = { flags: ["--chip"], key: "chip", takes: "value", hidden: true, help: "chip (esp8266)" };

/** One esptool command: its words, what it needs, and whether it talks to a board. */
interface EsptoolCommand extends CommandDef {
  offline?: boolean;
}

function command(word: string, summary: string, def: Omit<EsptoolCommand, "name" | "summary"> = {}): EsptoolCommand {
  const dashed = word.replace(/_/g, "-");
  return { name: `esptool ${word}`, summary, maxPositionals: 0, ...(dashed !== word ? { aliases: [dashed] } : {}), ...def };
}

export const ESPTOOL_COMMANDS: EsptoolCommand[] = [
  command("chip_id", "chip id from the eFuses"),
  command("read_mac", "MAC address"),
  command("flash_id", "SPI flash manufacturer, device and size"),
  command("read_flash_status", "SPI flash status register (RDSR, RDSR2, RDSR3)", {
    options: [{ flags: ["--bytes"], key: "bytes", takes: "value", choices: ["1", "2", "3"], metavar: "N", help: "status bytes to read (default 2)" }],
  }),
  command("write_flash_status", "write the SPI flash status register (WRSR, WRSR2, WRSR3)", {
    usage: "VALUE",
    minPositionals: 1,
    maxPositionals: 1,
    options: [
      { flags: ["--bytes"], key: "bytes", takes: "value", choices: ["1", "2", "3"], metavar: "N", help: "status bytes to write (default 2)" },
      { flags: ["--non-volatile"], key: "non_volatile", help: "write the non-volatile bits too (use with caution)" },
    ],
  }),
  command("erase_flash", "erase the whole flash"),
  command("erase_region", "erase sectors (address and size multiples of 0x1000)", { usage: "ADDR SIZE", minPositionals: 2, maxPositionals: 2 }),
  command("write_flash", "write files to flash, each at its address", {
    usage: "ADDR FILE [ADDR FILE ...]",
    minPositionals: 2,
    maxPositionals: Infinity,
    options: [
      ...FLASH_OPTS,
      { flags: ["--verify"], key: "verify", help: "read the flash back and compare afterwards" },
      { flags: ["--compress", "-z"], key: "compress", help: "send deflated (the default with the stub)" },
      { flags: ["--no-compress", "-u"], key: "no_compress", help: "send uncompressed" },
      { flags: ["--erase-all", "-e"], key: "erase_all", help: "erase the whole flash first" },
      NO_PROGRESS,
    ],
  }),
  command("read_flash", "read flash into a file (SIZE may be ALL)", { usage: "ADDR SIZE FILE", minPositionals: 3, maxPositionals: 3, options: [NO_PROGRESS] }),
  command("verify_flash", "compare files with the flash (MD5, or byte by byte with --diff yes)", {
    usage: "ADDR FILE [ADDR FILE ...]",
    minPositionals: 2,
    maxPositionals: Infinity,
    options: [...FLASH_OPTS, { flags: ["--diff"], key: "diff", takes: "value", choices: ["yes", "no"], help: "list the differing bytes" }],
  }),
  command("read_mem", "read a 32-bit word of memory (a register)", { usage: "ADDR", minPositionals: 1, maxPositionals: 1 }),
  command("write_mem", "read-modify-write a 32-bit word: the bits in MASK (default 0xFFFFFFFF) take VALUE's", {
    usage: "ADDR VALUE [MASK]",
    minPositionals: 2,
    maxPositionals: 3,
  }),
  command("dump_mem", "read SIZE bytes of memory, word by word, into FILE", { usage: "ADDR SIZE FILE", minPositionals: 3, maxPositionals: 3 }),
  command("load_ram", "load an image's segments into RAM and run it", { usage: "FILE", minPositionals: 1, maxPositionals: 1 }),
  command("run", "leave the loader and run the firmware"),
  command("image_info", "headers of an ESP8266 image (v1 0xE9 or v2 0xEA)", { usage: "FILE", minPositionals: 1, maxPositionals: 1, offline: true }),
  command("make_image", "a v1 image from raw segment files (OUT0x00000.bin, and OUT0xNNNNN.bin for irom0)", {
    usage: "-f FILE -a ADDR [-f FILE -a ADDR ...] [-e ENTRY] OUT",
    minPositionals: 1,
    maxPositionals: 1,
    offline: true,
    options: [
      { flags: ["--segfile", "-f"], key: "segfile", takes: "value", repeat: true, metavar: "FILE", help: "a segment's bytes (repeat, one per -a)" },
      { flags: ["--segaddr", "-a"], key: "segaddr", takes: "value", repeat: true, metavar: "ADDR", help: "that segment's load address" },
      { flags: ["--entrypoint", "-e"], key: "entrypoint", takes: "value", metavar: "ADDR", help: "entry point (default 0)" },
    ],
  }),
  command("elf2image", "an image from an ELF file", {
    usage: "ELF",
    minPositionals: 1,
    maxPositionals: 1,
    offline: true,
    options: [
      ...FLASH_OPTS,
      OUTPUT,
      { flags: ["--version", "-e"], key: "version", takes: "value", choices: ["1", "2"], help: "image format: 1 (ROM-booted) or 2 (second-stage bootloader)" },
      CHIP_ONLY,
    ],
  }),
  command("merge_bin", "merge files into one image for flashing at one offset", {
    usage: "-o OUT ADDR FILE [ADDR FILE ...]",
    minPositionals: 2,
    maxPositionals: Infinity,
    offline: true,
    options: [
      ...FLASH_OPTS,
      OUTPUT,
      { flags: ["--target-offset", "-t"], key: "target_offset", takes: "value", metavar: "ADDR", help: "flash offset the output is for" },
      { flags: ["--fill-flash-size"], key: "fill_flash_size", takes: "value", metavar: "SIZE", help: "pad the output with 0xFF to this flash size" },
      { flags: ["--format"], key: "format", takes: "value", choices: ["raw"], help: "output format" },
      CHIP_ONLY,
    ],
  }),
  command("version", "print the version", { offline: true }),
];

/** Commands that need no board. */
export const OFFLINE = new Set(ESPTOOL_COMMANDS.filter((c) => c.offline).map((c) => c.name.split(" ")[1]!));

const BEFORE = ["default_reset", "no_reset", "no_reset_no_sync", "usb_reset"];
const AFTER = ["hard_reset", "soft_reset", "no_reset", "no_reset_stub", "watchdog_reset"];

export const ESPTOOL_DEF: CommandDef = {
  name: "esptool",
  summary:
    "ESP8266 flasher speaking Espressif's ROM-loader protocol, with esptool.py's commands and flags\n" +
    "(v5 spellings such as write-flash and --flash-size work too).",
  usage: "[--port PORT] [--baud BAUD] [--before MODE] [--after MODE] [--no-stub] [--trace] COMMAND ...",
  subcommands: ESPTOOL_COMMANDS,
  options: [
    { flags: ["--port", "-p"], key: "port", takes: "value", help: "serial port, tcp://host:port or socket://host:port (or $ESPTOOL_PORT)" },
    { flags: ["--baud", "-b"], key: "baud", takes: "value", help: "baud rate once connected (default 115200, or $ESPTOOL_BAUD)" },
    { flags: ["--before"], key: "before", takes: "value", metavar: "MODE", help: "reset before connecting: default_reset, no_reset, no_reset_no_sync" },
    { flags: ["--after", "-a"], key: "after", takes: "value", metavar: "MODE", help: "afterwards: hard_reset, soft_reset, no_reset (back to the ROM loader), no_reset_stub" },
    { flags: ["--no-stub"], key: "no_stub", help: "talk to the ROM loader only (no flasher stub)" },
    { flags: ["--trace", "-t"], key: "trace", help: "show every frame on stderr" },
    { flags: ["--chip", "-c"], key: "chip", takes: "value", help: "auto or esp8266 (other chips: use Espressif's esptool)" },
    { flags: ["--connect-attempts"], key: "connect_attempts", takes: "value", hidden: true, help: "accepted for esptool compatibility" },
  ],
  notes: [
    "`tspy esptool COMMAND --help` shows a command's own options.",
    "Without --no-stub, Espressif's flasher stub (from the esptool-js package) is uploaded first: compressed",
    "writes, MD5 verification, flash reads, whole-chip erase and higher baud rates. The ROM alone can write",
    "(1 KB blocks, at the rate it synced at) but cannot verify or read back.",
  ],
};

const MEGABIT_SIZES: Record<string, string> = {
  "2m": "256KB",
  "4m": "512KB",
  "8m": "1MB",
  "16m": "2MB",
  "32m": "4MB",
  "16m-c1": "2MB-c1",
  "32m-c1": "4MB-c1",
};

function normaliseChoice(v: string): string {
  return v.replace(/-/g, "_");
}

export function parseInteger(s: string, what: string): number {
  const t = s.trim();
  let n: number;
  if (/^0x[0-9a-f]+$/i.test(t)) n = parseInt(t.slice(2), 16);
  else if (/^0o[0-7]+$/i.test(t)) n = parseInt(t.slice(2), 8);
  else if (/^[0-9]+$/.test(t)) n = parseInt(t, 10);
  else {
    const m = /^([0-9]+)\s*(KB|MB|K|M)$/i.exec(t);
    if (!m) throw new UsageError(`${what} "${s}" must be a number (decimal or 0x hex)`);
    n = Number(m[1]) * (m[2]!.toUpperCase().startsWith("M") ? 1024 * 1024 : 1024);
  }
  return n;
}

export function normaliseFlashSize(v: string, allowDetect: boolean): string {
  const mapped = MEGABIT_SIZES[v] ?? v;
  const upper = mapped.replace(/kb$/i, "KB").replace(/mb$/i, "MB").replace(/MB-C1$/i, "MB-c1");
  if (allowDetect && (upper === "detect" || upper === "keep")) return upper;
  if (FLASH_SIZES[upper] === undefined) {
    throw new UsageError(
      `"${v}" is not a known flash size (${[...(allowDetect ? ["detect", "keep"] : []), ...Object.keys(FLASH_SIZES)].join(", ")})`,
    );
  }
  return upper;
}

/** The help text asked for by `argv`, or null when argv is a command to run. */
export function esptoolHelp(argv: readonly string[]): string | null {
  const p = parse(ESPTOOL_DEF, argv);
  return p.help ? helpFor(p.sub ?? ESPTOOL_DEF, p.sub ? ESPTOOL_DEF : undefined) : null;
}

function oneOf(v: string, allowed: string[], what: string): string {
  const n = normaliseChoice(v);
  if (!allowed.includes(n)) throw new UsageError(`esptool: ${what}: "${v}" is not one of ${allowed.join(", ")}`);
  return n;
}

export function parseEsptoolArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): EsptoolArgs {
  const p = parse(ESPTOOL_DEF, argv);
  const value = (k: string) => str(p, k);
  const baud = value("baud") ?? env.ESPTOOL_BAUD;
  const before = oneOf(value("before") ?? "default_reset", BEFORE, "--before");
  const after = oneOf(value("after") ?? "hard_reset", AFTER, "--after");
  const chip = value("chip")?.toLowerCase();
  if (chip !== undefined && chip !== "auto" && chip !== "esp8266") {
    throw new UsageError(`--chip ${chip}: tspy's flasher handles the ESP8266 only (use Espressif's esptool for other chips)`);
  }
  const global: GlobalArgs = {
    port: value("port") ?? env.ESPTOOL_PORT,
    baud: baud === undefined ? 115200 : parseInteger(baud, value("baud") === undefined ? "ESPTOOL_BAUD" : "baud rate"),
    before: (before === "usb_reset" ? "default_reset" : before) as BeforeMode,
    after: (after === "watchdog_reset" ? "hard_reset" : after) as AfterMode,
    noStub: flag(p, "no_stub"),
    trace: flag(p, "trace"),
    chip: chip ?? env.ESPTOOL_CHIP?.toLowerCase() ?? "auto",
  };
  const command = p.sub!.name.split(" ")[1]!;
  const opts: EsptoolArgs["opts"] = {};
  for (const o of p.sub!.options ?? []) {
    const v = p.values[o.key];
    if (v !== undefined) opts[o.key] = v;
  }
  if (typeof opts.flash_size === "string") opts.flash_size = normaliseFlashSize(opts.flash_size, command !== "elf2image" && command !== "merge_bin");
  return { global, command, opts, positionals: p.positionals };
}

export interface AddrFile {
  address: number;
  path: string;
}

export function addrFilePairs(positionals: string[], command: string): AddrFile[] {
  if (positionals.length === 0 || positionals.length % 2) {
    throw new UsageError(`${command}: expected pairs of <address> <filename>`);
  }
  const pairs: AddrFile[] = [];
  for (let i = 0; i < positionals.length; i += 2) {
    pairs.push({ address: parseInteger(positionals[i]!, "address"), path: positionals[i + 1]! });
  }
  return pairs;
}
