// Issue 12 item 3: the virtual board's directory full (a 64 KB tmpfs) or read-only. A write the host
// refuses is an OSError on the board, as firmware reports its own flash running out; cp keeps the old
// file, says so in one line, once, and exits non-zero.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TSPY } from "../helpers/cli.js";
import { runWithSmallMount, smallMountsWork } from "../helpers/small-mount.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

const OLD = "old file contents\n";
let dir: string;
let seed: string;
let big: string;

beforeAll(async () => {
  dir = await tempDir("board-full");
  seed = path.join(dir, "seed");
  fs.mkdirSync(seed);
  fs.writeFileSync(path.join(seed, "f.txt"), OLD);
  big = path.join(dir, "big.bin");
  fs.writeFileSync(big, Buffer.alloc(200_000, 0x41));
});

const cases = [
  { name: "full", readOnly: false, errno: 28, words: /No space left on device/ },
  { name: "read-only", readOnly: true, errno: 30, words: /Read-only file system/ },
];

describe.skipIf(!smallMountsWork())("a board directory that refuses writes", () => {
  for (const c of cases) {
    it(`${c.name}: cp keeps the old file, says it once, exits non-zero`, async () => {
      const mnt = path.join(dir, `mnt-${c.name}`);
      const r = await runWithSmallMount({ mnt, seed, size: "64k", readOnly: c.readOnly }, [process.execPath, TSPY, "-d", `virtual:${mnt}`, "cp", big, ":f.txt"]);
      expect(r.status).not.toBe(0);
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(c.words);
      expect(fs.readFileSync(path.join(r.after, "f.txt"), "utf8")).toBe(OLD);
      expect(fs.readdirSync(r.after)).toEqual(["f.txt"]); // no temp file, no journal left behind
    });

    it(`${c.name}: a board program's write raises OSError ${c.errno}`, async () => {
      const mnt = path.join(dir, `mnt-exec-${c.name}`);
      const code = "try:\n f=open('g.txt','w')\n f.write('x'*100000)\n f.close()\n print('no error')\nexcept OSError as e:\n print('OSError', e.errno)";
      const r = await runWithSmallMount({ mnt, seed, size: "64k", readOnly: c.readOnly }, [process.execPath, TSPY, "-d", `virtual:${mnt}`, "exec", code]);
      expect(r.stdout.trim()).toBe(`OSError ${c.errno}`);
      expect(r.stderr).toBe("");
    });
  }
});
