// merge_bin: several (address, file) pairs laid out into one flash image, gaps filled with 0xFF.
import { TspyError } from "../../errors.js";
import { flashSizeBytes } from "./chip.js";

export interface Placed {
  address: number;
  name: string;
  data: Buffer;
}

export function mergeBins(parts: Placed[], targetOffset = 0, fillFlashSize?: string): Buffer {
  const sorted = [...parts].sort((a, b) => a.address - b.address);
  const chunks: Buffer[] = [];
  let pos = targetOffset;
  for (const p of sorted) {
    if (p.address < pos) {
      throw new TspyError(
        `${p.name} at 0x${p.address.toString(16)} overlaps the previous file (which ends at 0x${pos.toString(16)}) or lies below --target-offset`,
      );
    }
    if (p.address > pos) chunks.push(Buffer.alloc(p.address - pos, 0xff));
    chunks.push(p.data);
    pos = p.address + p.data.length;
  }
  if (fillFlashSize) {
    const end = flashSizeBytes(fillFlashSize);
    if (pos > end) throw new TspyError(`the merged image (${pos - targetOffset} bytes) is larger than ${fillFlashSize}`);
    chunks.push(Buffer.alloc(end - pos, 0xff));
  }
  return Buffer.concat(chunks);
}
