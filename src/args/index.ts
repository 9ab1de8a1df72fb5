// The one argument parser behind every command: a command declares its options and positionals as
// data (a CommandDef), and this module turns words into values, prints `--help`, and words errors
// (one line, with the nearest spelling suggested). It sits below every layer (it needs only
// errors.ts) because the flashers keep their tool-compatible option tables next to their code.
//
// Why not node's parseArgs or commander: both allow only one-character short options and no optional
// values, while tspy must accept the grammars of the tools it replaces as users paste them: esptool's
// `-fs 4MB`, bossac's getopt `-ewv -r0x1000`, mpy-cross's `-O3 -msmall-int-bits=31`. commander also
// costs 60-80 ms to load here, which would double tspy's start-up overhead (see bench/startup.mjs).
import { UsageError } from "../errors.js";

/** A usage error that, like argparse, shows a usage block (several lines) before its one-line message. */
export class UsageBlockError extends UsageError {
  constructor(
    readonly block: string,
    message: string,
  ) {
    super(message);
  }
}

export type OptionValue = string | boolean | string[];

export interface OptionDef {
  /** Every spelling: "-r", "--recursive", "-fs", "--flash_size". The first long one names the option. */
  flags: string[];
  /** Where the value lands in `Parsed.values`. */
  key: string;
  /** "flag" (default): no value; "value": needs one; "optional": takes one only when glued (-r0x1000, --read=1). */
  takes?: "flag" | "value" | "optional";
  /** For flags: the value stored (default true; `false` for --no-X spellings). */
  set?: string | boolean;
  /** Short spellings whose value may be glued to them: `-O3`, `-d/dev/ttyACM0`, `-msmall-int-bits=31`. */
  glued?: boolean;
  /** Collect every occurrence into a list. */
  repeat?: boolean;
  choices?: readonly string[];
  /** Name of the value in help (default: the key in capitals). */
  metavar?: string;
  help: string;
  /** Accepted but not listed in help (compatibility spellings). */
  hidden?: boolean;
}

export interface CommandDef {
  /** As users type it after `tspy`: "exec", "fs cp", "esptool write_flash". */
  name: string;
  summary: string;
  /** The positional part of the usage line: "[--no-follow] CODE", "SRC... DEST". */
  usage?: string;
  options?: OptionDef[];
  /** Positional count limits (default: any number). */
  minPositionals?: number;
  maxPositionals?: number;
  /** getopt-style bundles of one-letter flags: `-rf`, `-ewv`. */
  bundling?: boolean;
  /** The spellings that ask for help (default `-h`, `--help`; `fs tree` keeps `-h` for --human). */
  helpFlags?: string[];
  /** Everything after the first positional is positional too (pyboard's `-f cp a.py :`). */
  stopAtPositional?: boolean;
  /** Subcommands chosen by the first positional; options of this def are accepted after them too. */
  subcommands?: CommandDef[];
  /** Extra lines at the end of help. */
  notes?: string[];
  /** Other names of the command (listed in help). */
  aliases?: string[];
  /** What starts it, in its usage line (default "tspy"; the simulators say "npm run fixture --"). */
  program?: string;
}

export interface Parsed {
  values: Record<string, OptionValue | undefined>;
  positionals: string[];
  /** `-h`/`--help` was given: the caller prints `helpFor(...)` and exits 0. */
  help: boolean;
  /** The chosen subcommand's def, when the def has subcommands. */
  sub?: CommandDef;
}

const DEFAULT_HELP = ["-h", "--help"];

/** Edit distance with adjacent transpositions (optimal string alignment). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate nearest to `word`, if it is near enough to be a likely typo (or `word` is a prefix of it). */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    const lc = c.toLowerCase();
    const score = lc.startsWith(w) && w.replace(/^-+/, "").length >= 2 ? 0.5 : distance(w, lc);
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const core = w.replace(/^-+/, "");
  const allowed = core.length <= 3 ? 1 : core.length <= 6 ? 2 : 3;
  return bestScore <= allowed ? best : undefined;
}

