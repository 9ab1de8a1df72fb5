// `--compile` for cp and sync, `--board` for mpy-cross: find what the connected board loads, once
// per connection, and say in one line when its sources are copied instead.
import type { CliContext } from "./command.js";
import type { BoardTarget } from "../compile/detect.js";
import type { BoardFiles } from "../fs/board-files.js";

const targets = new WeakMap<object, Promise<BoardTarget>>();

export async function boardTarget(ctx: CliContext): Promise<BoardTarget> {
  const repl = await ctx.repl();
  let t = targets.get(repl);
  if (!t) {
    const { detectBoardTarget } = await import("../compile/detect.js");
    t = detectBoardTarget(repl);
    targets.set(repl, t);
  }
  return t;
}

/** The target for a copy, or undefined (after one line on stderr) when the sources go as they are. */
export async function copyTarget(ctx: CliContext): Promise<Extract<BoardTarget, { kind: "mpy" }> | undefined> {
  const t = await boardTarget(ctx);
  if (t.kind === "mpy") return t;
  ctx.err.write(`tspy: ${t.message}; copying the sources\n`);
  return undefined;
}

/**
 * Imports look for `x.py` before `x.mpy`: a source left on the board beside a freshly written .mpy
 * would still be the one imported. Say so, once per file (removing it is the user's call).
 */
export async function warnShadowed(bfs: BoardFiles, mpyPaths: string[], ctx: CliContext): Promise<void> {
  const sources = mpyPaths.map((p) => p.replace(/\.mpy$/, ".py"));
  if (sources.length === 0) return;
  const found = await bfs.hashMany(sources);
  for (const p of sources) {
    if ((found.get(p)?.size ?? -1) >= 0) ctx.err.write(`tspy: :${p} is still on the board and is imported before :${p.slice(0, -3)}.mpy (tspy rm :${p} to use the compiled one)\n`);
  }
}
