// What each esptool command does, on top of the loader (wire) and image (format) modules. Output
// goes through `Io`; nothing here parses command lines.
import { createHash } from "node:crypto";
import { TimeoutError, TransportError, TspyError } from "../../errors.js";
import type { ByteStream } from "../../transport/byte-stream.js";
import {
  DETECTED_FLASH_SIZES,
  EFUSE_WORDS,
  ESP8266_MAGIC,
  FLASH_SIZES,
  SPIFLASH_RDID,
  UART_CLKDIV_REG,
  crystalMHz,
  decodeEfuses,
  flashSizeBytes,
  formatMac,
  otherChipName,
  type ChipFacts,
} from "./chip.js";
import { patchFlashParams, type FlashParamArgs } from "./image.js";
import { Esp8266Loader, NeedsStubError, type BeforeMode } from "./loader.js";
import { ProgressBar, type ProgressSink } from "./progress.js";
import { loadStub } from "./stub.js";

export interface Io {
  out(line: string): void;
  /** Where progress bars draw (stderr on the command line). */
  progress: ProgressSink;
  /** Text without a line end (esptool's "Downloading ... done!" halves), and whether `out` is a terminal. */
  write?(text: string): void;
  tty?: boolean;
}

export class WrongChipError extends TspyError {}
export class VerifyError extends TspyError {}

export const ROM_BAUD = 115200;

export interface ConnectOptions {
  baud: number;
  before: BeforeMode;
  noStub: boolean;
  trace?: (line: string) => void;
}

export interface Connected {
  loader: Esp8266Loader;
  facts: ChipFacts;
}

/** Sync, check that this is an ESP8266, print what it is, start the stub, raise the baud rate. */
export async function connectChip(stream: ByteStream, opts: ConnectOptions, io: Io): Promise<Connected> {
  const initialBaud = opts.noStub ? opts.baud : Math.min(ROM_BAUD, opts.baud);
  if (stream.setBaudRate && initialBaud !== opts.baud) await stream.setBaudRate(initialBaud);
  const loader = new Esp8266Loader(stream, initialBaud, { log: (l) => io.out(l), trace: opts.trace });
  try {
    await loader.connect(opts.before);
  } catch (e) {
    // The ROM auto-bauds, but not every adapter and board manage a fast first SYNC: retry at 115200.
    if (!(e instanceof TimeoutError) || initialBaud <= ROM_BAUD || !stream.setBaudRate) throw e;
    io.out(`WARNING: no answer at ${initialBaud} baud; trying ${ROM_BAUD}`);
    await stream.setBaudRate(ROM_BAUD);
    loader.baud = ROM_BAUD;
    await loader.connect(opts.before);
  }
  const magic = await loader.readChipMagic();
  if (magic !== ESP8266_MAGIC) {
    const other = otherChipName(magic);
    throw new WrongChipError(
      other
        ? `this board is an ${other}, not an ESP8266: tspy's flasher handles the ESP8266 only (use Espressif's esptool for the ${other})`
        : `unknown chip (magic word 0x${magic.toString(16).padStart(8, "0")} at 0x40001000): not an ESP8266`,
    );
  }
  if (loader.stubDetectedAtSync) loader.isStub = true;
  const efuses: number[] = [];
  for (const addr of EFUSE_WORDS) efuses.push(await loader.readReg(addr));
  const facts = decodeEfuses(efuses);
  io.out(`Chip is ${facts.description}`);
  io.out(`Features: WiFi${facts.description === "ESP8285" ? ", Embedded Flash" : ""}`);
  if (!loader.isStub) io.out(`Crystal is ${crystalMHz(await loader.readReg(UART_CLKDIV_REG), loader.baud)}MHz`);
  io.out(`MAC: ${formatMac(facts.mac)}`);
  if (!opts.noStub && !loader.isStub) await loader.runStub(await loadStub());
  if (opts.baud > loader.baud) {
    if (loader.isStub) {
      io.out(`Changing baud rate to ${opts.baud}`);
      await loader.changeBaud(opts.baud);
      io.out("Changed.");
    } else {
      io.out(`WARNING: the ROM loader cannot change baud rate; staying at ${loader.baud}`);
    }
  }
  return { loader, facts };
}