/** ` (did you mean X?)`, or "" when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const n = nearest(word, candidates);
  return n === undefined ? "" : ` (did you mean \`${n}\`?)`;
}

function optionName(o: OptionDef): string {
  return o.flags.find((f) => f.startsWith("--")) ?? o.flags[0]!;
}

function visibleFlags(options: OptionDef[]): string[] {
  return options.flatMap((o) => o.flags.map((f) => (o.glued && f.endsWith("=") ? f.slice(0, -1) : f)));
}

function store(values: Parsed["values"], o: OptionDef, v: string | boolean, cmd: string, spelled: string): void {
  if (typeof v === "string" && o.choices && !o.choices.includes(v)) {
    throw new UsageError(`${cmd}: ${spelled}: invalid choice "${v}" (choose from ${o.choices.join(", ")})`);
  }
  if (o.repeat) {
    const list = (values[o.key] as string[] | undefined) ?? [];
    list.push(String(v));
    values[o.key] = list;
  } else values[o.key] = v;
}

const looksNumeric = (t: string) => /^-\d/.test(t);

/** Parse `argv` (the words after the command's name) against `def`. Throws UsageError on bad words. */
export function parse(def: CommandDef, argv: readonly string[]): Parsed {
  const values: Parsed["values"] = {};
  const positionals: string[] = [];
  let options = def.options ?? [];
  let sub: CommandDef | undefined;
  let cmd = def.name;
  let help = false;
  let helpFlags = def.helpFlags ?? DEFAULT_HELP;
  let stop = false;
  const exact = (t: string) => options.find((o) => o.flags.includes(t));

  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (stop || t === "-" || !t.startsWith("-") || looksNumeric(t)) {
      if (stop || !def.subcommands || sub) {
        positionals.push(t);
        if ((sub ?? def).stopAtPositional) stop = true;
        continue;
      }
      sub = def.subcommands.find((s) => s.name.split(" ").pop() === t || s.aliases?.includes(t));
      if (!sub) {
        const names = def.subcommands.map((s) => s.name.split(" ").pop()!);
        throw new UsageError(`${def.name}: unknown command "${t}"${didYouMean(t, names)} (one of ${names.join(", ")})`);
      }
      cmd = sub.name;
      options = [...(sub.options ?? []), ...options];
      helpFlags = sub.helpFlags ?? helpFlags;
      continue;
    }
    if (t === "--") {
      stop = true;
      continue;
    }
    if (helpFlags.includes(t)) {
      help = true;
      continue;
    }
    const o = exact(t);
    if (o) {
      if (o.glued && t.endsWith("=")) {
        // `-march-flags=` alone: an empty value glued to its flag, as C's getopt-less parsers read it,
        // not a request to take the next word
        store(values, o, "", cmd, t);
      } else if (o.takes === "value") {
        const v = argv[++i];
        if (v === undefined) throw new UsageError(`${cmd}: ${t} needs a value`);
        store(values, o, v, cmd, t);
      } else store(values, o, o.set ?? true, cmd, t);
      continue;
    }
    if (t.startsWith("--") && t.includes("=")) {
      const name = t.slice(0, t.indexOf("="));
      const lo = exact(name);
      if (lo && lo.takes !== undefined && lo.takes !== "flag") {
        store(values, lo, t.slice(name.length + 1), cmd, name);
        continue;
      }
      if (lo) throw new UsageError(`${cmd}: ${name} takes no value`);
    }
    const g = options.find((opt) => opt.glued && opt.flags.some((f) => t.startsWith(f) && t.length > f.length));
    if (g) {
      const f = g.flags.filter((s) => t.startsWith(s)).sort((a, b) => b.length - a.length)[0]!;
      store(values, g, t.slice(f.length), cmd, f);
      continue;
    }
    if (def.bundling && /^-[^-]{2,}$/.test(t)) {
      let k = 1;
      for (; k < t.length; k++) {
        const one = exact(`-${t[k]}`);
        if (!one) throw new UsageError(`${cmd}: unknown option -${t[k]} in ${t}${didYouMean(`-${t[k]}`, visibleFlags(options))}`);
        if (one.takes === "value" || one.takes === "optional") {
          const rest = t.slice(k + 1);
          const v = rest || (one.takes === "value" ? argv[++i] : undefined);
          if (v === undefined) throw new UsageError(`${cmd}: -${t[k]} needs a value`);
          store(values, one, v, cmd, `-${t[k]}`);
          break;
        }
        store(values, one, one.set ?? true, cmd, `-${t[k]}`);
      }
      continue;
    }
    const name = t.includes("=") ? t.slice(0, t.indexOf("=")) : t;
    throw new UsageError(`${cmd}: unknown option ${name}${didYouMean(name, [...visibleFlags(options), ...helpFlags])}`);
  }

  const active = sub ?? def;
  if (!help) {
    if (def.subcommands && !sub) {
      const names = def.subcommands.map((s) => s.name.split(" ").pop()!);
      throw new UsageError(`${def.name}: a command is required (one of ${names.join(", ")})`);
    }
    const min = active.minPositionals ?? 0;
    const max = active.maxPositionals ?? Infinity;
    if (positionals.length < min || positionals.length > max) {
      const what = positionals.length < min ? "missing arguments" : "too many arguments";
      throw new UsageError(`${active.name}: ${what}; usage: ${usageLine(active)}`);
    }
  }
  return { values, positionals, help, sub };
}

