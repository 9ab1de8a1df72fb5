// User shortcuts, as mpremote's config.py `commands`: a word that expands into other words before the
// chain is parsed. tspy reads its own JSON file and, for people switching over, the string entries of
// mpremote's config.py.
//
//   ~/.config/tspy/config.json:
//   { "commands": { "c33": "connect id:334D335C3138", "bl": ["bootloader"],
//                   "double x=4": { "command": "eval x*2", "help": "multiply by two" } } }
//
// A shortcut's name may declare parameters (`name a b=2`): the values given after it (positionally or
// as `a=VALUE`) are assigned on the board by an `exec` put in front of the expansion, as mpremote does.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UsageError } from "../errors.js";

export interface Shortcut {
  name: string;
  /** Declared parameters: [name] or [name, default]. */
  params: string[][];
  words: string[];
  help: string;
  /** Which file it came from (for `tspy help`). */
  source: string;
}

type Entry = string | string[] | { command: string | string[]; help?: string };

function configDir(env: NodeJS.ProcessEnv, app: string): string {
  const base = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), ".config");
  return path.join(base, app);
}

/** Shell-like split: whitespace separates words, single or double quotes group them. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]!));
  return words;
}

function toShortcut(key: string, entry: Entry, source: string): Shortcut {
  const [name, ...paramWords] = key.trim().split(/\s+/);
  const command = typeof entry === "object" && !Array.isArray(entry) ? entry.command : entry;
  const help = typeof entry === "object" && !Array.isArray(entry) ? (entry.help ?? "") : "";
  const words = Array.isArray(command) ? command.map(String) : splitWords(String(command));
  return { name: name!, params: paramWords.map((p) => p.split("=", 2)), words, help, source };
}

/** The string-valued entries of a `commands = {...}` dict in mpremote's config.py (no Python is run). */
export function parseMpremoteConfig(text: string): Record<string, string> {
  const start = /^commands\s*=\s*\{/m.exec(text);
  if (!start) return {};
  const out: Record<string, string> = {};
  const body = text.slice(start.index + start[0].length);
  const pair = /\s*(?:#[^\n]*\n\s*)*(["'])((?:(?!\1).)*)\1\s*:\s*(["'])((?:(?!\3).)*)\3\s*,?/y;
  let m: RegExpExecArray | null;
  while ((m = pair.exec(body))) out[m[2]!] = m[4]!;
  return out;
}

/** The files shortcuts come from: mpremote's config.py, then tspy's own JSON (which wins). */
export function shortcutFiles(env: NodeJS.ProcessEnv = process.env): [mpremote: string, own: string] {
  return [path.join(configDir(env, "mpremote"), "config.py"), env.TSPY_CONFIG || path.join(configDir(env, "tspy"), "config.json")];
}

/** Shortcuts from the user's files; a broken file is an error naming it (a silent skip would confuse). */
export function loadShortcuts(env: NodeJS.ProcessEnv = process.env): Map<string, Shortcut> {
  const found = new Map<string, Shortcut>();
  const [mpremote, own] = shortcutFiles(env);
  if (fs.existsSync(mpremote)) {
    for (const [k, v] of Object.entries(parseMpremoteConfig(fs.readFileSync(mpremote, "utf8")))) {
      const s = toShortcut(k, v, mpremote);
      found.set(s.name, s);
    }
  }
  if (fs.existsSync(own)) {
    let data: { commands?: Record<string, Entry> };
    try {
      data = JSON.parse(fs.readFileSync(own, "utf8")) as typeof data;
    } catch (e) {
      throw new UsageError(`${own}: not valid JSON (${(e as Error).message.split("\n")[0]})`);
    }
    for (const [k, v] of Object.entries(data.commands ?? {})) {
      const s = toShortcut(k, v, own);
      found.set(s.name, s);
    }
  }
  return found;
}

/**
 * Expand shortcuts at the front of `words` (repeatedly, as an expansion may start with another one;
 * each name expands once per step so a shortcut naming itself cannot loop).
 */
export function expandFront(words: string[], shortcuts: Map<string, Shortcut>): string[] {
  let rest = [...words];
  const used = new Set<string>();
  while (rest.length && shortcuts.has(rest[0]!) && !used.has(rest[0]!)) {
    const s = shortcuts.get(rest.shift()!)!;
    used.add(s.name);
    const assigns: string[] = [];
    for (const [pname, dflt] of s.params) {
      let value: string | undefined;
      const next = rest[0];
      if (next !== undefined && next !== "+" && !next.includes("=")) value = rest.shift();
      else if (next !== undefined && next.startsWith(`${pname}=`)) value = rest.shift()!.slice(pname!.length + 1);
      else value = dflt;
      if (value === undefined) {
        throw new UsageError(`${s.name}: missing argument ${pname}; signature is: ${s.name} ${s.params.map((p) => p.join("=")).join(" ")}`);
      }
      assigns.push(`${pname}=${value}`);
    }
    if (rest[0]?.includes("=") && s.params.length) {
      throw new UsageError(`${s.name}: unexpected argument ${rest[0].split("=")[0]}; signature is: ${s.name} ${s.params.map((p) => p.join("=")).join(" ")}`);
    }
    rest = [...(assigns.length ? ["exec", assigns.join(";"), "+"] : []), ...s.words, ...rest];
  }
  return rest;
}
