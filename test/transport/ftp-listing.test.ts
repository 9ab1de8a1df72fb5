// LIST/MLSD lines as real servers print them (copied from their output), and the reply parser.
import { describe, expect, it } from "vitest";
import { parseListLine, parseListing, parseMlsdLine } from "../../src/transport/ftp/listing.js";
import { ReplyParser, parseEpsvPort, parsePasvPort, parseQuotedPath } from "../../src/transport/ftp/reply.js";
import { parseFtpSpec, redactSpec } from "../../src/transport/ftp/spec.js";
import { parseTelnetSpec } from "../../src/transport/telnet/spec.js";

const NOW = new Date(2026, 11, 2, 12, 0);

describe("LIST lines", () => {
  it("reads the WiPy's lines, its drives and its Spanish August", () => {
    expect(parseListLine("-rw-rw-r--   1 root  root        12 Jan  1  2000 main.py\r", NOW)).toEqual({
      name: "main.py", isDir: false, size: 12, mtime: [2000, 1, 1, 0, 0],
    });
    expect(parseListLine("drw-rw-r--   1 root  root         0 Jan  1  2015 flash", NOW)).toMatchObject({ name: "flash", isDir: true });
    expect(parseListLine("-rw-rw-r--   1 root  root      4096 Ago 17 09:05 boot.py", NOW)).toEqual({
      name: "boot.py", isDir: false, size: 4096, mtime: [2026, 8, 17, 9, 5],
    });
  });

  it("reads vsftpd's numeric owners and pyftpdlib's names with spaces", () => {
    expect(parseListLine("drwxr-xr-x    2 1000     1000         4096 Dec 02 07:00 lib", NOW)).toEqual({
      name: "lib", isDir: true, size: 4096, mtime: [2026, 12, 2, 7, 0],
    });
    expect(parseListLine("-rw-r--r--   1 root     root      1048576 Nov 30 23:59 a  b ü.bin", NOW)).toMatchObject({
      name: "a  b ü.bin", size: 1048576,
    });
    // A time in a month ahead of now is last year's (ls's six-month rule).
    expect(parseListLine("-rw-r--r--   1 ftp ftp 5 Dec 24 10:00 x", new Date(2026, 5, 1))?.mtime).toEqual([2025, 12, 24, 10, 0]);
    expect(parseListLine("lrwxrwxrwx   1 root root 7 Dec 02 07:00 link -> target", NOW)?.name).toBe("link");
    expect(parseListLine("total 24", NOW)).toBeNull();
  });

  it("reads DOS/IIS lines", () => {
    expect(parseListLine("12-02-25  07:05PM       <DIR>          lib dir", NOW)).toEqual({
      name: "lib dir", isDir: true, size: 0, mtime: [2025, 12, 2, 19, 5],
    });
    expect(parseListLine("01-31-99  12:00AM                  12 main.py", NOW)).toMatchObject({ size: 12, mtime: [1999, 1, 31, 0, 0] });
  });

  it("reads MLSD facts and leaves out . and ..", () => {
    expect(parseMlsdLine("type=file;size=12;modify=20251202070000;perm=r; main file.py")).toEqual({
      name: "main file.py", isDir: false, size: 12, mtime: [2025, 12, 2, 7, 0],
    });
    expect(parseListing("type=cdir;modify=20251202070000; .\r\ntype=dir;modify=20251202070000; lib\r\n", "mlsd")).toEqual([
      { name: "lib", isDir: true, size: 0, mtime: [2025, 12, 2, 7, 0] },
    ]);
  });
});

describe("replies and specs", () => {
  it("joins multi-line replies and accepts the WiPy's bare ones", () => {
    const p = new ReplyParser();
    expect(p.feed(Buffer.from("211-Features:\r\n EPSV\r\n MLST type*;\r\n211 End\r\n250 \r\n2"))).toEqual([
      { code: 211, text: "Features:\n EPSV\n MLST type*;\nEnd" },
      { code: 250, text: "" },
    ]);
    expect(p.feed(Buffer.from("57 \"/fl\xc3", "latin1"))).toEqual([]);
    expect(p.feed(Buffer.from("\xa4sh\"\r\n", "latin1"))).toEqual([{ code: 257, text: '"/fläsh"' }]);
  });

  it("reads passive ports and quoted paths", () => {
    expect(parsePasvPort("(192,168,1,1,7,232)")).toBe(2024);
    expect(parsePasvPort("Entering Passive Mode (127,0,0,1,156,64).")).toBe(40000);
    expect(parseEpsvPort("Entering extended passive mode (|||54241|).")).toBe(54241);
    expect(parseQuotedPath('"/a ""q"" dir" is the current directory.')).toBe('/a "q" dir');
  });

  it("keeps the password out of descriptions", () => {
    const t = parseFtpSpec("ftp://micro:py%40thon@192.168.1.1");
    expect(t).toMatchObject({ host: "192.168.1.1", port: 21, user: "micro", password: "py@thon" });
    expect(t.description).toBe("ftp://micro@192.168.1.1:21");
    expect(parseFtpSpec("ftp://h:2121")).toMatchObject({ user: "micro", password: "python", port: 2121 });
    expect(redactSpec("ftp://u:secret@h/x")).toBe("ftp://u:***@h/x");
    expect(() => parseFtpSpec("ftp://u:secret@h/some/path")).toThrow(/ftp:\/\/u:\*\*\*@h/);
  });

  it("reads a telnet board's FTP port from ?ftp=", () => {
    expect(parseTelnetSpec("telnet://192.168.1.1").ftpPort).toBeUndefined();
    expect(parseTelnetSpec("telnet://micro:python@127.0.0.1:2323?ftp=2121")).toMatchObject({ port: 2323, ftpPort: 2121, user: "micro" });
    expect(parseTelnetSpec("telnet://h?ftp=off").ftpPort).toBeNull();
    expect(() => parseTelnetSpec("telnet://h?ftp=0")).toThrow(/takes a port or "off"/);
    expect(() => parseTelnetSpec("telnet://h?x=1")).toThrow(/expected telnet:/);
  });
});
