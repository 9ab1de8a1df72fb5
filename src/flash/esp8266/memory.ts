// esptool's memory commands on a connected ESP8266: one word read or written through READ_REG /
// WRITE_REG (the loaders' only access to memory and registers), a region dumped word by word, an
// image's segments run from RAM (MEM_BEGIN / MEM_DATA / MEM_END), and the SPI flash status register.
// The lines printed are esptool's, so that scripts reading its output keep working.
import {
  RAM_BLOCK,
  SPIFLASH_RDSR,
  SPIFLASH_RDSR2,
  SPIFLASH_RDSR3,
  SPIFLASH_WEVSR,
  SPIFLASH_WRDI,
  SPIFLASH_WREN,
  SPIFLASH_WRSR,
  SPIFLASH_WRSR2,
  SPIFLASH_WRSR3,
} from "./chip.js";
import type { Segment } from "./image.js";
import type { Connected, Io } from "./operations.js";
import { EsptoolFatalError } from "./fatal.js";
import type { StubImage } from "./stub.js";

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

export async function readMem(c: Connected, address: number, io: Io): Promise<void> {
  const value = await c.loader.readReg(address);
  io.out(`0x${hex8(address)} = 0x${hex8(value)}`);
}

export async function writeMem(c: Connected, address: number, value: number, mask: number, io: Io): Promise<void> {
  await c.loader.writeReg(address, value, mask, 0);
  io.out(`Wrote ${hex8(value)}, mask ${hex8(mask)} to ${hex8(address)}`);
}

/** A line that a terminal redraws in place (esptool's print_overwrite); elsewhere one line each. */
function overwrite(io: Io, text: string, last: boolean): void {
  if (io.tty && io.write) io.write(`\r${text}${last ? "\n" : ""}`);
  else io.out(text);
}

/** SIZE bytes from ADDRESS, one READ_REG per word (SIZE rounds down to whole words, as in esptool). */
export async function dumpMem(c: Connected, address: number, size: number, io: Io): Promise<Buffer> {
  const words = Math.floor(size / 4);
  const out = Buffer.alloc(words * 4);
  for (let i = 0; i < words; i++) {
    out.writeUInt32LE(await c.loader.readReg(address + i * 4), i * 4);
    const done = (i + 1) * 4;
    if (done % 1024 === 0) overwrite(io, `${done} bytes read... (${Math.floor((done * 100) / size)} %)`, false);
  }
  overwrite(io, `Read ${out.length} bytes`, true);
  io.out("Done!");
  return out;
}

/** Stub memory (text, and data with the bss before it) that a RAM image must not overwrite. */
function residentRanges(stub: StubImage): [number, number][] {
  return [
    [stub.bssStart ?? stub.dataStart, stub.dataStart + stub.data.length],
    [stub.textStart, stub.textStart + stub.text.length],
  ];
}

/**
 * esptool's load_ram: each segment into RAM in 0x1800-byte blocks, then MEM_END with the entry
 * point, after which the chip runs the image (and the loader is gone).
 */
export async function loadRam(c: Connected, segments: Segment[], entry: number, io: Io, stub?: StubImage): Promise<void> {
  io.out("RAM boot...");
  for (const seg of segments) {
    const size = seg.data.length;
    const head = `Downloading ${size} bytes at ${hex8(seg.addr)}...`;
    if (io.write) io.write(`${head} `);
    if (stub) {
      // The stub answers from the RAM it runs in: loading over it would crash it mid-transfer.
      for (const [start, end] of residentRanges(stub)) {
        if (seg.addr < end && seg.addr + size > start) {
          if (io.write) io.write("\n");
          throw new EsptoolFatalError(
            `Software loader is resident at 0x${hex8(start)}-0x${hex8(end)}. Can't load binary at overlapping address range ` +
              `0x${hex8(seg.addr)}-0x${hex8(seg.addr + size)}. Either change binary loading address, or use the --no-stub option to disable the software loader.`,
          );
        }
      }
    }
    const blocks = Math.ceil(size / RAM_BLOCK);
    await c.loader.memBegin(size, blocks, RAM_BLOCK, seg.addr);
    for (let seq = 0; seq < blocks; seq++) await c.loader.memBlock(seg.data.subarray(seq * RAM_BLOCK, (seq + 1) * RAM_BLOCK), seq);
    if (io.write) io.write("done!\n");
    else io.out(`${head} done!`);
  }
  io.out(`All segments done, executing at ${hex8(entry)}`);
  await c.loader.memFinish(entry);
}

/** BYTES (1-3) of the flash's status register: RDSR, then RDSR2 and RDSR3 for the higher bytes. */
async function flashStatus(c: Connected, bytes: number): Promise<number> {
  let status = 0;
  const commands = [SPIFLASH_RDSR, SPIFLASH_RDSR2, SPIFLASH_RDSR3].slice(0, bytes);
  for (const [i, cmd] of commands.entries()) status += (await c.loader.spiFlashCommand(cmd, 8)) * 2 ** (8 * i);
  return status;
}

export async function readFlashStatus(c: Connected, bytes: number, io: Io): Promise<void> {
  io.out(`Status value: 0x${(await flashStatus(c, bytes)).toString(16).padStart(4, "0")}`);
}

/**
 * Write BYTES of the status register, printing it before and after as esptool does. Flash chips differ
 * in which writes they take, so, as esptool, this sends every form: for two bytes a 16-bit WRSR first,
 * then one write per byte (WRSR, WRSR2, WRSR3), each after its own write enable — WREN when the
 * non-volatile bits are meant, else WEVSR, which changes only the copy that a power cycle forgets.
 */
export async function writeFlashStatus(c: Connected, value: number, bytes: number, nonVolatile: boolean, io: Io): Promise<void> {
  const digits = bytes * 2;
  const hex = (n: number) => `0x${n.toString(16).padStart(digits, "0")}`;
  const wanted = value % 2 ** (8 * bytes);
  io.out(`Initial flash status: ${hex(await flashStatus(c, bytes))}`);
  io.out(`Setting flash status: ${hex(wanted)}`);
  const enable = nonVolatile ? SPIFLASH_WREN : SPIFLASH_WEVSR;
  if (bytes === 2) {
    await c.loader.spiFlashCommand(enable, 0);
    await c.loader.spiFlashCommand(SPIFLASH_WRSR, 0, Uint8Array.of(wanted & 0xff, wanted >>> 8));
  }
  for (const [i, cmd] of [SPIFLASH_WRSR, SPIFLASH_WRSR2, SPIFLASH_WRSR3].slice(0, bytes).entries()) {
    await c.loader.spiFlashCommand(enable, 0);
    await c.loader.spiFlashCommand(cmd, 0, Uint8Array.of((wanted >>> (8 * i)) & 0xff));
  }
  await c.loader.spiFlashCommand(SPIFLASH_WRDI, 0);
  io.out(`After flash status:   ${hex(await flashStatus(c, bytes))}`);
}
