// UTF-8 as MicroPython stores str data.
const textEncoder = new TextEncoder();

/**
 * UTF-8 as MicroPython stores str data: well-formed text as usual, but a lone surrogate (from a
 * `\ud800`-style escape) is kept as its own 3-byte sequence where TextEncoder would write U+FFFD.
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
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
  return Uint8Array.from(out);
}
