// The virtual board's filesystem: a host directory, confined, persistent, mirrored at once.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openVirtualBoard } from "../../src/transport/virtual/index.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

async function rawBoard(dir: string): Promise<ByteStream> {
  const b = await openVirtualBoard(dir);
  await b.readUntil(">>> ", 2000);
  await b.write("\x01");
  await b.readUntil("raw REPL; CTRL-B to exit\r\n>", 2000);
  return b;
}

async function exec(b: ByteStream, code: string): Promise<string> {
  await b.write(code + "\x04");
  expect(text(await b.read(2, 2000))).toBe("OK");
  const out = text(await b.readUntil("\x04", 5000)).slice(0, -1);
  const err = text(await b.readUntil("\x04", 5000)).slice(0, -1);
  await b.read(1, 2000);
  if (err) throw new Error(`board raised: ${err}`);
  return out;
}

let work: string; // holds the board directory and things outside it
let dir: string;
const boards: ByteStream[] = [];

beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-vbfs-"));
  dir = path.join(work, "board");
  fs.mkdirSync(dir);
});
afterEach(async () => {
  for (const b of boards.splice(0)) await b.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function open(): Promise<ByteStream> {
  const b = await rawBoard(dir);
  boards.push(b);
  return b;
}

const RM_EVERYTHING = `
import os
def rm(p):
    for name, kind, *_ in os.ilistdir(p):
        q = p.rstrip('/') + '/' + name
        if kind == 0x4000:
            rm(q)
            os.rmdir(q)
        else:
            os.remove(q)
rm('/')
for p in ('/..', '/../..', '/../../' + ${JSON.stringify("x")}):
    try:
        rm(p)
    except OSError:
        pass
print(os.listdir('/'))
`;

describe("virtual board filesystem", () => {
  test("the board's / is exactly the directory; host files written there are visible", async () => {
    fs.writeFileSync(path.join(dir, "main.py"), "print('from main')\n");
    fs.mkdirSync(path.join(dir, "lib"));
    fs.writeFileSync(path.join(dir, "lib", "util.py"), "X = 7\n");
    const b = await open();
    expect(await exec(b, "import os\nprint(sorted(os.listdir('/')), os.listdir('/lib'))")).toBe("['lib', 'main.py'] ['util.py']\r\n");
    expect(await exec(b, "import util\nprint(util.X)")).toBe("7\r\n");
    expect(await exec(b, "print(os.listdir('/..'), os.listdir('../..'))")).toBe("['lib', 'main.py'] ['lib', 'main.py']\r\n");
  });

  test("rm -r of everything from / removes the board's files only", async () => {
    fs.writeFileSync(path.join(work, "outside.txt"), "keep me");
    fs.mkdirSync(path.join(dir, "a", "b"), { recursive: true });
    fs.writeFileSync(path.join(dir, "a", "b", "deep.txt"), "x");
    fs.writeFileSync(path.join(dir, "top.py"), "y");
    // A symlink planted in the board directory must not lead the board outside.
    fs.symlinkSync(path.join(work, "outside.txt"), path.join(dir, "link.txt"));
    fs.symlinkSync(work, path.join(dir, "linkdir"));
    const b = await open();
    expect(await exec(b, RM_EVERYTHING)).toBe("[]\r\n");
    expect(fs.readFileSync(path.join(work, "outside.txt"), "utf8")).toBe("keep me");
    expect(fs.readdirSync(dir).sort()).toEqual(["link.txt", "linkdir"]); // never visible to the board
    expect(fs.readdirSync(work).sort()).toEqual(["board", "outside.txt"]);
  });

  test("the port's js module and JS proxies lead nowhere outside the board", async () => {
    const outside = path.join(work, "outside.txt");
    fs.writeFileSync(outside, "keep me");
    const b = await open();
    const target = JSON.stringify(outside);
    const out = await exec(
      b,
      [
        "import js, _tspy_board",
        `OUT = ${target}`,
        "attempts = [",
        "  lambda: js.process.getBuiltinModule('fs').writeFileSync(OUT, 'escaped'),",
        "  lambda: js.process.binding('fs'),",
        "  lambda: js.eval(\"process.getBuiltinModule('fs').writeFileSync(OUT, 'escaped')\"),",
        "  lambda: js.Function('return process')().getBuiltinModule('fs').writeFileSync(OUT, 'escaped'),",
        "  lambda: _tspy_board.sleep.constructor('return process')().getBuiltinModule('fs').writeFileSync(OUT, 'escaped'),",
        "  lambda: js.Object.getPrototypeOf(js.Date.now).constructor('return process')().getBuiltinModule('fs').writeFileSync(OUT, 'escaped'),",
        "]",
        "for a in attempts:",
        "  try:",
        "    print(a())",
        "  except Exception as e:",
        "    print(type(e).__name__)",
      ].join("\n"),
    );
    // Each attempt fails on the way (a missing attribute, calling undefined), never reaching a file.
    const results = out.split("\r\n").filter((l) => l);
    expect(results).toHaveLength(6);
    for (const r of results) expect(r).toMatch(/^(AttributeError|TypeError)$/);
    expect(fs.readFileSync(outside, "utf8")).toBe("keep me");
  });

  test("a file the board creates under a planted symlink's name does not write through it", async () => {
    fs.writeFileSync(path.join(work, "outside.txt"), "keep me");
    fs.symlinkSync(path.join(work, "outside.txt"), path.join(dir, "evil.txt"));
    fs.symlinkSync(work, path.join(dir, "evildir"));
    const b = await open();
    await exec(b, "f = open('evil.txt', 'w')\nf.write('overwritten')\nf.close()\nimport os\nos.mkdir('evildir')\nopen('evildir/outside.txt', 'w').write('overwritten')");
    expect(fs.readFileSync(path.join(work, "outside.txt"), "utf8")).toBe("keep me");
  });

  test("files written by Python appear in the host directory at once and persist across openings", async () => {
    const b = await open();
    await exec(b, "import os\nos.mkdir('data')\nwith open('data/log.txt', 'w') as f:\n  f.write('line 1\\n')");
    expect(fs.readFileSync(path.join(dir, "data", "log.txt"), "utf8")).toBe("line 1\n");
    // Still open at the end of a command: mirrored when the board goes idle.
    await exec(b, "g = open('data/open.bin', 'wb')\ng.write(bytes(range(256)))");
    expect(fs.readFileSync(path.join(dir, "data", "open.bin"))).toEqual(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    await exec(b, "g.close()\nos.rename('data/log.txt', 'data/renamed.txt')\nos.remove('data/open.bin')");
    expect(fs.readdirSync(path.join(dir, "data"))).toEqual(["renamed.txt"]);
    await b.close();

    const again = await open();
    expect(await exec(again, "print(open('data/renamed.txt').read())")).toBe("line 1\r\n\r\n");
  });

  test("each write reaches the host file while the program is still running", async () => {
    const b = await open();
    await b.write("import sys\nf = open('live.txt', 'w')\nf.write('first')\nprint('waiting')\nsys.stdin.buffer.read(1)\nf.write(' second')\nf.close()\x04");
    await b.readUntil("waiting\r\n", 2000);
    expect(fs.readFileSync(path.join(dir, "live.txt"), "utf8")).toBe("first");
    await b.write("x");
    await b.readUntil("\x04>", 2000);
    expect(fs.readFileSync(path.join(dir, "live.txt"), "utf8")).toBe("first second");
  });

  test("os and helper modules a copy tool needs behave as on a board", async () => {
    fs.writeFileSync(path.join(dir, "old.txt"), "x");
    fs.utimesSync(path.join(dir, "old.txt"), 1_000_000_000, 1_000_000_000);
    const b = await open();
    expect(await exec(b, "import os\nprint(os.stat('old.txt')[8])\nu = os.uname()\nprint(u.release, u.sysname == u[0])")).toBe("1000000000\r\n1.27.0 True\r\n");
    const out = await exec(
      b,
      [
        "import os, hashlib, binascii, gc",
        "open('f.bin', 'wb').write(b'abc')",
        "st = os.stat('f.bin')",
        "print(st[0] & 0xF000 == 0x8000, st[6])",
        "print(os.stat('/')[0] & 0xF000 == 0x4000)",
        "print([e for e in os.ilistdir('/') if e[0] == 'f.bin'][0][:2])",
        "print(len(os.statvfs('/')) == 10)",
        "print(binascii.hexlify(hashlib.sha256(b'abc').digest()))",
        "print(binascii.a2b_base64(b'aGVsbG8='), binascii.b2a_base64(b'hi'))",
        "print(gc.mem_free() > 0)",
      ].join("\n"),
    );
    expect(out).toBe(
      "True 3\r\nTrue\r\n('f.bin', 32768)\r\nTrue\r\n" +
        "b'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'\r\nb'hello' b'aGk=\\n'\r\nTrue\r\n",
    );
  });

  test("boot.py and main.py run at power-on; a raw-REPL soft reset runs boot.py only", async () => {
    fs.writeFileSync(path.join(dir, "boot.py"), "print('boot ran')\n");
    fs.writeFileSync(path.join(dir, "main.py"), "print('main ran')\nfrom_main = 5\nraise ValueError('oops')\n");
    const b = await openVirtualBoard(dir);
    boards.push(b);
    const start = text(await b.readUntil(">>> ", 3000));
    expect(start).toMatch(/^boot ran\r\nmain ran\r\nTraceback \(most recent call last\):\r\n[^]*File "main\.py", line 3, in <module>\r\nValueError: oops\r\nMicroPython v1\.27\.0/);
    await b.write("print(from_main)\r");
    expect(text(await b.readUntil(">>> ", 2000))).toBe("print(from_main)\r\n5\r\n>>> ");
    await b.write("\x01");
    await b.readUntil("raw REPL; CTRL-B to exit\r\n>", 2000);
    await b.write("\x04");
    expect(text(await b.readUntil("raw REPL; CTRL-B to exit\r\n>", 3000))).toBe("OK\r\nMPY: soft reboot\r\nboot ran\r\nraw REPL; CTRL-B to exit\r\n>");
  });

  test("Ctrl-C stops a main.py that loops forever, and the REPL comes up", async () => {
    fs.writeFileSync(path.join(dir, "main.py"), "print('looping')\nwhile True:\n    pass\n");
    const b = await openVirtualBoard(dir);
    boards.push(b);
    await b.readUntil("looping\r\n", 3000);
    await b.write("\x03");
    expect(text(await b.readUntil(">>> ", 3000))).toMatch(/KeyboardInterrupt: \r\nMicroPython v1\.27\.0[^]*>>> $/);
  });

  test("Ctrl-C at any moment of start-up leaves a working board", async () => {
    fs.writeFileSync(path.join(dir, "boot.py"), "x = 0\nfor i in range(3000):\n    x += i\n");
    fs.writeFileSync(path.join(dir, "main.py"), "y = 0\nfor i in range(3000):\n    y += i\n");
    for (let round = 0; round < 6; round++) {
      const b = await openVirtualBoard(dir);
      boards.push(b);
      for (let i = 0; i < 4; i++) {
        await b.write("\r\x03\x03");
        await new Promise((r) => setTimeout(r, round));
      }
      await b.drain(30);
      await b.write("\x01");
      await b.readUntil("raw REPL; CTRL-B to exit\r\n>", 3000);
      expect(await exec(b, "print('ok')")).toBe("ok\r\n");
      await b.close();
    }
  });

  test("the board directory is created when missing", async () => {
    fs.rmdirSync(dir);
    const b = await open();
    expect(await exec(b, "import os\nprint(os.listdir('/'))")).toBe("[]\r\n");
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });
});
