// Issue 12 items 1–2: every wait on a board has an overall deadline and ends in one line saying what was
// awaited; code the raw REPL cannot carry is refused before it is sent.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TimeoutError } from "../../src/errors.js";
import { UnsendableCodeError } from "../../src/raw-repl/errors.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { openChatterDevice, seededBytes, type ChatterDevice } from "../helpers/chatter.js";
import { tspy } from "../helpers/cli.js";
import { ScriptedDevice } from "../helpers/scripted-device.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

const oneLine = (s: string) => s.trim().split("\n");

describe("a device that never stops sending (scripted)", () => {
  it("entering the raw REPL gives up at its deadline and says the board kept talking", async () => {
    const dev = new ScriptedDevice();
    const bytes = seededBytes(7);
    const timer = setInterval(() => dev.send(bytes(16)), 20);
    try {
      const repl = new RawRepl(dev, { answerTimeoutMs: 300 });
      const err = await repl.enter().then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as Error).message).toMatch(/could not enter the raw REPL: the board kept sending output/);
    } finally {
      clearInterval(timer);
    }
  }, 20_000);

  it("drain() returns false at its overall limit instead of waiting for silence", async () => {
    const dev = new ScriptedDevice();
    const timer = setInterval(() => dev.send("x"), 10);
    try {
      expect(await dev.drain(50, 300)).toBe(false);
    } finally {
      clearInterval(timer);
    }
    expect(await dev.drain(30, 300)).toBe(true);
  });
});

describe("a chattering pty (serial transport, whole CLI)", () => {
  const devices: ChatterDevice[] = [];
  afterAll(async () => {
    for (const d of devices) await d.close();
  });

  // Each command its own pty (a pty has one reader), all at once to keep the wall time down.
  for (const args of [["exec", "print(1)"], ["ls"], ["cp", ":main.py", "/tmp/reliab-never-written"]]) {
    it.concurrent(`${args[0]} ends with one line naming the wait, non-zero`, async () => {
      const chatter = await openChatterDevice(args.length);
      devices.push(chatter);
      const r = await tspy(["-d", chatter.path, ...args]);
      expect(r.status).not.toBe(0);
      expect(oneLine(r.stderr)).toHaveLength(1);
      expect(r.stderr).toMatch(/^tspy: .*could not enter the raw REPL: the board kept sending/);
      expect(fs.existsSync("/tmp/reliab-never-written")).toBe(false);
    }, 30_000);
  }
});

describe("run BINARY_FILE", () => {
  it("is refused before sending, in one line, without a wait", async () => {
    const dir = await tempDir("run-binary");
    const file = path.join(dir, "blob.bin");
    const b = seededBytes(3)(4000);
    b[100] = 0x04;
    fs.writeFileSync(file, b);
    const r = await tspy(["-d", `virtual:${path.join(dir, "board")}`, "run", file]);
    expect(r.status).toBe(1);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/0x0[34] \(Ctrl-[CD]\) at offset \d+.*not a Python source file/);
    expect(r.stdout).toBe("");
  });

  it("the raw REPL refuses Ctrl-D inside code", async () => {
    const dev = new ScriptedDevice();
    const repl = new RawRepl(dev);
    repl.inRawRepl = true;
    await expect(repl.exec("print(1)\x04")).rejects.toBeInstanceOf(UnsendableCodeError);
    expect(dev.written).toEqual([]);
  });
});
