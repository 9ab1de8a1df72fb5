// The command/response layout of the Espressif serial loader (ROM and flasher stub), without any I/O.
import { TspyError } from "../../errors.js";

export const Op = {
  FLASH_BEGIN: 0x02,
  FLASH_DATA: 0x03,
  FLASH_END: 0x04,
  MEM_BEGIN: 0x05,
  MEM_END: 0x06,
  MEM_DATA: 0x07,
  SYNC: 0x08,
  WRITE_REG: 0x09,
  READ_REG: 0x0a,
  // Stub only on the ESP8266:
  SPI_SET_PARAMS: 0x0b,
  SPI_ATTACH: 0x0d,
  CHANGE_BAUDRATE: 0x0f,
  FLASH_DEFL_BEGIN: 0x10,
  FLASH_DEFL_DATA: 0x11,
  FLASH_DEFL_END: 0x12,
  SPI_FLASH_MD5: 0x13,
  ERASE_FLASH: 0xd0,
  ERASE_REGION: 0xd1,
  READ_FLASH: 0xd2,
  RUN_USER_CODE: 0xd3,
} as const;

export const OP_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Op).map(([name, code]) => [code, name]),
);

/** Seed of the XOR checksum over *_DATA payloads (and of the v1 image checksum). */
export const CHECKSUM_SEED = 0xef;

export function checksum(data: Uint8Array, seed = CHECKSUM_SEED): number {
  let c = seed;
  for (const b of data) c ^= b;
  return c;
}

/** The SYNC payload; the loader also uses it to measure the baud rate. */
export const SYNC_PAYLOAD = Buffer.concat([Buffer.from([0x07, 0x07, 0x12, 0x20]), Buffer.alloc(32, 0x55)]);

export function buildRequest(op: number, data: Uint8Array = Buffer.alloc(0), chk = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt8(0x00, 0);
  head.writeUInt8(op, 1);
  head.writeUInt16LE(data.length, 2);
  head.writeUInt32LE(chk >>> 0, 4);
  return Buffer.concat([head, data]);
}

export interface Response {
  op: number;
  value: number;
  /** Everything after the 8-byte header, status bytes included. */
  data: Buffer;
}

/** A response frame, or null for anything that is not one (stray frames, the stub's OHAI). */
export function parseResponse(frame: Buffer): Response | null {
  if (frame.length < 8 || frame[0] !== 0x01) return null;
  return { op: frame[1]!, value: frame.readUInt32LE(4), data: frame.subarray(8) };
}

export function words(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32LE(v >>> 0, i * 4));
  return b;
}

const ROM_ERRORS: Record<number, string> = {
  0x05: "the loader rejected the message (unsupported command or bad length)",
  0x06: "the command ran but failed",
  0x07: "checksum error",
  0x08: "flash write error",
  0x09: "flash read error",
  0x0a: "flash read length error",
  0x0b: "deflate error",
};

const STUB_ERRORS: Record<number, string> = {
  0xc0: "bad data length",
  0xc1: "bad data checksum",
  0xc2: "bad block size",
  0xc3: "invalid command",
  0xc4: "SPI flash operation failed",
  0xc5: "SPI flash unlock failed",
  0xc6: "not in flash mode",
  0xc7: "inflate error",
  0xc8: "not enough data",
  0xc9: "too much data",
  0xff: "command not implemented",
};

/** The loader answered a command with a failure status. */
export class LoaderCommandError extends TspyError {
  constructor(
    readonly what: string,
    readonly status: Buffer,
  ) {
    const [s0 = 0, s1 = 0] = status;
    const why = ROM_ERRORS[s1] && s0 === 1 ? ROM_ERRORS[s1] : STUB_ERRORS[s0] ?? `status ${status.toString("hex")}`;
    super(`failed to ${what}: ${why} (status ${status.toString("hex")})`);
  }
}
