// The UF2 container (microsoft/uf2 README): 512-byte blocks, each self-describing — two start
// magics, flags, target address, payload size, block number and count, family id (or file size),
// 476 data bytes, an end magic. No wire, no drives: bytes in, bytes out.
import { TspyError } from "../../errors.js";

export const BLOCK_SIZE = 512;
export const MAGIC_START0 = 0x0a324655; // "UF2\n"
export const MAGIC_START1 = 0x9e5d5157;
export const MAGIC_END = 0x0ab16f30;
export const DATA_MAX = 476;

export const FLAG_NOT_MAIN_FLASH = 0x00000001;
export const FLAG_FILE_CONTAINER = 0x00001000;
export const FLAG_FAMILY_ID = 0x00002000;
export const FLAG_MD5 = 0x00004000;
export const FLAG_EXTENSION_TAGS = 0x00008000;

export class Uf2FormatError extends TspyError {}

export interface Uf2Block {
  flags: number;
  targetAddr: number;
  payloadSize: number;
  blockNo: number;
  numBlocks: number;
  /** Family id when FLAG_FAMILY_ID is set, file size for file containers, else 0. */
  familyId: number;
  data: Uint8Array;
}

export function isUf2(buf: Uint8Array): boolean {
  if (buf.length < BLOCK_SIZE) return false;
  const v = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return v.readUInt32LE(0) === MAGIC_START0 && v.readUInt32LE(4) === MAGIC_START1;
}

/** Every block of a UF2 file; `name` is for messages. */
export function parseUf2(buf: Uint8Array, name = "input"): Uf2Block[] {
  if (buf.length === 0 || buf.length % BLOCK_SIZE !== 0) {
    throw new Uf2FormatError(`${name}: not a UF2 file (${buf.length} bytes is not a whole number of 512-byte blocks)`);
  }
  const v = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const blocks: Uf2Block[] = [];
  for (let off = 0; off < buf.length; off += BLOCK_SIZE) {
    const n = off / BLOCK_SIZE;
    if (v.readUInt32LE(off) !== MAGIC_START0 || v.readUInt32LE(off + 4) !== MAGIC_START1 || v.readUInt32LE(off + 508) !== MAGIC_END) {
      throw new Uf2FormatError(`${name}: block ${n} has bad UF2 magic numbers${n === 0 ? " (not a UF2 file)" : ""}`);
    }
    const payloadSize = v.readUInt32LE(off + 16);
    if (payloadSize > DATA_MAX) throw new Uf2FormatError(`${name}: block ${n} claims ${payloadSize} payload bytes (at most ${DATA_MAX})`);
    blocks.push({
      flags: v.readUInt32LE(off + 8),
      targetAddr: v.readUInt32LE(off + 12),
      payloadSize,
      blockNo: v.readUInt32LE(off + 20),
      numBlocks: v.readUInt32LE(off + 24),
      familyId: v.readUInt32LE(off + 28),
      data: buf.subarray(off + 32, off + 32 + payloadSize),
    });
  }
  return blocks;
}

export interface BuildOptions {
  /** Flash address of the first byte. */
  base: number;
  familyId?: number;
  /** Payload per block; 256 is what bootloaders expect (one or more whole flash pages). */
  payloadSize?: number;
}

/** A binary image as UF2 blocks: consecutive addresses from `base`, the last block zero-padded. */
export function buildUf2(data: Uint8Array, opts: BuildOptions): Uint8Array {
  const payload = opts.payloadSize ?? 256;
  if (payload <= 0 || payload > DATA_MAX) throw new Uf2FormatError(`payload size ${payload} is not between 1 and ${DATA_MAX}`);
  // An empty image would be one block of zeros, and an image running past 4 GB would wrap to address 0:
  // both would flash something nobody asked for.
  if (data.length === 0) throw new Uf2FormatError("the input is empty: nothing to convert");
  if (!Number.isInteger(opts.base) || opts.base < 0 || opts.base + data.length > 0x1_0000_0000) {
    throw new Uf2FormatError(`${data.length} bytes from 0x${opts.base.toString(16)} run past the end of the 32-bit address space`);
  }
  const count = Math.ceil(data.length / payload);
  const out = Buffer.alloc(count * BLOCK_SIZE);
  for (let n = 0; n < count; n++) {
    const off = n * BLOCK_SIZE;
    out.writeUInt32LE(MAGIC_START0, off);
    out.writeUInt32LE(MAGIC_START1, off + 4);
    out.writeUInt32LE(opts.familyId !== undefined ? FLAG_FAMILY_ID : 0, off + 8);
    out.writeUInt32LE((opts.base + n * payload) >>> 0, off + 12);
    out.writeUInt32LE(payload, off + 16);
    out.writeUInt32LE(n, off + 20);
    out.writeUInt32LE(count, off + 24);
    out.writeUInt32LE((opts.familyId ?? 0) >>> 0, off + 28);
    out.set(data.subarray(n * payload, (n + 1) * payload), off + 32);
    out.writeUInt32LE(MAGIC_END, off + 508);
  }
  return out;
}

export interface Uf2Range {
  start: number;
  end: number;
}

/** Address ranges the blocks cover (main-flash blocks only), merged where contiguous. */
export function flashRanges(blocks: Uf2Block[]): Uf2Range[] {
  const ranges: Uf2Range[] = [];
  const sorted = blocks.filter((b) => !(b.flags & FLAG_NOT_MAIN_FLASH) && !(b.flags & FLAG_FILE_CONTAINER)).sort((a, b) => a.targetAddr - b.targetAddr);
  for (const b of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && b.targetAddr <= last.end) last.end = Math.max(last.end, b.targetAddr + b.payloadSize);
    else ranges.push({ start: b.targetAddr, end: b.targetAddr + b.payloadSize });
  }
  return ranges;
}

/**
 * The flat image the main-flash blocks describe, from their lowest address; gaps are filled with
 * zeros (as uf2conv does). `familyId` keeps only that family's blocks when a file holds several.
 */
export function uf2ToBinary(blocks: Uf2Block[], familyId?: number): { base: number; data: Uint8Array } {
  const chosen = blocks.filter(
    (b) => !(b.flags & (FLAG_NOT_MAIN_FLASH | FLAG_FILE_CONTAINER)) && (familyId === undefined || !(b.flags & FLAG_FAMILY_ID) || b.familyId === familyId),
  );
  if (chosen.length === 0) throw new Uf2FormatError("no main-flash blocks to convert");
  const base = Math.min(...chosen.map((b) => b.targetAddr));
  const end = Math.max(...chosen.map((b) => b.targetAddr + b.payloadSize));
  if (end - base > 64 << 20) throw new Uf2FormatError(`blocks span ${end - base} bytes: too far apart for one image`);
  const data = new Uint8Array(end - base);
  for (const b of chosen) data.set(b.data, b.targetAddr - base);
  return { base, data };
}

/** Family ids present in the blocks (those that carry one). */
export function familiesOf(blocks: Uf2Block[]): number[] {
  return [...new Set(blocks.filter((b) => b.flags & FLAG_FAMILY_ID).map((b) => b.familyId >>> 0))];
}
