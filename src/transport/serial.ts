// A serial port as a board link, on the `serialport` package. The only file that knows serial ports;
// the flashers use its DTR/RTS and baud-rate control through the ByteStream interface.
import { TransportError } from "../errors.js";
import { BufferedStream, type ModemSignals } from "./byte-stream.js";

type SerialPortInstance = import("@serialport/stream").SerialPortStream;

/** Turn the OS's open error into a sentence that says what to do. */
export function explainOpenError(path: string, err: Error & { code?: string }): TransportError {
  const msg = err.message || String(err);
  if (/ENOENT|No such file|cannot find|File not found/i.test(msg)) {
    return new TransportError(`${path}: no such serial port (is the board plugged in? \`tspy devs\` lists ports)`);
  }
  if (/EBUSY|Resource busy|lock|Access denied/i.test(msg) && !/EACCES|Permission/i.test(msg)) {
    return new TransportError(`${path}: port is busy (another program has it open: close it, e.g. a serial monitor)`);
  }
  if (/EACCES|Permission denied/i.test(msg)) {
    const group = process.platform === "linux" ? "dialout (or uucp on Arch)" : "the group that owns the port";
    return new TransportError(
      `${path}: permission denied (join ${group}: \`sudo usermod -aG dialout $USER\`, then log in again)`,
    );
  }
  // The terminal ioctls fail on anything that is not a tty: a regular file, /dev/null, a directory.
  if (/Inappropriate ioctl|ENOTTY|EISDIR|Is a directory/i.test(msg)) {
    return new TransportError(`${path}: not a serial port (\`tspy devs\` lists ports)`);
  }
  return new TransportError(`${path}: ${msg.replace(/^Error: /, "")}`);
}

export class SerialStream extends BufferedStream {
  readonly description: string;
  private constructor(private readonly port: SerialPortInstance, readonly path: string) {
    super();
    this.description = `serial ${path}`;
    port.on("data", (d: Buffer) => this.push(d));
    port.on("close", () => this.linkClosed("port closed (board unplugged or reset?)"));
    port.on("error", (e: Error) => this.linkClosed(e.message));
  }

  /** A serial link: on Linux and macOS the addon directly (serial-posix.ts, far quicker to load), elsewhere the stream package. */
  static async open(path: string, baudRate: number): Promise<BufferedStream> {
    if (process.platform === "linux" || process.platform === "darwin") {
      const { PosixSerialStream } = await import("./serial-posix.js");
      return PosixSerialStream.open(path, baudRate, explainOpenError);
    }
    return SerialStream.openStream(path, baudRate);
  }

  private static async openStream(path: string, baudRate: number): Promise<SerialStream> {
    // The stream and the native binding alone: the `serialport` package also loads a dozen parsers we
    // never use, which cost about a third of the time to first byte of a short command.
    const [{ SerialPortStream }, { autoDetect }] = await Promise.all([import("@serialport/stream"), import("@serialport/bindings-cpp")]);
    const port: SerialPortInstance = new SerialPortStream({ binding: autoDetect(), path, baudRate, autoOpen: false, lock: true, hupcl: false });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(explainOpenError(path, err)) : resolve()));
    });
    return new SerialStream(port, path);
  }

  protected writeBytes(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.port.write(Buffer.from(data), (err) => {
        if (err) return reject(new TransportError(`${this.description}: ${err.message}`));
        this.port.drain((e) => (e ? reject(new TransportError(`${this.description}: ${e.message}`)) : resolve()));
      });
    });
  }

  async setSignals(signals: ModemSignals): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.port.set(signals, (err) => (err ? reject(new TransportError(`${this.description}: ${err.message}`)) : resolve()));
    });
  }

  async setBaudRate(baudRate: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.port.update({ baudRate }, (err) =>
        err ? reject(new TransportError(`${this.description}: ${err.message}`)) : resolve(),
      );
    });
  }

  protected closeLink(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.port.isOpen) return resolve();
      this.port.close(() => resolve());
    });
  }
}
