// The same board-command suite on the virtual board (the MicroPython 1.27 VM, raw-paste capable).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeBoardCommands } from "./board-commands.shared.js";

describeBoardCommands("the virtual board", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-vboard-"));
  return {
    device: `virtual:${dir}`,
    expectedPasteMode: "raw-paste",
    stop: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});
