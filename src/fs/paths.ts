// Board paths as mpremote spells them: a leading `:` marks the board, `:` alone is the board's current
// directory, and joins never normalise `..` (the board resolves paths itself). Pure string work.

/** A command-line argument that names a board path (`:x`, `:`). */
export function isBoardArg(arg: string): boolean {
  return arg.startsWith(":");
}

/** Drop one leading `:` (commands other than cp take board paths with or without it). */
export function stripColon(arg: string): string {
  return arg.startsWith(":") ? arg.slice(1) : arg;
}

/** Join board path parts; an empty base means the current directory and is written `./`. */
export function joinBoard(base: string, ...parts: string[]): string {
  let out = (base || "./").replace(/\/+$/, "");
  for (const p of parts) out += "/" + p.replace(/^\/+|\/+$/g, "");
  return out;
}

export function boardDirname(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? "" : p.slice(0, i);
}

export function boardBasename(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

/** Trailing slashes off (but `/` stays `/`). */
export function trimSlashes(p: string): string {
  const t = p.replace(/\/+$/, "");
  return t === "" && p.startsWith("/") ? "/" : t;
}

/** Where an atomic write keeps its data until it is complete: beside the target, hidden. */
export function tempPathFor(target: string): string {
  const cut = target.lastIndexOf("/") + 1;
  return `${target.slice(0, cut)}.${target.slice(cut)}${TEMP_SUFFIX}`;
}

export const TEMP_SUFFIX = ".tspy-tmp";
