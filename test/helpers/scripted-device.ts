// A ByteStream whose far end is a script: tests play the device side of a protocol byte by byte.
import { BufferedStream } from "../../src/transport/byte-stream.js";

export class ScriptedDevice extends BufferedStream {
  readonly description = "scripted device";
  /** Everything the host wrote, in order. */
  readonly written: Buffer[] = [];
  /** Called for each host write; use `send` to answer. */
  onWrite: (data: Buffer) => void = () => undefined;

  /** Bytes from the device to the host. */
  send(data: Uint8Array | string): void {
    this.push(typeof data === "string" ? Buffer.from(data, "latin1") : data);
  }

  hangUp(reason = "link lost"): void {
    this.linkClosed(reason);
  }

  protected async writeBytes(data: Uint8Array): Promise<void> {
    const b = Buffer.from(data);
    this.written.push(b);
    // The device answers asynchronously, as a real one would.
    queueMicrotask(() => this.onWrite(b));
  }

  protected async closeLink(): Promise<void> {}
}
