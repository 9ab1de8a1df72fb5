import { describe, expect, it } from "vitest";
import { bytesLiteral, dataExpression, EscapedStreamDecoder, escapeForStream, pyStr } from "../../src/fs/codec.js";
import { parsePyLiteral, pyBytesRepr } from "../../src/fs/py-literal.js";

const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

function random(n: number, seed = 1): Uint8Array {
  let x = seed;
  return Uint8Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
}

describe("bytes literals sent to the board", () => {
  it("never carry a byte the raw REPL or the lexer would act on", () => {
    const lit = bytesLiteral(allBytes, "bytes8");
    const body = lit.subarray(2, lit.length - 1);
    for (const b of [0x00, 0x01, 0x02, 0x03, 0x04, 0x0a, 0x0d]) expect(body.includes(b)).toBe(false);
  });

  it("keep the other 247 byte values as themselves (about 1.035x on random data)", () => {
    // Escaped, two bytes each: 0x00..0x04 as octal \\0..\\4 (no octal digit follows any of them
    // here), LF, CR, backslash and quote; plus b'' around.
    const lit = bytesLiteral(allBytes, "bytes8");
    expect(lit.length).toBe(256 - 9 + 9 * 2 + 3);
    expect(Buffer.from(bytesLiteral(Buffer.from([0, 0x37, 3, 0x41]), "bytes8")).toString("latin1")).toBe("b'\\0007\\3A'");
    expect(bytesLiteral(random(100_000), "bytes8").length / 100_000).toBeLessThan(1.04);
  });

  it("ascii literals are printable ASCII only", () => {
    const lit = bytesLiteral(allBytes, "ascii");
    for (const b of lit) expect(b >= 0x20 && b < 0x7f).toBe(true);
  });

  it("read back as the same bytes by a Python literal reader", () => {
    for (const enc of ["bytes8", "ascii"] as const) {
      const lit = Buffer.from(bytesLiteral(allBytes, enc)).toString("latin1");
      expect(Buffer.from(parsePyLiteral(lit) as Uint8Array)).toEqual(Buffer.from(allBytes));
    }
  });

  it("base64 goes through the board's a2b_base64", () => {
    expect(Buffer.from(dataExpression(Buffer.from("hi"), "base64", false)).toString()).toBe("_a2b(b'aGk=')");
  });

  it("repr matches Python's bytes repr", () => {
    // Values from CPython: repr(b"a'b\\x00\\n\\t\\x7f\\xff") and repr(b'say "hi"\\'')
    expect(pyBytesRepr(Buffer.from("a'b\x00\n\t\x7f\xff", "latin1"))).toBe(`b"a'b\\x00\\n\\t\\x7f\\xff"`);
    expect(pyBytesRepr(Buffer.from(`say "hi"'`))).toBe(`b'say "hi"\\''`);
  });
});

describe("the escaped stream from the board", () => {
  it("decodes every byte value, whatever the chunk boundaries", () => {
    const data = Buffer.concat([Buffer.from(allBytes), Buffer.from(random(5000, 7)), Buffer.from([0x10, 0x10, 0x04, 0x0a])]);
    for (const lf of [false, true]) {
      const wire = Buffer.concat([escapeForStream(data, lf), Buffer.from("\x10E100 abc\n", "latin1")]);
      if (lf) expect(wire.includes(0x0a)).toBe(true); // only the trailer's newline
      expect(wire.subarray(0, wire.length - 9).includes(0x04)).toBe(false);
      for (const step of [1, 2, 3, 7, 1000, wire.length]) {
        const d = new EscapedStreamDecoder();
        for (let i = 0; i < wire.length; i += step) d.push(wire.subarray(i, i + step));
        expect(d.complete).toBe(true);
        expect(d.data).toEqual(data);
        expect(d.trailer).toBe("100 abc\n");
      }
    }
  });

  it("is incomplete without the end mark", () => {
    const d = new EscapedStreamDecoder();
    d.push(Buffer.from("abc"));
    expect(d.complete).toBe(false);
  });
});

describe("Python literals printed by the board", () => {
  it("reads listings, stat tuples and strings", () => {
    expect(parsePyLiteral("[('a.py', 32768, 30), ('lib', 16384, 0),]")).toEqual([["a.py", 32768, 30], ["lib", 16384, 0]]);
    expect(parsePyLiteral("(None, True, False, -3, 1.5)")).toEqual([null, true, false, -3, 1.5]);
    expect(parsePyLiteral("'it\\'s \\x41\\u00e9 é'")).toBe("it's Aé é");
    expect(parsePyLiteral('"a\\"b"')).toBe('a"b');
  });

  it("rejects what is not a literal", () => {
    expect(() => parsePyLiteral("[1, 2")).toThrow();
    expect(() => parsePyLiteral("foo")).toThrow();
  });

  it("quotes names for the board's Python", () => {
    expect(pyStr("a b/ç'\\x")).toBe("'a b/ç\\'\\\\x'");
    expect(pyStr("tab\there")).toBe("'tab\\x09here'");
  });
});

describe("board errors, converted once", async () => {
  const { DeviceError } = await import("../../src/raw-repl/errors.js");
  const { convertBoardError, FsError } = await import("../../src/fs/errors.js");
  const tb = (last: string) => `Traceback (most recent call last):\r\n  File "<stdin>", line 3, in <module>\r\n${last}\r\n`;

  it("words OSErrors as mpremote does, by number or by name", () => {
    expect((convertBoardError(new DeviceError(tb("OSError: [Errno 2] ENOENT")), "cat", "x.py") as Error).message).toBe("cat: x.py: No such file or directory.");
    expect((convertBoardError(new DeviceError(tb("OSError: 21")), "cat", "d") as Error).message).toBe("cat: d: Is a directory.");
    expect((convertBoardError(new DeviceError(tb("OSError: file not found")), "rm", "a") as Error).message).toBe("rm: a: No such file or directory.");
    const other = new DeviceError(tb("ValueError: no"));
    expect(convertBoardError(other, "cat", "x")).toBe(other);
  });

  it("explains CircuitPython's read-only filesystem", () => {
    const e = convertBoardError(new DeviceError(tb("OSError: [Errno 30] Read-only filesystem")), "write", "code.py", true) as InstanceType<typeof FsError>;
    expect(e.forCommand("cp").message).toMatch(/^cp: code\.py: Read-only file system\. .*CIRCUITPY drive.*storage\.remount/);
  });
});
