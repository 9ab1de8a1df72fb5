// The 1200-baud touch and finding the bootloader's port afterwards, with a scripted port list, and
// bossac's command-line parsing.
import { describe, expect, it } from "vitest";
import { parseBossacArgs, touch1200 } from "../../src/flash/samba/index.js";
import type { ByteStream, ModemSignals } from "../../src/transport/byte-stream.js";

function fakePort(log: string[]): ByteStream {
  const fail = () => Promise.reject(new Error("not used"));
  return {
    description: "fake",
    write: fail,
    read: fail,
    readSome: fail,
    readUntil: fail,
    drain: () => Promise.resolve(true),
    available: () => 0,
    close: async () => void log.push("close"),
    setSignals: async (s: ModemSignals) => void log.push(`signals dtr=${s.dtr}`),
  };
}

function scripted(lists: string[][]) {
  let i = 0;
  return async () => lists[Math.min(i++, lists.length - 1)]!;
}

describe("1200-baud touch", () => {
  it("opens at 1200, drops DTR, closes, and follows the board to its new name", async () => {
    const log: string[] = [];
    const port = await touch1200(
      "/dev/ttyACM0",
      {
        open: async (p, baud) => (log.push(`open ${p} ${baud}`), fakePort(log)),
        listPorts: scripted([["/dev/ttyACM0"], ["/dev/ttyACM0"], [], [], ["/dev/ttyACM1"]]),
        sleep: async () => undefined,
      },
      { waitMs: 5000 },
    );
    expect(log).toEqual(["open /dev/ttyACM0 1200", "signals dtr=false", "close"]);
    expect(port).toBe("/dev/ttyACM1");
  });

  it("accepts the same name coming back after it vanished", async () => {
    const port = await touch1200("/dev/ttyACM0", {
      open: async () => fakePort([]),
      listPorts: scripted([["/dev/ttyACM0"], [], ["/dev/ttyACM0"]]),
      sleep: async () => undefined,
    });
    expect(port).toBe("/dev/ttyACM0");
  });

  it("fails with one line when the board does not come back", async () => {
    await expect(
      touch1200("/dev/ttyACM0", { open: async () => fakePort([]), listPorts: scripted([["/dev/ttyACM0"], []]) }, { waitMs: 100, pollMs: 20 }),
    ).rejects.toThrow("/dev/ttyACM0 did not come back within 0.1 s after the 1200-baud touch");
  });
});

describe("bossac arguments", () => {
  it("takes bundled short flags, attached optional values and long options as bossac does", () => {
    const a = parseBossacArgs(["-ewv", "-b", "--offset=0x2000", "-p", "/dev/ttyACM0", "-U", "fw.bin"]);
    expect(a).toMatchObject({ erase: true, write: true, verify: true, boot: 1, offset: 0x2000, port: "/dev/ttyACM0", usbPort: 1, file: "fw.bin" });
    expect(parseBossacArgs(["-r0x1000", "out.bin"])).toMatchObject({ read: true, readSize: 4096, file: "out.bin" });
    expect(parseBossacArgs(["--read", "out.bin"])).toMatchObject({ read: true, readSize: 0, file: "out.bin" });
    expect(parseBossacArgs(["-o", "8192", "-v", "x.bin"]).offset).toBe(8192);
  });

  it("rejects what bossac rejects", () => {
    expect(() => parseBossacArgs(["-r", "-w", "x"])).toThrow("bossac: read option is exclusive of write or verify");
    expect(() => parseBossacArgs(["-w"])).toThrow("bossac: missing file");
    expect(() => parseBossacArgs(["-i", "x.bin"])).toThrow("bossac: extra arguments found");
    expect(() => parseBossacArgs(["-q"])).toThrow(/^bossac: unknown option -q/);
    expect(() => parseBossacArgs(["--offset=zz", "-w", "x"])).toThrow(/bad offset "zz"/);
  });

  it("refuses the fuse and lock options instead of ignoring them", () => {
    expect(() => parseBossacArgs(["-l"])).toThrow(/--lock is not supported/);
    expect(() => parseBossacArgs(["--security"])).toThrow(/--security is not supported/);
    expect(() => parseBossacArgs(["-c0"])).toThrow(/--bod is not supported/);
  });
});
