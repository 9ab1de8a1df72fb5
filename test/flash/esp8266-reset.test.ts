// DTR/RTS reset sequences against the simulated auto-reset circuit (RTS → EN, DTR → GPIO0): the
// chip must come up in its serial loader before connecting, and run its firmware after.
import { describe, expect, it } from "vitest";
import { SimulatorStream } from "../../fixtures/esp8266/memory-link.js";
import { Esp8266Simulator } from "../../fixtures/esp8266/simulator.js";
import { connectChip } from "../../src/flash/esp8266/operations.js";

const quiet = { out: () => undefined, progress: { write: () => true } };

describe("reset into the bootloader and back", () => {
  it("a board running its firmware is reset into the loader, synced, and reset to run afterwards", async () => {
    const sim = new Esp8266Simulator();
    sim.powerOn("app"); // running firmware: deaf to the loader protocol
    const stream = new SimulatorStream(sim);
    const c = await connectChip(stream, { baud: 115200, before: "default_reset", noStub: true }, quiet);
    expect(sim.state).toBe("rom");
    expect(stream.signals.slice(0, 3)).toEqual([
      { dtr: false, rts: true },
      { dtr: true, rts: false },
      { dtr: false, rts: false },
    ]);
    await c.loader.hardReset();
    expect(sim.state).toBe("app");
    await stream.close();
  });

  it("without a reset (--before no_reset) a running firmware never answers", async () => {
    const sim = new Esp8266Simulator();
    sim.powerOn("app");
    const stream = new SimulatorStream(sim);
    const err = await connectChip(stream, { baud: 115200, before: "no_reset", noStub: true }, quiet).catch((e) => e);
    expect(String(err.message)).toMatch(/failed to connect/);
    await stream.close();
  }, 20000);

  it("raises the baud rate through the stub and switches the host side after the answer", async () => {
    const sim = new Esp8266Simulator();
    const stream = new SimulatorStream(sim);
    const c = await connectChip(stream, { baud: 921600, before: "default_reset", noStub: false }, quiet);
    expect(c.loader.isStub).toBe(true);
    expect(sim.baud).toBe(921600);
    expect(stream.baudRate).toBe(921600);
    await stream.close();
  });
});
