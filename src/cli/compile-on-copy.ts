// `--compile` for cp and sync, `--board` for mpy-cross: find what the connected board loads, once
// per connection, and say in one line when its sources are copied instead.
import type { CliContext } from "./command.js";
import type { BoardTarget } from "../compile/detect.js";

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
