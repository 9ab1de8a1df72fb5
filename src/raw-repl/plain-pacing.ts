// How fast code may go out in plain raw mode, where the board gives no flow control and drops bytes
// once its receive buffer overflows. Instead of one timer for every board, a connection starts at the
// fastest pace and takes the first one at which a probe program arrives whole (the board shows what
// it can take by answering the probe correctly); a program found damaged later moves it one step down.

export interface Pace {
  /** Bytes per write. */
  readonly chunkSize: number;
  /** Pause after each write (ms). */
  readonly delayMs: number;
}

/**
 * Fastest first. The last row is the pace the QEMU micro:bit needed at its worst (32-byte pieces
 * 10 ms apart lost nothing where 256-byte pieces lost bytes in ~30% of 600-byte programs); it is the
 * floor a connection never goes below.
 */
export const PACES: readonly Pace[] = [
  { chunkSize: 1024, delayMs: 0 },
  { chunkSize: 256, delayMs: 2 },
  { chunkSize: 64, delayMs: 4 },
  { chunkSize: 32, delayMs: 10 },
];

/** Larger than the UART receive buffers of the boards that lack raw-paste (64 – 512 bytes). */
export const PROBE_BYTES = 1024;

/**
 * A program that holds PROBE_BYTES of printable bytes and prints their count and sum: any byte
 * lost on the way changes the answer (or breaks the literal, a SyntaxError).
 */
export function pacingProbe(): { code: Uint8Array; answer: string } {
  const body: number[] = [];
  let sum = 0;
  for (let i = 0; body.length < PROBE_BYTES; i++) {
    const b = 0x20 + ((i * 37) % 95);
    if (b === 0x27 || b === 0x5c) continue; // no quote, no backslash: the literal stays one token
    body.push(b);
    sum += b;
  }
  const code = Buffer.concat([Buffer.from("x=b'"), Buffer.from(body), Buffer.from("'\nprint(len(x),sum(x))\nx=None\n")]);
  return { code, answer: `${body.length} ${sum}` };
}
