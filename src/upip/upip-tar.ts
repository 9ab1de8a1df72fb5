// Write a tar that upip's reader on the board understands: it reads only the 100-byte name and the octal
// size of each 512-byte header, so every name must fit the name field whole (no ustar prefix, PAX or GNU
// long-name records) and only regular files are written.
import { ArchiveError } from "./errors.js";

export interface PlainTarFile {
  name: string;
  data: Uint8Array;
  mode?: number;
  mtime?: Date;
}

const NAME_FIELD = 100;
const MAX_SIZE = 0o77777777777; // 11 octal digits

function field(h: Uint8Array, at: number, width: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > width) throw new Error(`tar field overflow: ${text}`);
  h.set(bytes, at);
}

function octal(value: number, digits: number): string {
  return value.toString(8).padStart(digits, "0") + "\0";
}

function header(file: PlainTarFile): Uint8Array {
  const nameBytes = new TextEncoder().encode(file.name);
  if (nameBytes.length > NAME_FIELD) {
    throw new ArchiveError(`${file.name}: name longer than the ${NAME_FIELD} bytes upip's tar reader reads`);
  }
  if (file.data.length > MAX_SIZE) throw new ArchiveError(`${file.name}: too large for a tar header`);
  const h = new Uint8Array(512);
  h.set(nameBytes, 0);
  field(h, 100, 8, octal((file.mode ?? 0o644) & 0o7777, 7));
  field(h, 108, 8, octal(0, 7));
  field(h, 116, 8, octal(0, 7));
  field(h, 124, 12, octal(file.data.length, 11));
  field(h, 136, 12, octal(Math.max(0, Math.floor((file.mtime?.getTime() ?? 0) / 1000)), 11));
  field(h, 148, 8, "        ");
  field(h, 156, 1, "0");
  field(h, 257, 8, "ustar\u000000");
  let sum = 0;
  for (const b of h) sum += b;
  field(h, 148, 8, octal(sum, 6) + " ");
  return h;
}

export function writePlainTar(files: PlainTarFile[]): Uint8Array {
  let size = 1024;
  for (const f of files) size += 512 + Math.ceil(f.data.length / 512) * 512;
  const out = new Uint8Array(size);
  let at = 0;
  for (const f of files) {
    out.set(header(f), at);
    out.set(f.data, at + 512);
    at += 512 + Math.ceil(f.data.length / 512) * 512;
  }
  return out;
}
