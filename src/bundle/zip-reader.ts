// A small zip reader on Node's zlib: reads the central directory, inflates stored and deflated entries,
// checks every CRC, and refuses names that would land outside the directory they are extracted into.
// Library bundles are a few megabytes, so the whole archive is held in memory.
import { crc32, inflateRawSync } from "node:zlib";
import { ZipError } from "./errors.js";

const EOCD_SIG = 0x06054b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** End-of-central-directory record without its comment; the comment can add up to 64 KB before it. */
const EOCD_SIZE = 22;
/** No library file is this big; a member claiming more is refused before it is inflated (a zip bomb). */
export const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

export interface ZipEntry {
  /** As stored, `/`-separated; directories end in `/`. */
  name: string;
  isDir: boolean;
  /** Uncompressed size as the central directory states it. */
  size: number;
  method: number;
  crc: number;
  compressedSize: number;
  localHeaderOffset: number;
}

export interface ZipArchive {
  /** For messages: the file name or URL it came from. */
  source: string;
  entries: ZipEntry[];
  /** The entry's content, inflated and CRC-checked. */
  read(entry: ZipEntry): Uint8Array;
}

/**
 * Why a stored name is unsafe to extract, or null if it is fine. Backslashes count as separators because
 * archives written on Windows sometimes use them, and a reader there would follow them.
 */
export function unsafeEntryName(name: string): string | null {
  if (name === "") return "an empty name";
  if (name.includes("\0")) return "a NUL byte in the name";
  const parts = name.split(/[\\/]/);
  if (name.startsWith("/") || name.startsWith("\\") || /^[A-Za-z]:/.test(name)) return "an absolute path";
  if (parts.includes("..")) return 'a ".." component';
  return null;
}

function findEndRecord(data: Uint8Array, view: DataView, source: string): number {
  const lowest = Math.max(0, data.length - EOCD_SIZE - 0xffff);
  for (let at = data.length - EOCD_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIG && at + EOCD_SIZE + view.getUint16(at + 20, true) <= data.length) return at;
  }
  throw new ZipError(`${source}: not a zip archive (no end-of-central-directory record)`);
}

export function readZip(input: Uint8Array, source: string): ZipArchive {
  const data = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < EOCD_SIZE) throw new ZipError(`${source}: not a zip archive (${data.length} bytes)`);
  const eocd = findEndRecord(data, view, source);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdOffset === 0xffffffff) throw new ZipError(`${source}: zip64 archives are not supported`);
  if (cdOffset + cdSize > eocd) throw new ZipError(`${source}: damaged zip (central directory outside the file)`);

  const decoder = new TextDecoder("utf-8", { fatal: false });
  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > data.length || view.getUint32(at, true) !== CENTRAL_SIG) {
      throw new ZipError(`${source}: damaged zip (central directory entry ${i + 1} of ${count})`);
    }
    const flags = view.getUint16(at + 8, true);
    const method = view.getUint16(at + 10, true);
    const crc = view.getUint32(at + 16, true);
    const compressedSize = view.getUint32(at + 20, true);
    const size = view.getUint32(at + 24, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const localHeaderOffset = view.getUint32(at + 42, true);
    const name = decoder.decode(data.subarray(at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
    const unsafe = unsafeEntryName(name);
    if (unsafe) throw new ZipError(`${source}: refusing entry ${JSON.stringify(name)} (${unsafe})`);
    if (flags & 1) throw new ZipError(`${source}: ${name} is encrypted`);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      throw new ZipError(`${source}: zip64 entries are not supported (${name})`);
    }
    entries.push({ name, isDir: name.endsWith("/"), size, method, crc, compressedSize, localHeaderOffset });
  }

  const read = (entry: ZipEntry): Uint8Array => {
    if (entry.size > MAX_ENTRY_BYTES) {
      throw new ZipError(`${source}: ${entry.name} claims ${entry.size} bytes, more than any board's filesystem (${MAX_ENTRY_BYTES} bytes)`);
    }
    const lh = entry.localHeaderOffset;
    if (lh + 30 > data.length || view.getUint32(lh, true) !== LOCAL_SIG) {
      throw new ZipError(`${source}: damaged zip (no local header for ${entry.name})`);
    }
    // The local header's own name and extra lengths can differ from the central directory's.
    const start = lh + 30 + view.getUint16(lh + 26, true) + view.getUint16(lh + 28, true);
    const end = start + entry.compressedSize;
    if (end > data.length) throw new ZipError(`${source}: damaged zip (${entry.name} is cut short)`);
    const raw = data.subarray(start, end);
    let out: Uint8Array;
    if (entry.method === 0) {
      out = raw;
    } else if (entry.method === 8) {
      try {
        // Never more than the directory promised: a lying size is damage, or a zip bomb.
        out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch (err) {
        throw new ZipError(`${source}: cannot inflate ${entry.name}: ${(err as Error).message}`);
      }
    } else {
      throw new ZipError(`${source}: ${entry.name} uses compression method ${entry.method} (only stored and deflated are supported)`);
    }
    if (out.length !== entry.size) throw new ZipError(`${source}: ${entry.name} is ${out.length} bytes, the directory says ${entry.size}`);
    if (crc32(out) >>> 0 !== entry.crc >>> 0) throw new ZipError(`${source}: ${entry.name} fails its CRC check`);
    return out;
  };
  return { source, entries, read };
}