// ---- small commands ----

export async function readMac(c: Connected, io: Io): Promise<void> {
  io.out(`MAC: ${formatMac(c.facts.mac)}`);
}

export async function chipId(c: Connected, io: Io): Promise<void> {
  io.out(`Chip ID: 0x${c.facts.chipId.toString(16).padStart(8, "0")}`);
}

export interface FlashIdInfo {
  manufacturer: number;
  device: number;
  sizeName?: string;
}

export async function readFlashId(loader: Esp8266Loader): Promise<FlashIdInfo> {
  const id = await loader.spiFlashCommand(SPIFLASH_RDID, 24);
  const capacity = (id >>> 16) & 0xff;
  return { manufacturer: id & 0xff, device: ((id >>> 8) & 0xff) << 8 | capacity, sizeName: DETECTED_FLASH_SIZES[capacity] };
}

export async function flashId(c: Connected, io: Io): Promise<void> {
  const info = await readFlashId(c.loader);
  io.out(`Manufacturer: ${info.manufacturer.toString(16).padStart(2, "0")}`);
  io.out(`Device: ${info.device.toString(16).padStart(4, "0")}`);
  io.out(`Detected flash size: ${info.sizeName ?? "Unknown"}`);
}

/** Resolve `detect` to a size name through the JEDEC id (4MB with a warning if unknown). */
export async function resolveFlashSize(c: Connected, size: string, io: Io): Promise<string> {
  if (size !== "detect") return size;
  const info = await readFlashId(c.loader);
  if (!info.sizeName) {
    io.out(`Warning: could not detect the flash size (device 0x${info.device.toString(16)}); assuming 4MB`);
    return "4MB";
  }
  io.out(`Auto-detected Flash size: ${info.sizeName}`);
  return info.sizeName;
}

export async function eraseFlash(c: Connected, io: Io): Promise<void> {
  io.out("Erasing flash (this may take a while)...");
  const t = Date.now();
  if (c.loader.isStub) await c.loader.eraseFlash();
  else {
    // No chip erase in the ROM: erase the whole detected size through FLASH_BEGIN instead.
    const size = flashSizeBytes(await resolveFlashSize(c, "detect", io));
    await c.loader.eraseRegion(0, size);
  }
  io.out(`Chip erase completed successfully in ${((Date.now() - t) / 1000).toFixed(1)}s`);
}

export async function eraseRegion(c: Connected, address: number, size: number, io: Io): Promise<void> {
  io.out("Erasing region (may be slow depending on size)...");
  const t = Date.now();
  await c.loader.eraseRegion(address, size);
  io.out(`Erase completed successfully in ${((Date.now() - t) / 1000).toFixed(1)} seconds.`);
}

export async function run(c: Connected): Promise<void> {
  await c.loader.runUserCode();
}

// ---- write, verify, read ----

export interface FileAt {
  address: number;
  name: string;
  data: Buffer;
}

export interface WriteOptions {
  flash: FlashParamArgs & { size: string }; // size may be "detect"
  compress: boolean;
  /** Also run verify_flash afterwards (esptool's --verify). */
  verify: boolean;
  eraseAll?: boolean;
}

function pad(data: Buffer, multiple: number, fill = 0xff): Buffer {
  const rem = data.length % multiple;
  return rem ? Buffer.concat([data, Buffer.alloc(multiple - rem, fill)]) : data;
}

