// Read a .tar.gz as a stream: pako inflates chunk by chunk and tar-stream splits members as they appear,
// so a cut-short or corrupt archive is noticed wherever it breaks, before anything is installed.
import pako from "pako";
import tar from "tar-stream";
import { ArchiveError } from "./errors.js";
import { concat } from "./http.js";

export type MemberType = NonNullable<tar.Headers["type"]>;

export interface ArchiveMember {
  /** The name as stored (after PAX / GNU long-name records were applied by tar-stream). */
  name: string;
  type: MemberType;
  data: Uint8Array;
  linkname?: string;
  mode?: number;
  mtime?: Date;
}

/** Unpacked archives larger than this are refused (a gzip bomb would otherwise fill memory). */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Inflate and untar `source`. `label` names the archive in error messages.
 * Every member is returned, whatever its type: deciding what is safe to install is the caller's job.
 */
export interface TarLimits {
  /** Most bytes the archive may inflate to (default MAX_UNPACKED_BYTES): the target's free space, say. */
  maxBytes?: number;
  /** Words for that limit in messages ("the board's 1200000 free bytes"). */
  limitName?: string;
}

export async function readTarGz(source: AsyncIterable<Uint8Array>, label: string, limits: TarLimits = {}): Promise<ArchiveMember[]> {
  const maxBytes = Math.min(limits.maxBytes ?? MAX_UNPACKED_BYTES, MAX_UNPACKED_BYTES);
  const limitName = limits.maxBytes !== undefined && limits.maxBytes < MAX_UNPACKED_BYTES ? limits.limitName ?? `${maxBytes} bytes` : `${MAX_UNPACKED_BYTES} bytes`;
  const members: ArchiveMember[] = [];
  const extract = tar.extract({ allowUnknownFormat: true });
  let unpacked = 0;
  let failure: Error | null = null;
  const fail = (err: Error) => {
    failure ??= err;
  };

  const finished = new Promise<void>((resolve) => {
    extract.on("entry", (header, body, next) => {
      // The header's claim is refused before a byte of the body is inflated.
      if ((header.size ?? 0) > maxBytes) {
        fail(new ArchiveError(`${label}: member ${JSON.stringify(header.name)} claims ${header.size} bytes, more than ${limitName}`));
        body.resume();
        extract.destroy();
        resolve();
        return;
      }
      const parts: Uint8Array[] = [];
      body.on("data", (chunk: Uint8Array) => parts.push(chunk));
      body.on("end", () => {
        members.push({
          name: header.name,
          type: header.type ?? "file",
          data: concat(parts),
          ...(header.linkname ? { linkname: header.linkname } : {}),
          ...(header.mode !== undefined ? { mode: header.mode } : {}),
          ...(header.mtime ? { mtime: header.mtime } : {}),
        });
        next();
      });
      body.on("error", (err: Error) => fail(err));
    });
    extract.on("finish", () => resolve());
    extract.on("close", () => resolve());
    extract.on("error", (err: Error) => {
      fail(new ArchiveError(`${label}: not a valid tar archive (${err.message})`));
      resolve();
    });
  });

  const inflator = new pako.Inflate();
  // pako sets `ended` once the gzip stream (trailer included) is complete; its typings omit it.
  const gzipEnded = () => (inflator as unknown as { ended: boolean }).ended;
  inflator.onData = (chunk: Uint8Array) => {
    unpacked += chunk.length;
    if (failure) return;
    if (unpacked > maxBytes) {
      fail(new ArchiveError(`${label}: unpacks to more than ${limitName}`));
      return;
    }
    // tar-stream works on Buffers and keeps slices of them across writes.
    extract.write(Buffer.from(chunk));
  };

  let header: number[] = [];
  for await (const chunk of source) {
    if (failure) break;
    if (header.length < 2) {
      header.push(...chunk.subarray(0, 2 - header.length));
      if (header.length === 2 && (header[0] !== GZIP_MAGIC[0] || header[1] !== GZIP_MAGIC[1])) {
        throw new ArchiveError(`${label}: not a gzip file`);
      }
    }
    if (gzipEnded()) continue; // trailing bytes after the gzip stream: ignored, as gzip(1) does
    inflator.push(chunk, false);
    if (inflator.err) throw new ArchiveError(`${label}: corrupt gzip data (${inflator.msg})`);
  }
  if (failure) {
    extract.destroy();
    throw failure;
  }
  if (header.length < 2) throw new ArchiveError(`${label}: not a gzip file (empty or too short)`);
  if (!gzipEnded()) {
    extract.destroy();
    throw new ArchiveError(`${label}: archive is truncated (gzip stream ends early)`);
  }
  extract.end();
  await finished;
  if (failure) throw failure;
  return members;
}

/** Convenience for data already in memory. */
export function readTarGzBytes(bytes: Uint8Array, label: string, limits: TarLimits = {}): Promise<ArchiveMember[]> {
  return readTarGz(
    (async function* () {
      yield bytes;
    })(),
    label,
    limits,
  );
}
