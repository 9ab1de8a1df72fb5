// A board's REPL over telnet (the WiPy's and other network ports' telnet servers). The socket carries
// telnet; the stream above carries only the REPL's bytes.
import type net from "node:net";
import { BufferedStream } from "../byte-stream.js";
import { closeSocket, connectSocket, writeSocket } from "../socket.js";
import { TelnetDecoder, escapeIac } from "./iac.js";

export class TelnetStream extends BufferedStream {
  readonly description: string;
  private readonly decoder = new TelnetDecoder();

  private constructor(private readonly socket: net.Socket, description: string) {
    super();
    this.description = description;
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("close", () => this.linkClosed("connection closed by the board"));
    socket.on("error", (e) => this.linkClosed(e.message));
  }

  static async connect(host: string, port: number, timeoutMs = 5000): Promise<TelnetStream> {
    const description = `telnet://${host.includes(":") ? `[${host}]` : host}:${port}`;
    const socket = await connectSocket(host, port, description, "is telnet enabled on the board?", timeoutMs);
    return new TelnetStream(socket, description);
  }

  private receive(chunk: Buffer): void {
    const { data, reply } = this.decoder.feed(chunk);
    if (reply.length > 0 && !this.socket.destroyed) this.socket.write(reply);
    if (data.length > 0) this.push(data);
  }

  protected writeBytes(data: Uint8Array): Promise<void> {
    return writeSocket(this.socket, escapeIac(data), this.description);
  }

  protected closeLink(): Promise<void> {
    return closeSocket(this.socket);
  }
}
