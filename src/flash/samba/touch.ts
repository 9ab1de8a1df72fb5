// The Arduino "1200-baud touch": opening a SAMD21 board's USB CDC port at 1200 baud and dropping DTR
// makes its firmware jump into the bootloader. The USB device then re-enumerates, and the port may
// come back under another name (ttyACM0 → ttyACM1, a new COM number), so we watch the port list.
import { TransportError } from "../../errors.js";
import type { ByteStream } from "../../transport/byte-stream.js";

export interface TouchEnv {
  open(path: string, baud: number): Promise<ByteStream>;
  /** Paths of the serial ports present now. */
  listPorts(): Promise<string[]>;
  sleep?(ms: number): Promise<void>;
}

export interface TouchOptions {
  /** How long to wait for the bootloader's port (ms). */
  waitMs?: number;
  pollMs?: number;
}

/** Touch `path` and resolve to the port the bootloader answers on. */
export async function touch1200(path: string, env: TouchEnv, opts: TouchOptions = {}): Promise<string> {
  const sleep = env.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const waitMs = opts.waitMs ?? 10000;
  const pollMs = opts.pollMs ?? 100;
  const before = new Set(await env.listPorts());
  const stream = await env.open(path, 1200);
  try {
    await stream.setSignals?.({ dtr: false });
  } finally {
    await stream.close().catch(() => undefined);
  }
  let gone = false;
  const deadline = Date.now() + waitMs;
  for (;;) {
    await sleep(pollMs);
    const now = await env.listPorts();
    const fresh = now.filter((p) => !before.has(p));
    if (fresh.length > 0) return fresh.sort()[0]!;
    if (!now.includes(path)) gone = true;
    else if (gone) return path;
    if (Date.now() >= deadline) {
      // Some hosts keep the name through a quick re-enumeration and never show it missing.
      if (now.includes(path)) return path;
      throw new TransportError(`${path} did not come back within ${waitMs / 1000} s after the 1200-baud touch`);
    }
  }
}
