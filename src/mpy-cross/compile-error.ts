// The one error type the compiler raises for bad Python source (lexer, parser and compiler alike).
// Its printed form is what upstream mpy-cross writes for an uncaught compile exception: a traceback
// entry carrying file and line but no block name, then `Kind: message`.
import { TspyError } from "../errors.js";
import { formatTraceback, TEXTS_AS_WRITTEN, type ErrorTexts } from "./error-texts.js";

/**
 * NotImplementedError is raised by upstream's lexer for `\N{...}` escapes; it carries no traceback, so
 * such errors have line 0 and print without the "File ..." lines. So do the OverflowErrors that constant
 * folding raised before 1.26.
 */
export type CompileErrorKind = "SyntaxError" | "IndentationError" | "NotImplementedError" | "OverflowError" | "ViperTypeError" | "MemoryError";

export class CompileError extends TspyError {
  kind: CompileErrorKind;
  readonly filename: string;
  readonly line: number;
  /** How the release prints the traceback's texts (CircuitPython translates them). Set by the
   * compiler's entry, with the message in the release's own words. */
  texts: ErrorTexts = TEXTS_AS_WRITTEN;

  /** `message` is upstream's bare text, e.g. "invalid syntax" or "'break' outside loop". */
  constructor(kind: CompileErrorKind, message: string, filename: string, line: number) {
    super(message);
    this.kind = kind;
    this.filename = filename;
    this.line = line;
  }

  /** Exactly what upstream mpy-cross prints to stderr for this error, final newline included. */
  format(): string {
    return formatTraceback(this.texts, { kind: this.kind, message: this.message, filename: this.filename, line: this.line, block: this.block });
  }

  /** The scope the compiler was in (its traceback names it); none for lexer and parser errors. */
  get block(): string | undefined {
    return undefined;
  }

  /** One line for logs and the generic CLI error path: `x.py:3: SyntaxError: invalid syntax`. */
  oneLine(): string {
    return `${this.filename}:${this.line}: ${this.kind}: ${this.message}`;
  }
}

/** An error the native emitter records (upstream's compile_error slot): a later one replaces it. */
export class PendingTypedError extends Error {
  /** The line upstream reports: the statement (or other node) being compiled when it was recorded. */
  line?: number;
  /**
   * `raised`: upstream's emitter raised it (mp_raise_*) rather than recording it, so it escapes the
   * compiler without a traceback and mpy-cross prints only `Kind: message`.
   */
  constructor(readonly kind: "ViperTypeError" | "NotImplementedError", message: string, readonly raised = false) {
    super(message);
  }
}

/** A valid program whose output for this release tspy does not write (e.g. CircuitPython 5-6's native
 * code): not a compile error upstream, so it prints as one line of tspy's own. */
export class OutputNotWrittenError extends TspyError {}
