// Every piece of Python that tspy runs on a board for file work, each named, in one place.
// Each snippet is self-contained (imports what it uses): the user may soft-reset or run code between
// our commands, so nothing may rely on names left behind by an earlier exec — except the write
// session (`_tspy_f` …), whose begin, chunks and commit run back to back, and the stepped read's
// (`_tspy_r` …), whose open, chunks and close do.
// Board-side names start with `_` to stay out of the user's way. Indentation is one space: fewer
// bytes on slow links. Everything must run on MicroPython 1.9 (the micro:bit) up to current releases
// and on CircuitPython.
import { boardEscapeExpr, pyStr, type ReadEncoding } from "./codec.js";

/** Functions of the board's `os`/`uos` module that detection looks for (each a boolean in BoardCaps). */
export const OS_FUNCTIONS = [
  "ilistdir", "stat", "mkdir", "rename", "statvfs", "getcwd", "size", "rmdir", "remove", "unlink", "listdir", "system",
] as const;
export type OsFunction = (typeof OS_FUNCTIONS)[number];

/** What the board offers, found once per connection by `detect`. */
export interface BoardCaps extends Record<OsFunction, boolean> {
  osModule: string;
  /** Module with sha256 (`hashlib`, `uhashlib`), or null. */
  hashlib: string | null;
  /** Module with a2b_base64/b2a_base64 (`binascii`, `ubinascii`), or null. */
  binascii: string | null;
  stdoutBuffer: boolean;
  kbdIntr: boolean;
  /** gc.mem_free() after a collect, or -1. */
  memFree: number;
  implementation: string;
  platform: string;
  /** Contents of an interrupted write's journal, if one was left behind. */
  journal: string | null;
  /** The `deflate` module (MicroPython 1.21+): compressed chunks. */
  deflate: boolean;
  /** Module with localtime (`time`, or Pycopy's `utime`), or null. */
  time: string | null;
  /**
   * The lexer reads a raw 0xFF byte in source as itself. MicroPython 1.8's takes it for the end of
   * the input, so there every 0xFF travels escaped.
   */
  rawFF: boolean;
}

/** Window of the compressed chunks (2^12 = 4 KB: small enough for any board that has deflate). */
export const DEFLATE_WBITS = 12;

/** Where an interrupted write is recorded (root when the board has directories). */
export function journalPath(caps: Pick<BoardCaps, "mkdir">): string {
  return caps.mkdir ? "/.tspy-journal" : ".tspy-journal";
}

/**
 * The capability detection: prints one list, see BoardFs.detect for its shape. Sent unguarded, so it
 * stays short (a micro:bit compiles it in 16 KB of RAM).
 */
export const detect = detectParts().join("");

/**
 * The same detection as a few programs run one after another (names they set carry over between them,
 * as the stepped read's do), for a heap with no room to compile it whole: a micro:bit right after a few
 * imports met MemoryError for it. Only the last prints.
 */
export const detectInParts: readonly string[] = detectParts();

function detectParts(): string[] {
  return [
    `import sys
try:
 import os;_o='os'
except ImportError:
 import uos as os;_o='uos'
_r=[_o]
for _n in (${OS_FUNCTIONS.map((n) => `'${n}'`).join(",")}):
 _r.append(hasattr(os,_n))
`,
    `def _mod(ns,a):
 for _m in ns:
  try:
   if hasattr(__import__(_m),a):return _m
  except ImportError:pass
_r.append(_mod(('hashlib','uhashlib'),'sha256'))
_r.append(_mod(('binascii','ubinascii'),'a2b_base64'))
_r.append(hasattr(sys,'stdout') and hasattr(sys.stdout,'buffer'))
try:
 import micropython;_r.append(hasattr(micropython,'kbd_intr'))
except ImportError:_r.append(False)
`,
    `try:
 import gc;gc.collect();_r.append(gc.mem_free())
except Exception:_r.append(-1)
_r.append(sys.implementation.name if hasattr(sys,'implementation') else '')
_r.append(sys.platform)
try:
 _f=open('/.tspy-journal' if hasattr(os,'mkdir') else '.tspy-journal');_r.append(_f.read());_f.close()
except OSError:_r.append(None)
`,
    `_r.append(_mod(('deflate',),'DeflateIO') is not None)
_r.append(_mod(('time','utime'),'localtime'))
_r.append(tuple(sys.implementation.version) if hasattr(sys,'implementation') else ())
print(repr(_r))
_r=_mod=_f=None
`,
  ];
}

