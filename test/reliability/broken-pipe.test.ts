// Issue 12 item 10: output into a closed pipe (`tspy ls | head -1`) ends quietly, as Unix tools do:
// no stack trace, the status of a process ended by SIGPIPE (141), and the board left usable.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TSPY, tspy } from "../helpers/cli.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

/** Run tspy with stdout read once and then closed, like `| head -c 1`. */
function intoClosedPipe(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [TSPY, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TSPY_DEVICE: "" } });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  child.stdout.once("data", () => child.stdout.destroy());
  return new Promise((resolve) => child.on("close", (status) => resolve({ status, stderr })));
}

describe("writing into a closed pipe", () => {
  let board: string;
  beforeAll(async () => {
    const dir = await tempDir("epipe");
    board = `virtual:${path.join(dir, "board")}`;
    fs.mkdirSync(path.join(dir, "board"));
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(dir, "board", `file_with_a_long_name_${i}.py`), "x\n");
    fs.writeFileSync(path.join(dir, "board", "big.txt"), "line of text\n".repeat(40_000));
  });

  const cases: [string, () => string[]][] = [
    ["ls", () => ["-d", board, "ls"]],
    ["ls -l", () => ["-d", board, "ls", "-l"]],
    ["tree", () => ["-d", board, "tree"]],
    ["cat", () => ["-d", board, "cat", ":big.txt"]],
    ["exec (a program printing)", () => ["-d", board, "exec", "for i in range(200000): print(i)"]],
    ["sha256sum", () => ["-d", board, "sha256sum", ...Array.from({ length: 400 }, (_, i) => `:file_with_a_long_name_${i}.py`)]],
    ["mpy-cross --dump", () => ["mpy-cross", "--dump", path.join(ROOT, "test/mpy-cross/reference/m17_many_constants.default.mpy")]],
    ["--help", () => ["--help"]],
  ];
  for (const [name, args] of cases) {
    it(`${name}: no stack trace, status 0 or 141`, async () => {
      const r = await intoClosedPipe(args());
      expect(r.stderr).not.toMatch(/EPIPE|at .*\.js:\d+|Error:|internal error/);
      expect([0, 141]).toContain(r.status);
    }, 60_000);
  }

  // The reader may go away while tspy's last write is still queued, after the command has finished and
  // stopped watching stdout: that late EPIPE once escaped as an uncaught error in about 1 run of 10.
  it("cat, 20 times: the reader going away at any moment never shows a trace", async () => {
    for (let i = 0; i < 20; i++) {
      const r = await intoClosedPipe(["-d", board, "cat", ":big.txt"]);
      expect({ i, stderr: r.stderr }).toEqual({ i, stderr: "" });
      expect([0, 141]).toContain(r.status);
    }
  }, 120_000);

  it("the board is left at its prompt", async () => {
    await intoClosedPipe(["-d", board, "exec", "for i in range(10**9): print(i)"]);
    const r = await tspy(["-d", board, "eval", "6*7"]);
    expect(r.stdout.trim()).toBe("42");
  }, 60_000);
});
