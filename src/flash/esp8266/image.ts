// ESP8266 firmware image formats (no wire code): the v1 image the ROM boots (magic 0xE9), the v2
// image loaded by Espressif's second-stage bootloader (0xEA), and the flash-parameter bytes that
// write_flash patches into an image written at offset 0.
import { TspyError } from "../../errors.js";
import { BOOTLOADER_OFFSET, FLASH_FREQS, FLASH_MODES, FLASH_SIZES, IMAGE_MAGIC, IMAGE_V2_MAGIC } from "./chip.js";
import { CHECKSUM_SEED, checksum } from "./protocol.js";

export const IROM_MAP_START = 0x40200000;
export const IROM_MAP_END = 0x40300000;

export class ImageError extends TspyError {}

export interface Segment {
  addr: number;
  data: Buffer;
  /** Where the segment header sits in the file (for image_info). */
  fileOffset?: number;
  name?: string;
}

export interface FirmwareImage {
  version: 1 | 2;
  flashMode: number;
  flashSizeFreq: number;
  entry: number;
  segments: Segment[];
  /** v2: the irom0 segment stored ahead of the second header, not covered by the checksum. */
  iromSegment?: Segment;
  checksum: number;
  /** Length of the image proper (header to checksum byte, plus the v2 CRC). */
  length: number;
}

const MEMORY_MAP: [number, number, string][] = [
  [0x3ff00000, 0x3ff00010, "DPORT"],
  [0x3ffe8000, 0x40000000, "DRAM"],
  [0x40100000, 0x40108000, "IRAM"],
  [0x40201010, 0x402e1010, "IROM"],
];

export function regionName(addr: number): string {
  return MEMORY_MAP.filter(([a, b]) => a <= addr && addr < b)
    .map(([, , n]) => n)
    .join(", ");
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    readonly name: string,
  ) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) {
      throw new ImageError(`${this.name}: file ends inside ${what} (at 0x${this.pos.toString(16)})`);
    }
  }
  header(expected: number): { count: number; mode: number; sizeFreq: number; entry: number } {
    this.need(8, "the image header");
    const b = this.buf;
    const magic = b[this.pos]!;
    if (magic !== expected) {
      throw new ImageError(`${this.name}: bad image magic 0x${magic.toString(16)} (expected 0x${expected.toString(16)})`);
    }
    const h = { count: b[this.pos + 1]!, mode: b[this.pos + 2]!, sizeFreq: b[this.pos + 3]!, entry: b.readUInt32LE(this.pos + 4) };
    this.pos += 8;
    return h;
  }
  segment(): Segment {
    this.need(8, "a segment header");
    const fileOffset = this.pos;
    const addr = this.buf.readUInt32LE(this.pos);
    const len = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    this.need(len, `segment at 0x${addr.toString(16)} (${len} bytes)`);
    const data = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return { addr, data, fileOffset };
  }
  checksumByte(): number {
    // Zero padding so that the checksum is the last byte of a 16-byte line.
    this.pos += 15 - (this.pos % 16);
    this.need(1, "the checksum byte");
    return this.buf[this.pos++]!;
  }
}

export function parseImage(buf: Buffer, name = "image"): FirmwareImage {
  if (buf.length === 0) throw new ImageError(`${name}: empty file`);
  const r = new Reader(buf, name);
  if (buf[0] === IMAGE_MAGIC) {
    const h = r.header(IMAGE_MAGIC);
    if (h.count > 16) throw new ImageError(`${name}: ${h.count} segments (at most 16): not an ESP8266 image?`);
    const segments: Segment[] = [];
    for (let i = 0; i < h.count; i++) segments.push(r.segment());
    const sum = r.checksumByte();
    return { version: 1, flashMode: h.mode, flashSizeFreq: h.sizeFreq, entry: h.entry, segments, checksum: sum, length: r.pos };
  }
  if (buf[0] === IMAGE_V2_MAGIC) {
    r.header(IMAGE_V2_MAGIC);
    const irom = r.segment();
    const h = r.header(IMAGE_MAGIC);
    if (h.count > 16) throw new ImageError(`${name}: ${h.count} segments (at most 16)`);
    const segments: Segment[] = [];
    for (let i = 0; i < h.count; i++) segments.push(r.segment());
    const sum = r.checksumByte();
    const length = Math.min(buf.length, r.pos + 4);
    return {
      version: 2,
      flashMode: h.mode,
      flashSizeFreq: h.sizeFreq,
      entry: h.entry,
      segments,
      iromSegment: irom,
      checksum: sum,
      length,
    };
  }
  throw new ImageError(`${name}: not an ESP8266 image (first byte 0x${buf[0]!.toString(16)}, expected 0xe9 or 0xea)`);
}

