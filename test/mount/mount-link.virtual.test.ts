// The mount's host side against the virtual board, in-process: the board imports and opens through
// /remote, stays inside the mounted directory, sees host edits at once, keeps its mount over a soft
// reset, and gets OSError (while the host carries on) when an answer is cut off mid-read.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { HostDir } from "../../src/mount/host-dir.js";
import { MountLink, type MountLinkOptions } from "../../src/mount/mount-link.js";
import { boardOptions } from "../../src/cli/mount.js";
import { Cmd } from "../../src/mount/protocol.js";

let work: string;
let host: string;
let outside: string;
let board: string;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mount-"));
  host = path.join(work, "host");
  outside = path.join(work, "outside");
  board = path.join(work, "board");
  for (const d of [host, outside, board]) fs.mkdirSync(d);
  fs.writeFileSync(path.join(host, "greet.py"), "WORD = 'hello'\n");
  fs.mkdirSync(path.join(host, "pkg"));
  fs.writeFileSync(path.join(host, "pkg", "__init__.py"), "from .part import VALUE\n");
  fs.writeFileSync(path.join(host, "pkg", "part.py"), "VALUE = 6 * 7\n");
  fs.writeFileSync(path.join(host, "text.txt"), "line one\nline two\nh\u00e9llo \u2713\n");
  fs.writeFileSync(path.join(outside, "secret.txt"), "outside the mount\n");
  fs.writeFileSync(path.join(work, "secret.txt"), "next to the mount\n");
  fs.symlinkSync(path.join(outside, "secret.txt"), path.join(host, "link-out.txt"));
  fs.symlinkSync(outside, path.join(host, "dir-out"));
  fs.symlinkSync("greet.py", path.join(host, "link-in.py"));
});
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function mount(opts: { unsafeLinks?: boolean; alterAnswer?: MountLinkOptions["alterAnswer"] } = {}) {
  const stream = await openStream(`virtual:${board}`);
  const notices: string[] = [];
  const link = new MountLink(stream, new HostDir(host, { unsafeLinks: opts.unsafeLinks }), {
    board: boardOptions(stream.description),
    notice: (m) => notices.push(m),
    alterAnswer: opts.alterAnswer,
  });
  open.push(link);
  const repl = new RawRepl(link);
  await repl.enter({ softReset: true });
  await repl.exec(link.program());
  const run = async (code: string) => {
    const r = await repl.execRaw(code);
    return { out: Buffer.from(r.stdout).toString("utf8").replace(/\r\n/g, "\n"), err: r.stderr };
  };
  return { repl, link, run, notices };
}

