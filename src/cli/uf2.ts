// `tspy uf2 convert | info | flash`. Thin: the formats and drives live in src/flash/uf2.
import type { CommandSpec } from "./command.js";

export const uf2Command: CommandSpec = {
  name: "uf2",
  summary: "UF2 files: convert | info | flash onto a bootloader drive",
  greedy: true,
  async run(args, ctx) {
    const { runUf2 } = await import("../flash/uf2/index.js");
    return runUf2(args, { out: ctx.out, err: ctx.err });
  },
};
