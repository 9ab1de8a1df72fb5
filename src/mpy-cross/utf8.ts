// UTF-8 as MicroPython stores str data, and the "raw byte" characters that carry bytes which are not
// UTF-8 (upstream's lexer and .mpy keep any bytes in names and str literals; JS strings cannot).
const textEncoder = new TextEncoder();

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