/**
 * Whether a release's lexer reads a raw 0xFF in source as itself. Up to MicroPython 1.8.6 the
 * source reader hands out bytes as (signed) chars, so 0xFF comes out as the end of input, which the
 * lexer turns into a newline after anything but a newline (a 0xFF in a string literal ends the
 * line there: a SyntaxError); 1.8.7 reads bytes. Decided by the release, not a probe: on a
 * micro:bit even a tiny probe left the heap too fragmented for the writes that follow.
 */
export function readsRawFF(version: readonly number[]): boolean {
  const [a = 0, b = 0, c = 0] = version;
  return a !== 1 || b > 8 || (b === 8 && c >= 7);
}

/** How the board removes a file: `os.remove`, or `os.unlink` on old `uos` modules that lack it. */
function rm(caps: BoardCaps): string {
  return caps.remove || !caps.unlink ? "os.remove" : "os.unlink";
}

/** The `_ls(path)` generator of (name, mode, size), built from what the board has. */
function lister(caps: BoardCaps): string {
  const os = caps.osModule;
  // Old releases (MicroPython up to 1.9, CircuitPython 2) list `.` and `..`: skipped, or every walk
  // would recurse into them forever.
  // The unix ports up to 1.11 give the dirent type (4 a directory, 8 a file, 10 a link) where
  // later releases give the stat mode: a type below 0x1000 is a dirent type, made a mode here (a
  // link by what it points to; a dangling one, which stat refuses, counts as a file to remove).
  if (caps.ilistdir && caps.stat) {
    return `import ${os} as os
def _md(q,m):
 if m>=0x1000 or m not in (0,10):return m if m>=0x1000 else 0x4000 if m==4 else 0x8000
 try:return os.stat(q)[0]
 except OSError:return 0x8000
def _sz(q):
 try:return os.stat(q)[6]
 except OSError:return 0
def _ls(p):
 for _e in (os.ilistdir(p) if p else os.ilistdir()):
  if _e[0] in ('.','..'):continue
  _q=(p.rstrip('/')+'/' if p else '')+_e[0]
  _m=_md(_q,_e[1])
  yield (_e[0],_m,_e[3] if len(_e)>3 else 0 if _m&0x4000 else _sz(_q))
`;
  }
  if (caps.ilistdir) {
    return `import ${os} as os
def _ls(p):
 for _e in (os.ilistdir(p) if p else os.ilistdir()):
  if _e[0] in ('.','..'):continue
  _m=_e[1]
  if _m<0x1000:_m=0x4000 if _m==4 else 0x8000
  yield (_e[0],_m,_e[3] if len(_e)>3 else 0)
`;
  }
  if (caps.stat) {
    return `import ${os} as os
def _ls(p):
 for _n in (os.listdir(p) if p else os.listdir()):
  if _n in ('.','..'):continue
  _s=os.stat((p.rstrip('/')+'/' if p else '')+_n)
  yield (_n,_s[0],0 if _s[0]&0x4000 else _s[6])
`;
  }
  return `import ${os} as os
def _ls(p):
 for _n in os.listdir():
  yield (_n,0x8000,os.size(_n))
`;
}

/** `_st(path)` → (mode, size); the empty path is the current directory. */
function stater(caps: BoardCaps): string {
  const os = caps.osModule;
  if (caps.stat) {
    const cwd = caps.getcwd ? "p or os.getcwd()" : "p or '/'";
    return `import ${os} as os
def _st(p):
 _s=os.stat(${cwd})
 return (_s[0],_s[6])
`;
  }
  return `import ${os} as os
def _st(p):
 if p in ('','/','.'):return (0x4000,0)
 return (0x8000,os.size(p))
`;
}

