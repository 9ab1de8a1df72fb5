// tspy's own SAM-BA client and `tspy bossac` against the SAMD21 simulator (proven against real bossac
// in test/fixtures/samba-bossac.test.ts), over TCP.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SambaClient, crc16Xmodem } from "../../src/flash/samba/index.js";
import { openStream } from "../../src/transport/connect.js";
import { runBossacCli, startSamba, type SambaSim } from "./samba-helpers.js";

let dir: string;
const sims: SambaSim[] = [];

async function sim(opts: Parameters<typeof startSamba>[0] = {}): Promise<SambaSim> {
  const s = await startSamba(opts);
  sims.push(s);
  return s;
}

function file(name: string, data: Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tspy-samba-"));
});
afterEach(async () => {
  while (sims.length) await sims.pop()!.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("CRC-16/XMODEM", () => {
  it("matches the catalogue check value", () => {
    expect(crc16Xmodem(Buffer.from("123456789"))).toBe(0x31c3);
  });
});

describe("SambaClient", () => {
  it("enters binary mode, reads the version and the Arduino extensions, words and Z checksums", async () => {
    const s = await sim();
    const stream = await openStream(s.url);
    try {
      const c = new SambaClient(stream);
      await c.connect();
      expect(c.version).toMatch(/^v1\.1 \[Arduino:XYZ\]/);
      expect(c.extensions).toEqual({ erase: true, writeBuffer: true, checksum: true });
      expect(await c.readWord(0x41002018)).toBe(0x10010005);
      await c.writeMemory(0x20004040, Buffer.from("123456789"));
      expect(Buffer.from(await c.readMemory(0x20004040, 9)).toString()).toBe("123456789");
      expect(await c.checksum(0x20004040, 9)).toBe(0x31c3);
      await c.writeWord(0x20004100, 0xdeadbeef);
      expect(await c.readByte(0x20004103)).toBe(0xde);
    } finally {
      await stream.close();
    }
  });
});

describe("tspy bossac", () => {
  it("-i prints the SAMD21's geometry and bootloader", async () => {
    const s = await sim();
    const r = await runBossacCli(["-p", s.url, "-i"]);
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/^Device\s+: ATSAMD21G18A$/m);
    expect(r.out).toMatch(/^Pages\s+: 4096$/m);
    expect(r.out).toMatch(/^Page Size\s+: 64 bytes$/m);
    expect(r.out).toMatch(/application at 0x2000/);
  });

  it("-e -w -v --offset=0x2000 writes after the bootloader with X/Y, verifies with Z (no R reads), -r reads back", async () => {
    const s = await sim();
    const boot = Buffer.from(s.server.sim.flash.subarray(0, 0x2000));
    const img = randomBytes(50000);
    const r = await runBossacCli(["-p", s.url, "-e", "-w", "-v", "--offset=0x2000", file("app.bin", img)]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("Verify successful");
    expect(Buffer.from(s.server.sim.flash.subarray(0x2000, 0x2000 + img.length)).equals(img)).toBe(true);
    expect(Buffer.from(s.server.sim.flash.subarray(0, 0x2000)).equals(boot)).toBe(true);
    const cmds = s.server.sim.events.map((e) => e.command);
    expect(cmds).toContain("X");
    expect(cmds.filter((c) => c === "Z")).toHaveLength(Math.ceil(img.length / 4096));
    expect(cmds.slice(cmds.indexOf("Z"))).not.toContain("R");
    const back = path.join(dir, "back.bin");
    const rr = await runBossacCli(["-p", s.url, "--offset=0x2000", `-r${img.length}`, back]);
    expect(rr.error).toBeUndefined();
    expect(readFileSync(back).equals(img)).toBe(true);
  });

  it("refuses -e -w at offset 0 on a board with a bootloader, and touches nothing", async () => {
    const s = await sim();
    const boot = Buffer.from(s.server.sim.flash.subarray(0, 0x2000));
    const r = await runBossacCli(["-p", s.url, "-e", "-w", file("fw.bin", randomBytes(1000))]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/^refusing to erase at 0x0: .*bootloader.*--offset=0x2000/);
    expect(r.error?.message).not.toContain("\n");
    expect(Buffer.from(s.server.sim.flash.subarray(0, 0x2000)).equals(boot)).toBe(true);
    expect(s.server.sim.events.some((e) => e.command === "X" || e.command === "Y")).toBe(false);
  });

  it("--force writes over the bootloader when asked", async () => {
    const s = await sim();
    const img = randomBytes(1000);
    const r = await runBossacCli(["-p", s.url, "-e", "-w", "-v", "--force", file("fw.bin", img)]);
    expect(r.error).toBeUndefined();
    expect(Buffer.from(s.server.sim.flash.subarray(0, img.length)).equals(img)).toBe(true);
  });

  it("a monitor without the Arduino extensions is written through NVMCTRL and verified with R reads", async () => {
    const s = await sim({ sim: { version: "v2.0 Nov 25 2026" } });
    s.server.sim.flash.fill(0x00, 0x2000, 0x3000); // old application: must be erased first
    const img = randomBytes(3000);
    const r = await runBossacCli(["-p", s.url, "-w", "-v", "--offset=0x2000", file("app.bin", img)]);
    expect(r.error).toBeUndefined();
    expect(Buffer.from(s.server.sim.flash.subarray(0x2000, 0x2000 + img.length)).equals(img)).toBe(true);
    const cmds = new Set(s.server.sim.events.map((e) => e.command));
    expect(cmds.has("X") || cmds.has("Y") || cmds.has("Z")).toBe(false);
  });

  it("a write into a BOOTPROT-protected region fails with the NVM error", async () => {
    const s = await sim({ sim: { bootprot: 8192, version: "v2.0 Nov 25 2026" } });
    const r = await runBossacCli(["-p", s.url, "-w", "--force", file("fw.bin", randomBytes(256))]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/locked or protected by the BOOTPROT fuse/);
  });

  it("rejects a chip that is not a SAMD21", async () => {
    const s = await sim({ sim: { deviceId: 0x60060006 } });
    const r = await runBossacCli(["-p", s.url, "-i"]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toBe("unsupported chip: DSU DID 0x60060006 is not a SAMD21");
  });

  it("rejects a file larger than the flash before erasing anything", async () => {
    const s = await sim();
    const r = await runBossacCli(["-p", s.url, "-e", "-w", "--offset=0x2000", file("big.bin", randomBytes(256 * 1024))]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/do not fit in the 256 KB flash/);
    expect(s.server.sim.events.some((e) => e.command === "X")).toBe(false);
  });

  it("a verify mismatch exits 2 with one line", async () => {
    const s = await sim();
    const img = randomBytes(9000);
    const f = file("app.bin", img);
    expect((await runBossacCli(["-p", s.url, "-e", "-w", "--offset=0x2000", f])).error).toBeUndefined();
    s.server.sim.flash[0x2000 + 8200] ^= 0xff;
    s.server.sim.flash[0x2000 + 8201] ^= 0xff;
    const r = await runBossacCli(["-p", s.url, "-v", "--offset=0x2000", f]);
    expect(r.code).toBe(2);
    expect(r.error?.message).toBe(`verify failed: 1 page(s), 2 byte(s) differ from ${f}`);
  });

  it("a link lost mid-write is a one-line error", async () => {
    const s = await sim({ dropAfterBytes: 20000 });
    const r = await runBossacCli(["-p", s.url, "-e", "-w", "--offset=0x2000", file("app.bin", randomBytes(60000))]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/^link lost while writing flash at 0x2000: /);
    expect(r.error?.message).not.toContain("\n");
  });

  it("-R after writing an application resets the chip, and the bootloader starts the application", async () => {
    const s = await sim();
    const app = Buffer.alloc(512, 0x5a);
    app.writeUInt32LE(0x20008000, 0); // initial stack pointer inside SRAM: a valid application
    app.writeUInt32LE(0x000020d1, 4);
    const r = await runBossacCli(["-p", s.url, "-e", "-w", "-v", "-R", "--offset=0x2000", file("app.bin", app)]);
    expect(r.error).toBeUndefined();
    const end = Date.now() + 2000;
    while (s.server.sim.resets === 0 && Date.now() < end) await new Promise((res) => setTimeout(res, 10));
    expect(s.server.sim.resets).toBe(1);
    expect(s.server.sim.state).toBe("app");
  });

  it("a board that is not in its bootloader is a one-line time-out", async () => {
    const s = await sim();
    s.server.sim.state = "app";
    const r = await runBossacCli(["-p", s.url, "-i"]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/timed out waiting for the SAM-BA monitor to answer N# \(is the board in its bootloader\? double-tap reset, or use -a for the 1200-baud touch\)$/);
  });

  it("-w inside a row keeps the row's other bytes (erase, then write them back)", async () => {
    const s = await sim();
    const old = randomBytes(256);
    s.server.sim.flash.set(old, 0x2000);
    const img = randomBytes(64);
    const r = await runBossacCli(["-p", s.url, "-w", "-v", "--offset=0x2040", file("mid.bin", img)]);
    expect(r.error).toBeUndefined();
    const want = Buffer.from(old);
    want.set(img, 0x40);
    expect(Buffer.from(s.server.sim.flash.subarray(0x2000, 0x2100)).equals(want)).toBe(true);
  });

  it("refuses an erase offset inside a row (the row's earlier bytes would go too)", async () => {
    const s = await sim();
    const r = await runBossacCli(["-p", s.url, "-e", "--offset=0x2040"]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toBe("erase offset 0x2040 is not a multiple of the 256-byte row");
    expect(s.server.sim.events.some((e) => e.command === "X")).toBe(false);
  });

  it("-a (1200-baud touch) needs a serial port", async () => {
    const r = await runBossacCli(["-p", "tcp://127.0.0.1:9", "-a", "-i"]);
    expect(r.code).toBe(2);
    expect(r.error?.message).toMatch(/needs a serial port/);
  });
});
