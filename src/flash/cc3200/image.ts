// What a WiPy (CC3200) firmware file `mcuimg.bin` is, as micropython's ports/cc3200 builds it: the
// application linked to run from SRAM at 0x20004000 (application.lds; the bootloader copies the
// file there, loads SP from its first word and jumps to its second, bootmgr/runapp.s), followed by
// its MD5 as 32 lowercase hex characters (appsign.sh: `md5sum` of application.bin appended). The
// update slot takes at most 192 KB (bootmgr/flc.h IMG_SIZE). After a reset the bootloader hashes
// everything but the last 32 bytes and compares; a mismatch deletes the update and boots the
// previous image. Checked here before anything is sent:
//   1. size: more than the 32-byte signature plus a vector table, at most 192 KB;
//   2. the last 32 bytes are lowercase hex and equal the MD5 of the rest;
//   3. word 0 (initial stack pointer) is word-aligned inside the CC3200's SRAM;
//   4. word 1 (reset handler) is a Thumb address (odd) inside the image as loaded at 0x20004000.
import { createHash } from "node:crypto";
import { TspyError } from "../../errors.js";

export class Cc3200ImageError extends TspyError {}

export const IMAGE_MAX_BYTES = 192 * 1024;
export const SIGNATURE_BYTES = 32;
export const SRAM_START = 0x20000000;
export const SRAM_END = 0x20040000;
/** Where the bootloader copies the application (bootmgr.h APP_IMG_SRAM_OFFSET). */
export const APP_LOAD_ADDRESS = 0x20004000;

export interface Cc3200Image {
  size: number;
  md5: string;
  initialSp: number;
  entry: number;
  /** The firmware's banner version (`v1.8.6-…`) when the image carries the usual banner text. */
  version: string | null;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

/** The MD5 signature appended to an application binary (what appsign.sh does). */
export function signCc3200Application(app: Uint8Array): Buffer {
  return Buffer.concat([app, Buffer.from(createHash("md5").update(app).digest("hex"), "latin1")]);
}

export function checkCc3200Image(data: Uint8Array, name = "image"): Cc3200Image {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const notImage = (why: string) => new Cc3200ImageError(`${name}: not a WiPy (CC3200) firmware image: ${why}`);
  if (buf.length < SIGNATURE_BYTES + 8) throw notImage(`${buf.length} bytes is too short`);
  if (buf.length > IMAGE_MAX_BYTES) throw notImage(`${buf.length} bytes is more than the ${IMAGE_MAX_BYTES / 1024} KB update slot`);
  const body = buf.subarray(0, buf.length - SIGNATURE_BYTES);
  const signature = buf.toString("latin1", buf.length - SIGNATURE_BYTES);
  if (!/^[0-9a-f]{32}$/.test(signature)) throw notImage("it does not end in an MD5 signature (32 hex digits, as the cc3200 build appends)");
  const md5 = createHash("md5").update(body).digest("hex");
  if (md5 !== signature) {
    throw new Cc3200ImageError(`${name}: the MD5 signature does not match the contents (damaged file?): the board would refuse it`);
  }
  const initialSp = body.readUInt32LE(0);
  const entry = body.readUInt32LE(4);
  if (initialSp % 4 !== 0 || initialSp <= SRAM_START || initialSp > SRAM_END) {
    throw notImage(`its initial stack pointer ${hex(initialSp)} is not in the CC3200's SRAM`);
  }
  if ((entry & 1) !== 1 || entry < APP_LOAD_ADDRESS || entry >= APP_LOAD_ADDRESS + body.length) {
    throw notImage(`its reset handler ${hex(entry)} is not Thumb code inside the image loaded at ${hex(APP_LOAD_ADDRESS)}`);
  }
  const banner = /MicroPython (v[^\s\0]+) on [^\0;]*; [^\0]*with CC3200/.exec(body.toString("latin1"));
  return { size: buf.length, md5, initialSp, entry, version: banner ? banner[1] : null };
}
