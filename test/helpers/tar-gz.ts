// Hostile .tar.gz archives for tests: raw ustar headers with any name, type flag and claimed size, written
// here (not by the project's tar writer, which refuses such members).
import pako from "pako";

/** One raw ustar header: any name, type flag and claimed size (the test's own writer, not the project's). */
export function tarHeader(name: string, type: string, size: number, linkname = ""): Uint8Array {
  const h = new Uint8Array(512);
  const put = (at: number, text: string) => h.set(new TextEncoder().encode(text), at);
  put(0, name);
  put(100, "0000644\0");
  put(108, "0000000\0");
  put(116, "0000000\0");
  put(124, size.toString(8).padStart(11, "0") + "\0");
  put(136, "00000000000\0");
  put(148, "        ");
  put(156, type);
  put(157, linkname);
  put(257, "ustar\u000000");
  let sum = 0;
  for (const b of h) sum += b;
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

export function tarGz(members: { name: string; type?: string; data?: Uint8Array; claim?: number; linkname?: string }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const m of members) {
    const data = m.data ?? new Uint8Array(0);
    parts.push(tarHeader(m.name, m.type ?? "0", m.claim ?? data.length, m.linkname));
    if (m.claim === undefined) {
      const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
      padded.set(data);
      parts.push(padded);
    }
  }
  parts.push(new Uint8Array(1024));
  const tar = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    tar.set(p, at);
    at += p.length;
  }
  return pako.gzip(tar);
}

