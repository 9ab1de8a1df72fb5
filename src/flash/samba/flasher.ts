// Erase, write, verify and read a SAMD21's flash through a SAM-BA monitor: the Arduino X/Y/Z
// commands when the bootloader offers them (fast), NVMCTRL word writes and R reads when not.
import { TspyError, TransportError } from "../../errors.js";
import type { SambaClient } from "./client.js";
import { crc16Xmodem } from "./crc16.js";
import { AIRCR, Nvmctrl, type Samd21Info } from "./samd21.js";

export class VerifyError extends TspyError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Reports work done so far (bytes) out of a total; called often, so keep it cheap. */
export type Progress = (done: number, total: number) => void;

/** The SRAM buffer for Y writes: where bossac puts its own buffers, clear of the bootloader's data and stack. */
const SRAM_BUFFER = 0x20004040;
/** The largest buffer the Arduino bootloaders copy or checksum in one command. */
const CHUNK = 4096;

export interface VerifyResult {
  pageErrors: number;
  byteErrors: number;
}

export class Samd21Flasher {
  private readonly nvm: Nvmctrl;
  /** Rows from here to the end were erased by `erase()`, so writes there need no erase of their own. */
  private erasedFrom = Infinity;

  constructor(
    readonly client: SambaClient,
    readonly chip: Samd21Info,
  ) {
    this.nvm = new Nvmctrl(client);
  }

  checkRange(offset: number, size: number): void {
    if (offset % this.chip.pageSize !== 0) throw new TspyError(`offset 0x${offset.toString(16)} is not aligned to a ${this.chip.pageSize}-byte page`);
    if (offset >= this.chip.flashSize || offset + size > this.chip.flashSize) {
      throw new TspyError(
        `${size} bytes at 0x${offset.toString(16)} do not fit in the ${this.chip.flashSize / 1024} KB flash (${this.chip.flashSize - Math.min(offset, this.chip.flashSize)} bytes available)`,
      );
    }
  }

  /** Erase from `offset` to the end of flash. */
  async erase(offset: number, progress?: Progress): Promise<void> {
    this.checkRange(offset, 0);
    // Erase works on whole rows: a row-unaligned offset would also wipe the bytes before it.
    if (offset % this.chip.rowSize !== 0) throw new TspyError(`erase offset 0x${offset.toString(16)} is not a multiple of the ${this.chip.rowSize}-byte row`);
    const start = offset;
    if (this.client.extensions.erase) {
      await this.client.eraseFrom(start);
    } else {
      const total = this.chip.flashSize - start;
      for (let row = start; row < this.chip.flashSize; row += this.chip.rowSize) {
        progress?.(row - start, total);
        await this.nvm.eraseRow(row);
      }
    }
    this.erasedFrom = start;
  }

  async write(offset: number, data: Uint8Array, progress?: Progress): Promise<void> {
    this.checkRange(offset, data.length);
    const size = roundUp(data.length, this.chip.pageSize);
    // Erased flash reads 0xFF: padding with it leaves the rest of the last page as it was erased.
    const image = new Uint8Array(size).fill(0xff);
    image.set(data);
    await this.guardLink(`writing flash at 0x${offset.toString(16)}`, async () => {
      if (offset < this.erasedFrom) await this.eraseRows(offset, size);
      const chunk = this.client.extensions.writeBuffer ? CHUNK : this.chip.pageSize;
      for (let off = 0; off < size; off += chunk) {
        progress?.(off, size);
        const part = image.subarray(off, Math.min(size, off + chunk));
        if (this.client.extensions.writeBuffer) {
          await this.client.writeMemory(SRAM_BUFFER, part);
          await this.client.copyToFlash(SRAM_BUFFER, offset + off, part.length);
          await this.nvm.checkError(`writing flash at 0x${(offset + off).toString(16)}`);
        } else {
          await this.nvm.writePage(offset + off, part);
        }
      }
      progress?.(size, size);
    });
  }

  private async eraseRows(offset: number, size: number): Promise<void> {
    const row = this.chip.rowSize;
    // A row shared with data before `offset` would lose it: keep that data and write it back.
    const first = offset - (offset % row);
    for (let r = first; r < offset + size; r += row) {
      const keepBefore = r < offset ? await this.client.readMemory(r, offset - r) : null;
      const end = offset + size;
      const keepAfter = r + row > end ? await this.client.readMemory(end, r + row - end) : null;
      await this.nvm.eraseRow(r);
      if (keepBefore && keepBefore.some((b) => b !== 0xff)) await this.restore(r, keepBefore);
      if (keepAfter && keepAfter.some((b) => b !== 0xff)) await this.restore(end, keepAfter);
    }
  }

  private async restore(addr: number, data: Uint8Array): Promise<void> {
    for (let off = 0; off < data.length; off += this.chip.pageSize) {
      await this.nvm.writePage(addr + off, data.subarray(off, off + this.chip.pageSize));
    }
  }

  /**
   * Compare flash with `data`: a board-side CRC per 4 KB chunk where the monitor has `Z` (each chunk
   * with a fresh CRC, unlike bossac 1.9.1), and a byte compare of any chunk that differs.
   */
  async verify(offset: number, data: Uint8Array, progress?: Progress): Promise<VerifyResult> {
    this.checkRange(offset, data.length);
    const result: VerifyResult = { pageErrors: 0, byteErrors: 0 };
    await this.guardLink(`verifying flash at 0x${offset.toString(16)}`, async () => {
      for (let off = 0; off < data.length; off += CHUNK) {
        progress?.(off, data.length);
        const want = data.subarray(off, Math.min(data.length, off + CHUNK));
        if (this.client.extensions.checksum && (await this.client.checksum(offset + off, want.length)) === crc16Xmodem(want)) continue;
        const got = await this.client.readMemory(offset + off, want.length);
        for (let p = 0; p < want.length; p += this.chip.pageSize) {
          let bad = 0;
          for (let i = p; i < Math.min(want.length, p + this.chip.pageSize); i++) if (got[i] !== want[i]) bad++;
          if (bad) {
            result.pageErrors++;
            result.byteErrors += bad;
          }
        }
      }
      progress?.(data.length, data.length);
    });
    return result;
  }

  async read(offset: number, size: number, progress?: Progress): Promise<Uint8Array> {
    this.checkRange(offset, size);
    const out = new Uint8Array(size);
    await this.guardLink(`reading flash at 0x${offset.toString(16)}`, async () => {
      for (let off = 0; off < size; off += CHUNK) {
        progress?.(off, size);
        out.set(await this.client.readMemory(offset + off, Math.min(CHUNK, size - off)), off);
      }
      progress?.(size, size);
    });
    return out;
  }

  /** System reset through the Cortex-M AIRCR; the bootloader then starts the application. */
  async reset(): Promise<void> {
    await this.client.writeWord(AIRCR, 0x05fa0004).catch(() => undefined);
  }

  private async guardLink(what: string, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      if (e instanceof TransportError) throw new TransportError(`link lost while ${what}: ${e.message}`);
      throw e;
    }
  }
}

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
