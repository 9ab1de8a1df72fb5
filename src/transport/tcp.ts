// A raw TCP socket as a board link (`tcp://host:port`): simulators, `tspy virtual serve --tcp`, and
// serial-to-network bridges.
import net from "node:net";
import { TransportError } from "../errors.js";
import { BufferedStream } from "./byte-stream.js";

export class TcpStream extends BufferedStream {
  readonly description: string;
  private constructor(private readonly socket: net.Socket, host: string, port: number) {
    super();
    this.description = `tcp://${host}:${port}`;
    socket.setNoDelay(true);
    socket.on("data", (d) => this.push(d));
    socket.on("close", () => this.linkClosed("connection closed by the other end"));
    socket.on("error", (e) => this.linkClosed(e.message));
  }

  static open(host: string, port: number, timeoutMs = 5000): Promise<TcpStream> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError(`tcp://${host}:${port}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("connect", () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new TcpStream(socket, host, port));
      });
      socket.once("error", (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why = e.code === "ECONNREFUSED" ? "connection refused (is anything listening?)" : e.message;
        reject(new TransportError(`tcp://${host}:${port}: ${why}`));
      });
    });
  }

  protected writeBytes(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.write(data, (err) => (err ? reject(new TransportError(`${this.description}: ${err.message}`)) : resolve()));
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
