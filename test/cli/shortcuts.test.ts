// User shortcuts (src/cli/shortcuts.ts): tspy's config.json, mpremote's config.py string entries,
// parameters set by an exec in front, and the real CLI running one on the virtual board.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expandFront, loadShortcuts, parseMpremoteConfig, splitWords } from "../../src/cli/shortcuts.js";
import { parseChain } from "../../src/cli/main.js";
import { lf, tspy } from "../helpers/cli.js";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-shortcuts-"));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function writeConfigs(json: unknown, py?: string): NodeJS.ProcessEnv {
  const xdg = path.join(home, `xdg-${Math.random().toString(36).slice(2)}`);
  fs.mkdirSync(path.join(xdg, "tspy"), { recursive: true });
  fs.writeFileSync(path.join(xdg, "tspy", "config.json"), typeof json === "string" ? json : JSON.stringify(json));
  if (py !== undefined) {
    fs.mkdirSync(path.join(xdg, "mpremote"), { recursive: true });
    fs.writeFileSync(path.join(xdg, "mpremote", "config.py"), py);
  }
  return { XDG_CONFIG_HOME: xdg, HOME: home };
}

describe("shortcuts", () => {
  it("splits words like a shell: quotes group, backslashes escape inside double quotes", () => {
    expect(splitWords(`exec "print('a b')" + eval 'x y' z`)).toEqual(["exec", "print('a b')", "+", "eval", "x y", "z"]);
    expect(splitWords(`exec "say \\"hi\\""`)).toEqual(["exec", 'say "hi"']);
  });

  it("reads the string entries of mpremote's config.py commands dict, skipping comments", () => {
    const py = `# my config\ncommands = {\n    # a comment\n    "c33": "connect id:334D335C3138",\n    'bl': 'bootloader',\n}\n`;
    expect(parseMpremoteConfig(py)).toEqual({ c33: "connect id:334D335C3138", bl: "bootloader" });
    expect(parseMpremoteConfig("x = 1\n")).toEqual({});
  });

  it("loads both files; tspy's own wins on the same name; entries may be strings, lists or objects with help", () => {
    const env = writeConfigs(
      { commands: { bl: ["soft-reset"], "double x=4": { command: "eval x*2", help: "twice x" }, hi: "exec \"print('hi')\"" } },
      `commands = {"bl": "bootloader", "c0x": "connect /dev/ttyACM0"}\n`,
    );
    const sc = loadShortcuts(env);
    expect([...sc.keys()].sort()).toEqual(["bl", "c0x", "double", "hi"]);
    expect(sc.get("bl")!.words).toEqual(["soft-reset"]);
    expect(sc.get("c0x")!.words).toEqual(["connect", "/dev/ttyACM0"]);
    expect(sc.get("double")).toMatchObject({ params: [["x", "4"]], words: ["eval", "x*2"], help: "twice x" });
    expect(sc.get("hi")!.words).toEqual(["exec", "print('hi')"]);
  });

  it("a broken config.json is one clear error naming the file", () => {
    const env = writeConfigs("{ not json");
    expect(() => loadShortcuts(env)).toThrow(/config\.json: not valid JSON/);
  });

  it("expands at the front, sets parameters by an exec first, refuses wrong arguments, never loops", () => {
    const sc = loadShortcuts(writeConfigs({ commands: { "double x=4": "eval x*2", "pair a b": "eval (a,b)", loop: "loop eval 1", two: "double 5 + eval 0" } }));
    expect(expandFront(["double", "21"], sc)).toEqual(["exec", "x=21", "+", "eval", "x*2"]);
    expect(expandFront(["double", "x=7"], sc)).toEqual(["exec", "x=7", "+", "eval", "x*2"]);
    expect(expandFront(["double"], sc)).toEqual(["exec", "x=4", "+", "eval", "x*2"]);
    expect(expandFront(["double", "+", "ls"], sc)).toEqual(["exec", "x=4", "+", "eval", "x*2", "+", "ls"]);
    expect(() => expandFront(["pair", "1"], sc)).toThrow(/pair: missing argument b; signature is: pair a b/);
    expect(() => expandFront(["double", "y=3"], sc)).toThrow(/double: unexpected argument y/);
    expect(expandFront(["loop"], sc)).toEqual(["loop", "eval", "1"]);
    // An expansion that starts with another shortcut expands that one too.
    expect(expandFront(["two"], sc)).toEqual(["exec", "x=5", "+", "eval", "x*2", "+", "eval", "0"]);
    // In the chain, a shortcut is found after `+` as well, and suggested on a typo.
    expect(parseChain(["ls", "+", "double", "3"], sc).map((s) => [s.word, ...s.args])).toEqual([["ls"], ["exec", "x=3"], ["eval", "x*2"]]);
    expect(() => parseChain(["doubel"], sc)).toThrow(/did you mean `double`/);
  });

  it("runs through the real CLI on the virtual board, and `tspy help` lists it", async () => {
    const env = writeConfigs({ commands: { "double x=4": { command: "eval x*2", help: "twice x" } } });
    const board = path.join(home, "board");
    fs.mkdirSync(board, { recursive: true });
    const r = await tspy(["-d", `virtual:${board}`, "double", "21"], { env });
    expect({ out: lf(r.stdout), err: r.stderr, status: r.status }).toEqual({ out: "42\n", err: "", status: 0 });
    const h = await tspy(["help"], { env });
    expect(h.stdout).toMatch(/Your shortcuts:\n {2}double x=4 +twice x\n/);
  }, 60_000);
});
