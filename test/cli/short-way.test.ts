// bin/tspy.js answers a few command lines itself before loading any bundle (start-up is most of their
// cost); each must say exactly what the full command line (dist/src/cli/main.js) says.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tspy } from "../helpers/cli.js";

function viaMain(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const code = `import { main } from ${JSON.stringify(path.join(ROOT, "dist", "src", "cli", "main.js"))}; process.exitCode = await main(${JSON.stringify(args)});`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
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
