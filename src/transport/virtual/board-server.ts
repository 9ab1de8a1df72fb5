// A board behind a TCP port, as a serial-to-network bridge would present it: one client at a time
// (a serial port is exclusive), the board keeps running between clients, and what it prints while
// nobody is connected is lost, as on an unread UART.
import net from "node:net";
import { TransportError } from "../../errors.js";
import type { ByteStream } from "../byte-stream.js";

export interface BoardServer {
  host: string;
  port: number;
  close(): Promise<void>;
}

export function serveBoard(board: ByteStream, host = "127.0.0.1", port = 0): Promise<BoardServer> {
  let client: net.Socket | null = null;
  let stopped = false;

  // The board's output goes to whoever is connected.
  const pumpOutput = async (): Promise<void> => {
    while (!stopped) {
      let data: Uint8Array;
      try {
        data = await board.readSome(200);
      } catch {
        return; // the board was closed
      }
      if (data.length > 0 && client && !client.destroyed) client.write(data);
    }
  };

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    if (client && !client.destroyed) {
      socket.end("busy: another client is connected to this board\r\n");
      return;
    }
    client = socket;
    socket.setNoDelay(true);
    // Board input is written in order; a slow board pauses the socket rather than queueing without bound.
    socket.on("data", (d: Buffer) => {
      socket.pause();
      board.write(d).then(
        () => socket.resume(),
        () => socket.destroy(),
      );
    });
    socket.on("error", () => socket.destroy());
    socket.on("close", () => {
      if (client === socket) client = null;
    });
  });

  return new Promise<BoardServer>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      reject(new TransportError(`cannot listen on ${host}:${port}: ${e.code === "EADDRINUSE" ? "address in use" : e.message}`));
    });
    server.listen(port, host, () => {
      const addr = server.address() as net.AddressInfo;
      void pumpOutput();
      resolve({
        host,
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            stopped = true;
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
