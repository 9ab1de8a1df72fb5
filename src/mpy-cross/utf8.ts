// UTF-8 as MicroPython stores str data (both ways), and the "raw byte" characters that carry bytes which are not
// UTF-8 (upstream's lexer and .mpy keep any bytes in names and str literals; JS strings cannot).
import { isUtf8 } from "node:buffer";

const textEncoder = new TextEncoder();
// Made when first needed: only non-ASCII text is decoded, and creating a decoder takes ~0.15 ms of a start.
let textDecoder: { decode(bytes: Uint8Array): string } | undefined;

/**
 * A byte that is not part of well-formed UTF-8 travels through the compiler as the code point
 * RAW_BYTE_BASE + byte (the last 256 code points of plane 16, private use; source text holding them
 * is read as raw bytes too, so the mapping stays one-to-one).
 */
const RAW_BYTE_BASE = 0x10ff00;

export const isRawByteCodePoint = (cp: number): boolean => cp >= RAW_BYTE_BASE && cp <= 0x10ffff;

export function rawByteChar(byte: number): string {
  return String.fromCodePoint(RAW_BYTE_BASE + byte);
}

/**
 * UTF-8 as MicroPython stores str data: well-formed text as usual, but a lone surrogate (from a
 * `\ud800`-style escape) is kept as its own 3-byte sequence where TextEncoder would write U+FFFD,
 * and a raw byte character becomes its byte.
 */
export function utf8Bytes(s: string): Uint8Array {
  if (!/[\ud800-\udfff]/.test(s)) return textEncoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
    else if (isRawByteCodePoint(cp)) out.push(cp - RAW_BYTE_BASE);
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}

/**
 * Decodes token bytes; ASCII (the usual case) skips the decoder. Upstream's lexer works on bytes and
 * never checks UTF-8, so a name or str literal may hold any bytes (a Latin-1 source: `'caf\xe9'`).
 * Those must reach the .mpy unchanged, so every byte that is not part of a well-formed sequence comes
 * back as a "raw byte" character (see utf8.ts) that utf8Bytes() turns back into that one byte. A
 * surrogate escape (`'\ud800'`), stored by upstream as its own 3-byte sequence, comes back as that
 * lone UTF-16 unit.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) return decodeBytes(bytes);
  let s = "";
  if (bytes.length <= 32) {
    for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
    return s;
  }
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  return s;
}

const isCont = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

/** Bytes → string, one sequence at a time: well-formed UTF-8 and encoded surrogates as text, anything else as raw bytes. */
function decodeBytes(bytes: Uint8Array): string {
  // Well-formed UTF-8 (encoded surrogates are not) decodes as usual, in one native call; only a 0xF4 lead
  // byte can start a sequence for a raw byte code point, which must come back as raw bytes instead.
  // (ignoreBOM: a leading U+FEFF is part of the text here, not a marker to drop)
  if (isUtf8(bytes) && bytes.indexOf(0xf4) < 0) return (textDecoder ??= new TextDecoder("utf-8", { ignoreBOM: true })).decode(bytes);
  let out = "";
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let cp = -1;
    let n = 1;
    if (b < 0x80) cp = b;
    else if (b >= 0xc2 && b <= 0xdf && isCont(bytes[i + 1])) {
      cp = ((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      n = 2;
    } else if (b >= 0xe0 && b <= 0xef && isCont(bytes[i + 1]) && isCont(bytes[i + 2])) {
      const c = ((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      // surrogates (ED A0..BF xx) are kept as lone units, as upstream writes them for escapes
      if (c >= 0x800) {
        cp = c;
        n = 3;
      }
    } else if (b >= 0xf0 && b <= 0xf4 && isCont(bytes[i + 1]) && isCont(bytes[i + 2]) && isCont(bytes[i + 3])) {
      const c = ((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      // the code points that stand for raw bytes are themselves read as raw bytes, so the round trip stays exact
      if (c >= 0x10000 && c <= 0x10ffff && !isRawByteCodePoint(c)) {
        cp = c;
        n = 4;
      }
    }
    out += cp < 0 ? rawByteChar(b) : String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

/** The byte a raw byte character stands for, or undefined for any other code point (for listings: `\\xNN`). */
export function rawByteOf(cp: number): number | undefined {
  return isRawByteCodePoint(cp) ? cp - RAW_BYTE_BASE : undefined;
}