/** `_hf(path)` → hex SHA-256 of a board file (only when the board has sha256). */
function hasher(caps: BoardCaps, chunk: number): string {
  return `import ${caps.hashlib} as _hl
def _hf(p):
 _h=_hl.sha256()
 _f=open(p,'rb')
 while 1:
  _d=_f.read(${chunk})
  if not _d:break
  _h.update(_d)
 _f.close()
 return ''.join('%02x'%x for x in _h.digest())
`;
}

/** Entries of a directory, printed as `(name, mode, size),` items. */
export function listdir(caps: BoardCaps, path: string): string {
  return `${lister(caps)}for _e in _ls(${pyStr(path)}):
 print(repr(_e),end=',')
`;
}

/** Entries with their modification time as the board's local time (year, month, day, hour, minute). */
export function listdirLong(caps: BoardCaps, path: string): string {
  if (!caps.stat || !caps.time) return listdir(caps, path);
  return `${lister(caps)}import ${caps.time} as _tm
_p=${pyStr(path)}
for _e in _ls(_p):
 try:
  _t=_tm.localtime(os.stat((_p.rstrip('/')+'/' if _p else '')+_e[0])[8])[:5]
 except Exception:
  _t=None
 print(repr(_e+(_t,)),end=',')
`;
}

/** (mode, size) of one path, or an OSError. */
export function stat(caps: BoardCaps, path: string): string {
  return `${stater(caps)}print(repr(_st(${pyStr(path)})))
`;
}

/** The board's current directory. */
export function getcwd(caps: BoardCaps): string {
  return `import ${caps.osModule} as os
print(os.getcwd())
`;
}

/**
 * Everything below `path`, depth first, one `repr((relpath, mode, size))` per line, a directory
 * before its contents. The top path itself is not listed.
 */
export function walk(caps: BoardCaps, path: string): string {
  return `${lister(caps)}def _wk(b,r):
 for _n,_m,_z in list(_ls(b)):
  _q=r+'/'+_n if r else _n
  print(repr((_q,_m,_z)))
  if _m&0x4000:_wk((b.rstrip('/')+'/' if b else '')+_n,_q)
_wk(${pyStr(path)},'')
`;
}

/** For each path: `repr((path, size, hexdigest))`; size -1 when missing; digest None when no hashlib. */
export function hashMany(caps: BoardCaps, paths: string[], chunk: number): string {
  const h = caps.hashlib ? hasher(caps, chunk) : "";
  const digest = caps.hashlib ? "_hf(_p)" : "None";
  return `${stater(caps)}${h}for _p in (${paths.map(pyStr).join(",")},):
 try:
  _m,_z=_st(_p)
  print(repr((_p,_z,${digest} if not _m&0x4000 else None)))
 except OSError:
  print(repr((_p,-1,None)))
`;
}

export function remove(caps: BoardCaps, path: string): string {
  return `import ${caps.osModule} as os
${rm(caps)}(${pyStr(path)})
`;
}

/** errno the `_rd` of a board without `os.rmdir` raises when `os.system` found no shell. */
export const NO_SHELL_ERRNO = 38;

/**
 * `_rd(path)`: remove an empty directory. The unix ports up to 1.12 (and Pycopy 3.6's) have no
 * `os.rmdir` but have `os.system`: there the shell's rmdir does it, refused up front when the
 * directory is not empty (ENOTEMPTY), and ENOSYS when there is no shell (exit status 127).
 */
function dirRemover(caps: BoardCaps): string {
  if (caps.rmdir || !caps.system) return `def _rd(p):
 os.rmdir(p)
`;
  return `def _rd(p):
 for _x in _ls(p):raise OSError(39)
 _r=os.system("rmdir -- '"+p.replace("'","'\\\\''")+"' 2>&-")
 if _r:raise OSError(${NO_SHELL_ERRNO} if _r in (127,0x7f00) else 1)
`;
}

