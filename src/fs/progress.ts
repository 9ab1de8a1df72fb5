// mpremote's progress bar: on a terminal only, for files of 2 KB and more, erased when done.
import type { Progress } from "./board-fs.js";

const BAR = 20;
const MIN_SIZE = 2048;

export function progressBar(out: NodeJS.WritableStream & { isTTY?: boolean }, op = "copying"): Progress | undefined {
  if (!out.isTTY) return undefined;
  return (done, total) => {
    if (total < MIN_SIZE) return;
    if (done >= total) {
      out.write("\r" + " ".repeat(13 + op.length + BAR) + "\r");
      return;
    }
    const bar = Math.floor((done * BAR) / total);
    const pct = Math.floor((done * 100) / total);
    out.write(`\r ... ${op} ${String(pct).padStart(3)}% [${"#".repeat(bar)}${"-".repeat(BAR - bar)}]`);
  };
}
