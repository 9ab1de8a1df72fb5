// `tspy mount` / `umount` as users run them, against the virtual board: chained commands work in
// /remote, the REPL keeps serving while the user types (and mounts again after Ctrl-D), bad input
// is one line.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lf, startTspy, tspy, waitFor } from "../helpers/cli.js";

let work: string;
let host: string;
let board: string;
const dev = () => ["-d", `virtual:${board}`];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-cli-mount-"));
  host = path.join(work, "host");
  board = path.join(work, "board");
  fs.mkdirSync(host);
  fs.mkdirSync(board);
  fs.writeFileSync(path.join(host, "greet.py"), "WORD = 'hello'\n");
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("tspy mount", () => {
  it("mounts for the rest of the chain; writes land on the host; umount leaves the board's own files", async () => {
    const r = await tspy([...dev(), "mount", host, "exec", "import os, greet; print(os.getcwd(), greet.WORD); open('w.txt', 'w').write('hi')", "umount", "exec", "import os; print(os.getcwd(), 'remote' in os.listdir('/'))"]);
    expect(r.stderr).toBe("");
    // On a pipe the mount line comes last, after the board's output, as mpremote's (Python-buffered) one does.
    expect(lf(r.stdout)).toBe(`/remote hello\n/ False\nLocal directory ${host} is mounted at /remote\n`);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(host, "w.txt"), "utf8")).toBe("hi");
    expect(fs.existsSync(path.join(board, "w.txt"))).toBe(false);
  });

  it("keeps the mount over soft-reset", async () => {
    const r = await tspy([...dev(), "mount", host, "soft-reset", "exec", "import greet; print(greet.WORD)"]);
    expect(r.stderr).toBe("");
    expect(lf(r.stdout)).toContain("hello\n");
    expect(r.status).toBe(0);
  });

  it("serves the board during repl, and mounts again after Ctrl-D", async () => {
    const run = startTspy([...dev(), "mount", host, "repl"], { keepStdinOpen: true });
    const seen = () => lf(run.stdout());
    await waitFor(() => /Use Ctrl-][^]*>>> $/.test(seen()), 15_000, "the REPL prompt");
    run.child.stdin!.write("import greet\r");
    await waitFor(() => /import greet\n>>> $/.test(seen()), 10_000, "the import through the mount");
    run.child.stdin!.write("print(greet.WORD + '!')\r");
    await waitFor(() => seen().includes("hello!"), 10_000, "the module's value");
    run.child.stdin!.write("\x04");
    await waitFor(() => seen().includes("Remount local directory"), 10_000, "the remount");
    run.child.stdin!.write("import os; print(os.getcwd() + '?', open('greet.py').read())\r");
    await waitFor(() => seen().includes("/remote? WORD"), 10_000, "a read after the remount");
    run.child.stdin!.write("\x1d");
    const r = await run.done;
    expect(r.status).toBe(0);
    expect(seen()).toContain(`Remount local directory ${host} at /remote\n>>> `);
  });

  it("bad input: one line, non-zero exit", async () => {
    const missing = await tspy([...dev(), "mount", path.join(work, "nope")]);
    expect(missing.stderr).toBe(`tspy: mount: ${path.join(work, "nope")}: no such directory\n`);
    expect(missing.status).toBe(2);
    const file = await tspy([...dev(), "mount", path.join(host, "greet.py")]);
    expect(file.stderr).toMatch(/^tspy: mount: .*greet\.py: not a directory\n$/);
    const none = await tspy([...dev(), "umount"]);
    expect(none.stderr).toBe("tspy: umount: nothing is mounted at /remote\n");
    expect(none.status).toBe(1);
    const noArg = await tspy([...dev(), "mount"]);
    expect(noArg.stderr.split("\n").filter(Boolean).length).toBe(1);
    expect(noArg.status).toBe(2);
    const help = await tspy(["mount", "--help"]);
    expect(help.stdout).toContain("--unsafe-links");
    expect(help.status).toBe(0);
  });
});
