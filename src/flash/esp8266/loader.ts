// The wire half of the ESP8266 flasher: one object per connection that sends loader commands and
// reads their answers over a ByteStream. It knows the ROM and the stub command sets, not what a
// user asked for (operations.ts) nor image formats (image.ts).
import { createHash } from "node:crypto";
import { TimeoutError, TransportError, TspyError } from "../../errors.js";
import type { ByteStream } from "../../transport/byte-stream.js";
import {
  CHIP_MAGIC_REG,
  FLASH_SECTOR_SIZE,
  RAM_BLOCK,
  READ_FLASH_BLOCK,
  ROM_FLASH_BLOCK,
  SPI_CMD_REG,
  SPI_CMD_USR,
  SPI_USR1_REG,
  SPI_USR2_REG,
  SPI_USR_COMMAND,
  SPI_USR_MISO,
  SPI_USR_MOSI,
  SPI_USR_REG,
  SPI_W0_REG,
  STUB_FLASH_BLOCK,
  romEraseSize,
} from "./chip.js";
import {
  LoaderCommandError,
  Op,
  OP_NAMES,
  SYNC_PAYLOAD,
  buildRequest,
  checksum,
  parseResponse,
  words,
  type Response,
} from "./protocol.js";
import { hardReset, resetIntoBootloader } from "./reset.js";
import { SlipDecoder, slipEncode } from "./slip.js";
import type { StubImage } from "./stub.js";

const DEFAULT_TIMEOUT = 3000;
const SYNC_TIMEOUT = 100;
const MEM_END_ROM_TIMEOUT = 200;
const ERASE_MS_PER_MB = 30000;
const MD5_MS_PER_MB = 8000;
const CHIP_ERASE_TIMEOUT = 120000;

