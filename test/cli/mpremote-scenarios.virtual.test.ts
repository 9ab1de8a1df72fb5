// mpremote's own test scenarios (tools/mpremote/tests/test_*.sh at v1.27.0), replayed with tspy in
// mpremote's place against a served virtual board (`tspy virtual serve`), so that board state survives
// between invocations as on a real board: each `tspy` below is one process, as `$MPREMOTE` is one there.
// The expected transcripts are mpremote's .sh.exp (stdout and stderr together), with `tspy:` for
// `mpremote:`. The virtual board has no VfsFat, so where a scenario builds a RAM disk it gets a plain
// directory of the same name instead (same paths, same listings).
// test_filesystem.sh and test_recursive_cp.sh are test/fs/cli-mpremote.virtual.test.ts.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lf, ROOT, TSPY, tspy } from "../helpers/cli.js";
import { evalExecRun, resume, Script } from "../helpers/mpremote-script.js";

let work: string;
let server: ChildProcess;
let device: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mpremote-sh-"));
  fs.mkdirSync(path.join(work, "board"));
  server = spawn(process.execPath, [TSPY, "virtual", "serve", "--tcp", "127.0.0.1:0", "--dir", path.join(work, "board")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  device = await new Promise<string>((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`virtual serve did not start: ${text}`)), 30_000);
    server.stdout!.on("data", (d) => {
      text += d;
      const first = text.split("\n")[0]!;
      if (text.includes("\n")) {
        clearTimeout(timer);
        resolve(first.trim());
      }
    });
  });
}, 40_000);
afterAll(() => {
  server?.kill();
  fs.rmSync(work, { recursive: true, force: true });
});

const RESET = { timeout: 120_000 };
const script = (tmp?: string) => new Script({ device, cwd: work, tmp });

