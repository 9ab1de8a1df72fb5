// bossac's command line (BOSSA 1.9's getopt_long options): short flags may be bundled (-ewv), optional
// arguments must be attached (-r0x1000, --read=0x1000, -U1), required ones may follow (-o 0x2000).
// Parsed by the shared parser (src/args) from the table below.
import { parse, type CommandDef } from "../../args/index.js";
import { UsageError } from "../../errors.js";

export interface BossacArgs {
  erase: boolean;
  write: boolean;
  read: boolean;
  readSize: number;
  verify: boolean;
  /** Undefined when --offset was not given (bossac then works at 0). */
  offset?: number;
  port?: string;
  boot?: number;
  bod?: number;
  bor?: number;
  lock?: string;
  unlock?: string;
  security: boolean;
  info: boolean;
  debug: boolean;
  help: boolean;
  usbPort?: number;
  reset: boolean;
  arduinoErase: boolean;
  /** tspy's own: allow -e/-w over the bootloader without an explicit --offset. */
  force: boolean;
  file?: string;
}

type Kind = "none" | "optional" | "required";
interface Spec {
  short?: string;
  long: string;
  kind: Kind;
  set: (a: BossacArgs, v: string | undefined) => void;
}

export function parseNumber(text: string, what: string): number {
  const t = text.trim();
  // strtol with base 0: 0x… hex, 0… octal, else decimal.
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^0[0-7]+$/.test(t) ? parseInt(t, 8) : /^\d+$/.test(t) ? parseInt(t, 10) : NaN;
  if (!Number.isFinite(n)) throw new UsageError(`bossac: bad ${what} "${text}" (expected a number like 0x2000 or 8192)`);
  return n;
}

const SPECS: Spec[] = [
  { short: "e", long: "erase", kind: "none", set: (a) => (a.erase = true) },
  { short: "w", long: "write", kind: "none", set: (a) => (a.write = true) },
  { short: "r", long: "read", kind: "optional", set: (a, v) => ((a.read = true), (a.readSize = v ? parseNumber(v, "read size") : 0)) },
  { short: "v", long: "verify", kind: "none", set: (a) => (a.verify = true) },
  { short: "o", long: "offset", kind: "required", set: (a, v) => (a.offset = parseNumber(v!, "offset")) },
  { short: "p", long: "port", kind: "required", set: (a, v) => (a.port = v) },
  { short: "b", long: "boot", kind: "optional", set: (a, v) => (a.boot = v ? parseNumber(v, "boot value") : 1) },
  { short: "c", long: "bod", kind: "optional", set: (a, v) => (a.bod = v ? parseNumber(v, "bod value") : 1) },
  { short: "t", long: "bor", kind: "optional", set: (a, v) => (a.bor = v ? parseNumber(v, "bor value") : 1) },
  { short: "l", long: "lock", kind: "optional", set: (a, v) => (a.lock = v ?? "") },
  { short: "u", long: "unlock", kind: "optional", set: (a, v) => (a.unlock = v ?? "") },
  { short: "s", long: "security", kind: "none", set: (a) => (a.security = true) },
  { short: "i", long: "info", kind: "none", set: (a) => (a.info = true) },
  { short: "d", long: "debug", kind: "none", set: (a) => (a.debug = true) },
  { short: "U", long: "usb-port", kind: "optional", set: (a, v) => (a.usbPort = v ? parseNumber(v, "usb-port value") : 1) },
  { short: "R", long: "reset", kind: "none", set: (a) => (a.reset = true) },
  { short: "a", long: "arduino-erase", kind: "none", set: (a) => (a.arduinoErase = true) },
  { long: "force", kind: "none", set: (a) => (a.force = true) },
];

/** The table above as the shared parser's options: getopt bundles, optional values attached only. */
const BOSSAC_DEF: CommandDef = {
  name: "bossac",
  summary: "bossac-compatible flasher for SAMD21 boards in their SAM-BA bootloader.",
  usage: "[OPTION...] [FILE]",
  bundling: true,
  options: SPECS.map((s) => ({
    flags: [...(s.short ? [`-${s.short}`] : []), `--${s.long}`],
    key: s.long,
    takes: s.kind === "none" ? "flag" : s.kind === "optional" ? "optional" : "value",
    help: s.long,
  })),
};

export function parseBossacArgs(argv: string[]): BossacArgs {
  const a: BossacArgs = {
    erase: false, write: false, read: false, readSize: 0, verify: false, security: false, info: false,
    debug: false, help: false, reset: false, arduinoErase: false, force: false,
  };
  const p = parse(BOSSAC_DEF, argv);
  a.help = p.help;
  for (const spec of SPECS) {
    const v = p.values[spec.long];
    if (v !== undefined) spec.set(a, v === true ? undefined : String(v));
  }
  const files = p.positionals;
  if (a.help) return a;
  // These rewrite the user row (fuses) or lock the chip; tspy leaves them alone rather than half-doing them.
  for (const [set, name] of [[a.lock !== undefined, "--lock"], [a.unlock !== undefined, "--unlock"], [a.security, "--security"], [a.bod !== undefined, "--bod"], [a.bor !== undefined, "--bor"]] as const) {
    if (set) throw new UsageError(`bossac: ${name} is not supported by tspy bossac (it changes the SAMD21's fuses or locks); use BOSSA's bossac for that`);
  }
  if (a.read && (a.write || a.verify)) throw new UsageError("bossac: read option is exclusive of write or verify");
  const needsFile = a.read || a.write || a.verify;
  if (needsFile && files.length === 0) throw new UsageError("bossac: missing file");
  if (files.length > (needsFile ? 1 : 0)) throw new UsageError("bossac: extra arguments found");
  if (needsFile) a.file = files[0];
  if (!needsFile && !a.erase && !a.info && !a.reset && a.boot === undefined && !a.arduinoErase && a.lock === undefined && a.unlock === undefined && !a.security && a.bod === undefined && a.bor === undefined) {
    throw new UsageError("bossac: you must specify at least one option (-e -w -v -r -i -R ...; tspy bossac --help)");
  }
  return a;
}
