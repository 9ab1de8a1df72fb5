// A device that never stops talking: random bytes every 50 ms whatever it is sent (firmware running a
// program that prints and ignores KeyboardInterrupt looks the same from the host). Served on TCP and put
// behind a real pty with socat, so the serial transport is the one under test.
import net from "node:net";
import { openPtyBridge, type PtyBridge } from "../../src/transport/pty-bridge.js";

export interface ChatterDevice {
  /** The pty path to give tspy as its device. */
  path: string;
  close(): Promise<void>;
}

/** A seeded byte generator (xorshift32): the same chatter every run. */
export function seededBytes(seed: number): (n: number) => Buffer {
  let x = seed >>> 0 || 1;
  return (n) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      b[i] = x & 0xff;
    }
    return b;
  };
}

export async function openChatterDevice(seed = 12): Promise<ChatterDevice> {
  const bytes = seededBytes(seed);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    const timer = setInterval(() => sock.write(bytes(16)), 50);
    sock.on("data", () => undefined);
    sock.on("error", () => undefined);
    sock.on("close", () => {
      clearInterval(timer);
      sockets.delete(sock);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  let pty: PtyBridge;
  try {
    pty = await openPtyBridge(port);
  } catch (e) {
    server.close();
    throw e;
  }
  return {
    path: pty.path,
    async close() {
      await pty.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
