// Plain raw pacing on the QEMU micro:bit (MicroPython 1.9.2, no raw-paste, 16 KB of RAM). A user's
// program cannot notice bytes lost inside a literal, so it goes at the slowest pace and must arrive whole
// every time, however loaded the machine is; programs that check themselves (tspy's own file snippets)
// take the pace the probe found, and get sent again when damaged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { PACES, pacingProbe } from "../../src/raw-repl/plain-pacing.js";
import { startMicrobit, type QemuBoard } from "../helpers/qemu-microbit.js";

let board: QemuBoard;
beforeAll(async () => {
  board = await startMicrobit();
});
afterAll(async () => {
  await board?.stop();
});

const program = (round: number) => {
  const body = Buffer.from(Array.from({ length: 1400 }, (_, i) => 0x41 + ((i * (round + 3)) % 26)));
  const sum = body.reduce((a, b) => a + b, 0);
  return { code: Buffer.concat([Buffer.from("x=b'"), body, Buffer.from("'\nprint(len(x),sum(x))\nx=None\n")]), answer: `1400 ${sum}` };
};

describe("plain raw pacing on the QEMU micro:bit", () => {
  it("runs 1400-byte user programs whole; only self-checking programs take the probed pace", async () => {
    const stream = await openStream(board.path);
    try {
      const repl = new RawRepl(stream);
      await repl.enter({ softReset: true });
      for (let round = 0; round < 8; round++) {
        const p = program(round);
        const out = await repl.exec(p.code);
        expect(Buffer.from(out).toString().trim()).toBe(p.answer);
      }
      expect(repl.pasteMode).toBe("plain");
      expect(repl.plainPace).toBeNull(); // no self-checking program yet: no probe was needed
      const probe = pacingProbe();
      const out = await repl.exec(probe.code, { selfChecking: true });
      expect(Buffer.from(out).toString().trim()).toBe(probe.answer);
      expect(PACES).toContainEqual(repl.plainPace);
      console.log(`micro:bit plain-raw pace chosen by the probe: ${JSON.stringify(repl.plainPace)}`);
    } finally {
      await stream.close();
    }
  }, 180_000);
});