/** `tspy NAME [options] USAGE` (or `PROGRAM NAME …` for a def run by another program). */
export function usageLine(def: CommandDef): string {
  const opts = (def.options ?? []).some((o) => !o.hidden) && !/\[-/.test(def.usage ?? "") ? " [options]" : "";
  return `${def.program ?? "tspy"} ${def.name}${opts}${def.usage ? " " + def.usage : ""}`;
}

function optionLabel(o: OptionDef): string {
  const meta = o.metavar ?? o.key.toUpperCase().replace(/-/g, "_");
  const flags = o.flags.map((f) => (f.endsWith("=") ? f.slice(0, -1) : f)).join(", ");
  if (o.takes === "value") return `${flags}${o.glued && !o.flags.some((f) => f.startsWith("--")) ? "" : " "}${meta}`;
  if (o.takes === "optional") return `${flags}[${o.flags.some((f) => f.startsWith("--")) ? "=" : ""}${meta}]`;
  return flags;
}

/** The full help of a command: usage, summary, options, subcommands, notes. */
export function helpFor(def: CommandDef, parent?: CommandDef): string {
  const lines = [`usage: ${usageLine(def)}`, "", def.summary];
  if (def.aliases?.length) lines.push(`(also: ${def.aliases.join(", ")})`);
  if (def.subcommands?.length) {
    lines.push("", "Commands:");
    for (const s of def.subcommands) lines.push(`  ${s.name.split(" ").pop()!.padEnd(14)} ${s.summary}`);
  }
  const sections: [string, OptionDef[]][] = [["Options", def.options ?? []]];
  if (parent?.options?.length) sections.push([`Options of ${parent.name}`, parent.options]);
  for (const [title, opts] of sections) {
    const shown = opts.filter((o) => !o.hidden);
    const helpRow = title === "Options" ? [{ label: (def.helpFlags ?? DEFAULT_HELP).join(", "), help: "show this help" }] : [];
    const rows = [...shown.map((o) => ({ label: optionLabel(o), help: o.help + (o.choices ? ` (${o.choices.join(", ")})` : "") })), ...helpRow];
    if (!rows.length) continue;
    const width = Math.min(30, Math.max(...rows.map((r) => r.label.length)));
    lines.push("", `${title}:`);
    for (const r of rows) {
      lines.push(r.label.length > width ? `  ${r.label}\n  ${"".padEnd(width)}  ${r.help}` : `  ${r.label.padEnd(width)}  ${r.help}`);
    }
  }
  if (def.notes?.length) lines.push("", ...def.notes);
  return lines.join("\n") + "\n";
}

/**
 * Parse, and answer `--help` on `out`: returns null when help was printed (the command then exits 0).
 * The usual first line of a command's `run`.
 */
export function parseOrHelp(def: CommandDef, argv: readonly string[], out: { write(s: string): unknown }): Parsed | null {
  const p = parse(def, argv);
  if (!p.help) return p;
  out.write(helpFor(p.sub ?? def, p.sub ? def : undefined));
  return null;
}

/** A string option's value (the last one given), or undefined. */
export function str(p: Parsed, key: string): string | undefined {
  const v = p.values[key];
  return Array.isArray(v) ? v[v.length - 1] : typeof v === "string" ? v : undefined;
}

/** A flag's value: true, false (a --no-X spelling), or `dflt` when absent. */
export function flag(p: Parsed, key: string, dflt = false): boolean {
  const v = p.values[key];
  return v === undefined ? dflt : v === true || v === "true";
}
