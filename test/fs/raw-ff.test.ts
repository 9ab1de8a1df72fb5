// Which releases' lexers read a raw 0xFF as itself (snippets.readsRawFF): up to MicroPython 1.8.6 the
// source reader gives 0xFF as the end of input (seen on a 1.8.4 unix build: a 0xFF inside a bytes
// literal is a SyntaxError, one in a comment passes as a newline).
import { describe, expect, it } from "vitest";
import { readsRawFF } from "../../src/fs/snippets.js";

describe("readsRawFF", () => {
  it("is false up to MicroPython 1.8.6 and true from 1.8.7 on", () => {
    expect(readsRawFF([1, 8, 4])).toBe(false);
    expect(readsRawFF([1, 8, 6])).toBe(false);
    expect(readsRawFF([1, 5, 0])).toBe(false);
    expect(readsRawFF([1, 8, 7])).toBe(true);
    expect(readsRawFF([1, 9, 2])).toBe(true);
    expect(readsRawFF([1, 27, 0])).toBe(true);
  });
  it("is true for the releases numbered on their own (CircuitPython 2+, Pycopy 3.x)", () => {
    expect(readsRawFF([2, 3, 1])).toBe(true);
    expect(readsRawFF([3, 6, 1])).toBe(true);
  });
});