describe("mpremote's test scenarios against the served virtual board", () => {
  it("test_eval_exec_run.sh", async () => {
    const sh = script();
    const expected = await evalExecRun(sh, work);
    expect(sh.text).toBe(expected);
  }, RESET.timeout);

  it("test_resume.sh (run three times: the disconnect/reconnect step must not find the port busy)", async () => {
    for (let round = 0; round < 3; round++) {
      const sh = script();
      const expected = await resume(sh, "NameError: name 'a' isn't defined");
      expect(sh.text, `round ${round}`).toBe(expected);
    }
  }, RESET.timeout);

  it("test_errno.sh: OSErrors worded as mpremote words them; anything else headed by the transport line", async () => {
    const fsPy = path.join(work, "fs.py");
    fs.writeFileSync(
      fsPy,
      [
        "import os, vfs, errno",
        "",
        "class ErrorFS:",
        "    def mount(self, *a, **k):",
        "        pass",
        "    def umount(self, *a, **k):",
        "        pass",
        "    def chdir(self, *a, **k):",
        "        pass",
        "    def open(self, *a, **k):",
        "        raise self.error",
        "",
        "fs = ErrorFS()",
        "vfs.mount(fs, '/fs')",
        "os.chdir('/fs')",
        "",
      ].join("\n"),
    );
    const sh = script();
    await sh.$(["run", fsPy]);
    sh.echo("-----");
    await sh.$(["resume", "exec", "fs.error = Exception()"]);
    await sh.$(["resume", "cat", ":Exception.py"], { orElse: "expect error", firstErrLine: true });
    const errnos = ["ENOENT", "EISDIR", "EEXIST", "ENODEV", "EINVAL", "EPERM", "EOPNOTSUPP"];
    for (const e of errnos) {
      sh.echo("-----");
      await sh.$(["resume", "exec", `fs.error = OSError(errno.${e}, '')`]);
      await sh.$(["resume", "cat", `:${e}.py`], { orElse: "expect error" });
    }
    sh.echo("-----");
    await sh.$(["resume", "exec", "vfs.umount('/fs')"]);
    const words: Record<string, string> = {
      ENOENT: "No such file or directory", EISDIR: "Is a directory", EEXIST: "File exists", ENODEV: "No such device",
      EINVAL: "Invalid argument", EPERM: "Operation not permitted", EOPNOTSUPP: "Operation not supported",
    };
    const expected =
      "-----\ntspy: Error with transport:\nexpect error\n" +
      errnos.map((e) => `-----\ntspy: cat: ${e}.py: ${words[e]}.\nexpect error\n`).join("") +
      "-----\n";
    expect(sh.text).toBe(expected);
  }, RESET.timeout);

  it("test_mip_local_install.sh: mpremote's progress lines, and the package runs", async () => {
    const pkgDir = path.join(work, "example");
    fs.mkdirSync(path.join(pkgDir, "mip_example"), { recursive: true });
    fs.writeFileSync(path.join(pkgDir, "mip_example", "hello.py"), "def hello(): print('Hello, world!')\n");
    fs.writeFileSync(path.join(pkgDir, "mip_example", "__init__.py"), "from .hello import hello\n");
    fs.writeFileSync(
      path.join(pkgDir, "package.json"),
      JSON.stringify({ urls: [["mip_example/__init__.py", "mip_example/__init__.py"], ["mip_example/hello.py", "mip_example/hello.py"]], version: "0.2" }),
    );
    const target = "/__ramdisk";
    const sh = script();
    sh.echo("----- Setup");
    await sh.$(["exec", `import os; os.mkdir('${target}')`]); // stands in for the RAM disk mount (silent)
    await sh.$(["resume", "mkdir", `${target}/lib`]);
    sh.echo();
    sh.echo("---- Install package");
    await sh.$(["resume", "mip", "install", `--target=${target}/lib`, path.join(pkgDir, "package.json")]);
    sh.echo();
    sh.echo("---- Test package");
    await sh.$(["resume", "exec", `import sys; sys.path.append("${target}/lib")`]);
    await sh.$(["resume", "exec", "import mip_example; mip_example.hello()"]);
    expect(sh.text).toBe(
      `----- Setup\nmkdir :${target}/lib\n\n---- Install package\nInstall ${path.join(pkgDir, "package.json")}\n` +
        `Installing: ${target}/lib/mip_example/__init__.py\nInstalling: ${target}/lib/mip_example/hello.py\nDone\n\n` +
        "---- Test package\nHello, world!\n",
    );
  }, RESET.timeout);

  it("test_fs_tree.sh: every tree of the script, sizes (-s, --human), and argparse's usage block for both", async () => {
    const sh = script(work);
    sh.echo("-----");
    await sh.$(["exec", "import os; os.mkdir('/ramdisk'); os.chdir('/ramdisk')"]); // stands in for run ramdisk.py (silent)
    await sh.$(["resume", "ls"]);
    sh.echo("-----");
    sh.echo("empty tree");
    await sh.$(["resume", "tree", ":"]);
    sh.echo("-----");
    await sh.$(["resume", "touch", ":a.py", "+", "touch", ":b.py"]);
    await sh.$(["resume", "mkdir", ":foo", "+", "touch", ":foo/aa.py", "+", "touch", ":foo/ba.py"]);
    sh.echo("small tree - :");
    await sh.$(["resume", "tree", ":"]);
    sh.echo("-----");
    sh.echo("no path");
    await sh.$(["resume", "tree"]);
    sh.echo("-----");
    sh.echo("path = '.'");
    await sh.$(["resume", "tree", "."]);
    sh.echo("-----");
    sh.echo("path = ':.'");
    await sh.$(["resume", "tree", ":."]);
    sh.echo("-----");
    sh.echo("multiple trees");
    await sh.$(["resume", "mkdir", ":bar", "+", "touch", ":bar/aaa.py", "+", "touch", ":bar/bbbb.py"]);
    await sh.$(["resume", "mkdir", ":bar/baz", "+", "touch", ":bar/baz/aaa.py", "+", "touch", ":bar/baz/bbbb.py"]);
    await sh.$(["resume", "mkdir", ":bar/baz/quux", "+", "touch", ":bar/baz/quux/aaa.py", "+", "touch", ":bar/baz/quux/bbbb.py"]);
    await sh.$(["resume", "mkdir", ":bar/baz/quux/xen", "+", "touch", ":bar/baz/quux/xen/aaa.py"]);
    await sh.$(["resume", "tree"]);
    sh.echo("-----");
    sh.echo("single path");
    await sh.$(["resume", "tree", ":foo"]);
    sh.echo("-----");
    sh.echo("multiple paths");
    await sh.$(["resume", "tree", ":foo", ":bar"]);
    sh.echo("-----");
    sh.echo("subtree");
    await sh.$(["resume", "tree", "bar/baz"]);
    sh.echo("-----");
    sh.echo("mountpoint");
    await sh.$(["resume", "tree", ":/ramdisk"]);
    sh.echo("-----");
    sh.echo("non-existent folder : error");
    await sh.$(["resume", "tree", ":not_there"], { orElse: "expect error: $?" });
    sh.echo("-----");
    sh.echo("file : error");
    await sh.$(["resume", "tree", ":a.py"], { orElse: "expect error: $?" });
    sh.echo("-----");
    sh.echo("tree -s :");
    const data = path.join(work, "data");
    fs.mkdirSync(data, { recursive: true });
    for (const [name, size] of [["file1.txt", 20], ["file2.txt", 204], ["file3.txt", 1096], ["file4.txt", 2192]] as const) {
      fs.writeFileSync(path.join(data, name), Buffer.alloc(size));
    }
    await sh.$(["resume", "cp", "-r", data, ":"]);
    await sh.$(["resume", "tree", "-s", ":"]);
    sh.echo("-----");
    sh.echo("tree -s");
    await sh.$(["resume", "tree", "-s"]);
    sh.echo("-----");
    await sh.$(["resume", "tree", "--human", ":"]);
    sh.echo("-----");
    await sh.$(["resume", "tree", "-s", "--human", ":"], { orElse: "expect error: $?" });
    sh.echo("-----");
    // mpremote's test_fs_tree.sh.exp, with `tspy:` for `mpremote:`.
    expect(sh.text).toBe(`-----
ls :
-----
empty tree
tree :
:/ramdisk
-----
touch :a.py
touch :b.py
mkdir :foo
touch :foo/aa.py
touch :foo/ba.py
small tree - :
tree :
:/ramdisk
├── a.py
├── b.py
└── foo
    ├── aa.py
    └── ba.py
-----
no path
tree :
:/ramdisk
├── a.py
├── b.py
└── foo
    ├── aa.py
    └── ba.py
-----
path = '.'
tree :.
:/ramdisk
├── a.py
├── b.py
└── foo
    ├── aa.py
    └── ba.py
-----
path = ':.'
tree :.
:/ramdisk
├── a.py
├── b.py
└── foo
    ├── aa.py
    └── ba.py
-----
multiple trees
mkdir :bar
touch :bar/aaa.py
touch :bar/bbbb.py
mkdir :bar/baz
touch :bar/baz/aaa.py
touch :bar/baz/bbbb.py
mkdir :bar/baz/quux
touch :bar/baz/quux/aaa.py
touch :bar/baz/quux/bbbb.py
mkdir :bar/baz/quux/xen
touch :bar/baz/quux/xen/aaa.py
tree :
:/ramdisk
├── a.py
├── b.py
├── bar
│   ├── aaa.py
│   ├── baz
│   │   ├── aaa.py
│   │   ├── bbbb.py
│   │   └── quux
│   │       ├── aaa.py
│   │       ├── bbbb.py
│   │       └── xen
│   │           └── aaa.py
│   └── bbbb.py
└── foo
    ├── aa.py
    └── ba.py
-----
single path
tree :foo
:foo
├── aa.py
└── ba.py
-----
multiple paths
tree :foo
:foo
├── aa.py
└── ba.py
tree :bar
:bar
├── aaa.py
├── baz
│   ├── aaa.py
│   ├── bbbb.py
│   └── quux
│       ├── aaa.py
│       ├── bbbb.py
│       └── xen
│           └── aaa.py
└── bbbb.py
-----
subtree
tree :bar/baz
:bar/baz
├── aaa.py
├── bbbb.py
└── quux
    ├── aaa.py
    ├── bbbb.py
    └── xen
        └── aaa.py
-----
mountpoint
tree :/ramdisk
:/ramdisk
├── a.py
├── b.py
├── bar
│   ├── aaa.py
│   ├── baz
│   │   ├── aaa.py
│   │   ├── bbbb.py
│   │   └── quux
│   │       ├── aaa.py
│   │       ├── bbbb.py
│   │       └── xen
│   │           └── aaa.py
│   └── bbbb.py
└── foo
    ├── aa.py
    └── ba.py
-----
non-existent folder : error
tree :not_there
tspy: tree: 'not_there' is not a directory
expect error: 1
-----
file : error
tree :a.py
tspy: tree: 'a.py' is not a directory
expect error: 1
-----
tree -s :
cp \${TMP}/data :
tree :
:/ramdisk
├── [        0]  a.py
├── [        0]  b.py
├── bar
│   ├── [        0]  aaa.py
│   ├── baz
│   │   ├── [        0]  aaa.py
│   │   ├── [        0]  bbbb.py
│   │   └── quux
│   │       ├── [        0]  aaa.py
│   │       ├── [        0]  bbbb.py
│   │       └── xen
│   │           └── [        0]  aaa.py
│   └── [        0]  bbbb.py
├── data
│   ├── [       20]  file1.txt
│   ├── [      204]  file2.txt
│   ├── [     1096]  file3.txt
│   └── [     2192]  file4.txt
└── foo
    ├── [        0]  aa.py
    └── [        0]  ba.py
-----
tree -s
tree :
:/ramdisk
├── [        0]  a.py
├── [        0]  b.py
├── bar
│   ├── [        0]  aaa.py
│   ├── baz
│   │   ├── [        0]  aaa.py
│   │   ├── [        0]  bbbb.py
│   │   └── quux
│   │       ├── [        0]  aaa.py
│   │       ├── [        0]  bbbb.py
│   │       └── xen
│   │           └── [        0]  aaa.py
│   └── [        0]  bbbb.py
├── data
│   ├── [       20]  file1.txt
│   ├── [      204]  file2.txt
│   ├── [     1096]  file3.txt
│   └── [     2192]  file4.txt
└── foo
    ├── [        0]  aa.py
    └── [        0]  ba.py
-----
tree :
:/ramdisk
├── [     0]  a.py
├── [     0]  b.py
├── bar
│   ├── [     0]  aaa.py
│   ├── baz
│   │   ├── [     0]  aaa.py
│   │   ├── [     0]  bbbb.py
│   │   └── quux
│   │       ├── [     0]  aaa.py
│   │       ├── [     0]  bbbb.py
│   │       └── xen
│   │           └── [     0]  aaa.py
│   └── [     0]  bbbb.py
├── data
│   ├── [    20]  file1.txt
│   ├── [   204]  file2.txt
│   ├── [  1.1K]  file3.txt
│   └── [  2.1K]  file4.txt
└── foo
    ├── [     0]  aa.py
    └── [     0]  ba.py
-----
usage: fs [--help] [--recursive | --no-recursive] [--force | --no-force]
          [--verbose | --no-verbose] [--size | --human]
          command path [path ...] ...
fs: error: argument --human/-h: not allowed with argument --size/-s
expect error: 2
-----
`);
  }, RESET.timeout);

  it("test_mount.sh: a package imported through the mount, a board write read on the host, readlines", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mount-sh-"));
    try {
      const sh = script(tmp);
      sh.echo("-----");
      fs.mkdirSync(path.join(tmp, "mount_package", "subpackage"), { recursive: true });
      fs.writeFileSync(path.join(tmp, "mount_package", "__init__.py"), "from .x import x\nfrom .subpackage import y\n");
      fs.writeFileSync(path.join(tmp, "mount_package", "x.py"), 'def x():\n  print("x")\n');
      fs.writeFileSync(path.join(tmp, "mount_package", "subpackage", "__init__.py"), "from .y import y\n");
      fs.writeFileSync(path.join(tmp, "mount_package", "subpackage", "y.py"), 'def y():\n  print("y")\n');
      await sh.$(["mount", tmp, "exec", "import mount_package; mount_package.x(); mount_package.y()"]);
      sh.echo("-----");
      await sh.$(["mount", tmp, "exec", "open('test.txt', 'w').write('hello world\\n')"]);
      sh.text += fs.readFileSync(path.join(tmp, "test.txt"), "utf8"); // cat "${TMP}/test.txt"
      sh.echo("-----");
      await sh.$(["mount", tmp, "exec", "print(open('test.txt').readlines())"]);
      // mpremote's test_mount.sh.exp: on a pipe the mount line comes after the board's output, as there.
      expect(sh.text).toBe(
        "-----\nx\ny\nLocal directory ${TMP} is mounted at /remote\n" +
          "-----\nLocal directory ${TMP} is mounted at /remote\nhello world\n" +
          "-----\n['hello world\\n']\nLocal directory ${TMP} is mounted at /remote\n",
      );
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, RESET.timeout);
});

describe("test_resume.sh's disconnect step over a real pty (the serial transport and its port lock)", () => {
  it("eval, disconnect, eval: the reopened port is never busy (ten times)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mpremote-pty-"));
    const serve = spawn(process.execPath, [TSPY, "virtual", "serve", "--pty", "--dir", dir], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const tty = await new Promise<string>((resolve, reject) => {
        let text = "";
        const timer = setTimeout(() => reject(new Error(`virtual serve --pty did not start: ${text}`)), 30_000);
        serve.stdout!.on("data", (d) => {
          text += d;
          if (text.includes("\n")) {
            clearTimeout(timer);
            resolve(text.split("\n")[0]!.trim());
          }
        });
        serve.on("exit", () => reject(new Error(`virtual serve --pty exited: ${text}`)));
      });
      expect(tty).toMatch(/^\/dev\//);
      for (let i = 0; i < 10; i++) {
        const r = await tspy(["-d", tty, "eval", "1+2", "disconnect", "eval", "2+3"]);
        expect({ out: lf(r.stdout), err: r.stderr, status: r.status }, `round ${i}`).toEqual({ out: "3\n5\n", err: "", status: 0 });
      }
    } finally {
      serve.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
