// The probe-chosen plain-raw pace on the QEMU micro:bit (MicroPython 1.9.2, no raw-paste, 16 KB of
// RAM): whatever pace the probe settles on, 1400-byte programs must arrive whole, every time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { PACES } from "../../src/raw-repl/plain-pacing.js";
import { startMicrobit, type QemuBoard } from "../helpers/qemu-microbit.js";

let board: QemuBoard;
beforeAll(async () => {
  board = await startMicrobit();
});
afterAll(async () => {
  await board?.stop();
});

describe("plain raw pacing on the QEMU micro:bit", () => {
  it("runs 1400-byte programs whole at the pace the probe chose", async () => {
    const stream = await openStream(board.path);
    try {
      const repl = new RawRepl(stream);
      await repl.enter({ softReset: true });
      for (let round = 0; round < 8; round++) {
        const body = Buffer.from(Array.from({ length: 1400 }, (_, i) => 0x41 + ((i * (round + 3)) % 26)));
        const sum = body.reduce((a, b) => a + b, 0);
        const out = await repl.exec(Buffer.concat([Buffer.from("x=b'"), body, Buffer.from("'\nprint(len(x),sum(x))\nx=None\n")]));
        expect(Buffer.from(out).toString().trim()).toBe(`1400 ${sum}`);
      }
      expect(repl.pasteMode).toBe("plain");
      expect(PACES).toContainEqual(repl.plainPace);
      console.log(`micro:bit plain-raw pace chosen by the probe: ${JSON.stringify(repl.plainPace)}`);
    } finally {
      await stream.close();
    }
  }, 120_000);
});
