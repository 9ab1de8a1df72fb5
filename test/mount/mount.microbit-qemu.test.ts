// mount on the QEMU micro:bit (MicroPython 1.9.2, 16 KB RAM): its os module has no mount, so tspy
// says so in one line, and the board stays usable.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMicrobit, type QemuBoard } from "../helpers/qemu-microbit.js";
import { lf, tspy } from "../helpers/cli.js";

let board: QemuBoard;
let work: string;
beforeAll(async () => {
  board = await startMicrobit();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mb-mount-"));
});
afterAll(async () => {
  await board?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("mount on the QEMU micro:bit", () => {
  it("is refused in one line; the next command still runs", async () => {
    const r = await tspy(["-d", board.path, "mount", work]);
    expect(r.stderr).toBe("tspy: mount: this board cannot mount a host directory (its os module has no mount)\n");
    expect(r.status).toBe(1);
    const after = await tspy(["-d", board.path, "eval", "1+2"]);
    expect(lf(after.stdout)).toBe("3\n");
  });
});
