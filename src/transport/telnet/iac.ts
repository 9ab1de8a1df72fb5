// Telnet's in-band command bytes (RFC 854/855). A board link wants the plain byte stream, so every
// option the server offers or asks for is refused, and commands never reach the layers above.

export const IAC = 0xff;
export const DONT = 0xfe;
export const DO = 0xfd;
export const WONT = 0xfc;
export const WILL = 0xfb;
export const SB = 0xfa;
export const SE = 0xf0;

type State = "data" | "iac" | "option" | "sub" | "sub-iac";

export interface Decoded {
  /** The data bytes, with every command removed and IAC IAC turned back into 0xFF. */
  data: Uint8Array;
  /** What to send back: refusals of the options the server raised. */
  reply: Uint8Array;
}

/**
 * Splits a received telnet byte stream into data and commands. Keeps its state between chunks, since
 * a command may be cut anywhere by TCP.
 */
export class TelnetDecoder {
  private state: State = "data";
  private verb = 0;

  feed(chunk: Uint8Array): Decoded {
    const data: number[] = [];
    const reply: number[] = [];
    for (const b of chunk) {
      switch (this.state) {
        case "data":
          if (b === IAC) this.state = "iac";
          else data.push(b);
          break;
        case "iac":
          if (b === IAC) {
            data.push(IAC);
            this.state = "data";
          } else if (b === DO || b === DONT || b === WILL || b === WONT) {
            this.verb = b;
            this.state = "option";
          } else if (b === SB) {
            this.state = "sub";
          } else {
            // NOP, GA, AYT, ... carry no data for us.
            this.state = "data";
          }
          break;
        case "option":
          // Answering only the requests that would turn something on: a WONT/DONT already matches the
          // state we keep (everything off), and answering it again could start a negotiation loop.
          if (this.verb === DO) reply.push(IAC, WONT, b);
          else if (this.verb === WILL) reply.push(IAC, DONT, b);
          this.state = "data";
          break;
        case "sub":
          if (b === IAC) this.state = "sub-iac";
          break;
        case "sub-iac":
          // IAC SE ends the subnegotiation; IAC IAC is an escaped 0xFF inside it.
          this.state = b === SE ? "data" : "sub";
          break;
      }
    }
    return { data: Uint8Array.from(data), reply: Uint8Array.from(reply) };
  }
}

/** Data bytes as they must travel: a 0xFF byte is doubled so it is not read as a command. */
export function escapeIac(data: Uint8Array): Uint8Array {
  let count = 0;
  for (const b of data) if (b === IAC) count++;
  if (count === 0) return data;
  const out = new Uint8Array(data.length + count);
  let j = 0;
  for (const b of data) {
    out[j++] = b;
    if (b === IAC) out[j++] = IAC;
  }
  return out;
}
