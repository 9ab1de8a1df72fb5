// Plain raw mode paced by what the board shows it can take: a scripted board without raw-paste whose
// UART receive buffer holds `capacity` bytes and empties at `bytesPerMs`, dropping whatever arrives
// while it is full (as a real UART overrun does). The probe must settle on a pace at which programs
// arrive whole, and a board that keeps up must get the fastest pace. Only programs that check themselves
// (tspy's file snippets) take the probed pace; anything else goes at the slowest.
import { describe, expect, it } from "vitest";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { PACES } from "../../src/raw-repl/plain-pacing.js";
import { ScriptedDevice } from "../helpers/scripted-device.js";

const BANNER = "raw REPL; CTRL-B to exit\r\n>";

class OverrunBoard extends ScriptedDevice {
  private fifoLevel = 0;
  private fifoTime = performance.now();
  private lineBuf: number[] = [];
  dropped = 0;
  programs = 0;

  constructor(private readonly capacity: number, private readonly bytesPerMs: number) {
    super();
    this.onWrite = (data) => this.receive(data);
  }

  private receive(data: Buffer): void {
    const now = performance.now();
    this.fifoLevel = Math.max(0, this.fifoLevel - (now - this.fifoTime) * this.bytesPerMs);
    this.fifoTime = now;
    for (const b of data) {
      if (this.fifoLevel + 1 > this.capacity) {
        this.dropped++;
        continue;
      }
      this.fifoLevel++;
      this.byte(b);
    }
  }

  /** The board answers a byte once it has read it out of the buffer: after what is queued before it. */
  private answer(s: string): void {
    setTimeout(() => this.send(s), this.fifoLevel / this.bytesPerMs);
  }

  private byte(b: number): void {
    if (b === 0x01) {
      // Ctrl-A: (re)start the raw REPL; this release has no raw-paste, so Ctrl-E A Ctrl-A lands here too
      this.lineBuf = [];
      this.answer("\r\n" + BANNER);
    } else if (b === 0x03) this.lineBuf = [];
    else if (b === 0x04) {
      this.programs++;
      this.answer("OK" + this.run(Buffer.from(this.lineBuf).toString("latin1")) + ">");
      this.lineBuf = [];
    } else this.lineBuf.push(b);
  }

  /** Runs the one kind of program the tests send: a bytes literal, then its length and sum printed. */
  private run(code: string): string {
    const m = /^\r?x=b'([^'\\]*)'\nprint\(len\(x\),sum\(x\)\)\n/.exec(code);
    if (!m) return '\x04Traceback (most recent call last):\r\n  File "<stdin>", line 1\r\nSyntaxError: invalid syntax\r\n\x04';
    const body = Buffer.from(m[1]!, "latin1");
    return `${body.length} ${body.reduce((a, b) => a + b, 0)}\r\n\x04\x04`;
  }
}

function program(n: number): { code: string; answer: string } {
  const body = Buffer.from(Array.from({ length: n }, (_, i) => 0x41 + (i % 26)));
  return { code: `x=b'${body.toString("latin1")}'\nprint(len(x),sum(x))\n`, answer: `${n} ${body.reduce((a, b) => a + b, 0)}` };
}

describe("plain raw pacing", () => {
  it("settles on a pace the overrun-prone board can take, and programs arrive whole", async () => {
    // 128-byte buffer emptied at 24 bytes/ms: 1024- and 256-byte writes overrun it whatever the pause,
    // 64 bytes every 4 ms (or more: timers never fire early) do not
    const board = new OverrunBoard(128, 24);
    const repl = new RawRepl(board, { answerTimeoutMs: 300 });
    await repl.enter();
    const p = program(3000);
    const out = Buffer.from(await repl.exec(p.code, { selfChecking: true })).toString().trim();
    expect(out).toBe(p.answer);
    expect(repl.pasteMode).toBe("plain");
    expect(repl.plainPace).toEqual(PACES[2]);
    expect(board.dropped).toBeGreaterThan(0); // the faster tries did overrun it
    // later programs go at that pace and lose nothing
    const dropped = board.dropped;
    for (const n of [10, 700, 2048]) {
      const q = program(n);
      expect(Buffer.from(await repl.exec(q.code, { selfChecking: true })).toString().trim()).toBe(q.answer);
    }
    expect(board.dropped).toBe(dropped);
  });

  it("sends a program that cannot check itself at the slowest pace, without a probe", async () => {
    const board = new OverrunBoard(128, 24);
    const repl = new RawRepl(board, { answerTimeoutMs: 300 });
    await repl.enter();
    const p = program(3000);
    expect(Buffer.from(await repl.exec(p.code)).toString().trim()).toBe(p.answer);
    expect(board.dropped).toBe(0);
    expect(board.programs).toBe(1); // no probe
    expect(repl.plainPace).toBeNull();
  });

  it("gives a board that keeps up the fastest pace, after one probe", async () => {
    const board = new OverrunBoard(1 << 20, 1e6);
    const repl = new RawRepl(board);
    await repl.enter();
    const p = program(5000);
    expect(Buffer.from(await repl.exec(p.code, { selfChecking: true })).toString().trim()).toBe(p.answer);
    expect(repl.plainPace).toEqual(PACES[0]);
    expect(board.programs).toBe(2); // the probe and the program
  });

  it("steps down when the caller finds a program damaged, never below the floor; a given pace stays", async () => {
    const repl = new RawRepl(new OverrunBoard(1 << 20, 1e6));
    await repl.enter();
    await repl.exec(program(10).code, { selfChecking: true });
    const steps: boolean[] = [];
    for (let i = 0; i < PACES.length; i++) steps.push(repl.slowDown());
    expect(steps).toEqual([true, true, true, false]);
    expect(repl.plainPace).toEqual(PACES[PACES.length - 1]);
    const fixed = new RawRepl(new OverrunBoard(1 << 20, 1e6), { chunkSize: 16, chunkDelayMs: 0 });
    expect(fixed.plainPace).toEqual({ chunkSize: 16, delayMs: 0 });
    expect(fixed.slowDown()).toBe(false);
  });
});