export function imageChecksum(segments: Segment[]): number {
  let c = CHECKSUM_SEED;
  for (const s of segments) c = checksum(s.data, c);
  return c;
}

function hex(n: number, width = 8): string {
  return n.toString(16).padStart(width, "0");
}

const MODE_NAMES = Object.fromEntries(Object.entries(FLASH_MODES).map(([k, v]) => [v, k]));
const FREQ_NAMES = Object.fromEntries(Object.entries(FLASH_FREQS).map(([k, v]) => [v, k]));
const SIZE_NAMES = Object.fromEntries(Object.entries(FLASH_SIZES).map(([k, v]) => [v, k]));

/** The text of `image_info`, in esptool's layout. */
export function describeImage(img: FirmwareImage): string[] {
  const out: string[] = [];
  out.push(`Image version: ${img.version}`);
  out.push(img.entry !== 0 ? `Entry point: ${hex(img.entry)}` : "Entry point not set");
  out.push(
    `Flash: mode ${MODE_NAMES[img.flashMode] ?? `0x${img.flashMode.toString(16)}`}, size ${
      SIZE_NAMES[img.flashSizeFreq & 0xf0] ?? "?"
    }, frequency ${FREQ_NAMES[img.flashSizeFreq & 0x0f] ?? "?"}`,
  );
  if (img.iromSegment) {
    out.push(`irom0 segment: len 0x${hex(img.iromSegment.data.length, 5)} (stored ahead of the second header)`);
  }
  out.push(`${img.segments.length} segments`);
  out.push("");
  img.segments.forEach((s, i) => {
    const off = s.fileOffset !== undefined ? ` file_offs 0x${hex(s.fileOffset)}` : "";
    out.push(`Segment ${i + 1}: len 0x${hex(s.data.length, 5)} load 0x${hex(s.addr)}${off} [${regionName(s.addr)}]`);
  });
  const calc = imageChecksum(img.segments);
  out.push(
    `Checksum: ${img.checksum.toString(16).padStart(2, "0")} (${
      calc === img.checksum ? "valid" : `invalid - calculated ${calc.toString(16).padStart(2, "0")}`
    })`,
  );
  return out;
}

// ---- writing images ----

function pad4(data: Buffer): Buffer {
  const rem = data.length % 4;
  return rem ? Buffer.concat([data, Buffer.alloc(4 - rem)]) : data;
}

function header(magic: number, count: number, mode: number, sizeFreq: number, entry: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = magic;
  h[1] = count;
  h[2] = mode;
  h[3] = sizeFreq;
  h.writeUInt32LE(entry >>> 0, 4);
  return h;
}

function segmentBytes(s: Segment): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE(s.addr >>> 0, 0);
  h.writeUInt32LE(s.data.length, 4);
  return Buffer.concat([h, s.data]);
}

/** Header, segments, zero padding and the checksum byte at the end of a 16-byte line. */
function v1Body(segments: Segment[], mode: number, sizeFreq: number, entry: number): Buffer {
  const parts = [header(IMAGE_MAGIC, segments.length, mode, sizeFreq, entry), ...segments.map(segmentBytes)];
  const body = Buffer.concat(parts);
  const padLen = 15 - (body.length % 16);
  return Buffer.concat([body, Buffer.alloc(padLen), Buffer.from([imageChecksum(segments)])]);
}

export function isIromAddr(addr: number): boolean {
  return addr >= IROM_MAP_START && addr < IROM_MAP_END;
}

export interface ImageParams {
  flashMode: number;
  flashSizeFreq: number;
  entry: number;
}

/**
 * A v1 image: everything but irom0 goes into the image at 0x00000; irom0 becomes a plain binary to
 * be flashed at (its address − 0x40200000). Returns the files to write, keyed by flash offset.
 */
