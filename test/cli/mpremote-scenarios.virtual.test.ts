// mpremote's own test scenarios (tools/mpremote/tests/test_*.sh at v1.27.0), replayed with tspy in
// mpremote's place against a served virtual board (`tspy virtual serve`), so that board state survives
// between invocations as on a real board: each `tspy` below is one process, as `$MPREMOTE` is one there.
// The expected transcripts are mpremote's .sh.exp (stdout and stderr together), with `tspy:` for
// `mpremote:`. The virtual board has no VfsFat, so where a scenario builds a RAM disk it gets a plain
// directory of the same name instead (same paths, same listings).
// test_filesystem.sh and test_recursive_cp.sh are test/fs/cli-mpremote.virtual.test.ts; test_mount.sh
// belongs with mount's tests.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lf, ROOT, TSPY, tspy } from "../helpers/cli.js";

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

/** A shell-script-like transcript: `$(...)` runs tspy on the served board; `echo` adds a line. */
class Script {
  text = "";
  echo(line = ""): void {
    this.text += line + "\n";
  }
  /**
   * One `$MPREMOTE ...` line. `orElse` is the script's `|| echo ...` (with $? filled in); `firstErrLine`
   * keeps only stderr's first line, as the script's `2> >(head -n1 >&2)`.
   */
  async $(args: string[], opts: { orElse?: string; firstErrLine?: boolean; cwd?: string } = {}): Promise<number> {
    const r = await tspy(["-d", device, ...args], { cwd: opts.cwd ?? work });
    const err = lf(r.stderr);
    this.text += lf(r.stdout) + (opts.firstErrLine ? err.split("\n")[0] + (err ? "\n" : "") : err);
    if (r.status !== 0) {
      if (opts.orElse === undefined) throw new Error(`tspy ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
      this.echo(opts.orElse.replace("$?", String(r.status)));
    }
    return r.status!;
  }
}

const RESET = { timeout: 120_000 };

describe("mpremote's test scenarios against the served virtual board", () => {
  it("test_eval_exec_run.sh", async () => {
    const sh = new Script();
    await sh.$(["exec", "print('mpremote')"]);
    await sh.$(["exec", "print('before sleep'); import time; time.sleep(0.1); print('after sleep')"]);
    await sh.$(["exec", "--no-follow", "print('before sleep'); import time; time.sleep(0.1); print('after sleep')"]);
    await new Promise((r) => setTimeout(r, 300));
    await sh.$(["eval", "1+2"]);
    await sh.$(["eval", "[{'a': 'b'}, (1,2,3,), True]"]);
    const run = path.join(work, "run.py");
    fs.writeFileSync(run, 'print("run")\n');
    await sh.$(["run", run]);
    fs.writeFileSync(run, 'import time\nfor i in range(3):\n    time.sleep(0.1)\n    print("run")\n');
    await sh.$(["run", "--no-follow", run]);
    await new Promise((r) => setTimeout(r, 500));
    expect(sh.text).toBe("mpremote\nbefore sleep\nafter sleep\n3\n[{'a': 'b'}, (1, 2, 3), True]\nrun\n");
  }, RESET.timeout);

  it("test_resume.sh (run three times: the disconnect/reconnect step must not find the port busy)", async () => {
    for (let round = 0; round < 3; round++) {
      const sh = new Script();
      sh.echo("-----");
      await sh.$(["exec", "a = 'hello'", "eval", "a"]);
      sh.echo("-----");
      await sh.$(["eval", "a"], { orElse: "" });
      sh.text = sh.text.replace(/\n\n$/, "\n"); // `|| true` prints nothing
      sh.echo("-----");
      await sh.$(["exec", "a = 'resume'"]);
      await sh.$(["resume", "eval", "a"]);
      sh.echo("-----");
      await sh.$(["exec", "a = 'soft-reset'", "eval", "a", "soft-reset", "eval", "1+1", "eval", "a"], { orElse: "" });
      sh.text = sh.text.replace(/\n\n$/, "\n");
      sh.echo("-----");
      await sh.$(["eval", "1+2", "disconnect", "eval", "2+3"]);
      const nameError = "Traceback (most recent call last):\n  File \"<stdin>\", line 1, in <module>\nNameError: name 'a' isn't defined\n";
      expect(sh.text).toBe(`-----\nhello\n-----\n${nameError}-----\nresume\n-----\nsoft-reset\n2\n${nameError}-----\n3\n5\n`);
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
    const sh = new Script();
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
    const sh = new Script();
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

  it("test_fs_tree.sh: trees, the not-a-directory errors, and argparse's usage block for -s with --human", async () => {
    const sh = new Script();
    sh.echo("-----");
    await sh.$(["exec", "import os; os.mkdir('/ramdisk'); os.chdir('/ramdisk')"]);
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
    sh.echo("path = ':.'");
    await sh.$(["resume", "tree", ":."]);
    sh.echo("-----");
    sh.echo("non-existent folder : error");
    await sh.$(["resume", "tree", ":not_there"], { orElse: "expect error: $?" });
    sh.echo("-----");
    sh.echo("file : error");
    await sh.$(["resume", "tree", ":a.py"], { orElse: "expect error: $?" });
    sh.echo("-----");
    await sh.$(["resume", "tree", "-s", "--human", ":"], { orElse: "expect error: $?" });
    sh.echo("-----");
    const small = ":/ramdisk\n├── a.py\n├── b.py\n└── foo\n    ├── aa.py\n    └── ba.py\n";
    expect(sh.text).toBe(
      "-----\nls :\n-----\nempty tree\ntree :\n:/ramdisk\n-----\n" +
        "touch :a.py\ntouch :b.py\nmkdir :foo\ntouch :foo/aa.py\ntouch :foo/ba.py\n" +
        `small tree - :\ntree :\n${small}-----\npath = ':.'\ntree :.\n${small}-----\n` +
        "non-existent folder : error\ntree :not_there\ntspy: tree: 'not_there' is not a directory\nexpect error: 1\n-----\n" +
        "file : error\ntree :a.py\ntspy: tree: 'a.py' is not a directory\nexpect error: 1\n-----\n" +
        "usage: fs [--help] [--recursive | --no-recursive] [--force | --no-force]\n" +
        "          [--verbose | --no-verbose] [--size | --human]\n" +
        "          command path [path ...] ...\n" +
        "fs: error: argument --human/-h: not allowed with argument --size/-s\nexpect error: 2\n-----\n",
    );
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
