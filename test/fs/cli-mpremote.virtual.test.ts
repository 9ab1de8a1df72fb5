// The shipped CLI against the virtual board, replaying mpremote's own file-command tests
// (tools/mpremote/tests/test_filesystem.sh, test_fs_tree.sh, test_recursive_cp.sh): same output
// text (with `tspy:` for `mpremote:`) and the same exit statuses.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lf, tspy } from "../helpers/cli.js";

let work: string;
let board: string;
let tmp: string;
const dev = () => ["-d", `virtual:${board}`];
const run = async (...args: string[]) => {
  const r = await tspy([...dev(), ...args], { cwd: tmp });
  return { status: r.status, out: lf(r.stdout), err: lf(r.stderr) };
};

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-cli-fs-"));
  board = path.join(work, "board");
  tmp = path.join(work, "host");
  fs.mkdirSync(board);
  fs.mkdirSync(tmp);
  fs.writeFileSync(path.join(tmp, "a.py"), 'print("Hello")\nprint("World")\n');
  fs.mkdirSync(path.join(tmp, "package", "subpackage"), { recursive: true });
  fs.writeFileSync(path.join(tmp, "package", "__init__.py"), "from .x import x\nfrom .subpackage import y\n");
  fs.writeFileSync(path.join(tmp, "package", "x.py"), 'def x():\n  print("x")\n');
  fs.writeFileSync(path.join(tmp, "package", "subpackage", "__init__.py"), "from .y import y\n");
  fs.writeFileSync(path.join(tmp, "package", "subpackage", "y.py"), 'def y():\n  print("y")\n');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function clearBoard(): void {
  for (const n of fs.readdirSync(board)) fs.rmSync(path.join(board, n), { recursive: true, force: true });
}

