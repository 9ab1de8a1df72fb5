// bin/tspy.js answers a few command lines itself before loading any bundle (start-up is most of their
// cost); each must say exactly what the full command line (dist/src/cli/main.js) says.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import url from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, tspy } from "../helpers/cli.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

/** The full command line (the ES modules, no bundle) in a child process; a script file, not -e: the virtual board's worker inherits Node's flags. */
async function viaMain(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const script = path.join(await tempDir("via-main"), "main.mjs");
  writeFileSync(script, `import { main } from ${JSON.stringify(url.pathToFileURL(path.join(ROOT, "dist", "src", "cli", "main.js")).href)}; process.exitCode = await main(${JSON.stringify(args)});\n`);
  return runNode([script]);
}

/** Which bundle bin/ would run `args` from. */
async function bundleFor(args: string[]): Promise<string> {
  const r = await runNode(["-e", `require(${JSON.stringify(path.join(ROOT, "dist", "fast-path.cjs"))}).loadCli(${JSON.stringify(args)}).then((c) => process.stdout.write(c.name))`]);
  return r.stdout;
}

function runNode(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, TSPY_DEVICE: "", PYBOARD_DEVICE: "" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("bin/tspy.js's own answers", () => {
  it("--version: the package's version, as main() prints it", async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    const fast = await tspy(["--version"]);
    expect(fast).toEqual({ status: 0, stdout: `tspy ${version}\n`, stderr: "" });
    expect(await viaMain(["--version"])).toEqual(fast);
  });
});

describe("the session's stdout and stderr", () => {
  it("are made (and watched) only when a command first uses them", async () => {
    const { Session } = await import("../../src/cli/context.js");
    let watched = 0;
    const s = new Session({ device: "virtual", beforeStdio: () => watched++ });
    expect(watched).toBe(0);
    expect(s.out).toBe(process.stdout);
    expect(s.err).toBe(process.stderr);
    expect(watched).toBe(2);
    const given = { write: () => true } as unknown as NodeJS.WritableStream;
    const t = new Session({ out: given as never, err: given as never, beforeStdio: () => watched++ });
    expect([t.out, t.err, watched]).toEqual([given, given, 2]);
  });
});

describe("the board commands' bundle", () => {
  it("runs a chain of board commands only; anything else goes to the whole command line", async () => {
    const chains: [string[], string][] = [
      [["exec", "pass"], "board"],
      [["connect", "/dev/ttyACM0", "resume", "exec", "pass", "+", "eval", "1"], "board"],
      [["-d", "u0", "run", "x.py", "+", "soft-reset"], "board"],
      [["--help"], "board"],
      [["exec", "pass", "+", "ls"], "cli"],
      [["cp", "a.py", ":"], "cli"],
      [["connect", "/dev/ttyACM0"], "cli"], // a chain that only connects opens the REPL
      [[], "cli"],
      [["nosuchcommand"], "cli"],
    ];
    for (const [args, name] of chains) expect({ args, bundle: await bundleFor(args) }).toEqual({ args, bundle: name });
  });

  it("answers as the full command line does", async () => {
    const device = `virtual:${await tempDir("board-bundle")}`;
    for (const args of [
      ["-d", device, "exec", "print(6*7)"],
      ["-d", device, "resume", "eval", "'x' * 3", "+", "exec", "import sys; print(sys.implementation.name)"],
      ["-d", device, "exec", "1/0"],
      ["-d", device, "exec", "--help"],
      ["-d", device, "exec"],
    ]) {
      expect(await bundleFor(args)).toBe("board");
      const fast = await tspy(args);
      expect({ args, ...fast }).toEqual({ args, ...(await viaMain(args)) });
    }
  });
});