describe("mount on the virtual board", () => {
  it("imports modules and packages from the host directory, with /remote as cwd", async () => {
    const { run } = await mount();
    const r = await run("import os, greet, pkg\nprint(os.getcwd(), greet.WORD, pkg.VALUE)\nprint(sorted(os.listdir()))");
    expect(r.err).toBe("");
    expect(r.out).toBe("/remote hello 42\n['dir-out', 'greet.py', 'link-in.py', 'link-out.txt', 'pkg', 'text.txt']\n");
  });

  it("reads text by lines and whole, binary files exactly, and stats", async () => {
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    fs.writeFileSync(path.join(host, "big.bin"), data);
    const { run } = await mount();
    const r = await run(
      "import os, hashlib, binascii\n" +
        "b = open('big.bin', 'rb').read()\n" +
        "print(len(b), binascii.hexlify(hashlib.sha256(b).digest()).decode())\n" +
        "f = open('text.txt')\nprint(f.readline() + '|' + f.read() + '|')\nf.close()\n" +
        "print('|'.join([l for l in open('/remote/text.txt')][1:]))\n" +
        "print(os.stat('big.bin')[6], os.stat('pkg')[0] & 0x4000)\n" +
        "with open('big.bin', 'rb') as f:\n f.seek(99_990)\n print(f.read(100) == b[99_990:], f.tell())\n",
    );
    expect(r.err).toBe("");
    const sha = (await import("node:crypto")).createHash("sha256").update(data).digest("hex");
    expect(r.out).toBe(
      `100000 ${sha}\nline one\n|line two\nh\u00e9llo \u2713\n|\nline two\n|h\u00e9llo \u2713\n\n100000 16384\nTrue 100000\n`,
    );
    fs.rmSync(path.join(host, "big.bin"));
  });

  it("writes, renames, makes and removes through the mount onto the host", async () => {
    const { run } = await mount();
    const r = await run(
      "import os\n" +
        "with open('new.txt', 'w') as f:\n f.write('from the board\\n')\n" +
        "open('new.txt', 'a').write('more\\n')\n" +
        "open('bytes.bin', 'wb').write(bytes(range(256)))\n" +
        "os.mkdir('made')\nos.rename('new.txt', 'made/moved.txt')\n" +
        "os.mkdir('gone')\nos.rmdir('gone')\n" +
        "print(open('made/moved.txt').read())",
    );
    expect(r.err).toBe("");
    expect(r.out).toBe("from the board\nmore\n\n");
    expect(fs.readFileSync(path.join(host, "made", "moved.txt"), "utf8")).toBe("from the board\nmore\n");
    expect([...fs.readFileSync(path.join(host, "bytes.bin"))]).toEqual([...Array(256).keys()]);
    expect(fs.existsSync(path.join(host, "gone"))).toBe(false);
    const again = await run("import os\nos.remove('bytes.bin')\nos.remove('made/moved.txt')\nos.rmdir('made')");
    expect(again.err).toBe("");
    expect(fs.existsSync(path.join(host, "bytes.bin"))).toBe(false);
  });

  it("keeps the board inside the directory: .., absolute paths, symlinks out (EPERM)", async () => {
    const { run } = await mount();
    const tries = [
      "open('../secret.txt')",
      "open('/remote/../secret.txt')",
      "open('pkg/../../secret.txt')",
      `open('/remote/${outside.replace(/^\//, "")}/secret.txt')`,
      `open('/remote//${path.join(outside, "secret.txt")}')`,
      "open('link-out.txt')",
      "os.listdir('dir-out')",
      "open('dir-out/new.txt', 'w')",
      "os.mkdir('../made-outside')",
    ];
    const code = "import os\nfor t in " + JSON.stringify(tries) + ":\n try:\n  eval(t)\n  print('opened', t)\n except OSError as e:\n  print(e.errno)\n";
    const r = await run(code);
    expect(r.err).toBe("");
    // `..` that climbs out: EPERM; a host-absolute path is a name under the mount (not there: ENOENT).
    expect(r.out).toBe(["1", "1", "1", "2", "2", "1", "1", "1", "1", ""].join("\n"));
    expect(fs.existsSync(path.join(outside, "new.txt"))).toBe(false);
    expect(fs.existsSync(path.join(work, "made-outside"))).toBe(false);
    const inside = await run("print(open('link-in.py').read())");
    expect(inside.out).toBe("WORD = 'hello'\n\n");
  });

  it("follows symlinks out of the directory with --unsafe-links, and still refuses ..", async () => {
    const { run } = await mount({ unsafeLinks: true });
    const r = await run(
      "import os\nprint(open('link-out.txt').read(), os.listdir('dir-out'))\n" +
        "try:\n open('../secret.txt')\nexcept OSError as e:\n print(e.errno)\n",
    );
    expect(r.err).toBe("");
    expect(r.out).toBe("outside the mount\n ['secret.txt']\n1\n");
  });

  it("sees a host file changed while mounted", async () => {
    const file = path.join(host, "changing.py");
    fs.writeFileSync(file, "N = 1\n");
    const { run } = await mount();
    expect((await run("print(open('changing.py').read())")).out).toBe("N = 1\n\n");
    fs.writeFileSync(file, "N = 2\nM = 3\n");
    const r = await run("import changing\nprint(changing.N, changing.M)");
    expect(r).toEqual({ out: "2 3\n", err: "" });
    fs.rmSync(file);
  });

  it("keeps the mount over a soft reset in the raw REPL", async () => {
    const { repl, run } = await mount();
    await run("x = 1");
    await repl.softResetInRaw();
    const r = await run("import os, greet\nprint(os.getcwd(), greet.WORD, 'x' in globals())");
    expect(r).toEqual({ out: "/remote hello False\n", err: "" });
  });

  it("an answer cut off mid-read gives the board OSError; the host keeps serving", async () => {
    let cut = true;
    const { run } = await mount({
      alterAnswer: (req, answer) => {
        if (req.cmd !== Cmd.READ || !cut) return answer;
        cut = false;
        return answer.subarray(0, Math.floor(answer.length / 2));
      },
    });
    fs.writeFileSync(path.join(host, "long.txt"), "x".repeat(5000));
    const r = await run("try:\n open('long.txt').read()\nexcept OSError as e:\n print('OSError', e.errno)\n");
    expect(r).toEqual({ out: "OSError 110\n", err: "" });
    const after = await run("print(len(open('long.txt').read()))");
    expect(after).toEqual({ out: "5000\n", err: "" });
    fs.rmSync(path.join(host, "long.txt"));
  });

  it("passes board output that looks like a request, but lacks the mount's token, through untouched", async () => {
    const { repl, link } = await mount();
    const before = link.served;
    const r = await repl.execRaw("import sys\nsys.stdout.buffer.write(b'<\\x18M\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x18>')");
    expect(r.stderr).toBe("");
    expect([...r.stdout]).toEqual([0x3c, 0x18, 0x4d, 0, 0, 1, 0, 0, 0, 0, 0x18, 0x3e]);
    expect(link.served).toBe(before);
  });

  it("board errors for missing files and directories are the host's errno", async () => {
    const { run } = await mount();
    const r = await run(
      "import os\nfor f in (lambda: open('nope.txt'), lambda: os.listdir('nope'), lambda: os.rmdir('pkg'), lambda: os.mkdir('pkg'), lambda: open('pkg')):\n try:\n  f()\n except OSError as e:\n  print(e.errno)\n",
    );
    expect(r).toEqual({ out: "2\n2\n39\n17\n21\n", err: "" });
  });
});

describe("Ctrl-C while mounted", () => {
  it("stops a program that keeps reading through the mount (KeyboardInterrupt, the board stays usable)", async () => {
    const { repl, run } = await mount();
    const done = repl.execRaw("while True:\n open('greet.py').read()\n", { timeoutMs: 20_000 });
    await new Promise((r) => setTimeout(r, 500));
    for (let i = 0; i < 3; i++) {
      await repl.interrupt();
      const settled = await Promise.race([done.then(() => true), new Promise((r) => setTimeout(() => r(false), 700))]);
      if (settled) break;
    }
    const r = await done;
    expect(r.stderr).toMatch(/KeyboardInterrupt/);
    expect(await run("import greet\nprint(greet.WORD)")).toEqual({ out: "hello\n", err: "" });
  });
});
