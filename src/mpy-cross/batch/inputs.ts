// Which files a build compiles, and where each one's .mpy goes: plain files (upstream's way), whole
// directories (`-r`, keeping the tree) and quoted globs (`'src/**/*.py'`, for shells and build tools
// that pass patterns through). Node 20 has no fs.glob, hence the small matcher here.
import fs from "node:fs";
import path from "node:path";

export interface BuildInput {
  /** The path to read, as upstream would be given it (its name is stored in the .mpy). */
  file: string;
  /** Where under --out-dir the .mpy goes, tree kept (`pkg/mod.mpy`); undefined: flat, by basename. */
  treePath?: string;
}

export class InputError extends Error {}

const WILDCARD = /[*?[]/;

function mpyName(rel: string): string {
  return rel.endsWith(".py") ? rel.slice(0, -3) + ".mpy" : rel.replace(/\.[^./]*$/, "") + ".mpy";
}

/** Told of each directory just before it is listed (a cached build records them, see build-record.ts). */
export type OnDir = (dir: string) => void;

/** Every `.py` file below `dir`, sorted so that output order never depends on the filesystem. */
function walkPython(dir: string, onDir: OnDir | undefined, rel = ""): string[] {
  const found: string[] = [];
  const here = path.join(dir, rel);
  onDir?.(here);
  const entries = fs.readdirSync(here, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) found.push(...walkPython(dir, onDir, r));
    else if (e.name.endsWith(".py") && (e.isFile() || e.isSymbolicLink())) found.push(r);
  }
  return found;
}

/** A glob segment (`*`, `?`, `[...]`) as a regular expression over one path component. */
function segmentRegExp(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = seg.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = seg.slice(i + 1, end);
        re += `[${body.startsWith("!") ? "^" + body.slice(1) : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Paths (relative to `base`) matching the segments, `**` standing for any number of directories. */
function matchGlob(base: string, segs: string[], onDir: OnDir | undefined, rel = ""): string[] {
  if (segs.length === 0) return [rel];
  const [seg, ...rest] = segs;
  const here = path.join(base, rel);
  let entries: fs.Dirent[];
  try {
    onDir?.(here);
    entries = fs.readdirSync(here, { withFileTypes: true });
  } catch {
    return [];
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const join = (name: string) => (rel ? `${rel}/${name}` : name);
  const out: string[] = [];
  if (seg === "**") {
    out.push(...matchGlob(base, rest, onDir, rel));
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith(".")) out.push(...matchGlob(base, segs, onDir, join(e.name)));
    return [...new Set(out)];
  }
  const re = segmentRegExp(seg);
  for (const e of entries) {
    if (!re.test(e.name) || (e.name.startsWith(".") && !seg.startsWith("."))) continue;
    if (rest.length === 0 ? !e.isDirectory() : e.isDirectory()) out.push(...matchGlob(base, rest, onDir, join(e.name)));
  }
  return out;
}

/**
 * Turns the command line's inputs into files. `recursive` lets a directory stand for the `.py` files
 * below it; without it a directory is passed on as it is, and fails alone when read, as with upstream. A pattern is expanded only when no
 * file of that exact name exists.
 */
export function expandInputs(args: string[], recursive: boolean, onDir?: OnDir): BuildInput[] {
  const inputs: BuildInput[] = [];
  for (const arg of args) {
    if (arg === "-") {
      inputs.push({ file: arg });
      continue;
    }
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(arg);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory() && recursive) {
      for (const rel of walkPython(arg, onDir)) inputs.push({ file: path.join(arg, rel), treePath: mpyName(rel) });
    } else if (!stat && WILDCARD.test(arg)) {
      const segs = arg.split("/");
      const first = segs.findIndex((s) => WILDCARD.test(s));
      const base = segs.slice(0, first).join("/") || (arg.startsWith("/") ? "/" : ".");
      const matches = matchGlob(base, segs.slice(first), onDir);
      if (matches.length === 0) throw new InputError(`mpy-cross: ${arg}: no files match`);
      for (const rel of matches) inputs.push({ file: path.join(base, rel), treePath: mpyName(rel) });
    } else {
      inputs.push({ file: arg });
    }
  }
  return inputs;
}
