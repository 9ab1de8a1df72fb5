// The WiPy end to end on the simulator: file commands on a telnet:// board travel over its FTP
// server while exec stays on telnet, and `tspy ota` updates the firmware (release before and after),
// is refused locally for a file that is no CC3200 image, reports a board that booted its old
// firmware because the update failed the MD5 check, and gives the safe-boot recovery for a board
// that never comes back.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWipyImage, startWipyFixture, type WipyFixture } from "../../fixtures/wipy-fixture.js";
import { checkCc3200Image } from "../../src/flash/cc3200/index.js";
import { lf, tspy } from "../helpers/cli.js";

let work: string;
const image = (name: string, data: Buffer) => {
  const p = path.join(work, name);
  fs.writeFileSync(p, data);
  return p;
};
const device = (w: WipyFixture) => `${w.telnetUrl}?ftp=${w.ftpPort}`;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-wipy-ota-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("the CC3200 image check", () => {
  it("accepts a signed image and names what is wrong with others", () => {
    const good = makeWipyImage({ version: "v1.28.0" });
    expect(checkCc3200Image(good)).toMatchObject({ size: 96 * 1024, entry: 0x20004201, initialSp: 0x2003f800, version: "v1.28.0" });
    const damaged = Buffer.from(good);
    damaged[1000] ^= 1;
    expect(() => checkCc3200Image(damaged, "x.bin")).toThrow("x.bin: the MD5 signature does not match the contents");
    expect(() => checkCc3200Image(Buffer.alloc(30))).toThrow(/too short/);
    expect(() => checkCc3200Image(Buffer.alloc(300 * 1024))).toThrow(/192 KB update slot/);
    expect(() => checkCc3200Image(Buffer.alloc(1000))).toThrow(/does not end in an MD5 signature/);
  });
});

