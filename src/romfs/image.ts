// ROMFS images (MicroPython 1.25+'s read-only, execute-in-place filesystem, extmod/vfs_rom.c): build
// one from a host directory, and read one back (for `romfs query` and for checking an image).
// Layout: the header bytes D2 CD 31, the length of the rest, then records. A record is a kind, a
// length and that many bytes; numbers are unsigned, 7 bits a byte, most significant first, the top
// bit set on every byte but the last. A directory record holds its name and its entries' records; a
// file record holds its name and a data record. The whole image has an even length (a redundant
// leading 0x80 on the length pads it), so data can be 2-byte aligned on the board.
import * as fs from "node:fs";
import * as path from "node:path";

export const ROMFS_HEADER = Buffer.from([0xd2, 0xcd, 0x31]);

export const RecordKind = {
  UNUSED: 0,
  PADDING: 1,
  DATA_VERBATIM: 2,
  DATA_POINTER: 3,
  DIRECTORY: 4,
  FILE: 5,
} as const;

export class RomfsError extends Error {}

export function encodeUint(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`romfs: cannot encode ${value}`);
  const out = [value % 128];
  let v = Math.floor(value / 128);
  while (v > 0) {
    out.unshift(0x80 | v % 128);
    v = Math.floor(v / 128);
  }
  return Buffer.from(out);
}

function record(kind: number, payload: Buffer): Buffer {
  return Buffer.concat([encodeUint(kind), encodeUint(payload.length), payload]);
}

function named(name: string, rest: Buffer): Buffer {
  // vfs_rom compares names byte for byte; the board's paths are UTF-8.
  const n = Buffer.from(name, "utf8");
  return Buffer.concat([encodeUint(n.length), n, rest]);
}

export type RomEntry = { name: string; kind: "file"; data: Uint8Array } | { name: string; kind: "dir"; entries: RomEntry[] };

function encodeEntries(entries: RomEntry[]): Buffer {
  return Buffer.concat(
    entries.map((e) =>
      e.kind === "dir"
        ? record(RecordKind.DIRECTORY, named(e.name, encodeEntries(e.entries)))
        : record(RecordKind.FILE, named(e.name, record(RecordKind.DATA_VERBATIM, Buffer.from(e.data)))),
    ),
  );
}

/** The image of a tree of entries, in the order given. */
export function encodeImage(entries: RomEntry[]): Buffer {
  const body = encodeEntries(entries);
  let len = encodeUint(body.length);
  if ((ROMFS_HEADER.length + len.length + body.length) % 2 === 1) len = Buffer.concat([Buffer.of(0x80), len]);
  return Buffer.concat([ROMFS_HEADER, len, body]);
}

export interface BuildOptions {
  /** Compile .py files to .mpy (unless a .mpy of the same name is there already). */
  compile?: (source: Uint8Array, relPath: string) => Uint8Array;
  /** One line per entry as it is added (mpremote's tree drawing). */
  log?: (line: string) => void;
}

/** Read a host directory into entries: names sorted, as mpremote does; symlinks followed. */
export function readTree(dir: string, opts: BuildOptions = {}, prefix = "", rel = ""): RomEntry[] {
  const names = fs.readdirSync(dir).sort();
  const out: RomEntry[] = [];
  names.forEach((name, i) => {
    const last = i === names.length - 1;
    const full = path.join(dir, name);
    const relPath = rel ? `${rel}/${name}` : name;
    if (fs.statSync(full).isDirectory()) {
      opts.log?.(`${prefix}${last ? "\\--" : "|--"} ${name}/`);
      out.push({ name, kind: "dir", entries: readTree(full, opts, prefix + (last ? "    " : "|   "), relPath) });
      return;
    }
    const data = fs.readFileSync(full);
    const mpyName = name.slice(0, -3) + ".mpy";
    if (opts.compile && name.endsWith(".py") && !names.includes(mpyName)) {
      opts.log?.(`${prefix}${last ? "\\--" : "|--"} ${name} -> .mpy`);
      out.push({ name: mpyName, kind: "file", data: opts.compile(data, relPath) });
    } else {
      opts.log?.(`${prefix}${last ? "\\--" : "|--"} ${name}`);
      out.push({ name, kind: "file", data });
    }
  });
  return out;
}

export function buildImage(dir: string, opts: BuildOptions = {}): Buffer {
  return encodeImage(readTree(dir, opts));
}

/** A cursor over image bytes. */
class Reader {
  constructor(
    readonly buf: Buffer,
    public at: number,
    readonly end: number,
  ) {}
  uint(): number {
    let v = 0;
    for (;;) {
      if (this.at >= this.end) throw new RomfsError("romfs: image ends inside a number");
      const b = this.buf[this.at++]!;
      v = v * 128 + (b & 0x7f);
      if (!(b & 0x80)) return v;
    }
  }
  bytes(n: number): Buffer {
    if (this.at + n > this.end) throw new RomfsError("romfs: a record runs past its end");
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}

/** The size the header declares for the body, and where the body starts; null if not a ROMFS. */
export function imageHeader(buf: Uint8Array): { bodyStart: number; bodyLength: number } | null {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 4 || !b.subarray(0, 3).equals(ROMFS_HEADER)) return null;
  const r = new Reader(b, 3, b.length);
  try {
    const bodyLength = r.uint();
    return { bodyStart: r.at, bodyLength };
  } catch {
    return null;
  }
}

function decodeEntries(r: Reader, end: number): RomEntry[] {
  const out: RomEntry[] = [];
  while (r.at < end) {
    const kind = r.uint();
    const len = r.uint();
    const stop = r.at + len;
    if (stop > end) throw new RomfsError("romfs: a record runs past its directory");
    if (kind === RecordKind.DIRECTORY || kind === RecordKind.FILE) {
      const name = r.bytes(r.uint()).toString("utf8");
      if (kind === RecordKind.DIRECTORY) out.push({ name, kind: "dir", entries: decodeEntries(r, stop) });
      else {
        let data: Uint8Array = Buffer.alloc(0);
        while (r.at < stop) {
          const k = r.uint();
          const n = r.uint();
          const payload = r.bytes(n);
          if (k === RecordKind.DATA_VERBATIM) data = payload;
          else if (k === RecordKind.DATA_POINTER) {
            const pr = new Reader(payload, 0, payload.length);
            const offset = pr.uint();
            const size = pr.uint();
            data = r.buf.subarray(offset, offset + size);
          }
        }
        out.push({ name, kind: "file", data });
      }
    }
    r.at = stop;
  }
  return out;
}

/** The entries of an image (RomfsError if it is not a well-formed ROMFS). */
export function decodeImage(buf: Uint8Array): RomEntry[] {
  const h = imageHeader(buf);
  if (!h) throw new RomfsError("romfs: not a ROMFS image (no D2 CD 31 header)");
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const end = h.bodyStart + h.bodyLength;
  if (end > b.length) throw new RomfsError("romfs: the image is shorter than its header says");
  return decodeEntries(new Reader(b, h.bodyStart, end), end);
}
