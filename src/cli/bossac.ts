// `tspy bossac …`: bossac's flags for SAMD21 boards (SAM-BA). Thin: the flasher lives in src/flash/samba.
import type { CommandSpec } from "./command.js";

export const bossacCommand: CommandSpec = {
  name: "bossac",
  summary: "bossac-compatible SAM-BA flasher for SAMD21 boards (-e -w -v --offset=0x2000 FILE)",
  greedy: true,
  async run(args, ctx) {
    const [{ runBossac }, { openStream }, { listPorts }] = await Promise.all([
      import("../flash/samba/index.js"),
      import("../transport/connect.js"),
      import("../transport/ports.js"),
    ]);
    return runBossac(args, {
      out: ctx.out,
      err: ctx.err,
      open: (spec, baud) => openStream(spec, { baud }),
      defaultPort: ctx.device && ctx.device !== "auto" ? ctx.device : undefined,
      listPorts: async () => (await listPorts()).map((p) => p.path),
    });
  },
};
