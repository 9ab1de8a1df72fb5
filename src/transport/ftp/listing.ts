// Directory listings as FTP servers send them. LIST has no standard format; these are the ones
// real servers use:
//   Unix `ls -l` (vsftpd with numeric owners, pyftpdlib, the WiPy — whose August is "Ago"):
//     drwxr-xr-x    2 1000     1000         4096 Dec 02 07:00 lib
//     -rw-rw-r--   1 root  root        12 Jan  1  2000 main.py
//   DOS/IIS:   12-02-25  07:00AM       <DIR>          lib
//              12-02-25  07:00AM                  12 main.py
//   MLSD (RFC 3659, pyftpdlib and others): `type=file;size=12;modify=20251202070000; main.py`
// Names keep inner and trailing spaces; only the single separator before the name is dropped.

export interface FtpEntry {
  name: string;
  isDir: boolean;
  size: number;
  /** [year, month, day, hour, minute] when the line says (a Unix line without a year says a time). */
  mtime?: number[];
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, ago: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

// type+perms, links, owner, [group], size, month, day, year-or-time, one space, name
const UNIX = /^([-dlbcps])[-rwxsStTl]{9}[.+@]?\s+\d+\s+(?:\S+\s+){1,2}?(\d+)\s+([A-Za-z]{3})\s+(\d{1,2})\s+(\d{4}|\d{1,2}:\d{2}) (.*)$/;
const DOS = /^(\d{2})-(\d{2})-(\d{2,4})\s+(\d{1,2}):(\d{2})([AP]M)?\s+(<DIR>|\d+)\s+(.*)$/i;

/** One LIST line, or null for lines that name nothing (`total 12`, blanks). */
export function parseListLine(line: string, now = new Date()): FtpEntry | null {
  const l = line.replace(/\r$/, "");
  const u = UNIX.exec(l);
  if (u) {
    let name = u[6];
    if (u[1] === "l") name = name.replace(/ -> .*$/, "");
    const month = MONTHS[u[3].toLowerCase()] ?? 1;
    const day = Number(u[4]);
    let mtime: number[];
    if (u[5].includes(":")) {
      const [h, m] = u[5].split(":").map(Number);
      // No year: within the last six months (ls's rule), so last year when the month is ahead.
      const year = month > now.getMonth() + 1 ? now.getFullYear() - 1 : now.getFullYear();
      mtime = [year, month, day, h, m];
    } else mtime = [Number(u[5]), month, day, 0, 0];
    return { name, isDir: u[1] === "d", size: Number(u[2]), mtime };
  }
  const d = DOS.exec(l);
  if (d) {
    let year = Number(d[3]);
    if (d[3].length === 2) year += year < 70 ? 2000 : 1900;
    let hour = Number(d[4]) % 12;
    if (d[6]?.toUpperCase() === "PM") hour += 12;
    if (!d[6]) hour = Number(d[4]);
    const isDir = d[7].toUpperCase() === "<DIR>";
    return { name: d[8], isDir, size: isDir ? 0 : Number(d[7]), mtime: [year, Number(d[1]), Number(d[2]), hour, Number(d[5])] };
  }
  return null;
}

/** One MLSD line; null for the `cdir`/`pdir` entries (`.` and `..`). */
export function parseMlsdLine(line: string): FtpEntry | null {
  const l = line.replace(/\r$/, "");
  const sp = l.indexOf(" ");
  if (sp < 0) return null;
  const facts = new Map<string, string>();
  for (const f of l.slice(0, sp).split(";")) {
    const eq = f.indexOf("=");
    if (eq > 0) facts.set(f.slice(0, eq).toLowerCase(), f.slice(eq + 1));
  }
  const type = (facts.get("type") ?? "").toLowerCase();
  if (type === "cdir" || type === "pdir") return null;
  const modify = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(facts.get("modify") ?? "");
  return {
    name: l.slice(sp + 1),
    isDir: type === "dir",
    size: Number(facts.get("size") ?? 0),
    ...(modify ? { mtime: modify.slice(1, 6).map(Number) } : {}),
  };
}

/** A whole listing (UTF-8 text) in either format; `.` and `..` are left out. */
export function parseListing(text: string, format: "list" | "mlsd", now = new Date()): FtpEntry[] {
  const out: FtpEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const e = format === "mlsd" ? parseMlsdLine(line) : parseListLine(line, now);
    if (e && e.name !== "." && e.name !== "..") out.push(e);
  }
  return out;
}
