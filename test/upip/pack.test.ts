import { beforeAll, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import tar from "tar-stream";
import { measureGzipWindow } from "../../src/upip/deflate-window.js";
import { checkForUpip, packForUpip } from "../../src/upip/pack.js";
import { ArchiveError } from "../../src/upip/errors.js";
import { buildSdist } from "../../fixtures/pypi/sdist.js";
import { buildTar } from "../../fixtures/pypi/tar-writer.js";
import { READ_LIKE_UPIP, startVm, type Vm } from "./micropython-vm.js";

let vm: Vm;
beforeAll(async () => {
  vm = await startVm();
});

const sha = (s: string | Uint8Array) => createHash("sha256").update(s).digest("hex");

/** Data whose repeats sit `gap` bytes apart, so a compressor with a big enough window reaches that far. */
function repeatsAt(gap: number): Buffer {
  const block = randomBytes(gap);
  return Buffer.concat([block, block, block]);
}

/** What the board's own inflater (4 KB window) makes of a gzip file. */
function boardInflates(gz: Uint8Array): boolean {
  vm.writeFile("/probe.gz", gz);
  const out = vm.run(`
import deflate
try:
    d = deflate.DeflateIO(open("/probe.gz", "rb"), deflate.GZIP, 12)
    while d.read(256):
        pass
    print("OK")
except Exception as e:
    print("FAIL", repr(e))
`);
  return out.trim() === "OK";
}

/** A tar.gz made by tar-stream, which writes long names with the ustar prefix field or PAX records. */
async function tarStreamGz(entries: tar.Headers[]): Promise<Uint8Array> {
  const pack = tar.pack();
  for (const e of entries) pack.entry(e, e.type === "symlink" ? undefined : "x = 1\n");
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c);
  return new Uint8Array(gzipSync(Buffer.concat(chunks), { windowBits: 12 }));
}

describe("deflate window walk", () => {
  it("agrees with the board's 4 KB inflater and with zlib on where the window is exceeded", () => {
    for (const [gap, bits] of [[3000, 15], [6000, 12], [6000, 15], [20000, 15], [100, 9]] as const) {
      const data = repeatsAt(gap);
      const gz = new Uint8Array(gzipSync(data, { windowBits: bits, level: 9 }));
      const report = measureGzipWindow(gz, "probe");
      expect(report.inflatedSize).toBe(data.length);
      const board = boardInflates(gz);
      let zlibSmallWindow = true;
      try {
        gunzipSync(gz, { windowBits: 12, chunkSize: 64 });
      } catch {
        zlibSmallWindow = false;
      }
      expect(report.maxDistance <= 4096, `gap ${gap} window ${bits}`).toBe(board);
      expect(board).toBe(zlibSmallWindow);
    }
  });

  it("counts the exact size of stored, fixed and dynamic blocks", () => {
    for (const level of [0, 1, 9]) {
      const data = Buffer.concat([randomBytes(70000), Buffer.from("abc".repeat(5000)), randomBytes(5)]);
      const gz = new Uint8Array(gzipSync(data, { level }));
      expect(measureGzipWindow(gz, "x").inflatedSize).toBe(data.length);
    }
    const tiny = new Uint8Array(gzipSync(Buffer.from("a"), { strategy: 4 /* Z_FIXED */ }));
    expect(measureGzipWindow(tiny, "x")).toEqual({ maxDistance: 0, inflatedSize: 1, trailingBytes: 0 });
  });

  it("refuses truncated and non-gzip input", () => {
    const gz = new Uint8Array(gzipSync(randomBytes(5000)));
    expect(() => measureGzipWindow(gz.subarray(0, 3000), "cut")).toThrow(ArchiveError);
    expect(() => measureGzipWindow(gz.subarray(0, gz.length - 4), "cut")).toThrow(/truncated|trailer/);
    expect(() => measureGzipWindow(new TextEncoder().encode("PK\x03\x04 not gzip at all...."), "zip")).toThrow(/not a gzip/);
  });
});

describe("upip pack", () => {
  const big = "# filler\n" + Array.from({ length: 3000 }, (_, i) => `VALUE_${i} = ${i * 7919}\n`).join("");
  const sdist = buildSdist({
    name: "pycopy-packme",
    version: "1.2",
    windowBits: 15,
    files: {
      "packme/__init__.py": big,
      "packme/data/table.bin": new Uint8Array(randomBytes(9000)),
      "single.py": big.slice(0, 20000) + "\n",
      "LICENSE": "MIT\n",
      "setup.cfg": "[metadata]\n",
    },
    requires: ["pycopy-dep"],
  });

  it("keeps what upip installs, in a 4 KB-window archive the board inflates itself", async () => {
    expect(boardInflates(sdist)).toBe(false);
    const packed = await packForUpip(sdist, "pycopy-packme-1.2.tar.gz");
    vm.writeFile("/packed.tar.gz", packed.archive);
    const listing = vm.run(READ_LIKE_UPIP("/packed.tar.gz")).trim().split("\n").sort();
    const members = Object.fromEntries(listing.map((l) => [l.split(" ")[0], l.split(" ").slice(1).join(" ")]));
    expect(Object.keys(members).sort()).toEqual([
      "pycopy-packme-1.2/packme/__init__.py",
      "pycopy-packme-1.2/packme/data/table.bin",
      "pycopy-packme-1.2/pycopy_packme.egg-info/PKG-INFO",
      "pycopy-packme-1.2/pycopy_packme.egg-info/requires.txt",
      "pycopy-packme-1.2/single.py",
    ]);
    expect(members["pycopy-packme-1.2/packme/__init__.py"]).toBe(`${Buffer.byteLength(big)} ${sha(big)}`);
    expect(members["pycopy-packme-1.2/pycopy_packme.egg-info/requires.txt"]).toBe(`11 ${sha("pycopy-dep\n")}`);
    expect(checkForUpip(packed.archive, "packed").fitsWindow).toBe(true);
  });

  it("check reports archives upip cannot take", async () => {
    const wide = checkForUpip(sdist, "wide");
    expect(wide.fitsWindow).toBe(false);
    expect(wide.window.maxDistance).toBeGreaterThan(4096);

    const archive = await tarStreamGz([
      { name: `pkg-1/${"d".repeat(60)}/${"m".repeat(60)}.py` },
      { name: "pkg-1/alias.py", type: "symlink", linkname: "pkg-1/x.py" },
    ]);
    const problems = checkForUpip(archive, "long").tarProblems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/prefix/);
    expect(problems[1]).toMatch(/link/);
  });

  it("refuses archives with links or escaping members", async () => {
    const withLink = new Uint8Array(gzipSync(buildTar([{ name: "p-1/a.py", data: "" }, { name: "p-1/b.py", typeflag: "2", linkname: "/etc/passwd" }])));
    await expect(packForUpip(withLink, "l")).rejects.toThrow(/symlink/);
    const escaping = new Uint8Array(gzipSync(buildTar([{ name: "p-1/../../x.py", data: "" }])));
    await expect(packForUpip(escaping, "e")).rejects.toThrow(ArchiveError);
    const longName = await tarStreamGz([{ name: `p-1/${"n".repeat(95)}.py` }]);
    await expect(packForUpip(longName, "n")).rejects.toThrow(/100 bytes/);
  });
});
