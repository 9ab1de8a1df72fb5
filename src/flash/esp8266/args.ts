// esptool's command line, as users paste it after `tspy esptool`: global options, a command
// (write_flash or v5's write-flash spelling), then its options and positionals.
import { UsageError } from "../../errors.js";
import { FLASH_FREQS, FLASH_MODES, FLASH_SIZES } from "./chip.js";
import type { BeforeMode } from "./loader.js";

export type AfterMode = "hard_reset" | "soft_reset" | "no_reset";

export interface GlobalArgs {
  port?: string;
  baud: number;
  before: BeforeMode;
  after: AfterMode;
  noStub: boolean;
  trace: boolean;
}

export interface EsptoolArgs {
  global: GlobalArgs;
  command: string;
  /** Option values by canonical name (flash_size, flash_mode, output ...). */
  opts: Record<string, string | boolean>;
  positionals: string[];
}

export const COMMANDS = [
  "chip_id",
  "read_mac",
  "flash_id",
  "erase_flash",
  "erase_region",
  "write_flash",
  "read_flash",
  "verify_flash",
  "image_info",
  "elf2image",
  "merge_bin",
  "run",
  "version",
] as const;

/** Commands that need no board. */
export const OFFLINE = new Set(["image_info", "elf2image", "merge_bin", "version"]);

interface OptSpec {
  name: string;
  flag?: boolean;
  choices?: string[];
}

const FLASH_OPTS: Record<string, OptSpec> = {
  "--flash_size": { name: "flash_size" },
  "--flash-size": { name: "flash_size" },
  "-fs": { name: "flash_size" },
  "--flash_mode": { name: "flash_mode", choices: ["keep", ...Object.keys(FLASH_MODES)] },
  "--flash-mode": { name: "flash_mode", choices: ["keep", ...Object.keys(FLASH_MODES)] },
  "-fm": { name: "flash_mode", choices: ["keep", ...Object.keys(FLASH_MODES)] },
  "--flash_freq": { name: "flash_freq", choices: ["keep", ...Object.keys(FLASH_FREQS)] },
  "--flash-freq": { name: "flash_freq", choices: ["keep", ...Object.keys(FLASH_FREQS)] },
  "-ff": { name: "flash_freq", choices: ["keep", ...Object.keys(FLASH_FREQS)] },
};

const COMMAND_OPTS: Record<string, Record<string, OptSpec>> = {
  write_flash: {
    ...FLASH_OPTS,
    "--verify": { name: "verify", flag: true },
    "--compress": { name: "compress", flag: true },
    "-z": { name: "compress", flag: true },
    "--no-compress": { name: "no_compress", flag: true },
    "-u": { name: "no_compress", flag: true },
    "--erase-all": { name: "erase_all", flag: true },
    "-e": { name: "erase_all", flag: true },
    "--no-progress": { name: "no_progress", flag: true },
    "-p": { name: "no_progress", flag: true },
  },
  verify_flash: { ...FLASH_OPTS, "--diff": { name: "diff", choices: ["yes", "no"] } },
  read_flash: { "--no-progress": { name: "no_progress", flag: true }, "-p": { name: "no_progress", flag: true } },
  elf2image: {
    ...FLASH_OPTS,
    "--output": { name: "output" },
    "-o": { name: "output" },
    "--version": { name: "version", choices: ["1", "2"] },
    "-e": { name: "version", choices: ["1", "2"] },
    "--chip": { name: "chip" },
  },
  merge_bin: {
    ...FLASH_OPTS,
    "--output": { name: "output" },
    "-o": { name: "output" },
    "--target-offset": { name: "target_offset" },
    "-t": { name: "target_offset" },
    "--fill-flash-size": { name: "fill_flash_size" },
    "--format": { name: "format", choices: ["raw"] },
    "--chip": { name: "chip" },
  },
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

export function parseEsptoolArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): EsptoolArgs {
  const global: GlobalArgs = {
    port: env.ESPTOOL_PORT,
    baud: env.ESPTOOL_BAUD ? parseInteger(env.ESPTOOL_BAUD, "ESPTOOL_BAUD") : 115200,
    before: "default_reset",
    after: "hard_reset",
    noStub: false,
    trace: false,
  };
  let command: string | undefined;
  const opts: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  const take = (i: number, opt: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new UsageError(`${opt} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]!;
    let inline: string | undefined;
    if (a.startsWith("--") && a.includes("=")) {
      inline = a.slice(a.indexOf("=") + 1);
      a = a.slice(0, a.indexOf("="));
    }
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = take(i, a);
      i++;
      return v;
    };
    const cmdSpec = command ? COMMAND_OPTS[command]?.[a] : undefined;
    if (cmdSpec) {
      if (cmdSpec.flag) opts[cmdSpec.name] = true;
      else {
        const v = value();
        if (cmdSpec.choices && !cmdSpec.choices.includes(v)) {
          throw new UsageError(`${a}: "${v}" is not one of ${cmdSpec.choices.join(", ")}`);
        }
        opts[cmdSpec.name] = v;
      }
      continue;
    }
    switch (a) {
      case "--port":
      case "-p":
        global.port = value();
        continue;
      case "--baud":
      case "-b":
        global.baud = parseInteger(value(), "baud rate");
        continue;
      case "--before": {
        const v = normaliseChoice(value());
        if (!["default_reset", "no_reset", "no_reset_no_sync", "usb_reset"].includes(v)) {
          throw new UsageError(`--before: "${v}" is not one of default_reset, no_reset, no_reset_no_sync`);
        }
        global.before = (v === "usb_reset" ? "default_reset" : v) as BeforeMode;
        continue;
      }
      case "--after":
      case "-a": {
        const v = normaliseChoice(value());
        if (!["hard_reset", "soft_reset", "no_reset", "no_reset_stub", "watchdog_reset"].includes(v)) {
          throw new UsageError(`--after: "${v}" is not one of hard_reset, soft_reset, no_reset`);
        }
        global.after = (v === "no_reset_stub" ? "no_reset" : v === "watchdog_reset" ? "hard_reset" : v) as AfterMode;
        continue;
      }
      case "--no-stub":
        global.noStub = true;
        continue;
      case "--trace":
      case "-t":
        global.trace = true;
        continue;
      case "--chip":
      case "-c": {
        const v = value().toLowerCase();
        if (v !== "auto" && v !== "esp8266") {
          throw new UsageError(`--chip ${v}: tspy's flasher handles the ESP8266 only (use Espressif's esptool for other chips)`);
        }
        continue;
      }
      case "--connect-attempts":
        value();
        continue;
    }
    if (a.startsWith("-") && a.length > 1 && !/^-?\d/.test(a)) {
      throw new UsageError(`esptool: unknown option ${a}${command ? ` for ${command}` : ""}`);
    }
    if (!command) {
      const c = normaliseChoice(a);
      if (!(COMMANDS as readonly string[]).includes(c)) {
        throw new UsageError(`esptool: unknown command "${a}" (known: ${COMMANDS.join(", ")})`);
      }
      command = c;
      continue;
    }
    positionals.push(a);
  }
  if (!command) throw new UsageError(`esptool: no command given (one of ${COMMANDS.join(", ")})`);
  for (const k of ["flash_mode", "flash_freq"]) if (typeof opts[k] === "string") opts[k] = opts[k] as string;
  if (typeof opts.flash_size === "string") opts.flash_size = normaliseFlashSize(opts.flash_size, command !== "elf2image" && command !== "merge_bin");
  return { global, command, opts, positionals };
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
