// The SAMD21 as a SAM-BA target: how to recognise it (CPUID, DSU DID), where its flash geometry lives
// (NVMCTRL PARAM), its bootloader region (8 KB for the Arduino/Adafruit bootloaders, or the BOOTPROT
// fuse), and the NVM controller commands for row erase and page write.
import { TspyError } from "../../errors.js";
import type { SambaClient } from "./client.js";

export class WrongChipError extends TspyError {}
export class NvmError extends TspyError {}

export const CPUID = 0xe000ed00;
export const AIRCR = 0xe000ed0c;
export const DSU_DID = 0x41002018;
export const NVMCTRL = 0x41004000;
export const USER_ROW = 0x804000;
/** Where the Arduino/Adafruit bootloaders start the application. */
export const APP_START = 0x2000;

const NVM = { CTRLA: 0x00, CTRLB: 0x04, PARAM: 0x08, INTFLAG: 0x14, STATUS: 0x18, ADDR: 0x1c, LOCK: 0x20 };
const CMD = { ER: 0x02, WP: 0x04, PBC: 0x44 };
const CMDEX_KEY = 0xa500;
const INTFLAG_READY = 1;
const INTFLAG_ERROR = 2;

/** DSU DID DEVSEL (bits 7:0) → part name, for SAMD21 (processor 1, family 0, series 1). */
const SAMD21_PARTS: Record<number, string> = {
  0x00: "J18A", 0x01: "J17A", 0x02: "J16A", 0x03: "J15A",
  0x05: "G18A", 0x06: "G17A", 0x07: "G16A", 0x08: "G15A",
  0x0a: "E18A", 0x0b: "E17A", 0x0c: "E16A", 0x0d: "E15A",
  0x0f: "G18A (WLCSP)", 0x10: "G17A (WLCSP)",
  0x20: "J16B", 0x21: "J15B", 0x23: "G16B", 0x24: "G15B", 0x26: "E16B", 0x27: "E15B",
  0x55: "E16B (WLCSP)", 0x56: "E15B (WLCSP)", 0x62: "E16C (WLCSP)", 0x63: "E15C (WLCSP)",
};

/** BOOTPROT fuse value → protected bytes. */
const BOOTPROT_BYTES = [32768, 16384, 8192, 4096, 2048, 1024, 512, 0];

export interface Samd21Info {
  name: string;
  deviceId: number;
  pageSize: number;
  pages: number;
  flashSize: number;
  rowSize: number;
  /** Bytes at the start of flash that hold the bootloader. */
  bootloaderSize: number;
  /** Bytes the BOOTPROT fuse protects from erase/write. */
  bootprotBytes: number;
  security: boolean;
  lockedRegions: number[];
}

/** Identify the chip behind the monitor; anything but a SAMD21 is refused with one line. */
export async function detectSamd21(client: SambaClient): Promise<Samd21Info> {
  // Read in the order bossac does: a SAM7's reset vector is an ARM branch, and unmapped reads hang some chips.
  const vector = await client.readWord(0);
  if ((vector & 0xff000000) >>> 0 === 0xea000000) throw new WrongChipError("unsupported chip: an ARM7 SAM device (only SAMD21 is supported)");
  const cpu = (await client.readWord(CPUID)) & 0xfff0;
  if (cpu !== 0xc600) throw new WrongChipError(`unsupported chip: CPUID part 0x${cpu.toString(16)} is not a Cortex-M0+ (only SAMD21 is supported)`);
  const did = await client.readWord(DSU_DID);
  const part = SAMD21_PARTS[did & 0xff];
  if (did >>> 16 !== 0x1001 || part === undefined) {
    throw new WrongChipError(`unsupported chip: DSU DID 0x${did.toString(16).padStart(8, "0")} is not a SAMD21`);
  }
  const param = await client.readWord(NVMCTRL + NVM.PARAM);
  const pageSize = 8 << ((param >>> 16) & 7);
  const pages = param & 0xffff;
  if (pages === 0) throw new WrongChipError("NVMCTRL PARAM reports no flash pages");
  const bootprotBytes = BOOTPROT_BYTES[(await client.readByte(USER_ROW)) & 7]!;
  const status = await client.readWord(NVMCTRL + NVM.STATUS);
  const lock = (await client.readWord(NVMCTRL + NVM.LOCK)) & 0xffff;
  const lockedRegions: number[] = [];
  for (let r = 0; r < 16; r++) if ((lock & (1 << r)) === 0) lockedRegions.push(r);
  return {
    name: `ATSAMD21${part}`,
    deviceId: did,
    pageSize,
    pages,
    flashSize: pageSize * pages,
    rowSize: pageSize * 4,
    // Every SAM-BA monitor on a SAMD21 lives in flash; the Arduino/Adafruit ones take the first 8 KB.
    bootloaderSize: Math.max(APP_START, bootprotBytes),
    bootprotBytes,
    security: (status & 0x100) !== 0,
    lockedRegions,
  };
}

/** NVMCTRL driven through SAM-BA word writes: the path for monitors without the Arduino X/Y commands. */
export class Nvmctrl {
  constructor(private readonly client: SambaClient) {}

  private async waitReady(): Promise<number> {
    for (let i = 0; i < 1000; i++) {
      const flags = await this.client.readWord(NVMCTRL + NVM.INTFLAG);
      if (flags & INTFLAG_READY) return flags;
    }
    throw new NvmError("NVMCTRL never became ready");
  }

  async command(cmd: number, byteAddr: number, what: string): Promise<void> {
    await this.waitReady();
    const status = await this.client.readWord(NVMCTRL + NVM.STATUS);
    await this.client.writeWord(NVMCTRL + NVM.STATUS, status | 0x1e);
    await this.client.writeWord(NVMCTRL + NVM.ADDR, byteAddr >>> 1);
    await this.client.writeWord(NVMCTRL + NVM.CTRLA, CMDEX_KEY | cmd);
    await this.checkError(what);
  }

  /** Fails (and clears the flag) if the NVM controller reported an error since the last check. */
  async checkError(what: string): Promise<void> {
    const flags = await this.waitReady();
    if (flags & INTFLAG_ERROR) {
      await this.client.writeWord(NVMCTRL + NVM.INTFLAG, INTFLAG_ERROR);
      throw new NvmError(`${what} failed: the region is locked or protected by the BOOTPROT fuse`);
    }
  }

  async eraseRow(addr: number): Promise<void> {
    await this.command(CMD.ER, addr, `erasing the row at 0x${addr.toString(16)}`);
  }

  /** One page through the page buffer: clear it, load it word by word, write it. */
  async writePage(addr: number, page: Uint8Array): Promise<void> {
    const ctrlb = await this.client.readWord(NVMCTRL + NVM.CTRLB);
    await this.client.writeWord(NVMCTRL + NVM.CTRLB, ctrlb | (1 << 7)); // manual page write
    await this.command(CMD.PBC, addr, "clearing the page buffer");
    const view = Buffer.from(page.buffer, page.byteOffset, page.byteLength);
    for (let off = 0; off < page.length; off += 4) await this.client.writeWord(addr + off, view.readUInt32LE(off));
    await this.command(CMD.WP, addr, `writing the page at 0x${addr.toString(16)}`);
  }
}