describe("mpremote's filesystem test, on tspy", () => {
  it("touch, ls, cat, sha256sum of an empty file", async () => {
    clearBoard();
    const r = await run("touch", "a.py", "+", "touch", ":b.py", "+", "ls", ":", "+", "cat", "a.py", "+", "cat", ":b.py", "+", "sha256sum", "a.py");
    expect(r.out).toBe(
      "touch :a.py\ntouch :b.py\nls :\n           0 a.py\n           0 b.py\nsha256sum :a.py\n" +
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
    );
    expect(r.status).toBe(0);
  });

  it("cp to the board under several names, board to board, and import them", async () => {
    const r = await run("cp", "a.py", ":", "+", "cp", "a.py", ":b.py", "+", "cp", "a.py", ":c.py", "+", "cp", ":a.py", ":d.py", "+", "ls", "+",
      "exec", "import a; import b; import c", "+", "sha256sum", "a.py");
    expect(r.out).toBe(
      "cp a.py :\ncp a.py :b.py\ncp a.py :c.py\ncp :a.py :d.py\nls :\n" +
        "          30 a.py\n          30 b.py\n          30 c.py\n          30 d.py\n" +
        "Hello\nWorld\nHello\nWorld\nHello\nWorld\nsha256sum :a.py\n" +
        "50f0a701dd6cd6125387b96515300c9d5294c006518f8e62fa9eea3b66587f21\n",
    );
  });

  it("mkdir, cp into directories, trailing-slash rules, -f", async () => {
    let r = await run("mkdir", "aaa", "+", "mkdir", ":bbb", "+", "cp", "a.py", ":aaa", "+", "cp", "a.py", ":bbb/b.py", "+", "cat", ":aaa/a.py", "bbb/b.py");
    expect(r.out).toBe('mkdir :aaa\nmkdir :bbb\ncp a.py :aaa\ncp a.py :bbb/b.py\nprint("Hello")\nprint("World")\nprint("Hello")\nprint("World")\n');
    r = await run("cp", "-f", "a.py", ":aaa", "+", "cat", ":aaa/a.py");
    expect(r.out).toBe('cp a.py :aaa\nprint("Hello")\nprint("World")\n');
    r = await run("cp", "a.py", ":aaa/");
    expect(r.out).toBe("cp a.py :aaa/\nUp to date: aaa/a.py\n");
    r = await run("cp", "a.py", ":aaa/a.py/");
    expect(r.out).toBe("cp a.py :aaa/a.py/\n");
    expect(r.err).toBe("tspy: cp: destination is not a directory\n");
    expect(r.status).toBe(1);
  });

  it("many sources into a directory; a missing or non-directory destination is refused", async () => {
    fs.writeFileSync(path.join(tmp, "b.txt"), "bee\n");
    let r = await run("cp", "a.py", "b.txt", ":aaa");
    expect(r.out).toBe("cp a.py :aaa\ncp b.txt :aaa\nUp to date: aaa/a.py\n".replace("cp b.txt :aaa\nUp to date: aaa/a.py\n", "Up to date: aaa/a.py\ncp b.txt :aaa\n"));
    expect(fs.readFileSync(path.join(board, "aaa", "b.txt"), "utf8")).toBe("bee\n");
    r = await run("cp", "a.py", "b.txt", ":nowhere");
    expect({ err: r.err, status: r.status }).toEqual({ err: "tspy: cp: destination does not exist\n", status: 1 });
    r = await run("cp", "a.py", "b.txt", ":d.py");
    expect({ err: r.err, status: r.status }).toEqual({ err: "tspy: cp: destination is not a directory\n", status: 1 });
    r = await run("rm", ":aaa/b.txt");
    expect(r.status).toBe(0);
  });

  it("rm, rmdir", async () => {
    let r = await run("rm", ":b.py", "c.py", "+", "ls");
    expect(r.out.startsWith("rm :b.py\nrm :c.py\nls :\n")).toBe(true);
    const names = r.out.split("\n").slice(3).filter(Boolean).map((l) => l.trim()).sort();
    expect(names).toEqual(["0 aaa/", "0 bbb/", "30 a.py", "30 d.py"]);
    r = await run("rm", ":aaa/a.py", "bbb/b.py", "+", "rmdir", "aaa", ":bbb", "+", "ls");
    expect(r.out.split("\n").slice(0, 5)).toEqual(["rm :aaa/a.py", "rm :bbb/b.py", "rmdir :aaa", "rmdir :bbb", "ls :"]);
    expect(r.out.split("\n").slice(5).filter(Boolean).map((l) => l.trim()).sort()).toEqual(["30 a.py", "30 d.py"]);
  });

  it("edit with $EDITOR, then import the edited module", async () => {
    const r = await tspy([...dev(), "edit", "d.py", "+", "sha256sum", ":d.py", "+", "exec", "import d"], {
      cwd: tmp,
      env: { EDITOR: "sed -i s/Hello/Goodbye/" },
    });
    expect(lf(r.stdout)).toBe("edit :d.py\nsha256sum :d.py\n612c7ddb88390ac86b4174b26a6e5b52fc2f2838b234efd8f6f7c41631a49d04\nGoodbye\nWorld\n");
  });

  it("errors: missing file, rm -r of a missing path, no command after fs", async () => {
    let r = await run("cat", ":nonexistent.py");
    expect(r.err).toBe("tspy: cat: nonexistent.py: No such file or directory.\n");
    expect(r.status).toBe(1);
    r = await run("rm", "-r", ":nonexistent");
    expect(r.out).toBe("rm :nonexistent\n");
    expect(r.err).toBe("tspy: rm: nonexistent: No such file or directory.\n");
    expect(r.status).toBe(1);
    r = await run("fs");
    expect(r.status).toBe(2);
  });

  it("cp -r a local package to the board, into an existing directory, and under a new name", async () => {
    clearBoard();
    let r = await run("cp", "-r", "package", ":", "+", "ls", ":", ":package", ":package/subpackage", "+", "exec", "import package; package.x(); package.y()");
    expect(r.out.startsWith("cp package :\nls :\n           0 package/\nls :package\n")).toBe(true);
    expect(r.out.endsWith("x\ny\n")).toBe(true);
    r = await run("cp", "-r", "package", ":", "+", "exec", "print('again')");
    expect(r.out).toBe("cp package :\nUp to date: ./package/__init__.py\nUp to date: ./package/subpackage/__init__.py\nUp to date: ./package/subpackage/y.py\nUp to date: ./package/x.py\nagain\n");
    r = await run("mkdir", ":test", "+", "cp", "-r", "package", ":test", "+", "cp", "-r", "package", ":test/package2", "+", "tree", ":test");
    expect(r.out).toBe(
      "mkdir :test\ncp package :test\ncp package :test/package2\ntree :test\n:test\n" +
        "├── package\n│   ├── __init__.py\n│   ├── subpackage\n│   │   ├── __init__.py\n│   │   └── y.py\n│   └── x.py\n" +
        "└── package2\n    ├── __init__.py\n    ├── subpackage\n    │   ├── __init__.py\n    │   └── y.py\n    └── x.py\n",
    );
  });

  it("cp -r from the board back to the host, into a directory and as a new name", async () => {
    fs.mkdirSync(path.join(tmp, "copy"));
    const r = await run("cp", "-r", ":test/package", "copy", "+", "cp", "-r", ":test/package", "copy/package2");
    expect(r.status).toBe(0);
    const list = (p: string) => (fs.readdirSync(path.join(tmp, p), { recursive: true }) as string[]).sort();
    expect(list("copy")).toEqual(["package", "package/__init__.py", "package/subpackage", "package/subpackage/__init__.py", "package/subpackage/y.py", "package/x.py",
      "package2", "package2/__init__.py", "package2/subpackage", "package2/subpackage/__init__.py", "package2/subpackage/y.py", "package2/x.py"]);
    expect(fs.readFileSync(path.join(tmp, "copy", "package2", "x.py"), "utf8")).toBe('def x():\n  print("x")\n');
  });

  it("tree: sizes, human sizes, not a directory, -s with -h", async () => {
    clearBoard();
    fs.mkdirSync(path.join(tmp, "data"));
    for (const [n, size] of [[1, 20], [2, 204], [3, 1096], [4, 2192]]) fs.writeFileSync(path.join(tmp, "data", `file${n}.txt`), Buffer.alloc(size));
    let r = await run("cp", "-r", "data", ":", "+", "touch", ":a.py", "+", "tree", "-s", ":", "+", "tree", "--human", ":data");
    expect(r.out).toBe(
      "cp data :\ntouch :a.py\ntree :\n:/\n├── [        0]  a.py\n└── data\n" +
        "    ├── [       20]  file1.txt\n    ├── [      204]  file2.txt\n    ├── [     1096]  file3.txt\n    └── [     2192]  file4.txt\n" +
        "tree :data\n:data\n├── [    20]  file1.txt\n├── [   204]  file2.txt\n├── [  1.1K]  file3.txt\n└── [  2.1K]  file4.txt\n",
    );
    r = await run("tree", ":a.py");
    expect(r.err).toBe("tspy: tree: 'a.py' is not a directory\n");
    expect(r.status).toBe(1);
    r = await run("tree", "-s", "--human", ":");
    expect(r.status).toBe(2);
  });

  it("rm -r -v of the current directory", async () => {
    clearBoard();
    const r = await run("touch", ":a.py", "+", "cp", "-r", "package", ":", "+", "rm", "-r", "-v", ":", "+", "ls", ":");
    const lines = r.out.split("\n");
    expect(lines.slice(0, 3)).toEqual(["touch :a.py", "cp package :", "rm :"]);
    expect(lines).toContain("removed: './a.py'");
    expect(lines).toContain("removed: './package/subpackage/y.py'");
    expect(lines.indexOf("removed directory: './package/subpackage'")).toBeGreaterThan(lines.indexOf("removed: './package/subpackage/y.py'"));
    expect(lines.indexOf("removed directory: './package'")).toBeGreaterThan(lines.indexOf("removed directory: './package/subpackage'"));
    expect(r.out.endsWith("ls :\n")).toBe(true);
    expect(fs.readdirSync(board)).toEqual([]);
  });

  it("--json for ls, tree, df and sha256sum", async () => {
    clearBoard();
    const r = await run("cp", "a.py", ":", "+", "ls", "--json", "+", "sha256sum", "--json", ":a.py", "+", "df", "--json", "+", "tree", "--json");
    const lines = r.out.split("\n").filter(Boolean);
    expect(JSON.parse(lines[1])).toEqual([{ name: "a.py", type: "file", size: 30 }]);
    expect(JSON.parse(lines[2])).toEqual({ "a.py": "50f0a701dd6cd6125387b96515300c9d5294c006518f8e62fa9eea3b66587f21" });
    expect(JSON.parse(lines[3])[0]).toMatchObject({ mountedOn: "/" });
    expect(JSON.parse(lines[4])).toEqual({ path: "/", children: [{ name: "a.py", isDir: false, size: 30 }] });
  });

  it("sync pushes only what changed, --dry-run changes nothing, --delete removes", async () => {
    clearBoard();
    let r = await run("sync", "package", ":lib");
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(board, "lib", "subpackage", "y.py"), "utf8")).toBe('def y():\n  print("y")\n');
    fs.writeFileSync(path.join(tmp, "package", "x.py"), 'def x():\n  print("X")\n');
    fs.writeFileSync(path.join(board, "lib", "stale.py"), "old\n");
    r = await run("sync", "--dry-run", "--delete", "package", ":lib");
    expect(r.out).toBe(`rm :lib/stale.py\ncp ${path.join("package", "x.py")} :lib/x.py (changed)\nsync: 1 to copy, 3 unchanged, 1 to remove (dry run: nothing changed)\n`);
    expect(fs.existsSync(path.join(board, "lib", "stale.py"))).toBe(true);
    r = await run("sync", "--delete", "package", ":lib");
    expect(r.out.split("\n").at(-2)).toBe("sync: 1 copied, 3 unchanged, 1 removed");
    expect(fs.existsSync(path.join(board, "lib", "stale.py"))).toBe(false);
    expect(fs.readFileSync(path.join(board, "lib", "x.py"), "utf8")).toBe('def x():\n  print("X")\n');
  });
});
