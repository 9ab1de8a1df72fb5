// The install commands as users run them: the shipped CLI (bin/tspy.js → dist) against the index fixture.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { tspy } from "../helpers/cli.js";
import { buildSdist } from "../../fixtures/pypi/sdist.js";
import { writeMipPackage } from "../../fixtures/pypi/mip-index.js";
import type { PypiFixture } from "../../fixtures/pypi-fixture.js";
import { listTree, publish, removeTempDirs, startIndex, tempDir } from "./helpers.js";

let index: PypiFixture;

beforeAll(async () => {
  index = await startIndex();
  await publish(index, { name: "pycopy-pkg", version: "1.0", files: { "pkg.py": "import dep\n" }, requires: ["pycopy-dep"] });
  await publish(index, { name: "pycopy-dep", version: "0.9", files: { "dep.py": "D = 1\n" } });
  await publish(index, { name: "pycopy-other", version: "4.2", files: { "other.py": "O = 1\n" } });
  await publish(index, { name: "pycopy-evil", version: "1", files: { "ok.py": "" }, extra: [{ name: "pycopy-evil-1/../../../tmp/evil.py", data: "x" }] });
  await writeMipPackage(path.join(index.dir, "mip"), { name: "ssd1306", version: "0.1.0", flavour: "py", files: { "ssd1306.py": "class SSD1306: pass\n" } });
});

afterAll(async () => {
  await index.close();
  await removeTempDirs();
});

describe("tspy install / upip / mip", () => {
  it("install -p DIR installs packages, dependencies and -r requirements, and lists them with versions", async () => {
    const dir = await tempDir("cli-dest");
    const req = path.join(await tempDir("cli-req"), "requirements.txt");
    await fs.writeFile(req, "# for the board\npycopy-other==4.2\n");
    const r = await tspy(["install", "-i", index.pypiIndex, "-p", dir, "-r", req, "pycopy-pkg"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await listTree(dir)).toEqual({ "pkg.py": "import dep\n", "dep.py": "D = 1\n", "other.py": "O = 1\n" });
    expect(r.stdout).toMatch(/pycopy-pkg 1\.0/);
    expect(r.stdout).toMatch(/pycopy-dep 0\.9/);
    expect(r.stdout).toMatch(/pycopy-other 4\.2/);
  });

  it("bad input: one line on stderr, non-zero status, nothing written", async () => {
    const dir = await tempDir("cli-dest");
    for (const [args, status, pattern] of [
      [["install", "-i", index.pypiIndex, "-p", dir, "pycopy-pkg", "no-such-thing"], 1, /no-such-thing/],
      [["install", "-i", index.pypiIndex, "-p", dir, "pycopy-evil"], 1, /\.\./],
      [["install", "-p", dir], 2, /usage/],
      [["install", "--bogus", "x"], 2, /bogus/],
      [["mip", "install", "--index", index.mipIndex, "-p", dir, "nothing-here"], 1, /not found/],
      [["upip", "frobnicate"], 2, /unknown command "frobnicate"/],
      [["upip", "chek", "x.tar.gz"], 2, /did you mean `check`/],
    ] as const) {
      const r = await tspy([...args]);
      expect(r.status, args.join(" ")).toBe(status);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      // mip names what it is about to install first, as mpremote does; nothing else reaches stdout.
      expect(r.stdout).toBe(args[0] === "mip" ? `Install ${args.at(-1)}\n` : "");
    }
    expect(await listTree(dir)).toEqual({});
  });

  it("mip install into a local directory with --target", async () => {
    const dir = await tempDir("cli-dest");
    const r = await tspy(["mip", "install", "--index", index.mipIndex, "-p", dir, "--target", "/lib", "ssd1306"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await listTree(dir)).toEqual({ "lib/ssd1306.py": "class SSD1306: pass\n" });
    expect(r.stdout).toBe("Install ssd1306\nInstalling: /lib/ssd1306.py\nDone\n"); // mpremote's progress lines
  });

  it("upip pack repacks in place keeping the original; check tells the two apart", async () => {
    const dir = await tempDir("cli-pack");
    const file = path.join(dir, "pycopy-big-1.0.tar.gz");
    const body = Array.from({ length: 4000 }, (_, i) => `N${i} = ${(i * 2654435761) % 1000003}\n`).join("");
    const original = buildSdist({ name: "pycopy-big", version: "1.0", windowBits: 15, files: { "big.py": body } });
    await fs.writeFile(file, original);

    const before = await tspy(["upip", "check", file]);
    expect(before.status).toBe(1);
    expect(before.stdout).toMatch(/more than a 4 KB window/);

    const packed = await tspy(["upip", "pack", file]);
    expect(packed.stderr).toBe("");
    expect(packed.status).toBe(0);
    expect(new Uint8Array(await fs.readFile(`${file}.orig`))).toEqual(original);
    expect(gunzipSync(await fs.readFile(file)).includes(Buffer.from(body))).toBe(true);

    const after = await tspy(["upip", "check", file]);
    expect(after.status).toBe(0);
    expect(after.stdout).toMatch(/inflates with a 4 KB window/);

    const again = await tspy(["upip", "pack", file]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/\.orig already exists/);
  });

  it("install onto the virtual board (-d virtual:DIR)", async () => {
    const board = await tempDir("cli-board");
    const r = await tspy(["-d", `virtual:${board}`, "install", "-i", index.pypiIndex, "pycopy-pkg"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(await listTree(path.join(board, "lib"))).toEqual({ "pkg.py": "import dep\n", "dep.py": "D = 1\n" });
  }, 30_000);
});
