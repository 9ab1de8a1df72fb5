// The capability check (one unguarded program, its answer a Python literal) on a link that keeps losing
// the answer: after three tries the user gets one line saying so, not the literal parser's exception
// (seen on the QEMU micro:bit under load: "internal error: unexpected text at 0 in \"\"").
import { afterAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { BoardFs } from "../../src/fs/board-fs.js";
import { TspyError } from "../../src/errors.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";
import { AnsweringLink } from "../helpers/answering-link.js";

afterAll(removeTempDirs);

describe("a board whose answers to the capability check keep arriving damaged", () => {
  it("is one clear TspyError after three tries, not a parser's exception", async () => {
    const dir = await tempDir("damaged-detect");
    const inner = await openStream(`virtual:${dir}?firmware=1.12`);
    let asked = 0;
    // The answer lost on the way: nothing between OK and the end of output.
    const link = new AnsweringLink(inner, (program) => (program.includes("print(repr(_r))") ? (asked++, "OK\x04\x04>") : null));
    const repl = new RawRepl(link);
    try {
      await repl.enter({ softReset: true });
      const err = await BoardFs.for(repl).caps().then(() => null, (e: unknown) => e);
      expect(asked).toBe(3);
      expect(err).toBeInstanceOf(TspyError);
      expect((err as Error).message).toMatch(/^the board's answer to tspy's capability check arrived damaged 3 times \(.*\); check the link, then try again$/);
    } finally {
      await link.close();
    }
  }, 60_000);
});
