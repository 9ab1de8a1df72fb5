// Reset sequences through the USB-serial adapter's modem lines. On the usual auto-reset circuit
// RTS drives EN (true = chip held in reset) and DTR drives GPIO0 (true = pulled low = boot into
// the serial loader). Links without modem lines (TCP) skip these silently; ports whose driver
// refuses them (ptys, some bridges) get one warning and no reset.
import type { ByteStream, ModemSignals } from "../../transport/byte-stream.js";
import { NoModemLinesError } from "../../errors.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const refused = new WeakSet<ByteStream>();

export function canReset(stream: ByteStream): boolean {
  return typeof stream.setSignals === "function" && !refused.has(stream);
}

function isUnsupported(e: unknown): boolean {
  if (e instanceof NoModemLinesError) return true;
  // Other transports' drivers word it their own way.
  return /inappropriate ioctl|ENOTTY|EINVAL|not supported|invalid argument/i.test(String((e as Error)?.message ?? e));
}

/** false if the port cannot set modem lines (then the caller goes on without a reset). */
async function set(stream: ByteStream, s: ModemSignals, warn: (line: string) => void): Promise<boolean> {
  if (!stream.setSignals || refused.has(stream)) return false;
  try {
    await stream.setSignals(s);
    return true;
  } catch (e) {
    if (!isUnsupported(e)) throw e;
    refused.add(stream);
    warn(
      `WARNING: ${stream.description} cannot set DTR/RTS, so the chip was NOT reset; ` +
        "put it in bootloader mode by hand (GPIO0 low during reset) or use --before no_reset --after no_reset",
    );
    return false;
  }
}

/** Reset into the serial bootloader: hold EN low, release it with GPIO0 low, then let GPIO0 go. */
export async function resetIntoBootloader(stream: ByteStream, warn: (line: string) => void = () => undefined): Promise<void> {
  if (!(await set(stream, { dtr: false, rts: true }, warn))) return;
  await sleep(100);
  await set(stream, { dtr: true, rts: false }, warn);
  await sleep(50);
  await set(stream, { dtr: false, rts: false }, warn);
}

/** Plain reset (runs the firmware in flash): pulse EN with GPIO0 left high. */
export async function hardReset(stream: ByteStream, warn: (line: string) => void = () => undefined): Promise<void> {
  if (!(await set(stream, { dtr: false, rts: true }, warn))) return;
  await sleep(100);
  await set(stream, { dtr: false, rts: false }, warn);
}
