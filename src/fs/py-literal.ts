// Reads what the board prints with repr(): tuples, lists, ints, floats, str, bytes, None, True,
// False. Enough of Python's literal syntax for listings and stat results (mpremote uses
// ast.literal_eval for the same job).

export type PyValue = number | string | Uint8Array | boolean | null | PyValue[];

export class PyLiteralError extends Error {}

const SIMPLE_ESCAPES: Record<string, number> = {
  n: 0x0a, r: 0x0d, t: 0x09, "\\": 0x5c, "'": 0x27, '"': 0x22, a: 0x07, b: 0x08, f: 0x0c, v: 0x0b,
};

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  fail(what: string): never {
    throw new PyLiteralError(`${what} at ${this.i} in ${JSON.stringify(this.s.slice(0, 200))}`);
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }

  value(): PyValue {
    this.ws();
    const c = this.s[this.i];
    if (c === "(" || c === "[") return this.sequence(c === "(" ? ")" : "]");
    if (c === "'" || c === '"') return this.string(false);
    if (c === "b" && (this.s[this.i + 1] === "'" || this.s[this.i + 1] === '"')) {
      this.i++;
      return this.string(true);
    }
    const word = /^(None|True|False|-?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf|nan))/.exec(this.s.slice(this.i, this.i + 40));
    if (!word) this.fail("unexpected text");
    this.i += word[0].length;
    if (word[0] === "None") return null;
    if (word[0] === "True") return true;
    if (word[0] === "False") return false;
    return Number(word[0]);
  }

  sequence(close: string): PyValue[] {
    this.i++;
    const items: PyValue[] = [];
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        return items;
      }
      items.push(this.value());
      this.ws();
      if (this.s[this.i] === ",") this.i++;
      else if (this.s[this.i] !== close) this.fail(`expected , or ${close}`);
    }
  }

  /** str → JS string; bytes → Uint8Array (each char below 0x100 is one byte). */
  string(isBytes: boolean): string | Uint8Array {
    const q = this.s[this.i++];
    const codes: number[] = [];
    for (;;) {
      if (this.i >= this.s.length) this.fail("unterminated string");
      const ch = this.s[this.i];
      if (ch === q) {
        this.i++;
        break;
      }
      if (ch !== "\\") {
        const cp = this.s.codePointAt(this.i)!;
        codes.push(cp);
        this.i += cp > 0xffff ? 2 : 1;
        continue;
      }
      const e = this.s[this.i + 1];
      this.i += 2;
      if (e in SIMPLE_ESCAPES) codes.push(SIMPLE_ESCAPES[e]);
      else if (e >= "0" && e <= "7") {
        // Octal: up to three digits.
        let n = Number(e);
        for (let k = 0; k < 2 && /[0-7]/.test(this.s[this.i] ?? ""); k++) n = n * 8 + Number(this.s[this.i++]);
        codes.push(n);
      }
      else if (e === "x") {
        codes.push(parseInt(this.s.slice(this.i, this.i + 2), 16));
        this.i += 2;
      } else if (e === "u" || e === "U") {
        const n = e === "u" ? 4 : 8;
        codes.push(parseInt(this.s.slice(this.i, this.i + n), 16));
        this.i += n;
      } else this.fail(`unknown escape \\${e}`);
    }
    if (isBytes) {
      if (codes.some((c) => c > 0xff)) this.fail("non-byte in bytes literal");
      return Uint8Array.from(codes);
    }
    return String.fromCodePoint(...codes);
  }
}

export function parsePyLiteral(text: string): PyValue {
  const r = new Reader(text);
  const v = r.value();
  r.ws();
  if (r.i !== text.length) r.fail("trailing text");
  return v;
}

/** Python's repr() of bytes, as mpremote's writes send it (used by the benchmark's mpremote mimic). */
export function pyBytesRepr(data: Uint8Array): string {
  const hasQuote = data.includes(0x27);
  const q = hasQuote && !data.includes(0x22) ? '"' : "'";
  let out = "b" + q;
  for (const b of data) {
    if (b === 0x5c) out += "\\\\";
    else if (b === q.charCodeAt(0)) out += "\\" + q;
    else if (b === 0x09) out += "\\t";
    else if (b === 0x0a) out += "\\n";
    else if (b === 0x0d) out += "\\r";
    else if (b < 0x20 || b >= 0x7f) out += "\\x" + b.toString(16).padStart(2, "0");
    else out += String.fromCharCode(b);
  }
  return out + q;
}