function perMb(msPerMb: number, bytes: number): number {
  return Math.max(DEFAULT_TIMEOUT, Math.ceil((msPerMb * bytes) / 1e6));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A command the ROM loader does not have (the stub does). */
export class NeedsStubError extends TspyError {
  constructor(what: string) {
    super(`${what} is not possible with the ESP8266 ROM loader alone (drop --no-stub to use the flasher stub)`);
  }
}

export interface LoaderOptions {
  /** Progress lines for humans ("Connecting...", "Stub running"). */
  log?: (line: string) => void;
  /** Every frame in and out, for --trace. */
  trace?: (line: string) => void;
}

export type BeforeMode = "default_reset" | "no_reset" | "no_reset_no_sync";

export class Esp8266Loader {
  /** true once the flasher stub answers instead of the ROM. */
  isStub = false;
  /** SYNC answered with value 0: the stub was already running (the chip was not reset). */
  stubDetectedAtSync = false;
  /** The baud rate the host side currently uses (for the stub's CHANGE_BAUDRATE "old rate"). */
  baud: number;
  private readonly decoder = new SlipDecoder();
  private readonly frames: Buffer[] = [];

  constructor(
    readonly stream: ByteStream,
    baud: number,
    private readonly opts: LoaderOptions = {},
  ) {
    this.baud = baud;
  }

  get flashBlockSize(): number {
    return this.isStub ? STUB_FLASH_BLOCK : ROM_FLASH_BLOCK;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  // ---- frames ----

  async writeFrame(payload: Uint8Array): Promise<void> {
    if (this.opts.trace) this.opts.trace(`> ${Buffer.from(payload).toString("hex")}`);
    await this.stream.write(slipEncode(payload));
  }

  async readFrame(timeoutMs: number, what = "waiting for the loader to answer"): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const f = this.frames.shift();
      if (f) {
        if (this.opts.trace) this.opts.trace(`< ${f.toString("hex")}`);
        return f;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new TimeoutError(`${this.stream.description}: timed out ${what}`);
      const chunk = await this.stream.readSome(left);
      if (chunk.length) this.frames.push(...this.decoder.push(chunk));
    }
  }

  async flushInput(quietMs = 10): Promise<void> {
    await this.stream.drain(quietMs);
    this.frames.length = 0;
    this.decoder.reset();
  }

  // ---- commands ----

  /** Send a request and wait for the response with the same op (other frames are skipped). */
  async command(op: number, data: Uint8Array = Buffer.alloc(0), chk = 0, timeoutMs = DEFAULT_TIMEOUT): Promise<Response> {
    await this.writeFrame(buildRequest(op, data, chk));
    return this.awaitResponse(op, timeoutMs);
  }

  private async awaitResponse(op: number, timeoutMs: number): Promise<Response> {
    const deadline = Date.now() + timeoutMs;
    for (let i = 0; i < 100; i++) {
      const frame = await this.readFrame(Math.max(1, deadline - Date.now()), `waiting for the answer to ${OP_NAMES[op] ?? op}`);
      const r = parseResponse(frame);
      if (r && r.op === op) return r;
    }
    throw new TransportError(`${this.stream.description}: no answer matching ${OP_NAMES[op] ?? op}`);
  }

  /** A command whose answer must carry a success status; returns the value and any data before it. */
  async check(
    what: string,
    op: number,
    data: Uint8Array = Buffer.alloc(0),
    chk = 0,
    timeoutMs = DEFAULT_TIMEOUT,
    respDataLen = 0,
  ): Promise<{ value: number; data: Buffer }> {
    const r = await this.command(op, data, chk, timeoutMs);
    if (r.data.length < respDataLen + 2) {
      const status = r.data.subarray(0, 2);
      if (status.length === 2 && status[0] !== 0) throw new LoaderCommandError(what, status);
      throw new TransportError(`failed to ${what}: short answer (${r.data.length} bytes)`);
    }
    const status = r.data.subarray(respDataLen, respDataLen + 2);
    if (status[0] !== 0) throw new LoaderCommandError(what, Buffer.from(status));
    return { value: r.value, data: r.data.subarray(0, respDataLen) };
  }

  // ---- connecting ----

  async sync(): Promise<void> {
    const first = await this.command(Op.SYNC, SYNC_PAYLOAD, 0, SYNC_TIMEOUT);
    // The ROM answers SYNC eight times with a non-zero value; a running stub answers with 0.
    let stub = first.value === 0;
    for (let i = 0; i < 7; i++) {
      let frame: Buffer;
      try {
        frame = await this.readFrame(SYNC_TIMEOUT);
      } catch (e) {
        if (e instanceof TimeoutError) break;
        throw e;
      }
      const r = parseResponse(frame);
      if (r && r.op === Op.SYNC) stub &&= r.value === 0;
    }
    this.stubDetectedAtSync = stub;
  }

  /** Reset into the bootloader (unless told not to) and SYNC, retrying like esptool does. */
  async connect(before: BeforeMode = "default_reset", attempts = 7): Promise<void> {
    if (before === "no_reset_no_sync") return;
    this.log("Connecting...");
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (before === "default_reset") await resetIntoBootloader(this.stream, (l) => this.log(l));
      for (let i = 0; i < 5; i++) {
        try {
          await this.flushInput(5);
          await this.sync();
          return;
        } catch (e) {
          if (!(e instanceof TimeoutError)) throw e;
          lastError = e;
          await sleep(50);
        }
      }
    }
    const why = lastError instanceof Error ? lastError.message : "no answer";
    throw new TimeoutError(
      `failed to connect to the ESP8266 loader on ${this.stream.description} (${why}); ` +
        "hold GPIO0 low while resetting the board, or check the port",
    );
  }

  async readReg(addr: number): Promise<number> {
    const r = await this.command(Op.READ_REG, words(addr));
    if (r.data.length >= 2 && r.data[r.data.length - 2] !== 0) {
      throw new LoaderCommandError(`read register 0x${addr.toString(16)}`, r.data.subarray(r.data.length - 2));
    }
    return r.value >>> 0;
  }

  async writeReg(addr: number, value: number, mask = 0xffffffff, delayUs = 0): Promise<void> {
    await this.check("write a register", Op.WRITE_REG, words(addr, value, mask, delayUs));
  }

  async readChipMagic(): Promise<number> {
    return this.readReg(CHIP_MAGIC_REG);
  }

  // ---- RAM and the stub ----

  async memBegin(size: number, blocks: number, blockSize: number, offset: number): Promise<void> {
    await this.check("enter RAM download mode", Op.MEM_BEGIN, words(size, blocks, blockSize, offset));
  }

  async memBlock(data: Uint8Array, seq: number): Promise<void> {
    await this.check("write to RAM", Op.MEM_DATA, Buffer.concat([words(data.length, seq, 0, 0), data]), checksum(data));
  }

  async memFinish(entry: number): Promise<void> {
    const payload = words(entry === 0 ? 1 : 0, entry);
    if (this.isStub) {
      await this.check("leave RAM download mode", Op.MEM_END, payload);
      return;
    }
    // The ROM may start the code before its answer is out; a missing answer is not an error.
    try {
      await this.check("leave RAM download mode", Op.MEM_END, payload, 0, MEM_END_ROM_TIMEOUT);
    } catch (e) {
      if (!(e instanceof TimeoutError)) throw e;
    }
  }

  async runStub(stub: StubImage): Promise<void> {
    if (this.isStub) return;
    this.log("Uploading stub...");
    for (const [start, bytes] of [
      [stub.textStart, stub.text],
      [stub.dataStart, stub.data],
    ] as const) {
      const blocks = Math.ceil(bytes.length / RAM_BLOCK);
      await this.memBegin(bytes.length, blocks, RAM_BLOCK, start);
      for (let seq = 0; seq < blocks; seq++) {
        await this.memBlock(bytes.subarray(seq * RAM_BLOCK, (seq + 1) * RAM_BLOCK), seq);
      }
    }
    this.log("Running stub...");
    await this.memFinish(stub.entry);
    let hello = await this.readFrame(DEFAULT_TIMEOUT, "waiting for the stub to start");
    // A MEM_END answer that came after its short time-out may still be ahead of the greeting.
    const late = parseResponse(hello);
    if (late && late.op === Op.MEM_END) hello = await this.readFrame(DEFAULT_TIMEOUT, "waiting for the stub to start");
    if (hello.toString("latin1") !== "OHAI") {
      throw new TransportError(`the flasher stub did not start (it sent ${hello.toString("hex")} instead of OHAI)`);
    }
    this.isStub = true;
    this.log("Stub running...");
  }

  // ---- flash writes ----

  /** Start an uncompressed write; returns the number of blocks to send. The ROM erases here. */
  async flashBegin(size: number, offset: number): Promise<number> {
    const block = this.flashBlockSize;
    const blocks = Math.ceil(size / block);
    const eraseSize = this.isStub ? size : romEraseSize(offset, size);
    const timeout = this.isStub ? DEFAULT_TIMEOUT : perMb(ERASE_MS_PER_MB, size);
    await this.check("enter flash download mode", Op.FLASH_BEGIN, words(eraseSize, blocks, block, offset), 0, timeout);
    return blocks;
  }

  async flashBlock(data: Uint8Array, seq: number): Promise<void> {
    await this.check(
      `write to flash (block ${seq})`,
      Op.FLASH_DATA,
      Buffer.concat([words(data.length, seq, 0, 0), data]),
      checksum(data),
    );
  }

  async flashFinish(reboot: boolean): Promise<void> {
    await this.check("leave flash mode", Op.FLASH_END, words(reboot ? 0 : 1));
  }

  async flashDeflBegin(size: number, compressedSize: number, offset: number): Promise<number> {
    if (!this.isStub) throw new NeedsStubError("compressed writing");
    const block = this.flashBlockSize;
    const blocks = Math.ceil(compressedSize / block);
    await this.check("enter compressed flash mode", Op.FLASH_DEFL_BEGIN, words(size, blocks, block, offset));
    return blocks;
  }

  async flashDeflBlock(data: Uint8Array, seq: number, timeoutMs = DEFAULT_TIMEOUT): Promise<void> {
    await this.check(
      `write compressed data to flash (block ${seq})`,
      Op.FLASH_DEFL_DATA,
      Buffer.concat([words(data.length, seq, 0, 0), data]),
      checksum(data),
      timeoutMs,
    );
  }

  async flashDeflFinish(reboot: boolean): Promise<void> {
    await this.check("leave compressed flash mode", Op.FLASH_DEFL_END, words(reboot ? 0 : 1));
  }

  // ---- stub-only services ----

  async flashMd5(addr: number, size: number): Promise<string> {
    if (!this.isStub) throw new NeedsStubError("verifying flash (MD5)");
    const r = await this.command(Op.SPI_FLASH_MD5, words(addr, size, 0, 0), 0, perMb(MD5_MS_PER_MB, size));
    const d = r.data;
    if (d.length >= 2 && d[d.length - 2] !== 0) throw new LoaderCommandError("compute the flash MD5", d.subarray(d.length - 2));
    if (d.length === 18) return d.subarray(0, 16).toString("hex");
    if (d.length === 34) return d.subarray(0, 32).toString("latin1").toLowerCase();
    throw new TransportError(`unexpected MD5 answer (${d.length} bytes)`);
  }

  /** Tell the stub the flash size (the other fields are the usual constants; the ESP8266 ignores them). */
  async spiSetParams(totalSize: number): Promise<void> {
    if (!this.isStub) return;
    await this.check("set SPI params", Op.SPI_SET_PARAMS, words(0, totalSize, 64 * 1024, 4 * 1024, 256, 0xffff));
  }

  async changeBaud(baud: number): Promise<void> {
    if (!this.isStub) throw new NeedsStubError("changing the baud rate");
    await this.check("change the baud rate", Op.CHANGE_BAUDRATE, words(baud, this.baud));
    this.baud = baud;
    await this.stream.setBaudRate?.(baud);
    await sleep(50);
    await this.flushInput(5);
  }

  async eraseFlash(): Promise<void> {
    if (!this.isStub) throw new NeedsStubError("erasing the whole flash");
    await this.check("erase the flash", Op.ERASE_FLASH, Buffer.alloc(0), 0, CHIP_ERASE_TIMEOUT);
  }

  async eraseRegion(offset: number, size: number): Promise<void> {
    if (offset % FLASH_SECTOR_SIZE || size % FLASH_SECTOR_SIZE) {
      throw new TspyError("erase_region: address and size must be multiples of 4096 (0x1000)");
    }
    if (!this.isStub) {
      // The ROM erases in FLASH_BEGIN; a begin with no data blocks erases and writes nothing.
      await this.check(
        "erase a region",
        Op.FLASH_BEGIN,
        words(romEraseSize(offset, size), 0, ROM_FLASH_BLOCK, offset),
        0,
        perMb(ERASE_MS_PER_MB, size),
      );
      return;
    }
    await this.check("erase a region", Op.ERASE_REGION, words(offset, size), 0, perMb(ERASE_MS_PER_MB, size));
  }

  async readFlash(offset: number, length: number, progress?: (done: number, total: number) => void): Promise<Buffer> {
    if (!this.isStub) throw new NeedsStubError("reading flash");
    await this.check("read flash", Op.READ_FLASH, words(offset, length, READ_FLASH_BLOCK, 64));
    const parts: Buffer[] = [];
    let got = 0;
    while (got < length) {
      const p = await this.readFrame(DEFAULT_TIMEOUT, `reading flash at 0x${(offset + got).toString(16)}`);
      parts.push(p);
      got += p.length;
      if (got < length && p.length < READ_FLASH_BLOCK) {
        throw new TransportError(`corrupt flash read: a ${p.length}-byte packet in the middle`);
      }
      const ack = Buffer.alloc(4);
      ack.writeUInt32LE(got);
      await this.writeFrame(ack);
      progress?.(Math.min(got, length), length);
    }
    if (got > length) throw new TransportError("the stub sent more flash data than asked for");
    const digest = await this.readFrame(DEFAULT_TIMEOUT, "waiting for the read digest");
    const data = Buffer.concat(parts);
    const md5 = createHash("md5").update(data).digest();
    if (digest.length !== 16 || !md5.equals(digest)) {
      throw new TransportError("flash read arrived damaged (MD5 mismatch)");
    }
    return data;
  }

  /**
   * Run one SPI flash command through the SPI user-command registers: `data` (up to 64 bytes) goes out
   * after the command byte, then up to 32 bits come back.
   */
  async spiFlashCommand(command: number, readBits: number, data: Uint8Array = new Uint8Array(0)): Promise<number> {
    if (data.length > 64) throw new TransportError("an SPI flash command carries at most 64 bytes");
    const oldUsr = await this.readReg(SPI_USR_REG);
    const oldUsr2 = await this.readReg(SPI_USR2_REG);
    const misoMask = readBits === 0 ? 0 : readBits - 1;
    const mosiMask = data.length === 0 ? 0 : data.length * 8 - 1;
    // The ESP8266 keeps both lengths in USR1: MISO bits from bit 8, MOSI bits from bit 17.
    await this.writeReg(SPI_USR1_REG, ((misoMask << 8) | (mosiMask << 17)) >>> 0);
    await this.writeReg(SPI_USR_REG, (SPI_USR_COMMAND | (readBits > 0 ? SPI_USR_MISO : 0) | (data.length > 0 ? SPI_USR_MOSI : 0)) >>> 0);
    await this.writeReg(SPI_USR2_REG, ((7 << 28) | command) >>> 0);
    if (data.length === 0) {
      await this.writeReg(SPI_W0_REG, 0);
    } else {
      const padded = Buffer.alloc(Math.ceil(data.length / 4) * 4);
      padded.set(data);
      for (let i = 0; i < padded.length; i += 4) await this.writeReg(SPI_W0_REG + i, padded.readUInt32LE(i));
    }
    await this.writeReg(SPI_CMD_REG, SPI_CMD_USR);
    let done = false;
    for (let i = 0; i < 10 && !done; i++) done = ((await this.readReg(SPI_CMD_REG)) & SPI_CMD_USR) === 0;
    if (!done) throw new TransportError("the SPI flash command did not complete");
    const value = await this.readReg(SPI_W0_REG);
    await this.writeReg(SPI_USR_REG, oldUsr);
    await this.writeReg(SPI_USR2_REG, oldUsr2);
    return value >>> 0;
  }

  /** Leave the loader and boot the firmware without touching the modem lines. */
  async runUserCode(): Promise<void> {
    if (this.isStub) {
      await this.writeFrame(buildRequest(Op.RUN_USER_CODE));
      return;
    }
    await this.flashBegin(0, 0);
    await this.flashFinish(false);
  }

  async hardReset(): Promise<void> {
    await hardReset(this.stream, (l) => this.log(l));
  }
}
