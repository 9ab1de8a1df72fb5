// A raw TCP socket as a board link (`tcp://host:port`): simulators, `tspy virtual serve --tcp`, and
// serial-to-network bridges.
import type net from "node:net";
import { BufferedStream } from "./byte-stream.js";
import { closeSocket, connectSocket, writeSocket } from "./socket.js";

export class TcpStream extends BufferedStream {
  readonly description: string;
  private constructor(private readonly socket: net.Socket, description: string) {
    super();
    this.description = description;
    socket.on("data", (d) => this.push(d));
    socket.on("close", () => this.linkClosed("connection closed by the other end"));
    socket.on("error", (e) => this.linkClosed(e.message));
  }

  static async open(host: string, port: number, timeoutMs = 5000): Promise<TcpStream> {
    const description = `tcp://${host}:${port}`;
    const socket = await connectSocket(host, port, description, "is anything listening?", timeoutMs);
    return new TcpStream(socket, description);
  }

  protected writeBytes(data: Uint8Array): Promise<void> {
    return writeSocket(this.socket, data, this.description);
  }

  protected closeLink(): Promise<void> {
    return closeSocket(this.socket);
  }
}
