// `tspy virtual` argument handling and where the board keeps its files (no board is started here).
import { describe, expect, test } from "vitest";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { virtualCommand, serveVirtual } from "../../src/cli/virtual.js";
import { defaultBoardDir } from "../../src/transport/virtual/index.js";
import { UsageError } from "../../src/errors.js";
import type { CliContext } from "../../src/cli/command.js";

function ctx(device = "auto"): { ctx: CliContext; out: () => string } {
  const out = new PassThrough();
  let text = "";
  out.on("data", (d) => (text += d));
  return { ctx: { device, baud: 115200, out, err: new PassThrough() } as unknown as CliContext, out: () => text };
}

describe("virtual board directory", () => {
  test("XDG_DATA_HOME, else ~/.local/share", () => {
    if (process.platform === "win32") return;
    expect(defaultBoardDir({ XDG_DATA_HOME: "/data" })).toBe("/data/tspy/virtual-board");
    expect(defaultBoardDir({})).toBe(path.join(os.homedir(), ".local", "share", "tspy", "virtual-board"));
    expect(defaultBoardDir({ XDG_DATA_HOME: "relative/dir" })).toBe(path.join(os.homedir(), ".local", "share", "tspy", "virtual-board"));
  });

  test("`virtual dir` prints the directory named by -d virtual:DIR", async () => {
    const c = ctx("virtual:/some/where");
    expect(await virtualCommand.run(["dir"], c.ctx)).toBe(0);
    expect(c.out()).toBe("/some/where\n");
  });
});

describe("directories that cannot be a board", () => {
  test("the filesystem root and the home directory are refused", async () => {
    const { openVirtualBoard } = await import("../../src/transport/virtual/index.js");
    await expect(openVirtualBoard("/")).rejects.toBeInstanceOf(UsageError);
    await expect(openVirtualBoard(os.homedir())).rejects.toBeInstanceOf(UsageError);
  });
});

describe("virtual serve arguments", () => {
  test.each([
    [["--tcp", "localhost"]],
    [["--tcp", "127.0.0.1:99999"]],
    [["--link", "/tmp/x"]],
    [["--bogus"]],
    [["extra"]],
  ])("%j is a usage error", async (args) => {
    await expect(serveVirtual(args, ctx().ctx, Promise.resolve())).rejects.toBeInstanceOf(UsageError);
  });

  test("an unknown subcommand is a usage error", async () => {
    await expect(virtualCommand.run(["start"], ctx().ctx)).rejects.toBeInstanceOf(UsageError);
  });
});