/** Prints 0 when `os.system` finds a shell (`:` is the shell's no-op), else its status (127 << 8). */
export function probeShell(caps: BoardCaps): string {
  return `import ${caps.osModule} as os
print(os.system(':'))
`;
}

export function rmdir(caps: BoardCaps, path: string): string {
  return `${lister(caps)}${dirRemover(caps)}_rd(${pyStr(path)})
`;
}

export function mkdir(caps: BoardCaps, path: string): string {
  return `import ${caps.osModule} as os
os.mkdir(${pyStr(path)})
`;
}

/** mkdir -p: each of `prefixes` ("a", "a/b" ...) is made unless it is a directory already. */
export function mkdirs(caps: BoardCaps, prefixes: string[]): string {
  return `${stater(caps)}for _p in (${prefixes.map(pyStr).join(",")},):
 try:
  _m=_st(_p)[0]
 except OSError:
  os.mkdir(_p);continue
 if not _m&0x4000:raise OSError(20)
`;
}

/** mpremote's touch (open for append), where the firmware has no append mode (the micro:bit's
 * flat filesystem: `ValueError: illegal mode`) an existing file is opened for reading and left alone. */
export function touch(path: string): string {
  const p = pyStr(path);
  return `try:
 _f=open(${p},'a')
except ValueError:
 try:
  _f=open(${p})
 except OSError:
  _f=open(${p},'w')
_f.close()
`;
}

export function rename(caps: BoardCaps, from: string, to: string): string {
  return `import ${caps.osModule} as os
os.rename(${pyStr(from)},${pyStr(to)})
`;
}

/**
 * rm -r, on the board in one go. Prints a line per step as it happens: `F path` removed file,
 * `D path` removed directory, `S path` skipped (a mount point), `E errno path` failed rmdir (stops).
 * The current directory itself (empty path) is emptied but kept.
 */
export function removeTree(caps: BoardCaps, path: string): string {
  const join = caps.mkdir ? "(a or './').rstrip('/')+'/'+b" : "b";
  // The root itself is emptied but kept, like the current directory: a unix port's root is busy.
  return `${lister(caps)}${stater(caps)}${dirRemover(caps)}def _j(a,b):
 return ${join}
def _rm(p):
 if _st(p)[0]&0x4000:
  for _n,_m,_z in list(_ls(p)):
   if not _rm(_j(p,_n)):return 0
  if p and p!='/':
   try:
    _rd(p);print('D',p)
   except OSError as e:
    _e=e.args[0] if e.args else 0
    if _e!=22:
     print('E',_e,p);return 0
    print('S',p)
 else:
  ${rm(caps)}(p);print('F',p)
 return 1
_rm(${pyStr(path)})
`;
}

/** Filesystems and their usage, as `[(name, mountpoint, bsize, blocks, bavail), ...]` (mpremote's df). */
export function statvfs(caps: BoardCaps): string {
  // Without the vfs module (before 1.20) the root and its directories stand in for the mounts.
  return `${lister(caps)}_r=[]
try:
 import vfs;_ms=vfs.mount()
except Exception:
 _ms=[('<unknown>','/')]+[('<unknown>','/'+_e[0]) for _e in _ls('/') if _e[1]&0x4000]
for _v,_p in _ms:
 _s=os.statvfs(_p)
 _r.append((str(_v),_p,_s[0],_s[2],_s[3]))
print(repr(_r))
`;
}

// --- Reading a file: one exec streams the whole file ---------------------------------------------

/**
 * How a read sends one chunk `_d` in its encoding, the same in the one-program reads and the stepped
 * one: `out` is the board-side writer (sys.stdout.buffer.write for the escaped encodings, binascii's
 * b2a_base64 for base64; repr prints).
 */
function chunkOutput(enc: ReadEncoding, out: string): string {
  if (enc === "base64") return `print(str(${out}(_d),'ascii'),end='')`;
  if (enc === "repr") return "print(repr(_d))";
  return `${out}(${boardEscapeExpr("_d", enc === "escaped-lf")})`;
}

