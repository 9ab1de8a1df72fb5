import { describe, expect, it } from "vitest";
import { describeAction, planSync, type BoardFile, type LocalFile } from "../../src/fs/sync.js";

const file = (path: string, size: number): LocalFile => ({ path, isDir: false, size, source: `/src/${path}` });
const dir = (path: string): LocalFile => ({ path, isDir: true, size: 0 });
const bfile = (path: string, size: number): BoardFile => ({ path, isDir: false, size });
const bdir = (path: string): BoardFile => ({ path, isDir: true, size: 0 });

describe("sync plan", () => {
  const local = [file("main.py", 10), dir("lib"), file("lib/a.py", 5), file("lib/b.py", 7)];

  it("copies everything to an empty board", () => {
    const p = planSync(local, [], new Map(), () => "x", { delete: false });
    expect(p.actions.map((a) => describeAction(a, "app"))).toEqual([
      "cp /src/main.py :app/main.py",
      "mkdir :app/lib",
      "cp /src/lib/a.py :app/lib/a.py",
      "cp /src/lib/b.py :app/lib/b.py",
    ]);
  });

  it("copies only what changed (size, then hash)", () => {
    const board = [bfile("main.py", 10), bdir("lib"), bfile("lib/a.py", 5), bfile("lib/b.py", 8)];
    const digests = new Map<string, string | null>([["main.py", "h-main"], ["lib/a.py", "old"]]);
    const hashes: Record<string, string> = { "main.py": "h-main", "lib/a.py": "new", "lib/b.py": "h-b" };
    const p = planSync(local, board, digests, (f) => hashes[f.path], { delete: false });
    expect(p.unchanged).toEqual(["main.py"]);
    expect(p.actions.map((a) => describeAction(a, ""))).toEqual([
      "cp /src/lib/a.py :lib/a.py (changed)",
      "cp /src/lib/b.py :lib/b.py (changed)",
    ]);
  });

  it("a board that cannot hash gets same-size files again", () => {
    const p = planSync([file("a.py", 3)], [bfile("a.py", 3)], new Map([["a.py", null]]), () => "h", { delete: false });
    expect(p.actions).toHaveLength(1);
  });

  it("--delete removes board files gone locally, deepest first, directories last", () => {
    const board = [bfile("main.py", 10), bdir("old"), bdir("old/sub"), bfile("old/sub/x.py", 1), bfile("stale.py", 1)];
    const p = planSync([file("main.py", 10)], board, new Map([["main.py", "h"]]), () => "h", { delete: true });
    expect(p.actions.map((a) => describeAction(a, ""))).toEqual(["rm :old/sub/x.py", "rm :stale.py", "rmdir :old/sub", "rmdir :old"]);
    const keep = planSync([file("main.py", 10)], board, new Map([["main.py", "h"]]), () => "h", { delete: false });
    expect(keep.actions).toEqual([]);
  });

  it("replaces a board directory where a local file now is", () => {
    const p = planSync([file("x", 1)], [bdir("x"), bfile("x/y", 1)], new Map(), () => "h", { delete: true });
    expect(p.actions.map((a) => describeAction(a, ""))).toEqual(["rm :x/y", "rmdir :x", "cp /src/x :x"]);
  });
});
