// How a release prints the texts of a compile error's traceback: the header, the File line, the block
// name and the message. MicroPython (and CircuitPython 2-3) print them as written. CircuitPython 4 and
// later pass every such text through its en_US "translation", which turns each "\n" into "\r\n".
// CircuitPython 6.x's mpy-cross decodes most of its compressed texts wrongly (the Huffman code lengths its
// build script writes are not a prefix code), and the decoder reads on past a text's end into the bytes
// that follow it in the binary: what it prints is measured from that mpy-cross (cp6-error-texts.ts).
import { cp6PrintedTexts } from "./cp6-error-texts.js";

export type ErrorTexts =
  | { readonly kind: "as-written" }
  | { readonly kind: "translated-crlf" }
  | { readonly kind: "measured"; readonly printed: Readonly<Record<string, string>> };

export const TEXTS_AS_WRITTEN: ErrorTexts = { kind: "as-written" };
export const TEXTS_TRANSLATED: ErrorTexts = { kind: "translated-crlf" };
export const TEXTS_CP6: ErrorTexts = {
  kind: "measured",
  get printed() {
    return cp6PrintedTexts();
  },
};

/** The source texts of the traceback lines (upstream's py/obj.c). */
const HEADER = "Traceback (most recent call last):\n";
const FRAME = '  File "%q", line %d';
const BLOCK = ", in %q\n";

/** What the release prints for one translatable text (before any %-formatting). A text the release
 * does not translate (e.g. one formatted from a number) prints as written. */
export function printedText(texts: ErrorTexts, text: string): string {
  switch (texts.kind) {
    case "as-written": return text;
    case "translated-crlf": return text.replace(/\n/g, "\r\n");
    case "measured": return texts.printed[text] ?? text;
  }
}

/** Upstream's printf for the conversions these texts hold: %q and %s (a string), %d and %u (a number),
 * %% (a percent sign); each takes the next argument. */
function format(fmt: string, args: readonly (string | number)[]): string {
  let next = 0;
  return fmt.replace(/%([%qsdu])/g, (_, conv: string) => (conv === "%" ? "%" : String(args[next++] ?? "")));
}

export interface TracebackParts {
  readonly kind: string;
  readonly message: string;
  readonly filename: string;
  /** 0: the error has no traceback (upstream raised it outside the parse/compile that records lines). */
  readonly line: number;
  /** The scope the compiler was in, for errors the compiler (not the parser) raised. */
  readonly block?: string;
  /** Arguments of a message that upstream formats (e.g. the size in a MemoryError). */
  readonly messageArgs?: readonly (string | number)[];
}

/** Exactly what the release's mpy-cross writes to stderr for an uncaught compile error. */
export function formatTraceback(texts: ErrorTexts, p: TracebackParts): string {
  const message = format(printedText(texts, p.message), p.messageArgs ?? []);
  const last = `${p.kind}: ${message}\n`;
  if (p.line <= 0) return last;
  const frame = format(printedText(texts, FRAME), [p.filename, p.line]);
  const end = p.block !== undefined ? format(printedText(texts, BLOCK), [p.block]) : "\n";
  return printedText(texts, HEADER) + frame + end + last;
}
