import { describe, expect, it } from "vitest";
import { boardBasename, boardDirname, joinBoard, stripColon, tempPathFor } from "../../src/fs/paths.js";
import { dfLines, humanSize, lsLine, treeFromWalk, treeLines } from "../../src/fs/format.js";
import { parseFsArgs } from "../../src/cli/fs.js";

describe("board paths, as mpremote joins them", () => {
  it("joins under ./ when the base is the current directory", () => {
    expect(joinBoard("", "package", "__init__.py")).toBe("./package/__init__.py");
    expect(joinBoard("/", "x")).toBe("/x");
    expect(joinBoard("lib/", "/a/", "b")).toBe("lib/a/b");
  });
  it("splits dirname and basename", () => {
    expect(boardDirname("a/b/c.py")).toBe("a/b");
    expect(boardDirname("c.py")).toBe("");
    expect(boardBasename("a/b/c.py")).toBe("c.py");
    expect(stripColon(":x")).toBe("x");
    expect(stripColon("x")).toBe("x");
  });
  it("keeps temporary files beside their target", () => {
    expect(tempPathFor("main.py")).toBe(".main.py.tspy-tmp");
    expect(tempPathFor("/lib/x.mpy")).toBe("/lib/.x.mpy.tspy-tmp");
    expect(tempPathFor("/x")).toBe("/.x.tspy-tmp");
  });
});

describe("listing text, as mpremote prints it", () => {
  it("ls", () => {
    expect(lsLine({ name: "a.py", mode: 0x8000, size: 30, isDir: false })).toBe("          30 a.py");
    expect(lsLine({ name: "aaa", mode: 0x4000, size: 0, isDir: true })).toBe("           0 aaa/");
  });
  it("human sizes (values printed by mpremote's human_size under CPython)", () => {
    const cases: [number, string][] = [[0, "0"], [1023, "1023"], [1024, "1.0K"], [1096, "1.1K"], [1280, "1.2K"], [1331, "1.3K"], [2192, "2.1K"], [1048575, "1024.0K"], [1048576, "1.0M"], [1536, "1.5K"]];
    for (const [n, s] of cases) expect(humanSize(n)).toBe(s);
  });
  it("tree, sorted by name, sizes of directories left out when 0", () => {
    const nodes = treeFromWalk([
      { path: "foo", isDir: true, size: 0 },
      { path: "foo/ba.py", isDir: false, size: 0 },
      { path: "foo/aa.py", isDir: false, size: 0 },
      { path: "b.py", isDir: false, size: 1096 },
      { path: "a.py", isDir: false, size: 20 },
    ]);
    expect(treeLines(nodes, "none")).toEqual(["├── a.py", "├── b.py", "└── foo", "    ├── aa.py", "    └── ba.py"]);
    expect(treeLines(nodes, "bytes")[0]).toBe("├── [       20]  a.py");
    expect(treeLines(nodes, "human")[1]).toBe("├── [  1.1K]  b.py");
    expect(treeLines(nodes, "human")[2]).toBe("└── foo");
  });
  it("df", () => {
    expect(dfLines([{ filesystem: "<VfsLfs2>", mountedOn: "/", size: 1048576, used: 8192, avail: 1040384 }])).toEqual([
      "filesystem     size     used    avail use% mounted on",
      "<VfsLfs2>   1048576     8192  1040384    0 /",
    ]);
  });
});

describe("file command flags, as mpremote's argparse takes them", () => {
  it("short flags combine; --no- forms turn off", () => {
    const f = parseFsArgs("rm", ["-rv", ":a", "--no-verbose", ":b"]);
    expect(f.recursive).toBe(true);
    expect(f.verbose).toBe(false);
    expect(f.paths).toEqual([":a", ":b"]);
  });
  it("-s with -h is refused, unknown flags are refused", () => {
    expect(() => parseFsArgs("tree", ["-s", "-h"])).toThrow(/not allowed with argument --size/);
    expect(() => parseFsArgs("ls", ["--bogus"])).toThrow(/unknown option/);
  });
});