/** First line: the size. Then the data, DLE-escaped, then DLE 'E' and a trailer `size digest`. */
export function readEscaped(caps: BoardCaps, path: string, chunk: number, lf: boolean): string {
  const h = caps.hashlib;
  return `import sys${h ? `,${h} as _hl` : ""}
${stater(caps)}_p=${pyStr(path)}
_f=open(_p,'rb')
print(_st(_p)[1])
_w=sys.stdout.buffer.write
${h ? "_h=_hl.sha256()" : "_h=None"}
_n=0
while 1:
 _d=_f.read(${chunk})
 if not _d:break
 _n+=len(_d)
 if _h:_h.update(_d)
 ${chunkOutput(lf ? "escaped-lf" : "escaped", "_w")}
_f.close()
_w(b'\\x10E')
print(_n,''.join('%02x'%x for x in _h.digest()) if _h else '-')
`;
}

/** Line-based: the size, then one base64 (or repr) line per chunk, then `#E size digest`. */
export function readLines(caps: BoardCaps, path: string, chunk: number, enc: "base64" | "repr"): string {
  const h = caps.hashlib;
  return `${h ? `import ${h} as _hl\n` : ""}${enc === "base64" ? `import ${caps.binascii} as _ba\n` : ""}${stater(caps)}_p=${pyStr(path)}
_f=open(_p,'rb')
print(_st(_p)[1])
${h ? "_h=_hl.sha256()" : "_h=None"}
_n=0
while 1:
 _d=_f.read(${chunk})
 if not _d:break
 _n+=len(_d)
 if _h:_h.update(_d)
 ${chunkOutput(enc, "_ba.b2a_base64")}
_f.close()
_d=_f=None
print('#E',_n,''.join('%02x'%x for x in _h.digest()) if _h else '-')
`;
}

// --- Reading a file in steps: open, one tiny program per chunk, close --------------------------
// For a heap too tight (or too fragmented) to compile readEscaped/readLines: each step is a few
// lines. The read session's names (`_tspy_r` …) live from readOpen to readClose (or readAbort).

/** The stepped read's output of one chunk `_d`: data as in the one program, then its length. */
function stepOutput(enc: ReadEncoding): string {
  const data = chunkOutput(enc, "_tspy_o");
  if (enc === "base64" || enc === "repr") return `${data}\nprint('#E',len(_d))`;
  return `${data}\n_tspy_o(b'\\x10E')\nprint(len(_d))`;
}

/** Open the file and print its size (an OSError when it cannot be read); the hash starts here. */
export function readOpen(caps: BoardCaps, path: string, enc: ReadEncoding): string {
  const h = caps.hashlib;
  const out =
    enc === "base64" ? `import ${caps.binascii} as _ba\n_tspy_o=_ba.b2a_base64\n`
    : enc === "repr" ? "_tspy_o=None\n"
    : "import sys\n_tspy_o=sys.stdout.buffer.write\n";
  return `${h ? `import ${h} as _hl\n` : ""}${out}${stater(caps)}_p=${pyStr(path)}
_tspy_r=open(_p,'rb')
print(_st(_p)[1])
_tspy_h=${h ? "_hl.sha256()" : "None"}
_tspy_n=0;_tspy_d=b''
`;
}

/**
 * The next chunk of at most `chunk` bytes (empty at the end of the file), then its length. The file
 * moves on only when the chunk has been sent: read into `_tspy_d` first, dropped from it after the
 * output, so a step stopped by a MemoryError sends the same bytes (fewer of them) the next time.
 */
export function readStep(enc: ReadEncoding, chunk: number): string {
  return `if not _tspy_d:_tspy_d=_tspy_r.read(${chunk})
_d=_tspy_d[:${chunk}]
${stepOutput(enc)}
_tspy_d=_tspy_d[len(_d):]
if _tspy_h:_tspy_h.update(_d)
_tspy_n+=len(_d);_d=None
`;
}

