// WebREPL file transfer (modwebrepl.c, webrepl_cli.py), in binary frames beside the REPL:
//   request  82 bytes, little-endian <2sBBQLH64s: "WA", op, flags 0, offset (unused), size,
//            name length, name NUL-padded to 64 bytes (the board reads it as a C string);
//   reply    "WB" + u16 status (0 ok).
// put:     WB, then exactly `size` data bytes, then WB once the board has written them.
// get:     WB, then for each request byte 0x00 one [u16 length][data] record, length 0 last, then WB.
// version: three bytes (major, minor, micro) and no WB.
import { TransportError, UsageError } from "../../errors.js";
import type { ByteStream } from "../byte-stream.js";
import { WebReplStream } from "./webrepl-stream.js";

export const REQUEST_SIZE = 82;
export const NAME_FIELD = 64;
export const OP_PUT = 1;
export const OP_GET = 2;
export const OP_VERSION = 3;
/** webrepl_cli.py's put chunk; the board takes up to 511 bytes per read, frames may be larger. */
const PUT_CHUNK = 1024;

export interface TransferOptions {
  /** Longest wait for any single answer from the board (ms, default 10 s). */
  timeoutMs?: number;
  /** Bytes moved so far, of the total when known. */
  onProgress?: (done: number, total?: number) => void;
}

export function isWebRepl(stream: ByteStream): stream is WebReplStream {
  return stream instanceof WebReplStream;
}

function channel(conn: ByteStream): ByteStream {
  if (!isWebRepl(conn)) throw new UsageError(`${conn.description} is not a WebREPL link: file transfer needs ws://`);
  return conn.files;
}

/** The board's name field: UTF-8, at most 63 bytes so the board still finds a terminating NUL. */
function encodeName(name: string): Buffer {
  const bytes = Buffer.from(name, "utf8");
  if (bytes.length >= NAME_FIELD) {
    throw new UsageError(`"${name}": WebREPL file names are limited to ${NAME_FIELD - 1} bytes`);
  }
  if (bytes.includes(0)) throw new UsageError(`"${name}": a file name cannot contain a NUL byte`);
  return bytes;
}

export function encodeRequest(op: number, name: string, size = 0): Uint8Array {
  const nameBytes = op === OP_VERSION ? Buffer.alloc(0) : encodeName(name);
  if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) throw new UsageError(`${size} bytes is too large for WebREPL`);
  const rec = Buffer.alloc(REQUEST_SIZE);
  rec.write("WA", 0, "latin1");
  rec.writeUInt8(op, 2);
  rec.writeUInt8(0, 3);
  rec.writeBigUInt64LE(0n, 4);
  rec.writeUInt32LE(size, 12);
  rec.writeUInt16LE(nameBytes.length, 16);
  nameBytes.copy(rec, 18);
  return rec;
}

async function readStatus(files: ByteStream, what: string, timeoutMs: number): Promise<void> {
  const resp = Buffer.from(await files.read(4, timeoutMs, `waiting for the board's answer to ${what}`));
  if (resp.toString("latin1", 0, 2) !== "WB") {
    throw new TransportError(`${what}: unexpected answer ${resp.toString("hex")} from the board (expected WB + status)`);
  }
  const status = resp.readUInt16LE(2);
  if (status !== 0) throw new TransportError(`${what}: the board answered status ${status}`);
}

/** Errors read in one line, naming the operation and the file. */
async function describing<T>(what: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof TransportError && !e.message.includes(what)) {
      const Ctor = e.constructor as new (m: string) => TransportError;
      throw new Ctor(`${what}: ${e.message}`);
    }
    throw e;
  }
}

/** Forget binary bytes left over from an earlier, abandoned transfer. */
function discardStale(files: ByteStream): void {
  const n = files.available();
  if (n > 0) void files.read(n, 0);
}

export async function webreplVersion(conn: ByteStream, opts: TransferOptions = {}): Promise<[number, number, number]> {
  const files = channel(conn);
  return describing("webrepl get-version", async () => {
    discardStale(files);
    await files.write(encodeRequest(OP_VERSION, ""));
    const v = await files.read(3, opts.timeoutMs ?? 10_000, "waiting for the WebREPL version");
    return [v[0], v[1], v[2]];
  });
}

export async function webreplPut(conn: ByteStream, name: string, data: Uint8Array, opts: TransferOptions = {}): Promise<void> {
  const files = channel(conn);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const what = `webrepl put ${name}`;
  const request = encodeRequest(OP_PUT, name, data.length);
  await describing(what, async () => {
    discardStale(files);
    await files.write(request);
    await readStatus(files, what, timeoutMs);
    for (let at = 0; at < data.length; at += PUT_CHUNK) {
      const end = Math.min(data.length, at + PUT_CHUNK);
      await files.write(data.subarray(at, end));
      opts.onProgress?.(end, data.length);
    }
    await readStatus(files, what, timeoutMs);
  });
}

export async function webreplGet(conn: ByteStream, name: string, opts: TransferOptions = {}): Promise<Uint8Array> {
  const files = channel(conn);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const what = `webrepl get ${name}`;
  const request = encodeRequest(OP_GET, name);
  return describing(what, async () => {
    discardStale(files);
    await files.write(request);
    await readStatus(files, what, timeoutMs);
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      await files.write(Uint8Array.of(0));
      const len = Buffer.from(await files.read(2, timeoutMs, "waiting for a file chunk")).readUInt16LE(0);
      if (len === 0) break;
      parts.push(await files.read(len, timeoutMs, "waiting for a file chunk"));
      total += len;
      opts.onProgress?.(total);
    }
    await readStatus(files, what, timeoutMs);
    return Buffer.concat(parts);
  });
}
