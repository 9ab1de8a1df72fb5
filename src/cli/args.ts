// Small argument helpers for the chained commands (each segment is a handful of words; commander is
// used where a command takes a real flag set).
import { UsageError } from "../errors.js";

export interface SplitArgs {
  flags: Set<string>;
  options: Map<string, string>;
  positionals: string[];
}

/**
 * Split `args` into boolean flags, `--name value` / `--name=value` options (for names in `valued`),
 * and positionals. Unknown flags are an error naming the command.
 */
export function splitArgs(cmd: string, args: string[], known: string[], valued: string[] = []): SplitArgs {
  const flags = new Set<string>();
  const options = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith("-") && a.length > 1) {
      const [name, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
      if (valued.includes(name)) {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`${cmd}: ${name} needs a value`);
        options.set(name, v);
      } else if (known.includes(a)) {
        flags.add(a);
      } else {
        throw new UsageError(`${cmd}: unknown option ${a}`);
      }
    } else {
      positionals.push(a);
    }
  }
  return { flags, options, positionals };
}

export function expectCount(cmd: string, positionals: string[], min: number, max = min, usage = ""): void {
  if (positionals.length < min || positionals.length > max) {
    throw new UsageError(`${cmd}: ${usage ? `usage: tspy ${cmd} ${usage}` : "wrong number of arguments"}`);
  }
}