export function buildV1(segments: Segment[], p: ImageParams): Map<number, Buffer> {
  const segs = segments.map((s) => ({ ...s, data: pad4(s.data) }));
  const irom = segs.filter((s) => isIromAddr(s.addr));
  if (irom.length > 1) throw new ImageError(`found ${irom.length} segments that could be irom0 (bad ELF file?)`);
  const normal = segs.filter((s) => !isIromAddr(s.addr));
  if (normal.length > 16) throw new ImageError(`${normal.length} segments (at most 16): usually a linker script problem`);
  const files = new Map<number, Buffer>();
  files.set(0, v1Body(normal, p.flashMode, p.flashSizeFreq, p.entry));
  if (irom[0]) files.set(irom[0].addr - IROM_MAP_START, irom[0].data);
  return files;
}

/** CRC-32 as the ESP8266 SDK bootloader checks it (zlib's CRC with its own final tweak). */
export function esp8266Crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const b of data) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  const z = (crc ^ 0xffffffff) >>> 0;
  return (z & 0x80000000 ? z ^ 0xffffffff : z + 1) >>> 0;
}

/** A v2 image: first header (0xEA), irom0 with load address 0, the v1 part, then the CRC-32. */
export function buildV2(segments: Segment[], p: ImageParams): Buffer {
  const segs = segments.map((s) => ({ ...s, data: pad4(s.data) }));
  const irom = segs.filter((s) => isIromAddr(s.addr));
  if (irom.length > 1) throw new ImageError(`found ${irom.length} segments that could be irom0 (bad ELF file?)`);
  const normal = segs.filter((s) => !isIromAddr(s.addr));
  const parts = [header(IMAGE_V2_MAGIC, 4, p.flashMode, p.flashSizeFreq, p.entry)];
  if (irom[0]) {
    let d = irom[0].data;
    if (d.length % 16) d = Buffer.concat([d, Buffer.alloc(16 - (d.length % 16))]);
    parts.push(segmentBytes({ addr: 0, data: d }));
  }
  parts.push(v1Body(normal, p.flashMode, p.flashSizeFreq, p.entry));
  const body = Buffer.concat(parts);
  const crc = Buffer.alloc(4);
  crc.writeUInt32LE(esp8266Crc32(body));
  return Buffer.concat([body, crc]);
}

// ---- flash parameters in the header ----

export interface FlashParamArgs {
  mode: string; // qio|qout|dio|dout|keep
  freq: string; // 40m|26m|20m|80m|keep
  size: string; // 1MB...|keep (detect already resolved)
}

export interface PatchResult {
  data: Buffer;
  /** A line for the user, if anything was changed or deliberately left alone. */
  note?: string;
  warning?: string;
}

/**
 * Set the flash mode/size/frequency bytes of an image written at the bootloader offset, as esptool
 * does; other addresses and non-images pass through unchanged.
 */
export function patchFlashParams(address: number, data: Buffer, args: FlashParamArgs): PatchResult {
  if (data.length < 8 || address !== BOOTLOADER_OFFSET) return { data };
  if (args.mode === "keep" && args.freq === "keep" && args.size === "keep") return { data };
  if (data[0] !== IMAGE_MAGIC) {
    return {
      data,
      warning: `Warning: the file at 0x${address.toString(16)} does not start with 0xE9: not an ESP8266 image? Flash settings left unchanged.`,
    };
  }
  try {
    parseImage(data);
  } catch {
    return {
      data,
      warning: `Warning: the file at 0x${address.toString(16)} is not a valid ESP8266 image; flash settings left unchanged.`,
    };
  }
  let mode = data[2]!;
  let sizeFreq = data[3]!;
  if (args.mode !== "keep") mode = FLASH_MODES[args.mode]!;
  if (args.freq !== "keep") sizeFreq = (sizeFreq & 0xf0) | FLASH_FREQS[args.freq]!;
  if (args.size !== "keep") {
    const code = FLASH_SIZES[args.size];
    if (code === undefined) throw new TspyError(`flash size ${args.size} is not known for the ESP8266 (${Object.keys(FLASH_SIZES).join(", ")})`);
    sizeFreq = code | (sizeFreq & 0x0f);
  }
  if (mode === data[2] && sizeFreq === data[3]) return { data };
  const out = Buffer.from(data);
  out[2] = mode;
  out[3] = sizeFreq;
  return { data: out, note: `Flash params set to 0x${((mode << 8) | sizeFreq).toString(16).padStart(4, "0")}` };
}
