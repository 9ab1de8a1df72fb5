// A board's REPL over telnet (the WiPy's and other network ports' telnet servers). The socket carries
// telnet; the stream above carries only the REPL's bytes.
import net from "node:net";
import { TransportError } from "../../errors.js";
import { BufferedStream } from "../byte-stream.js";
import { TelnetDecoder, escapeIac } from "./iac.js";

export class TelnetStream extends BufferedStream {
  readonly description: string;
  private readonly decoder = new TelnetDecoder();

  private constructor(private readonly socket: net.Socket, description: string) {
    super();
    this.description = description;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("close", () => this.linkClosed("connection closed by the board"));
    socket.on("error", (e) => this.linkClosed(e.message));
  }

  static connect(host: string, port: number, timeoutMs = 5000): Promise<TelnetStream> {
    const description = `telnet://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(`${description}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new TelnetStream(socket, description));
      });
      socket.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = e.code === "ECONNREFUSED" ? "connection refused (is telnet enabled on the board?)" : e.message;
        reject(new TransportError(`${description}: ${why}`));
      });
    });
  }

  private receive(chunk: Buffer): void {
    const { data, reply } = this.decoder.feed(chunk);
    if (reply.length > 0 && !this.socket.destroyed) this.socket.write(reply);
    if (data.length > 0) this.push(data);
  }

  protected writeBytes(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(escapeIac(data), (err) =>
        err ? reject(new TransportError(`${this.description}: ${err.message}`)) : resolve(),
      );
    });
  }

  protected closeLink(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once("close", () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 200).unref();
    });
  }
}