function hex8(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

export async function writeFlash(c: Connected, files: FileAt[], opts: WriteOptions, io: Io): Promise<void> {
  const { loader } = c;
  const compress = opts.compress && loader.isStub;
  if (opts.compress && !loader.isStub) io.out("Note: the ROM loader has no compressed writes; sending uncompressed");
  let sizeName = opts.flash.size;
  if (sizeName !== "keep") {
    sizeName = await resolveFlashSize(c, sizeName, io);
    if (FLASH_SIZES[sizeName] === undefined) throw new TspyError(`unknown flash size ${sizeName}`);
    const flashEnd = flashSizeBytes(sizeName);
    for (const f of files) {
      if (f.address + f.data.length > flashEnd) {
        throw new TspyError(
          `${f.name} (${f.data.length} bytes) at 0x${f.address.toString(16)} does not fit in ${sizeName} of flash ` +
            `(ends at 0x${(f.address + f.data.length).toString(16)}); use --flash_size or another address`,
        );
      }
    }
    if (loader.isStub) await loader.spiSetParams(flashEnd);
  }
  const params = { ...opts.flash, size: sizeName };
  if (opts.eraseAll) await eraseFlash(c, io);

  for (const f of files) {
    let image = pad(f.data, 4);
    if (image.length === 0) {
      io.out(`WARNING: File ${f.name} is empty`);
      continue;
    }
    const patched = patchFlashParams(f.address, image, params);
    if (patched.warning) io.out(patched.warning);
    if (patched.note) io.out(patched.note);
    image = patched.data;
    const md5 = createHash("md5").update(image).digest("hex");
    await writeOne(loader, f, image, compress, io);
    if (loader.isStub) {
      const got = await loader.flashMd5(f.address, image.length);
      if (got !== md5) {
        io.out(`File  md5: ${md5}`);
        io.out(`Flash md5: ${got}`);
        throw new VerifyError(`verification failed at 0x${f.address.toString(16)}: the flash does not hold ${f.name} (MD5 mismatch)`);
      }
      io.out("Hash of data verified.");
    } else {
      io.out("Note: not verified: the ROM loader has no MD5 or flash read (drop --no-stub to verify)");
    }
  }
  io.out("");
  io.out("Leaving...");
  if (loader.isStub) {
    await loader.flashBegin(0, 0);
    if (compress) await loader.flashDeflFinish(false);
    else await loader.flashFinish(false);
  }
  if (opts.verify) {
    io.out("Verifying just-written flash...");
    await verifyFlash(c, files, params, false, io);
  }
}

async function writeOne(loader: Esp8266Loader, f: FileAt, image: Buffer, compress: boolean, io: Io): Promise<void> {
  const uncompressed = image.length;
  let payload = image;
  let blocks: number;
  if (compress) {
    const { deflate } = await import("pako");
    payload = Buffer.from(deflate(image, { level: 9 }));
    blocks = await loader.flashDeflBegin(uncompressed, payload.length, f.address);
    io.out(`Compressed ${uncompressed} bytes to ${payload.length}...`);
  } else {
    if (!loader.isStub) io.out("Erasing flash...");
    blocks = await loader.flashBegin(uncompressed, f.address);
  }
  const block = loader.flashBlockSize;
  const bar = new ProgressBar(io.progress, (done) => `Writing at ${hex8(f.address + done)}`, uncompressed);
  const t = Date.now();
  let acked = 0; // bytes of `payload` the board has acknowledged
  try {
    for (let seq = 0; seq < blocks; seq++) {
      let chunk = payload.subarray(seq * block, (seq + 1) * block);
      if (compress) {
        // The stub inflates as data arrives; a slow flash can make a block take several seconds.
        await loader.flashDeflBlock(chunk, seq, Math.max(3000, 6000 * Math.ceil(uncompressed / Math.max(1, payload.length))));
      } else {
        if (chunk.length < block) chunk = Buffer.concat([chunk, Buffer.alloc(block - chunk.length, 0xff)]);
        await loader.flashBlock(chunk, seq);
      }
      acked = Math.min(payload.length, (seq + 1) * block);
      bar.update(compress ? Math.round((acked / payload.length) * uncompressed) : acked);
    }
  } catch (e) {
    bar.abort();
    if (e instanceof TspyError) {
      const upTo = f.address + (compress ? await inflatedLength(payload.subarray(0, acked)) : acked);
      const what = e instanceof TransportError ? "link lost" : "write failed";
      throw new TransportError(
        `${what} while writing ${f.name} at 0x${f.address.toString(16)}: the board acknowledged data up to ${hex8(upTo)}` +
          `; nothing after that was written and nothing was verified. Run write_flash again. (${e.message})`,
      );
    }
    throw e;
  }
  bar.finish(uncompressed);
  const secs = (Date.now() - t) / 1000;
  const kbit = secs > 0 ? ` (${compress ? "effective " : ""}${((uncompressed * 8) / secs / 1000).toFixed(1)} kbit/s)` : "";
  io.out(
    compress
      ? `Wrote ${uncompressed} bytes (${payload.length} compressed) at ${hex8(f.address)} in ${secs.toFixed(1)} seconds${kbit}...`
      : `Wrote ${blocks * block} bytes at ${hex8(f.address)} in ${secs.toFixed(1)} seconds${kbit}...`,
  );
}

/** How many bytes the acknowledged prefix of a deflate stream expands to (what the stub could write). */
async function inflatedLength(prefix: Buffer): Promise<number> {
  const { Inflate } = await import("pako");
  let n = 0;
  const inf = new Inflate();
  inf.onData = (chunk: Uint8Array) => {
    n += chunk.length;
  };
  inf.push(prefix, false);
  // pako hands out only full output chunks; the rest sits in its output buffer.
  const pending = (inf as unknown as { strm?: { next_out?: number } }).strm?.next_out ?? 0;
  return n + pending;
}

export async function verifyFlash(c: Connected, files: FileAt[], flash: FlashParamArgs, diff: boolean, io: Io): Promise<void> {
  if (!c.loader.isStub) throw new NeedsStubError("verify_flash (the ROM has no MD5 or flash read)");
  let failed = 0;
  for (const f of files) {
    const image = patchFlashParams(f.address, pad(f.data, 4), flash).data;
    io.out(`Verifying 0x${image.length.toString(16)} (${image.length}) bytes @ ${hex8(f.address)} in flash against ${f.name}...`);
    const digest = await c.loader.flashMd5(f.address, image.length);
    if (digest === createHash("md5").update(image).digest("hex")) {
      io.out("-- verify OK (digest matched)");
      continue;
    }
    failed++;
    if (!diff) {
      io.out("-- verify FAILED (digest mismatch)");
      continue;
    }
    const flashData = await c.loader.readFlash(f.address, image.length);
    const diffs: number[] = [];
    for (let i = 0; i < image.length; i++) if (flashData[i] !== image[i]) diffs.push(i);
    io.out(`-- verify FAILED: ${diffs.length} differences, first @ ${hex8(f.address + (diffs[0] ?? 0))}`);
    for (const d of diffs.slice(0, 32)) {
      io.out(`   ${(f.address + d).toString(16).padStart(8, "0")} ${flashData[d]!.toString(16).padStart(2, "0")} ${image[d]!.toString(16).padStart(2, "0")}`);
    }
  }
  if (failed) throw new VerifyError(`verify failed: ${failed} of ${files.length} file(s) differ from the flash`);
}

export async function readFlash(c: Connected, address: number, size: number, io: Io): Promise<Buffer> {
  const bar = new ProgressBar(io.progress, (done) => `Reading at ${hex8(address + done)}`, size);
  const t = Date.now();
  let data: Buffer;
  try {
    data = await c.loader.readFlash(address, size, (done) => bar.update(done));
  } catch (e) {
    bar.abort();
    throw e;
  }
  bar.finish(size);
  const secs = (Date.now() - t) / 1000;
  io.out(`Read ${data.length} bytes at 0x${address.toString(16)} in ${secs.toFixed(1)} seconds (${((data.length * 8) / Math.max(secs, 0.001) / 1000).toFixed(1)} kbit/s)...`);
  return data;
}
