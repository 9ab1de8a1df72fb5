// ROMFS partitions on a board (MicroPython 1.25+, `vfs.rom_ioctl`): list them, and write an image
// into one. The board offers a partition either as an object with block-device ioctls (erase, then
// writeblocks) or as a memoryview with rom_ioctl erase/write/finish calls; both are handled.
import { TspyError } from "../errors.js";
import type { RawRepl } from "../raw-repl/raw-repl.js";
import { parsePyLiteral } from "../fs/py-literal.js";
import { imageHeader, ROMFS_HEADER } from "./image.js";

export class RomfsBoardError extends TspyError {}

interface Partition {
  id: number;
  /** Block-device object (ioctl/writeblocks) rather than a memoryview. */
  isObject: boolean;
  size: number;
  blockSize: number;
}

async function value(repl: RawRepl, expr: string): Promise<unknown> {
  return parsePyLiteral(await repl.eval(expr));
}

async function num(repl: RawRepl, expr: string): Promise<number> {
  const v = await value(repl, expr);
  if (typeof v !== "number") throw new RomfsBoardError(`romfs: the board answered ${JSON.stringify(v)} to ${expr}`);
  return v;
}

/** Number of ROMFS partitions, or null when the firmware has no ROMFS support. */
export async function romPartitionCount(repl: RawRepl): Promise<number | null> {
  await repl.exec("import vfs");
  if ((await value(repl, "hasattr(vfs,'rom_ioctl')")) !== true) return null;
  return num(repl, "vfs.rom_ioctl(1)");
}

async function openPartition(repl: RawRepl, id: number): Promise<Partition> {
  await repl.exec(`_rom=vfs.rom_ioctl(2,${id})`);
  if ((await value(repl, "isinstance(_rom,int) and _rom<0")) === true) throw new RomfsBoardError(`ROMFS${id} partition not found on device`);
  const isObject = (await value(repl, "hasattr(_rom,'ioctl')")) === true;
  let size: number;
  let blockSize: number;
  if (isObject) {
    blockSize = await num(repl, "_rom.ioctl(5,0)");
    size = (await num(repl, "_rom.ioctl(4,0)")) * blockSize;
  } else {
    size = await num(repl, "len(_rom)");
    blockSize = await num(repl, `vfs.rom_ioctl(6,${id})`);
    if (blockSize <= 0) blockSize = size;
  }
  return { id, isObject, size, blockSize };
}

function describe(p: Partition): string {
  return `ROMFS${p.id} partition has size ${p.size} bytes (${Math.floor(p.size / p.blockSize)} blocks of ${p.blockSize} bytes each)`;
}

/** `romfs query`: mpremote's report, line by line. */
export async function queryRomfs(repl: RawRepl, print: (line: string) => void): Promise<void> {
  const count = await romPartitionCount(repl);
  if (count === null) return print("ROMFS is not enabled on this device");
  if (count <= 0) return print("No ROMFS partitions available");
  for (let id = 0; id < count; id++) {
    const p = await openPartition(repl, id);
    print(describe(p));
    const head = (await value(repl, "bytes(memoryview(_rom)[:12])")) as Uint8Array;
    print(`  Raw contents: ${Buffer.from(head).toString("hex").replace(/(..)(?!$)/g, "$1:")} ...`);
    const h = imageHeader(head);
    if (!h) print("  Not a valid ROMFS");
    else print(`  ROMFS image size: ${h.bodyLength}`);
  }
}

const CHUNK = 4096;

/** `romfs deploy`: erase what the image needs, write it in chunks, finish; progress on `print`. */
export async function deployRomfs(
  repl: RawRepl,
  image: Buffer,
  id: number,
  print: (line: string) => void,
  progress: (text: string) => void = () => undefined,
): Promise<void> {
  if (!image.subarray(0, 3).equals(ROMFS_HEADER)) throw new RomfsBoardError("Invalid ROMFS image");
  const count = await romPartitionCount(repl);
  if (count === null) throw new RomfsBoardError("ROMFS is not enabled on this device");
  const p = await openPartition(repl, id);
  print(describe(p));
  if (image.length > p.size) throw new RomfsBoardError("ROMFS image is too big for the target partition");
  await repl.exec("import vfs\ntry:\n vfs.umount('/rom')\nexcept:\n pass");
  let chunk = CHUNK;
  if (p.isObject) {
    for (let off = 0; off < image.length; off += p.blockSize) {
      progress(`Preparing at offset ${off}`);
      await repl.exec(`_rom.ioctl(6,${off / p.blockSize})`);
    }
    chunk = Math.min(chunk, p.blockSize);
  } else {
    let minWrite = 0;
    if (p.blockSize < p.size) {
      for (let off = 0; off < image.length; ) {
        progress(`Preparing at offset ${off}`);
        const n = Math.ceil(Math.min(image.length - off, 32768) / p.blockSize) * p.blockSize;
        minWrite = await num(repl, `vfs.rom_ioctl(3,${id},${off},${n})`);
        off += n;
      }
    } else {
      progress("Preparing at offset 0");
      minWrite = await num(repl, `vfs.rom_ioctl(3,${id},${image.length})`);
    }
    if (minWrite < 0) throw new RomfsBoardError(`romfs: the board could not erase ROMFS${id} (error ${minWrite})`);
    chunk = Math.max(chunk, minWrite);
  }
  await repl.exec("from binascii import a2b_base64");
  for (let off = 0; off < image.length; off += chunk) {
    // Whole chunks: a flash that writes in units of minWrite takes no partial one (zero-padded).
    const piece = Buffer.alloc(Math.min(chunk, p.size - off));
    image.copy(piece, 0, off, Math.min(off + chunk, image.length));
    progress(`Writing at offset ${off}`);
    const b64 = piece.toString("base64");
    const write = p.isObject ? `_rom.writeblocks(${Math.floor(off / p.blockSize)},_b,${off % p.blockSize})` : `vfs.rom_ioctl(4,${id},${off},_b)`;
    await repl.exec(`_b=a2b_base64(b'${b64}')\n${write}`);
  }
  if (!p.isObject) await repl.exec(`vfs.rom_ioctl(5,${id})`);
  await repl.exec("del _b, _rom");
  print("ROMFS image deployed");
}
