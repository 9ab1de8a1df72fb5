// The SAM-BA monitor wire protocol in binary (USB CDC) mode: ASCII commands ending in '#', raw
// binary answers. This file knows bytes on the link and nothing about chips or flash layouts.
import { TspyError } from "../../errors.js";
import type { ByteStream } from "../../transport/byte-stream.js";

/** The monitor answered something a SAM-BA monitor would not. */
export class SambaProtocolError extends TspyError {}

const QUICK_MS = 500;
const NORMAL_MS = 2000;
/** Erasing 248 KB row by row takes seconds on a real chip. */
const ERASE_MS = 30000;

const hex8 = (n: number) => (n >>> 0).toString(16).toUpperCase().padStart(8, "0");

export interface SambaExtensions {
  /** `X`: erase from an address to the end of flash. */
  erase: boolean;
  /** `Y`: copy an SRAM buffer into flash. */
  writeBuffer: boolean;
  /** `Z`: CRC-16 of a memory range. */
  checksum: boolean;
}

export class SambaClient {
  version = "";
  extensions: SambaExtensions = { erase: false, writeBuffer: false, checksum: false };

  constructor(readonly stream: ByteStream) {}

  /** Binary mode, then the version string (which announces the Arduino extensions). */
  async connect(): Promise<void> {
    await this.stream.drain(50);
    await this.stream.write("N#");
    const ack = await this.stream.read(2, QUICK_MS * 2, "waiting for the SAM-BA monitor to answer N# (is the board in its bootloader? double-tap reset, or use -a for the 1200-baud touch)");
    if (ack[0] !== 0x0a || ack[1] !== 0x0d) throw new SambaProtocolError(`not a SAM-BA monitor: N# answered ${JSON.stringify(Buffer.from(ack).toString("latin1"))}`);
    this.version = await this.readVersion();
    const ext = /\[Arduino:([A-Z]*)\]/.exec(this.version)?.[1] ?? "";
    this.extensions = { erase: ext.includes("X"), writeBuffer: ext.includes("Y"), checksum: ext.includes("Z") };
  }

  async readVersion(): Promise<string> {
    await this.stream.write("V#");
    const raw = await this.stream.readUntil("\n\r", NORMAL_MS, "waiting for the SAM-BA version (V#)");
    const text = Buffer.from(raw).toString("latin1");
    // Like bossac: the version is the printable text before the line end.
    const end = text.search(/[^\x20-\x7e]/);
    return end < 0 ? text : text.slice(0, end);
  }

  async readWord(addr: number): Promise<number> {
    await this.stream.write(`w${hex8(addr)},4#`);
    const b = await this.stream.read(4, NORMAL_MS, `reading the word at 0x${hex8(addr)}`);
    return Buffer.from(b).readUInt32LE(0);
  }

  async writeWord(addr: number, value: number): Promise<void> {
    await this.stream.write(`W${hex8(addr)},${hex8(value)}#`);
  }

  async readByte(addr: number): Promise<number> {
    await this.stream.write(`o${hex8(addr)},4#`);
    return (await this.stream.read(1, NORMAL_MS, `reading the byte at 0x${hex8(addr)}`))[0]!;
  }

  async writeByte(addr: number, value: number): Promise<void> {
    await this.stream.write(`O${hex8(addr)},${(value & 0xff).toString(16).toUpperCase().padStart(2, "0")}#`);
  }

  /** `S`: bytes into SRAM. Command and data go in separate writes (the monitor mis-parses them combined in one USB packet). */
  async writeMemory(addr: number, data: Uint8Array): Promise<void> {
    await this.stream.write(`S${hex8(addr)},${hex8(data.length)}#`);
    await this.stream.write(data);
  }

  /**
   * `R`: bytes from anywhere. The Arduino/Adafruit bootloaders corrupt USB reads of 64 bytes or more,
   * so those are read 63 bytes at a time (as bossac does).
   */
  async readMemory(addr: number, size: number): Promise<Uint8Array> {
    const chunkMax = this.version.includes("[Arduino:") ? 63 : 4096;
    const out = new Uint8Array(size);
    for (let off = 0; off < size; ) {
      const n = Math.min(chunkMax, size - off);
      await this.stream.write(`R${hex8(addr + off)},${hex8(n)}#`);
      out.set(await this.stream.read(n, NORMAL_MS, `reading ${n} bytes at 0x${hex8(addr + off)}`), off);
      off += n;
    }
    return out;
  }

  /** `G`: jump to code (the monitor stops answering if that code does not return). */
  async go(addr: number): Promise<void> {
    await this.stream.write(`G${hex8(addr)}#`);
  }

  /** Arduino `X`: erase every row from `addr` to the end of flash. */
  async eraseFrom(addr: number): Promise<void> {
    this.need("erase", "X");
    await this.stream.write(`X${hex8(addr)}#`);
    await this.expect("X\n\r", ERASE_MS, "erasing flash (X)");
  }

  /** Arduino `Y`: program `size` bytes from the SRAM buffer at `src` into flash at `dst`. */
  async copyToFlash(src: number, dst: number, size: number): Promise<void> {
    this.need("writeBuffer", "Y");
    await this.stream.write(`Y${hex8(src)},0#`);
    await this.expect("Y\n\r", NORMAL_MS, "setting the write buffer (Y)");
    await this.stream.write(`Y${hex8(dst)},${hex8(size)}#`);
    await this.expect("Y\n\r", ERASE_MS, "writing flash from the buffer (Y)");
  }

  /** Arduino `Z`: CRC-16/XMODEM of `size` bytes at `addr`, computed on the board. */
  async checksum(addr: number, size: number): Promise<number> {
    this.need("checksum", "Z");
    await this.stream.write(`Z${hex8(addr)},${hex8(size)}#`);
    const raw = Buffer.from(await this.stream.read(12, ERASE_MS, "waiting for the checksum (Z)")).toString("latin1");
    const m = /^Z([0-9A-Fa-f]{8})#\n\r$/.exec(raw);
    if (!m) throw new SambaProtocolError(`unexpected answer to Z: ${JSON.stringify(raw)}`);
    return parseInt(m[1]!, 16) & 0xffff;
  }

  private need(ext: keyof SambaExtensions, letter: string): void {
    if (!this.extensions[ext]) throw new SambaProtocolError(`this bootloader does not offer the ${letter} command (version: ${this.version})`);
  }

  private async expect(text: string, timeoutMs: number, what: string): Promise<void> {
    const got = Buffer.from(await this.stream.read(text.length, timeoutMs, what)).toString("latin1");
    if (got !== text) throw new SambaProtocolError(`${what}: expected ${JSON.stringify(text)}, got ${JSON.stringify(got)}`);
  }
}

