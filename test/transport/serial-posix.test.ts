// The POSIX serial link (the native addon, with our own reads and writes) on a real pty: every byte
// value both ways in volume (the write side meets a full output queue), and a device that goes away.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { openPtyBridge, type PtyBridge } from "../../src/transport/pty-bridge.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** A TCP echo "device" behind a pty; `sockets` lets a test pull the plug. */
async function echoDevice(): Promise<{ bridge: PtyBridge; sockets: Set<net.Socket>; server: net.Server }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const bridge = await openPtyBridge((server.address() as net.AddressInfo).port);
  cleanup.push(() => new Promise<void>((r) => server.close(() => r())), () => bridge.close());
  return { bridge, sockets, server };
}

describe.skipIf(process.platform === "win32")("serial link on a pty (posix)", () => {
  it("carries 256 KB of every byte value both ways, unaltered and in order", async () => {
    const { bridge } = await echoDevice();
    const link: ByteStream = await openStream(bridge.path);
    cleanup.push(() => link.close());
    const data = Buffer.alloc(256 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    const sent = link.write(data); // more than the pty's queue holds: writes wait for room
    const back = await link.read(data.length, 20_000, "for the echo");
    await sent;
    expect(Buffer.from(back).equals(data)).toBe(true);
  });

  it("a device that goes away fails the waiting read with one line, not a hang", async () => {
    const { bridge, sockets } = await echoDevice();
    const link = await openStream(bridge.path);
    cleanup.push(() => link.close());
    await link.write("ping");
    expect(Buffer.from(await link.read(4, 5000)).toString()).toBe("ping");
    const pending = link.read(1, 10_000, "for more").catch((e: Error) => e);
    for (const s of sockets) s.destroy(); // socat sees EOF and closes its pty
    const err = await pending;
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`serial ${bridge.path}: port closed (board unplugged or reset?)`);
    expect((err as Error).message).not.toMatch(/\n/);
  });

  it("baud changes are accepted; modem lines a pty lacks are refused in one line", async () => {
    const { bridge } = await echoDevice();
    const link = await openStream(bridge.path);
    cleanup.push(() => link.close());
    const err = await link.setSignals!({ dtr: false, rts: true }).catch((e: Error) => e);
    expect((err as Error).message).toBe(`serial ${bridge.path}: this port has no DTR/RTS lines (a pty or a network bridge?)`);
    await link.setBaudRate!(460800);
    await link.write("x");
    expect(Buffer.from(await link.read(1, 5000)).toString()).toBe("x");
  });
});