/** Close the file and print the trailer `size digest` (digest `-` without hashlib), as the one program's. */
export const readClose = `_tspy_r.close()
print(_tspy_n,''.join('%02x'%x for x in _tspy_h.digest()) if _tspy_h else '-')
_tspy_r=_tspy_h=_tspy_d=_tspy_o=None
`;

/** After a stepped read that failed: close the file if it is open, drop the session's names. */
export const readAbort = `try:
 _tspy_r.close()
except Exception:pass
_tspy_r=_tspy_h=_tspy_d=_tspy_o=None
`;

/** Read back a short probe through the escaped path: bytes 0..255. */
export function probeEscapedRead(lf: boolean): string {
  return `import sys
_d=bytes(range(256))
sys.stdout.buffer.write(${boardEscapeExpr("_d", lf)})
sys.stdout.buffer.write(b'\\x10E')
`;
}

// --- Writing a file: begin, chunks, commit -------------------------------------------------------

/**
 * Open the temporary file beside the target and note it in the journal (best effort: a read-only
 * root just means no journal). `_tspy_w` then takes the data of each chunk.
 */
export function writeBegin(caps: BoardCaps, tmp: string, target: string): string {
  const os = caps.osModule;
  const abs = caps.getcwd ? `(_t if _t.startswith('/') else os.getcwd().rstrip('/')+'/'+_t)` : "_t";
  const absTarget = caps.getcwd ? `(_g if _g.startswith('/') else os.getcwd().rstrip('/')+'/'+_g)` : "_g";
  return `import ${os} as os
_t=${pyStr(tmp)};_g=${pyStr(target)}
try:
 _j=open(${pyStr(journalPath(caps))},'w');_j.write('T\\n'+${abs}+'\\n'+${absTarget});_j.close()
except OSError:pass
_tspy_f=open(_t,'wb');_tspy_w=_tspy_f.write
${caps.binascii ? `from ${caps.binascii} import a2b_base64 as _a2b\n` : ""}${
    caps.deflate
      ? `import deflate as _dfl,io as _io
def _inf(z):
 return _dfl.DeflateIO(_io.BytesIO(z),_dfl.RAW,${DEFLATE_WBITS}).read()
`
      : ""
  }`;
}

/** After `_d=<data>`: refuse data whose length or byte sum is not what the host sent. */
export function chunkCheck(length: number, byteSum: number): string {
  return `if len(_d)!=${length} or sum(_d)!=${byteSum}:raise ValueError('tspy: garbled')\n`;
}

/** Append the checked chunk `_d` to the open temporary file. */
export const writeChunkData = "_tspy_w(_d)\n_d=None\n";

/**
 * Close, check the temporary file's size (and SHA-256) against `size`/`digest` (Python expressions),
 * then move it over the target and drop the journal. Prints `ok`, or `bad SIZE DIGEST` and leaves
 * the target alone. Before the move the journal says `C` (the temporary file is verified): a move
 * cut short (the link lost between removing the old file and renaming, or in the middle of copying
 * over it on boards without rename) is finished at the next connection, never undone.
 */
export function writeCommit(caps: BoardCaps, tmp: string, target: string, size: string, digest: string | null): string {
  const hash = caps.hashlib && digest ? hasher(caps, 512) : "";
  const check = caps.hashlib && digest ? `_hf(_t)` : "None";
  const jp = pyStr(journalPath(caps));
  return `${stater(caps)}${hash}try:
 _tspy_f.close()
except NameError:pass
_tspy_f=_tspy_w=_d=None
_t=${pyStr(tmp)};_g=${pyStr(target)}
_z=_st(_t)[1];_x=${check}
_ez=${size};_ex=${digest ?? "None"}
if _z!=_ez or (_ex is not None and _x!=_ex):
 print('bad',_z,_x)
else:
 try:
  _j=open(${jp},'w');_j.write('C\\n'+_t+'\\n'+_g);_j.close()
 except OSError:pass
 ${moveOver(caps)}
 try:
  ${rm(caps)}(${jp})
 except OSError:pass
 print('ok')
`;
}

