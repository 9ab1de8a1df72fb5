// Choosing the board: -d, TSPY_DEVICE, PYBOARD_DEVICE (pyboard.py's), PYBOARD_BAUDRATE, and `connect`.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultBaud, defaultDevice } from "../../src/cli/context.js";
import { parseChain, parseGlobals } from "../../src/cli/main.js";
import { lf, tspy } from "../helpers/cli.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-env-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("device selection", () => {
  it("TSPY_DEVICE wins over PYBOARD_DEVICE; auto when neither is set", () => {
    expect(defaultDevice({ TSPY_DEVICE: "a1", PYBOARD_DEVICE: "/dev/ttyUSB3" })).toBe("a1");
    expect(defaultDevice({ PYBOARD_DEVICE: "/dev/ttyUSB3" })).toBe("/dev/ttyUSB3");
    expect(defaultDevice({})).toBe("auto");
  });

  it("PYBOARD_BAUDRATE sets the baud rate; junk falls back to 115200", () => {
    expect(defaultBaud({ PYBOARD_BAUDRATE: "460800" })).toBe(460800);
    expect(defaultBaud({ PYBOARD_BAUDRATE: "fast" })).toBe(115200);
    expect(defaultBaud({})).toBe(115200);
  });

  it("parses global flags, then splits the chain by + and by fixed arities", () => {
    const g = parseGlobals(["-d", "u0", "-b", "9600", "exec", "x=1", "eval", "x", "+", "ls", ":lib", ":"]);
    expect(g).toMatchObject({ device: "u0", baud: 9600 });
    const chain = parseChain(g.rest).map((s) => [s.word, s.args]);
    expect(chain).toEqual([["exec", ["x=1"]], ["eval", ["x"]], ["ls", [":lib", ":"]]]);
    expect(parseChain(["a0", "run", "--no-follow", "m.py", "repl"]).map((s) => [s.word, s.args])).toEqual([
      ["connect", ["a0"]],
      ["run", ["--no-follow", "m.py"]],
      ["repl", []],
    ]);
  });

  it("the CLI talks to the board TSPY_DEVICE names", async () => {
    const r = await tspy(["eval", "'env board'"], { env: { TSPY_DEVICE: `virtual:${dir}` } });
    expect(lf(r.stdout)).toBe("env board\n");
    expect(r.status).toBe(0);
  });

  it("the CLI talks to the board PYBOARD_DEVICE names, and -d overrides both", async () => {
    const r = await tspy(["eval", "'pyboard env'"], { env: { PYBOARD_DEVICE: `virtual:${dir}` } });
    expect(lf(r.stdout)).toBe("pyboard env\n");
    const over = await tspy(["-d", `virtual:${dir}`, "eval", "7"], { env: { TSPY_DEVICE: "/dev/ttyNOPE" } });
    expect(lf(over.stdout)).toBe("7\n");
  });

  it("reset hard-resets the board and leaves it usable", async () => {
    const r = await tspy(["-d", `virtual:${dir}`, "exec", "import machine", "+", "reset"]);
    expect(r.status).toBe(0);
    const after = await tspy(["-d", `virtual:${dir}`, "eval", "1+1"]);
    expect(lf(after.stdout)).toBe("2\n");
  });

  it("--version and --help need no board", async () => {
    const v = await tspy(["--version"]);
    expect(v.stdout).toMatch(/^tspy \d+\.\d+\.\d+\n$/);
    const h = await tspy(["--help"]);
    for (const cmd of ["exec", "cp", "mpy-cross", "esptool", "install", "mip", "bossac", "circup"]) expect(h.stdout).toContain(`  ${cmd} `);
  });
});
