// Just enough ELF32 (little-endian, Xtensa) to turn a linked ESP8266 program into an image:
// the PROGBITS sections with a load address, and the entry point.
import { ImageError, type Segment } from "./image.js";

const SHT_PROGBITS = 1;
const EM_XTENSA = 0x5e;

export interface ElfProgram {
  entry: number;
  sections: Segment[];
}

export function readElf(buf: Buffer, name = "ELF file"): ElfProgram {
  if (buf.length < 0x34 || buf.readUInt32BE(0) !== 0x7f454c46) throw new ImageError(`${name}: not an ELF file`);
  if (buf[4] !== 1 || buf[5] !== 1) throw new ImageError(`${name}: not a 32-bit little-endian ELF file`);
  const machine = buf.readUInt16LE(18);
  if (machine !== EM_XTENSA) throw new ImageError(`${name}: not an Xtensa program (e_machine 0x${machine.toString(16)})`);
  const entry = buf.readUInt32LE(24);
  const shoff = buf.readUInt32LE(32);
  const shentsize = buf.readUInt16LE(46);
  const shnum = buf.readUInt16LE(48);
  const shstrndx = buf.readUInt16LE(50);
  if (shentsize !== 0x28) throw new ImageError(`${name}: unexpected section header size ${shentsize}`);
  if (shnum === 0 || shoff + shnum * shentsize > buf.length) throw new ImageError(`${name}: truncated section table`);
  const sh = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      nameOff: buf.readUInt32LE(o),
      type: buf.readUInt32LE(o + 4),
      addr: buf.readUInt32LE(o + 12),
      offset: buf.readUInt32LE(o + 16),
      size: buf.readUInt32LE(o + 20),
    };
  };
  if (shstrndx >= shnum) throw new ImageError(`${name}: no section name table`);
  const strtab = sh(shstrndx);
  const names = buf.subarray(strtab.offset, strtab.offset + strtab.size);
  const nameAt = (off: number) => {
    const end = names.indexOf(0, off);
    return names.subarray(off, end < 0 ? names.length : end).toString("latin1");
  };
  const sections: Segment[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    if (s.type !== SHT_PROGBITS || s.addr === 0 || s.size === 0) continue;
    if (s.offset + s.size > buf.length) throw new ImageError(`${name}: section ${nameAt(s.nameOff)} runs past the end of the file`);
    sections.push({ addr: s.addr, data: Buffer.from(buf.subarray(s.offset, s.offset + s.size)), name: nameAt(s.nameOff) });
  }
  return { entry, sections };
}
