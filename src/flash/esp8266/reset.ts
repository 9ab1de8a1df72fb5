// Reset sequences through the USB-serial adapter's modem lines. On the usual auto-reset circuit
// RTS drives EN (true = chip held in reset) and DTR drives GPIO0 (true = pulled low = boot into
// the serial loader). Links without modem lines (TCP) skip these silently.
import type { ByteStream } from "../../transport/byte-stream.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function canReset(stream: ByteStream): boolean {
  return typeof stream.setSignals === "function";
}

/** Reset into the serial bootloader: hold EN low, release it with GPIO0 low, then let GPIO0 go. */
export async function resetIntoBootloader(stream: ByteStream): Promise<void> {
  if (!stream.setSignals) return;
  await stream.setSignals({ dtr: false, rts: true });
  await sleep(100);
  await stream.setSignals({ dtr: true, rts: false });
  await sleep(50);
  await stream.setSignals({ dtr: false, rts: false });
}

/** Plain reset (runs the firmware in flash): pulse EN with GPIO0 left high. */
export async function hardReset(stream: ByteStream): Promise<void> {
  if (!stream.setSignals) return;
  await stream.setSignals({ dtr: false, rts: true });
  await sleep(100);
  await stream.setSignals({ dtr: false, rts: false });
}
