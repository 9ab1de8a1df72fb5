// A board's WebREPL as a ByteStream. The REPL travels in text frames (whatever bytes they hold: the
// board does not keep to UTF-8), file transfer in binary frames; the two are kept apart here, the
// REPL in this stream and file transfer in `files`.
import WebSocket from "ws";
import { TransportError } from "../../errors.js";
import { BufferedStream } from "../byte-stream.js";

/**
 * Our frames stay small: the board reads a frame length of at most 16 bits (a longer frame closes
 * the connection) and has little memory; webrepl_cli.py sends file data in 1 KB frames too.
 */
export const MAX_FRAME = 1024;
const CLOSE_WAIT_MS = 300;

type FrameSender = (data: Uint8Array, binary: boolean) => Promise<void>;

/** The binary-frame side of a WebREPL connection (file transfer). */
export class WebReplFileChannel extends BufferedStream {
  constructor(
    readonly description: string,
    private readonly send: FrameSender,
  ) {
    super();
  }

  deliver(chunk: Uint8Array): void {
    this.push(chunk);
  }

  ended(reason: string): void {
    this.linkClosed(reason);
  }

  protected writeBytes(data: Uint8Array): Promise<void> {
    return this.send(data, true);
  }

  protected async closeLink(): Promise<void> {
    // The connection belongs to the REPL stream; it closes it.
  }
}

export class WebReplStream extends BufferedStream {
  readonly description: string;
  readonly files: WebReplFileChannel;

  private constructor(private readonly ws: WebSocket, description: string) {
    super();
    this.description = description;
    this.files = new WebReplFileChannel(`${description} (file transfer)`, (data, binary) => this.sendFrames(data, binary));
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.files.deliver(data);
      else this.push(data);
    });
    ws.on("close", () => this.ended("connection closed by the board"));
    ws.on("error", (e) => this.ended(e.message));
  }

  private ended(reason: string): void {
    this.linkClosed(reason);
    this.files.ended(reason);
  }

  static connect(url: string, description: string, timeoutMs = 5000): Promise<WebReplStream> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        handshakeTimeout: timeoutMs,
        perMessageDeflate: false,
        // Board output is raw bytes in text frames; validating them as UTF-8 would drop the link.
        skipUTF8Validation: true,
        maxPayload: 1 << 16,
      });
      const fail = (why: string): void => {
        ws.removeAllListeners();
        ws.on("error", () => undefined);
        ws.terminate();
        reject(new TransportError(`${description}: ${why}`));
      };
      ws.once("open", () => {
        ws.removeAllListeners();
        resolve(new WebReplStream(ws, description));
      });
      ws.once("unexpected-response", (_req, res) =>
        fail(`the server answered HTTP ${res.statusCode} instead of opening a WebSocket (is WebREPL started on the board?)`),
      );
      ws.once("error", (e: NodeJS.ErrnoException) =>
        fail(e.code === "ECONNREFUSED" ? "connection refused (is WebREPL started on the board?)" : e.message),
      );
    });
  }

  private async sendFrames(data: Uint8Array, binary: boolean): Promise<void> {
    for (let at = 0; at < data.length; at += MAX_FRAME) {
      const frame = Buffer.from(data.buffer, data.byteOffset + at, Math.min(MAX_FRAME, data.length - at));
      await new Promise<void>((resolve, reject) => {
        if (this.ws.readyState !== WebSocket.OPEN) {
          reject(new TransportError(`${this.description}: connection closed`));
          return;
        }
        this.ws.send(frame, { binary, compress: false }, (err) =>
          err ? reject(new TransportError(`${this.description}: ${err.message}`)) : resolve(),
        );
      });
    }
  }

  /** REPL input: text frames, holding exactly the bytes given (valid UTF-8 or not, as the board expects). */
  protected writeBytes(data: Uint8Array): Promise<void> {
    return this.sendFrames(data, false);
  }

  protected closeLink(): Promise<void> {
    this.files.ended("closed");
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once("close", () => resolve());
      try {
        this.ws.close(1000);
      } catch {
        // still connecting: terminate below
      }
      setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, CLOSE_WAIT_MS).unref();
    });
  }
}