describe("a WiPy on telnet:// with its FTP server", () => {
  let wipy: WipyFixture;
  beforeAll(async () => {
    wipy = await startWipyFixture({ bootMs: 300 });
  }, 30_000);
  afterAll(() => wipy?.close());

  it("moves files over FTP and runs code over telnet", async () => {
    const src = image("main.py", Buffer.from("print('from main')\n"));
    let r = await tspy(["-d", device(wipy), "cp", src, ":main.py", "+", "ls", "+", "exec", "import os; print(os.getcwd(), os.uname().sysname); exec(open('main.py').read())"]);
    expect(r.status, r.stderr).toBe(0);
    expect(lf(r.stdout)).toBe(`cp ${src} :main.py\nls :\n${"19".padStart(12)} main.py\n/flash WiPy\nfrom main\n`);
    expect(fs.readFileSync(path.join(wipy.dir, "flash", "main.py"), "utf8")).toBe("print('from main')\n");
    // Atomic: the data went to a temporary name, then RNTO; the second copy replaces an existing file.
    r = await tspy(["-d", device(wipy), "cp", "-f", src, ":main.py"]);
    expect(r.status, r.stderr).toBe(0);
    const cmds = wipy.ftp.commands;
    expect(cmds).toContain("STOR /flash/.main.py.tspy-tmp");
    expect(cmds).toContain("RNTO /flash/main.py");
    expect(cmds).toContain("DELE /flash/main.py"); // the WiPy's FAT refuses RNTO onto an existing file
    expect(fs.readdirSync(path.join(wipy.dir, "flash"))).toEqual(["main.py"]);
  }, 60_000);

  it("says in one line that the WiPy's FTP cannot take a name with a space", async () => {
    const r = await tspy(["-d", device(wipy), "cp", image("x.py", Buffer.from("1")), ":a b.py"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("tspy: write: a b.py: this server's FTP cannot send names with spaces (the WiPy's parser stops at a space)\n");
  });

  it("updates the firmware: release before and after", async () => {
    const file = image("mcuimg.bin", makeWipyImage({ version: "v1.28.0" }));
    const r = await tspy(["-d", device(wipy), "ota", "--timeout", "30", file]);
    expect(r.status, r.stderr).toBe(0);
    const out = lf(r.stdout).split("\n");
    expect(out[0]).toMatch(/^.*mcuimg\.bin: CC3200 image, 98304 bytes, MD5 [0-9a-f]{32} ok, entry 0x20004201, MicroPython v1\.28\.0$/);
    expect(out).toContain("running: v1.20.0");
    expect(out).toContain("uploading to /flash/sys/mcuimg.bin");
    expect(out.at(-2)).toBe("updated: v1.20.0 -> v1.28.0");
    expect(wipy.firmware.boots.at(-1)).toEqual({ outcome: "booted", running: { release: "1.28.0", version: "v1.28.0" } });
    // The image went to the update slot: not a file, not listed.
    expect(fs.existsSync(path.join(wipy.dir, "flash", "sys", "mcuimg.bin"))).toBe(false);
    const after = await tspy(["-d", wipy.telnetUrl + "?ftp=off", "eval", "__import__('os').uname().release"]);
    expect(lf(after.stdout)).toBe("1.28.0\n");
  }, 60_000);

  it("refuses a damaged file before touching the board", async () => {
    const bad = makeWipyImage({ version: "v1.29.0" });
    bad[4096] ^= 0x10;
    const boots = wipy.firmware.boots.length;
    const r = await tspy(["-d", device(wipy), "ota", image("bad.bin", bad)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tspy: .*bad\.bin: the MD5 signature does not match the contents \(damaged file\?\): the board would refuse it\n$/);
    expect(wipy.firmware.hasPendingUpdate).toBe(false);
    expect(wipy.firmware.boots.length).toBe(boots);
  });
});

describe("a WiPy whose update arrives damaged", () => {
  let wipy: WipyFixture;
  beforeAll(async () => {
    wipy = await startWipyFixture({ bootMs: 300, corruptUploads: true, version: "v1.20.0" });
  }, 30_000);
  afterAll(() => wipy?.close());

  it("reports that the board's MD5 check refused it and the old firmware runs", async () => {
    const r = await tspy(["-d", device(wipy), "ota", "--timeout", "30", image("mcuimg2.bin", makeWipyImage({ version: "v1.28.0" }))]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "tspy: the board came back still running v1.20.0: its bootloader refused the new image (the MD5 check failed: damaged on the way?) and started the previous one; run tspy ota again\n",
    );
    expect(wipy.firmware.boots.at(-1)).toEqual({ outcome: "refused", running: { release: "1.20.0", version: "v1.20.0" } });
  }, 60_000);
});

describe("a WiPy that never comes back", () => {
  let wipy: WipyFixture;
  beforeAll(async () => {
    wipy = await startWipyFixture({ neverReturn: true });
  }, 30_000);
  afterAll(() => wipy?.close());

  it("gives up at the deadline with the safe-boot recovery in one line", async () => {
    const r = await tspy(["-d", device(wipy), "ota", "--timeout", "3", image("mcuimg3.bin", makeWipyImage({ version: "v1.28.0" }))]);
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n").filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^tspy: the board did not come back within 3 s after the reset .*; recover with safe boot: hold GP28 high \(3V3\) while resetting it/);
    expect(wipy.online).toBe(false);
  }, 60_000);
});

describe("a WiPy with an SD card in its slot", () => {
  let wipy: WipyFixture;
  beforeAll(async () => {
    wipy = await startWipyFixture({ bootMs: 300, sd: true });
  }, 30_000);
  afterAll(() => wipy?.close());

  it("reaches /sd over FTP beside /flash, and the board reads what was copied there", async () => {
    const src = image("log.txt", Buffer.from("card data\n"));
    let r = await tspy(["-d", device(wipy), "ls", ":/"]);
    expect(r.status, r.stderr).toBe(0);
    expect(lf(r.stdout)).toBe(`ls :/\n${"0".padStart(12)} flash/\n${"0".padStart(12)} sd/\n`);
    r = await tspy(["-d", device(wipy), "mkdir", ":/sd/logs", "+", "cp", src, ":/sd/logs/log.txt", "+", "exec", "print(open('/sd/logs/log.txt').read(), end='')"]);
    expect(r.status, r.stderr).toBe(0);
    expect(lf(r.stdout).split("\n").slice(-2)).toEqual(["card data", ""]);
    expect(fs.readFileSync(path.join(wipy.dir, "sd", "logs", "log.txt"), "utf8")).toBe("card data\n");
    expect(wipy.ftp.commands).toContain("RNTO /sd/logs/log.txt");
    r = await tspy(["-d", device(wipy), "rm", "-r", ":/sd/logs"]);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(wipy.dir, "sd"))).toEqual([]);
  }, 60_000);
});
