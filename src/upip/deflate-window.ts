// How far back a gzip file's deflate stream reaches. upip on a small board inflates with a 4 KB window
// (uzlib/deflate with wbits=12), so every back-reference must point at most 4096 bytes back. zlib's own
// inflate with a large output buffer does not enforce a smaller window, hence this walk over the stream:
// it decodes every block's Huffman codes and records each match distance, without producing the output.
import { ArchiveError } from "./errors.js";

export interface WindowReport {
  /** The largest back-reference distance in the stream (0 when there is none). */
  maxDistance: number;
  /** Bytes the stream inflates to. */
  inflatedSize: number;
  /** Bytes after the gzip member (ignored by gunzip and by upip). */
  trailingBytes: number;
}

export const UPIP_WINDOW = 4096;

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which a dynamic block lists the code lengths of the code-length alphabet (RFC 1951 3.2.7). */
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const MAX_BITS = 15;

class CorruptStream extends Error {}

/** Canonical Huffman code as counts per length and symbols in code order: decoded one bit at a time. */
interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function buildHuffman(lengths: ArrayLike<number>): Huffman {
  const counts = new Uint16Array(MAX_BITS + 1);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]!]!++;
  counts[0] = 0;
  const offsets = new Uint16Array(MAX_BITS + 2);
  for (let len = 1; len <= MAX_BITS; len++) offsets[len + 1] = offsets[len]! + counts[len]!;
  const symbols = new Uint16Array(lengths.length);
  for (let sym = 0; sym < lengths.length; sym++) {
    const len = lengths[sym]!;
    if (len) symbols[offsets[len]!++] = sym;
  }
  return { counts, symbols };
}

class BitReader {
  private bitBuf = 0;
  private bitCount = 0;
  constructor(
    private readonly data: Uint8Array,
    public pos: number,
  ) {}

  bits(n: number): number {
    let value = this.bitBuf;
    while (this.bitCount < n) {
      if (this.pos >= this.data.length) throw new CorruptStream("the deflate stream ends early");
      value |= this.data[this.pos++]! << this.bitCount;
      this.bitCount += 8;
    }
    this.bitBuf = value >>> n;
    this.bitCount -= n;
    return value & ((1 << n) - 1);
  }

  alignToByte(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
  }

  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len <= MAX_BITS; len++) {
      code |= this.bits(1);
      const count = h.counts[len]!;
      if (code - first < count) return h.symbols[index + code - first]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new CorruptStream("invalid Huffman code");
  }
}

let fixedTables: { lit: Huffman; dist: Huffman } | null = null;
function fixed(): { lit: Huffman; dist: Huffman } {
  if (!fixedTables) {
    const lit = new Uint8Array(288);
    lit.fill(8, 0, 144);
    lit.fill(9, 144, 256);
    lit.fill(7, 256, 280);
    lit.fill(8, 280, 288);
    fixedTables = { lit: buildHuffman(lit), dist: buildHuffman(new Uint8Array(30).fill(5)) };
  }
  return fixedTables;
}

