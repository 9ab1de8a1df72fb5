import net from "node:net";
import { describe, expect, it } from "vitest";
import { expandShortcut, openStream } from "../../src/transport/connect.js";
import { TransportError, UsageError } from "../../src/errors.js";

describe("device specs", () => {
  it("expands mpremote's shortcuts", () => {
    expect(expandShortcut("a0")).toBe("/dev/ttyACM0");
    expect(expandShortcut("u3")).toBe("/dev/ttyUSB3");
    expect(expandShortcut("c1")).toBe("COM1");
    expect(expandShortcut("x1")).toBeNull();
    expect(expandShortcut("a")).toBeNull();
  });

  it("rejects an unknown spec with a usage error that lists the accepted forms", async () => {
    const err = await openStream("frobnicate").catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/unknown device "frobnicate".*tcp:\/\/host:port/);
  });

  it("says so when nothing listens on a tcp:// spec", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const err = await openStream(`tcp://127.0.0.1:${port}`).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toMatch(/connection refused/);
  });

  it("rejects a malformed tcp:// spec", async () => {
    await expect(openStream("tcp://nohost")).rejects.toThrow(/expected host:port/);
  });

  it("names a missing serial port", async () => {
    const err = await openStream("/dev/ttyDOES_NOT_EXIST").catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toBe("/dev/ttyDOES_NOT_EXIST: no such serial port (is the board plugged in? `tspy devs` lists ports)");
  });

  it("carries bytes both ways over tcp://", async () => {
    const server = net.createServer((sock) => sock.on("data", (d) => sock.write(Buffer.from(d.toString().toUpperCase()))));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as net.AddressInfo).port;
    const s = await openStream(`tcp://127.0.0.1:${port}`);
    await s.write("hello>");
    expect(Buffer.from(await s.readUntil(">", 2000)).toString()).toBe("HELLO>");
    await s.close();
    server.close();
  });
});
