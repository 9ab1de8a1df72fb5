// `tspy esptool …` (esptool.py's commands and flags, for pasted install guides) and `tspy flash
// FIRMWARE.bin` (detect, write at 0, verify, reset). Thin: the flasher lives in src/flash/esp8266.
import type { CliContext, CommandSpec } from "./command.js";

async function env(ctx: CliContext) {
  const { openStream } = await import("../transport/connect.js");
  return {
    out: ctx.out,
    err: ctx.err,
    open: (spec: string, baud: number) => openStream(spec, { baud }),
    defaultPort: ctx.device || "auto",
  };
}

export const esptoolCommand: CommandSpec = {
  name: "esptool",
  aliases: ["esptool.py"],
  summary: "ESP8266 ROM-loader tool with esptool.py's commands (write_flash, erase_flash, read_mac ...)",
  greedy: true,
  async run(args, ctx) {
    const { runEsptool } = await import("../flash/esp8266/index.js");
    return runEsptool(args, await env(ctx));
  },
};

export const flashCommand: CommandSpec = {
  name: "flash",
  summary: "flash an ESP8266 firmware image: detect the chip, write at 0, verify, reset",
  greedy: true,
  async run(args, ctx) {
    const { runFlash } = await import("../flash/esp8266/index.js");
    return runFlash(args, await env(ctx));
  },
};
