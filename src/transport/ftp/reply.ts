// FTP replies (RFC 959 §4.2) from the control connection's bytes: `ddd text` is a whole reply,
// `ddd-text` opens a multi-line one that ends at a line starting with the same `ddd `. Servers
// differ in small ways this accepts: a bare `ddd` line (no text, no space), LF without CR.

export interface FtpReply {
  code: number;
  /** All the reply's text lines joined by \n, codes stripped from the first and last. */
  text: string;
}

export class ReplyParser {
  private pending = Buffer.alloc(0);
  private open: { code: string; lines: string[] } | null = null;

  /** Feed bytes; returns the replies completed by them. */
  feed(chunk: Buffer): FtpReply[] {
    // Split on the bytes first, so a UTF-8 name cut between two chunks decodes whole.
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: FtpReply[] = [];
    let nl: number;
    while ((nl = this.pending.indexOf(0x0a)) >= 0) {
      const line = this.pending.toString("utf8", 0, nl).replace(/\r$/, "");
      this.pending = this.pending.subarray(nl + 1);
      const done = this.line(line);
      if (done) out.push(done);
    }
    return out;
  }

  private line(line: string): FtpReply | null {
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (this.open) {
      this.open.lines.push(m && m[1] === this.open.code && m[2] !== "-" ? m[3] : line);
      if (m && m[1] === this.open.code && m[2] !== "-") {
        const reply = { code: Number(this.open.code), text: this.open.lines.join("\n") };
        this.open = null;
        return reply;
      }
      return null;
    }
    if (!m) return null; // noise before a reply (never seen from a good server)
    if (m[2] === "-") {
      this.open = { code: m[1], lines: [m[3]] };
      return null;
    }
    return { code: Number(m[1]), text: m[3] };
  }
}

/** The text of a 257 reply: the quoted path, `""` standing for one quote. */
export function parseQuotedPath(text: string): string | null {
  const m = /"((?:[^"]|"")*)"/.exec(text);
  return m ? m[1].replace(/""/g, '"') : null;
}

/** 227 `(h1,h2,h3,h4,p1,p2)` (the WiPy sends only the parenthesis) → the port. */
export function parsePasvPort(text: string): number | null {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text);
  if (!m) return null;
  const port = Number(m[5]) * 256 + Number(m[6]);
  return port > 0 && port < 65536 ? port : null;
}

/** 229 `(|||port|)` → the port. */
export function parseEpsvPort(text: string): number | null {
  const m = /\((.)\1\1(\d+)\1\)/.exec(text);
  if (!m) return null;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? port : null;
}
