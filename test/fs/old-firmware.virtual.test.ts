// File commands on old firmware (issue 10, causes 1-7), each on the virtual board playing that release
// (src/transport/virtual/firmware.ts: uos without remove/rename, listed dots, no `time`, no vfs, no
// raw-paste, 1.8's lexer ending at 0xFF). What the board wrote is checked in the host directory
// behind it, not through BoardFs.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { DeviceError } from "../../src/raw-repl/errors.js";
import { BoardFs } from "../../src/fs/board-fs.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";
import { lf, tspy } from "../helpers/cli.js";

afterAll(removeTempDirs);

const PROFILES = ["1.8.4", "1.9.4", "cp-2.3.1", "1.12", "1.18", "pycopy-3.6.1"];
/** Every byte value, 0xFF among them, twice over. */
const ALL_BYTES = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) & 0xff));

async function connect(dir: string, firmware: string) {
  const stream = await openStream(`virtual:${dir}?firmware=${firmware}`);
  const repl = new RawRepl(stream);
  await repl.enter({ softReset: true });
  const bfs = BoardFs.for(repl);
  const notices: string[] = [];
  bfs.onNotice = (m) => notices.push(m);
  return { stream, repl, bfs, notices };
}

describe.each(PROFILES)("file commands on %s", (firmware) => {
  it("copy (twice, over the old file), ls, ls -l, tree, df, sha256sum and rm -r", async () => {
    const dir = await tempDir("oldfw");
    const { stream, repl, bfs } = await connect(dir, firmware);
    try {
      const caps = await bfs.caps();
      expect(repl.pasteMode).toBe(firmware === "1.18" ? "raw-paste" : "plain");
      expect(caps.rawFF).toBe(firmware !== "1.8.4");
      await bfs.mkdir("/d");
      await bfs.mkdir("/d/e");
      await bfs.writeFileAtomic("/d/all.bin", ALL_BYTES.subarray(0, 100));
      await bfs.writeFileAtomic("/d/all.bin", ALL_BYTES); // the old file is there: no rename over it on FAT
      await bfs.writeFileAtomic("/d/e/x.py", Buffer.from("x = 1\n"));
      expect(fs.readFileSync(path.join(dir, "d", "all.bin")).equals(ALL_BYTES)).toBe(true);
      // No temporary file or journal left.
      expect(fs.readdirSync(dir)).toEqual(["d"]);
      expect(fs.readdirSync(path.join(dir, "d")).sort()).toEqual(["all.bin", "e"]);

      expect((await bfs.listdir("/d")).map((e) => e.name).sort()).toEqual(["all.bin", "e"]);
      const long = await bfs.listdir("/d", { long: true });
      // ls -l: a time on every entry (Pycopy has only utime).
      expect(long.every((e) => Array.isArray(e.mtime) && e.mtime.length === 5)).toBe(true);
      expect((await bfs.walk("/")).map((e) => e.path)).toEqual(expect.arrayContaining(["d", "d/all.bin", "d/e", "d/e/x.py"]));
      expect((await bfs.walk("/")).length).toBe(4);
      const df = await bfs.statvfs();
      expect(df[0].mountedOn).toBe("/");
      expect(await bfs.sha256("/d/all.bin")).toBe(createHash("sha256").update(ALL_BYTES).digest("hex"));
      expect(await bfs.readFile("/d/all.bin")).toEqual(ALL_BYTES);

      const removed: string[] = [];
      await bfs.removeTree("/d", (kind, p) => removed.push(`${kind} ${p}`));
      expect(removed).toContain("dir /d");
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      await stream.close();
    }
  }, 60_000);
});

describe("MicroPython 1.8.4's lexer and tspy's journal", () => {
  it("a raw 0xFF ends 1.8.4's input (the board plays it), so data never carries one", async () => {
    const dir = await tempDir("oldfw-ff");
    const { stream, repl } = await connect(dir, "1.8.4");
    try {
      await expect(repl.exec(Buffer.from([...Buffer.from("_b=b'"), 0xff, ...Buffer.from("'\nprint(len(_b))\n")]))).rejects.toThrow(
        DeviceError,
      );
      expect(Buffer.from(await repl.exec("print(len(b'\\xff'))")).toString().trim()).toBe("1");
      // As on a real 1.8.4 build: the end of input that 0xFF reads as becomes a newline after
      // anything but a newline, and the lexer reads on; only after a newline does the program end.
      expect(Buffer.from(await repl.exec(Buffer.from([...Buffer.from("_y=1#"), 0xff, ...Buffer.from("\n_y=2\nprint(_y)\n")]))).toString().trim()).toBe("2");
      expect(Buffer.from(await repl.exec(Buffer.from([...Buffer.from("_y=3\n"), 0xff, ...Buffer.from("_y=4\nprint(_y)\n")]))).toString().trim()).toBe("");
      // So the detection probes a 0xFF inside a bytes literal, not in a comment.
      expect((await BoardFs.for(repl).caps()).rawFF).toBe(false);
    } finally {
      await stream.close();
    }
  }, 60_000);

  it("a journal that cannot be replayed is reported once, removed, and the command goes on", async () => {
    const dir = await tempDir("oldfw-journal");
    // boot.py makes the unfinished temporary file unreadable in a way no old tspy expected.
    fs.writeFileSync(
      path.join(dir, "boot.py"),
      "import builtins\ndef _op(p,*a,_real=builtins.open):\n if p.endswith('stuck.tmp'):raise RuntimeError('stuck')\n return _real(p,*a)\nbuiltins.open=_op\n",
    );
    fs.writeFileSync(path.join(dir, "stuck.tmp"), "partial");
    fs.writeFileSync(path.join(dir, ".tspy-journal"), "C\n/stuck.tmp\n/main.py");
    let { stream, bfs, notices } = await connect(dir, "1.8.4");
    try {
      expect((await bfs.listdir("/")).map((e) => e.name).sort()).toEqual(["boot.py", "stuck.tmp"]);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(/:\/main\.py .*RuntimeError.*stuck.*journal was removed/);
    } finally {
      await stream.close();
    }
    expect(fs.existsSync(path.join(dir, ".tspy-journal"))).toBe(false);
    ({ stream, bfs, notices } = await connect(dir, "1.8.4"));
    try {
      await bfs.listdir("/");
      expect(notices).toEqual([]);
    } finally {
      await stream.close();
    }
  }, 60_000);

  it("a verified write cut short before the copy over the target is finished at the next connection", async () => {
    const dir = await tempDir("oldfw-finish");
    fs.writeFileSync(path.join(dir, "main.py"), "old");
    fs.writeFileSync(path.join(dir, "main.py.tmp"), "new contents");
    fs.writeFileSync(path.join(dir, ".tspy-journal"), "C\n/main.py.tmp\n/main.py");
    const { stream, bfs, notices } = await connect(dir, "1.8.4");
    try {
      await bfs.caps();
      expect(notices).toEqual([]);
    } finally {
      await stream.close();
    }
    expect(fs.readFileSync(path.join(dir, "main.py"), "utf8")).toBe("new contents");
    expect(fs.readdirSync(dir).sort()).toEqual(["main.py"]);
  }, 60_000);
});