function readDynamicTables(r: BitReader): { lit: Huffman; dist: Huffman } {
  const nlit = r.bits(5) + 257;
  const ndist = r.bits(5) + 1;
  const nclen = r.bits(4) + 4;
  if (nlit > 286 || ndist > 30) throw new CorruptStream("bad code counts in a dynamic block");
  const clen = new Uint8Array(19);
  for (let i = 0; i < nclen; i++) clen[CODE_LENGTH_ORDER[i]!] = r.bits(3);
  const clenCode = buildHuffman(clen);
  const lengths = new Uint8Array(nlit + ndist);
  for (let i = 0; i < nlit + ndist; ) {
    const sym = r.decode(clenCode);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let repeat: number;
    let value = 0;
    if (sym === 16) {
      if (i === 0) throw new CorruptStream("repeat with no previous length");
      value = lengths[i - 1]!;
      repeat = 3 + r.bits(2);
    } else if (sym === 17) repeat = 3 + r.bits(3);
    else repeat = 11 + r.bits(7);
    if (i + repeat > nlit + ndist) throw new CorruptStream("code lengths overrun");
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw new CorruptStream("no end-of-block code");
  return { lit: buildHuffman(lengths.subarray(0, nlit)), dist: buildHuffman(lengths.subarray(nlit)) };
}

/** Skip the gzip header (RFC 1952 2.3) and return where the deflate data starts. */
function skipGzipHeader(gz: Uint8Array, label: string): number {
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b) throw new ArchiveError(`${label}: not a gzip file`);
  if (gz[2] !== 8) throw new ArchiveError(`${label}: gzip method ${gz[2]} is not deflate`);
  const flags = gz[3]!;
  let pos = 10;
  if (flags & 4) pos += 2 + (gz[pos]! | (gz[pos + 1]! << 8));
  const skipString = () => {
    while (pos < gz.length && gz[pos] !== 0) pos++;
    pos++;
  };
  if (flags & 8) skipString();
  if (flags & 16) skipString();
  if (flags & 2) pos += 2;
  if (pos >= gz.length) throw new ArchiveError(`${label}: gzip header is cut short`);
  return pos;
}

/** Walk the first gzip member of `gz` and report the distances its deflate stream uses. */
export function measureGzipWindow(gz: Uint8Array, label: string): WindowReport {
  const r = new BitReader(gz, skipGzipHeader(gz, label));
  let out = 0;
  let maxDistance = 0;
  try {
    for (let last = 0; !last; ) {
      last = r.bits(1);
      const type = r.bits(2);
      if (type === 0) {
        r.alignToByte();
        if (r.pos + 4 > gz.length) throw new CorruptStream("the deflate stream ends early");
        const len = gz[r.pos]! | (gz[r.pos + 1]! << 8);
        const nlen = gz[r.pos + 2]! | (gz[r.pos + 3]! << 8);
        if ((len ^ 0xffff) !== nlen) throw new CorruptStream("bad stored block length");
        r.pos += 4 + len;
        if (r.pos > gz.length) throw new CorruptStream("the deflate stream ends early");
        out += len;
        continue;
      }
      if (type === 3) throw new CorruptStream("invalid block type");
      const { lit, dist } = type === 1 ? fixed() : readDynamicTables(r);
      for (;;) {
        const sym = r.decode(lit);
        if (sym < 256) {
          out++;
        } else if (sym === 256) {
          break;
        } else {
          const li = sym - 257;
          if (li >= 29) throw new CorruptStream("invalid length code");
          const length = LENGTH_BASE[li]! + r.bits(LENGTH_EXTRA[li]!);
          const di = r.decode(dist);
          if (di >= 30) throw new CorruptStream("invalid distance code");
          const distance = DIST_BASE[di]! + r.bits(DIST_EXTRA[di]!);
          if (distance > out) throw new CorruptStream("distance reaches before the start of the data");
          if (distance > maxDistance) maxDistance = distance;
          out += length;
        }
      }
    }
  } catch (err) {
    if (err instanceof CorruptStream) throw new ArchiveError(`${label}: corrupt deflate data (${err.message})`);
    throw err;
  }
  const trailerAt = r.pos;
  if (trailerAt + 8 > gz.length) throw new ArchiveError(`${label}: archive is truncated (no gzip trailer)`);
  const isize = (gz[trailerAt + 4]! | (gz[trailerAt + 5]! << 8) | (gz[trailerAt + 6]! << 16) | (gz[trailerAt + 7]! << 24)) >>> 0;
  if (isize !== out % 2 ** 32) throw new ArchiveError(`${label}: gzip trailer says ${isize} bytes, the stream holds ${out}`);
  return { maxDistance, inflatedSize: out, trailingBytes: gz.length - trailerAt - 8 };
}
