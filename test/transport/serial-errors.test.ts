// The serial port's open errors, as the OS words them, become one line that says what to do.
import { describe, expect, it } from "vitest";
import { explainOpenError } from "../../src/transport/serial.js";
import { openStream } from "../../src/transport/connect.js";

describe("serial open errors", () => {
  it("permission denied names the group to join", () => {
    const e = explainOpenError("/dev/ttyUSB0", Object.assign(new Error("Error: Permission denied, cannot open /dev/ttyUSB0"), { code: "EACCES" }));
    expect(e.message).toMatch(/^\/dev\/ttyUSB0: permission denied \(join dialout/);
  });

  it("a busy port says another program has it", () => {
    const e = explainOpenError("/dev/ttyACM0", new Error("Error Resource temporarily unavailable Cannot lock port"));
    expect(e.message).toMatch(/^\/dev\/ttyACM0: port is busy/);
  });

  it("a missing port points at tspy devs", () => {
    const e = explainOpenError("COM7", new Error("Opening COM7: File not found"));
    expect(e.message).toBe("COM7: no such serial port (is the board plugged in? `tspy devs` lists ports)");
  });

  it("a real pty held by another process is reported busy (exclusive open)", async () => {
    const { startMicrobit } = await import("../helpers/qemu-microbit.js");
    const q = await startMicrobit();
    try {
      const first = await openStream(q.path);
      const err = await openStream(q.path).catch((e) => e);
      expect(err.message).toMatch(/port is busy/);
      await first.close();
      const again = await openStream(q.path); // free once the first closed
      await again.close();
    } finally {
      await q.stop();
    }
  });
});