/**
 * Put the verified `_t` in place of `_g` (one level of indentation): a rename where the board has
 * one (FAT refuses to rename onto an existing file: then remove it first), else copy `_t` over `_g`
 * in small pieces and remove `_t` (MicroPython 1.8's uos, the micro:bit).
 */
function moveOver(caps: BoardCaps): string {
  if (caps.rename) {
    return `try:
  os.rename(_t,_g)
 except OSError:
  ${rm(caps)}(_g);os.rename(_t,_g)`;
  }
  return `_a=open(_t,'rb');_b=open(_g,'wb')
 while 1:
  _d=_a.read(256)
  if not _d:break
  _b.write(_d)
 _a.close();_b.close();${rm(caps)}(_t)`;
}

/**
 * After an interrupted write: finish a verified move (`C`) or drop the partial file (`T`), then the
 * journal. Nothing happens to the target when the temporary file is gone (the move was complete). Never raises: prints `None`, or the repr of what failed (the journal is dropped either
 * way, so a journal that cannot be replayed is reported once, not at every connection).
 */
export function recoverJournal(caps: BoardCaps, state: string, tmp: string, target: string): string {
  const jp = pyStr(journalPath(caps));
  const body = state === "C" ? moveOver(caps) : `${rm(caps)}(_t)`;
  return `import ${caps.osModule} as os
_t=${pyStr(tmp)};_g=${pyStr(target)};_e=None
try:
 open(_t,'rb').close()
 ${body}
except OSError:pass
except Exception as e:
 _e=repr(e)
try:
 ${rm(caps)}(${jp})
except Exception:pass
print(repr(_e))
`;
}

/** Remove the journal (one that cannot be replayed, or names nothing). */
export function dropJournal(caps: BoardCaps): string {
  return `import ${caps.osModule} as os
try:
 ${rm(caps)}(${pyStr(journalPath(caps))})
except Exception:pass
`;
}

/** Drop a write session's temporary file after an error we could still talk through. */
export function writeAbort(caps: BoardCaps, tmp: string): string {
  return `import ${caps.osModule} as os
try:
 _tspy_f.close()
except Exception:pass
try:
 ${rm(caps)}(${pyStr(tmp)})
except OSError:pass
try:
 ${rm(caps)}(${pyStr(journalPath(caps))})
except OSError:pass
`;
}

/** Board-to-board copy into an open write session (begin first, commit after). */
export function copyIntoSession(src: string, chunk: number): string {
  return `_a=open(${pyStr(src)},'rb')
while 1:
 _d=_a.read(${chunk})
 if not _d:break
 _tspy_w(_d)
_a.close()
`;
}

/** Python expressions for the commit check of a board-to-board copy: the source's size and digest. */
export function sourceChecks(caps: BoardCaps, src: string): { size: string; digest: string | null } {
  return { size: `_st(${pyStr(src)})[1]`, digest: caps.hashlib ? `_hf(${pyStr(src)})` : null };
}

// ---- Board commands beyond files: rtc, romfs (mpremote's `rtc` and `romfs query|deploy`).

/** The RTC's datetime tuple (year, month, day, weekday, hours, minutes, seconds, subseconds). */
export const rtcRead = "import machine\nprint(machine.RTC().datetime())\n";

/** Set the RTC; `fields` as machine.RTC().datetime() takes them (weekday 0 = Monday). */
export function rtcSet(fields: number[]): string {
  return `import machine\nmachine.RTC().datetime((${fields.join(",")}))\n`;
}

/** The running firmware's release and version (`tspy ota` before and after): two lines. */
export const firmwareIdentity = `try:
 import os
except ImportError:
 import uos as os
_u=os.uname()
print(_u.release)
print(_u.version)
del _u
`;

/** Reset the board; the link goes down with it (`tspy ota`, `reset`). */
export const machineReset = "import machine\nmachine.reset()\n";
