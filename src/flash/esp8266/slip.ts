// SLIP framing as the Espressif ROM loader and its stub speak it: every frame starts and ends with
// 0xC0; inside, 0xC0 and 0xDB travel as two-byte escapes.

const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;

export function slipEncode(payload: Uint8Array): Buffer {
  let extra = 0;
  for (const b of payload) if (b === END || b === ESC) extra++;
  const out = Buffer.allocUnsafe(payload.length + extra + 2);
  let o = 0;
  out[o++] = END;
  for (const b of payload) {
    if (b === END) {
      out[o++] = ESC;
      out[o++] = ESC_END;
    } else if (b === ESC) {
      out[o++] = ESC;
      out[o++] = ESC_ESC;
    } else {
      out[o++] = b;
    }
  }
  out[o++] = END;
  return out;
}

/**
 * Incremental decoder. Bytes outside a frame (a board's boot chatter at another baud rate) are
 * counted and dropped rather than treated as fatal: a new 0xC0 always resynchronises.
 */
export class SlipDecoder {
  private frame: number[] | null = null;
  private escaped = false;
  /** Bytes seen outside any frame, for diagnostics. */
  noise = 0;

  /** Feed bytes; returns every frame completed by them (empty frames, i.e. C0 C0, are skipped). */
  push(chunk: Uint8Array): Buffer[] {
    const done: Buffer[] = [];
    for (const b of chunk) {
      if (this.frame === null) {
        if (b === END) this.frame = [];
        else this.noise++;
        continue;
      }
      if (this.escaped) {
        this.escaped = false;
        if (b === ESC_END) this.frame.push(END);
        else if (b === ESC_ESC) this.frame.push(ESC);
        else {
          // A broken escape: the frame is corrupt. Drop it and resynchronise on the next END.
          this.frame = null;
          this.noise++;
        }
        continue;
      }
      if (b === ESC) this.escaped = true;
      else if (b === END) {
        // END END is an empty frame: keep waiting for content rather than yield nothing.
        if (this.frame.length > 0) {
          done.push(Buffer.from(this.frame));
          this.frame = null;
        }
      } else this.frame.push(b);
    }
    return done;
  }

  reset(): void {
    this.frame = null;
    this.escaped = false;
  }
}
