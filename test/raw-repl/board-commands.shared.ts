// The board commands of the foundation issue, run through the real CLI against a real board. The same
// suite runs against the QEMU micro:bit (MicroPython 1.9.2, plain raw mode) and the virtual board
// (MicroPython 1.27, raw-paste).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { lf, startTspy, tspy, waitFor } from "../helpers/cli.js";

export interface BoardUnderTest {
  device: string;
  stop(): Promise<void>;
  /** The paste mode the board must end up in: proves the raw-paste probe or the fallback ran. */
  expectedPasteMode: "raw-paste" | "plain";
}

export function describeBoardCommands(name: string, start: () => Promise<BoardUnderTest>): void {
  describe(`board commands on ${name}`, () => {
    let board: BoardUnderTest;
    let tmp: string;
    beforeAll(async () => {
      board = await start();
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-board-"));
    }, 60_000);
    afterAll(async () => {
      await board?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("exec prints the program's output", async () => {
      const r = await tspy(["-d", board.device, "exec", "print(6*7)\nprint('two lines')"]);
      expect(r.stderr).toBe("");
      expect(lf(r.stdout)).toBe("42\ntwo lines\n");
      expect(r.status).toBe(0);
    });

    it("eval prints the value, and + chains commands on one connection", async () => {
      const r = await tspy(["-d", board.device, "exec", "x = 20", "+", "eval", "x + 1"]);
      expect(lf(r.stdout)).toBe("21\n");
      expect(r.status).toBe(0);
    });

    it("chains without + after fixed-arity commands, with connect", async () => {
      const r = await tspy(["connect", board.device, "exec", "y = 'a' * 3", "eval", "y"]);
      expect(lf(r.stdout)).toBe("aaa\n");
      expect(r.status).toBe(0);
    });

    it("run sends a local file", async () => {
      const file = path.join(tmp, "prog.py");
      fs.writeFileSync(file, "def f(n):\n    return n * n\n\nfor i in range(4):\n    print(f(i))\n");
      const r = await tspy(["-d", board.device, "run", file]);
      expect(lf(r.stdout)).toBe("0\n1\n4\n9\n");
      expect(r.status).toBe(0);
    });

    it("a board traceback is printed as the board sent it, exit status 1", async () => {
      const r = await tspy(["-d", board.device, "exec", "print('before')\nraise ValueError('bad value')"]);
      expect(lf(r.stdout)).toBe("before\n");
      expect(lf(r.stderr)).toMatch(/^Traceback \(most recent call last\):\n  File "<stdin>", line 2.*\nValueError: bad value\n$/s);
      expect(r.status).toBe(1);
    });

    it("host Ctrl-C interrupts a running program, and the board stays usable", async () => {
      const run = startTspy(["-d", board.device, "exec", "print('looping')\nwhile True:\n    pass"]);
      await waitFor(() => run.stdout().includes("looping"), 20_000, "the loop to start");
      run.child.kill("SIGINT");
      const r = await run.done;
      expect(r.stderr).toMatch(/KeyboardInterrupt/);
      expect(r.status).not.toBe(0);
      const again = await tspy(["-d", board.device, "eval", "1+1"]);
      expect(lf(again.stdout)).toBe("2\n");
    }, 60_000);

    it("enters the raw REPL while a program runs (run --no-follow, then exec)", async () => {
      const file = path.join(tmp, "forever.py");
      fs.writeFileSync(file, "n = 0\nwhile True:\n    n += 1\n");
      const started = await tspy(["-d", board.device, "run", "--no-follow", file]);
      expect(started.status).toBe(0);
      const r = await tspy(["-d", board.device, "exec", "print('took over')"]);
      expect(lf(r.stdout)).toBe("took over\n");
      expect(r.status).toBe(0);
    }, 60_000);

    it(`takes code in ${"the board's"} paste mode and leaves the friendly REPL behind`, async () => {
      const stream = await openStream(board.device);
      try {
        const repl = new RawRepl(stream);
        await repl.enter({ softReset: true });
        const big = `s = 0\n${Array.from({ length: 60 }, (_, i) => `s += ${i}`).join("\n")}\nprint(s)\n`;
        expect(lf(Buffer.from(await repl.exec(big)).toString())).toBe(`${(59 * 60) / 2}\n`);
        expect(repl.pasteMode).toBe(board.expectedPasteMode);
        await repl.exit();
        // Friendly REPL: an expression typed at >>> is echoed and answered.
        await stream.write("\r\n6*7\r\n");
        await stream.readUntil("42", 5000, "waiting for the friendly REPL to answer");
      } finally {
        await stream.close();
      }
    }, 60_000);

    it("repl is a terminal to the friendly REPL (piped input here)", async () => {
      const run = startTspy(["-d", board.device, "repl"], { keepStdinOpen: true });
      await waitFor(() => run.stdout().includes("Use Ctrl-]"), 10_000, "the repl banner");
      // QEMU's pty drops input for up to a second after a reopen; a real port does not. Type later.
      await new Promise((r) => setTimeout(r, 1200));
      run.child.stdin!.write("6*7\r");
      await waitFor(() => run.stdout().includes("42"), 10_000, "the answer");
      run.child.stdin!.write("\x18"); // Ctrl-X leaves
      const r = await run.done;
      expect(r.stdout).toMatch(/^Connected to MicroPython at /);
      expect(lf(r.stdout)).toMatch(/6\*7\n42\n>>> /);
      expect(r.status).toBe(0);
    });

    it("soft-reset clears the board's state", async () => {
      const r = await tspy(["-d", board.device, "resume", "exec", "z = 5", "+", "soft-reset", "+", "exec",
        "try:\n    print(z)\nexcept NameError:\n    print('gone')"]);
      expect(lf(r.stdout)).toBe("gone\n");
    }, 60_000);
  });
}