describe("the unix ports' own uos (no rmdir; dirent types before 1.12)", () => {
  it("1.8.4 and 1.9.4 list dirent types: directories are walked as directories", async () => {
    for (const firmware of ["1.8.4", "1.9.4"]) {
      const dir = await tempDir("oldfw-dirent");
      fs.mkdirSync(path.join(dir, "pkg"));
      fs.writeFileSync(path.join(dir, "pkg", "b.py"), "x=1\n");
      const { stream, repl, bfs } = await connect(dir, firmware);
      try {
        // the board itself says 4 for the directory, as the real port does
        expect(Buffer.from(await repl.exec("import uos\nprint([e[1] for e in uos.ilistdir('/') if e[0]=='pkg'])")).toString().trim()).toBe("[4]");
        expect((await bfs.listdir("/")).map((e) => [e.name, e.isDir])).toEqual([["pkg", true]]);
        expect((await bfs.walk("/")).map((e) => e.path)).toEqual(["pkg", "pkg/b.py"]);
      } finally {
        await stream.close();
      }
    }
  }, 60_000);

  it("without os.rmdir, directories go through the shell's rmdir (quoted), and rm -r :/ keeps the root", async () => {
    const dir = await tempDir("oldfw-shell");
    const { stream, repl, bfs } = await connect(dir, "1.12");
    try {
      expect((await bfs.caps()).rmdir).toBe(false);
      await bfs.mkdir("/it's $(x)");
      await bfs.rmdir("/it's $(x)");
      expect(fs.readdirSync(dir)).toEqual([]);
      await bfs.mkdir("/d");
      await bfs.writeFileAtomic("/d/f", Buffer.from("f"));
      await expect(bfs.rmdir("/d")).rejects.toThrow(/Directory not empty/);
      const steps: string[] = [];
      await bfs.removeTree("/", (kind, p) => steps.push(`${kind} ${p}`));
      expect(steps).toEqual(["file /d/f", "dir /d"]);
      expect(fs.readdirSync(dir)).toEqual([]);
      expect(repl.pasteMode).toBe("plain");
    } finally {
      await stream.close();
    }
  }, 60_000);

  it("a unix port chrooted without a shell: rmdir and rm -r say so in one line, and rm -r removes nothing", async () => {
    const dir = await tempDir("oldfw-jail");
    fs.mkdirSync(path.join(dir, "d"));
    fs.writeFileSync(path.join(dir, "d", "keep.txt"), "k");
    const r = await tspy(["-d", `virtual:${dir}?firmware=1.12-jail`, "rm", "-r", ":/d"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toBe("tspy: rm -r: this board's uos has no rmdir, and os.system found no shell to run rmdir, so directories cannot be removed\n");
    expect(fs.readFileSync(path.join(dir, "d", "keep.txt"), "utf8")).toBe("k");
    const r2 = await tspy(["-d", `virtual:${dir}?firmware=1.12-jail`, "rm", ":/d/keep.txt", "+", "rmdir", ":/d"]);
    expect(r2.status).not.toBe(0);
    expect(r2.stderr).toBe("tspy: rmdir: this board's uos has no rmdir, and os.system found no shell to run rmdir, so directories cannot be removed\n");
    expect(r2.stderr).not.toContain("Traceback");
  }, 60_000);
});

describe("tspy run FILE", () => {
  it("sends the file's bytes as they are (a Latin-1 string is not re-encoded)", async () => {
    const dir = await tempDir("oldfw-run");
    const file = path.join(dir, "latin1.py");
    fs.writeFileSync(file, Buffer.concat([Buffer.from("s = b'caf"), Buffer.from([0xe9]), Buffer.from("'\nprint(len(s), s[3])\n")]));
    const r = await tspy(["-d", `virtual:${path.join(dir, "board")}`, "run", file]);
    expect({ out: lf(r.stdout), status: r.status }).toEqual({ out: "4 233\n", status: 0 });
  }, 60_000);
});
