// The board half of a mount: a filesystem object, mounted at /remote, whose every call becomes a
// request over the REPL link (see protocol.ts) answered by the host while the board's program runs.
// Sent as Python source when mounting and again after each soft reset.
// The one board-specific line: tspy's virtual board turns every \n it prints into \r\n unless told
// not to (_tspy_board.raw), where a real board's sys.stdout.buffer already writes bytes as they are.
import { Cmd } from "./protocol.js";

export const MOUNT_POINT = "/remote";

// Written for small boards: a single request buffer, no per-byte Python loops on reads, and every
// wait bounded (a host that stops answering gives OSError ETIMEDOUT, never a hang). Ctrl-C is off
// while a request is on the line, because answers carry arbitrary bytes.
const SOURCE = `
import os, io, sys, struct, select, micropython
try:
    from _tspy_board import raw as _tspy_raw
except ImportError:
    _tspy_raw = None
class _TspyLink:
    def __init__(self, wait_ms, token):
        self.i = sys.stdin.buffer
        self.o = sys.stdout.buffer
        self.wait_ms = wait_ms
        self.head = b"\\x18M" + token
        self.p = select.poll()
        self.p.register(self.i, select.POLLIN)
        self.b4 = bytearray(4)
        self.intr = False
        self.m4 = memoryview(self.b4)
    def send(self, cmd, layout, args):
        out = bytearray(self.head)
        out.append(cmd)
        for kind, a in zip(layout, args):
            if kind == "i":
                out += struct.pack("<i", a)
            else:
                if isinstance(a, str):
                    a = a.encode()
                out += struct.pack("<I", len(a))
                out += a
        micropython.kbd_intr(-1)
        try:
            if _tspy_raw:
                _tspy_raw(1)
            self.o.write(out)
        finally:
            if _tspy_raw:
                _tspy_raw(0)
            if cmd == ${Cmd.CLOSE}:
                micropython.kbd_intr(3)
    def begin(self, cmd, layout, *args):
        # Send a request, skip whatever else is in the input up to the answer's sync byte, return
        # the result (a negative result is an errno). The caller reads the payload, then end().
        self.send(cmd, layout, args)
        try:
            for _ in range(4096):
                self.wait()
                self.i.readinto(self.b4, 1)
                if self.b4[0] == 0x18:
                    return self.s32()
                if self.b4[0] == 3:
                    # Ctrl-C typed while Ctrl-C was off: raised once this request is done.
                    self.intr = True
            raise OSError(5)
        except:
            self.end()
            raise
    def end(self):
        micropython.kbd_intr(3)
        if self.intr:
            self.intr = False
            raise KeyboardInterrupt
    def wait(self):
        if not self.p.poll(self.wait_ms):
            raise OSError(110)
    def into(self, mv, n):
        k = 0
        while k < n:
            self.wait()
            k += self.i.readinto(mv[k:n])
    def s32(self):
        self.into(self.m4, 4)
        return struct.unpack("<i", self.b4)[0]
    def u32s(self, n):
        b = bytearray(4 * n)
        self.into(memoryview(b), 4 * n)
        return struct.unpack("<%dI" % n, b)
    def data(self, n):
        b = bytearray(n)
        self.into(memoryview(b), n)
        return b
    def simple(self, cmd, layout, *args):
        r = self.begin(cmd, layout, *args)
        self.end()
        if r < 0:
            raise OSError(-r)
        return r
class _TspyFile(io.IOBase):
    def __init__(self, link, fd, text, chunk):
        self.l = link
        self.fd = fd
        self.text = text
        self.chunk = chunk
    def __enter__(self):
        return self
    def __exit__(self, *a):
        self.close()
    def __iter__(self):
        return self
    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line
    def ioctl(self, req, arg):
        if req == 4:
            self.close()
        elif req == 11:
            return self.chunk
        elif req != 1:
            return -1
        return 0
    def flush(self):
        pass
    def close(self):
        if self.fd is not None:
            self.l.send(${Cmd.CLOSE}, "i", (self.fd,))
            self.fd = None
    def _fd(self):
        if self.fd is None:
            raise OSError(9)
        return self.fd
    def _payload(self, cmd, layout, *args):
        l = self.l
        n = l.begin(cmd, layout, *args)
        try:
            if n < 0:
                raise OSError(-n)
            b = l.data(n)
        finally:
            l.end()
        return str(b, "utf8") if self.text else bytes(b)
    def read(self, n=-1):
        return self._payload(${Cmd.READ}, "ii", self._fd(), n)
    def readline(self):
        return self._payload(${Cmd.READLINE}, "i", self._fd())
    def readlines(self):
        return list(self)
    def readinto(self, buf):
        l = self.l
        n = l.begin(${Cmd.READ}, "ii", self._fd(), len(buf))
        try:
            if n < 0:
                raise OSError(-n)
            l.into(memoryview(buf), n)
        finally:
            l.end()
        return n
    def write(self, b):
        return self.l.simple(${Cmd.WRITE}, "is", self._fd(), b)
    def seek(self, n, whence=0):
        return self.l.simple(${Cmd.SEEK}, "iii", self._fd(), n, whence)
    def tell(self):
        return self.seek(0, 1)
class _TspyFS:
    def __init__(self, link, chunk):
        self.l = link
        self.chunk = chunk
        self.cwd = "/"
    def _abs(self, p):
        return p if p.startswith("/") else self.cwd + p
    def mount(self, readonly, mkfs):
        pass
    def umount(self):
        pass
    def chdir(self, p):
        p = self._abs(p)
        if not p.endswith("/"):
            p += "/"
        if p != "/" and not self.stat(p)[0] & 0x4000:
            raise OSError(20)
        self.cwd = p
    def getcwd(self):
        return self.cwd[:-1] if len(self.cwd) > 1 else "/"
    def stat(self, p):
        l = self.l
        r = l.begin(${Cmd.STAT}, "s", self._abs(p))
        try:
            if r < 0:
                raise OSError(-r)
            mode, size, at, mt, ct = l.u32s(5)
        finally:
            l.end()
        return (mode, 0, 0, 0, 0, 0, size, at, mt, ct)
    def statvfs(self, p):
        l = self.l
        r = l.begin(${Cmd.STATVFS}, "s", self._abs(p))
        try:
            if r < 0:
                raise OSError(-r)
            bsize, blocks, bfree, bavail = l.u32s(4)
        finally:
            l.end()
        return (bsize, bsize, blocks, bfree, bavail, 0, 0, 0, 0, 255)
    def ilistdir(self, p):
        l = self.l
        n = l.begin(${Cmd.LISTDIR}, "s", self._abs(p))
        out = []
        try:
            if n < 0:
                raise OSError(-n)
            for _ in range(n):
                kind, k = l.u32s(2)
                out.append((str(l.data(k), "utf8"), kind, 0))
        finally:
            l.end()
        return iter(out)
    def open(self, p, mode):
        fd = self.l.simple(${Cmd.OPEN}, "ss", self._abs(p), mode)
        return _TspyFile(self.l, fd, "b" not in mode, self.chunk)
    def remove(self, p):
        self.l.simple(${Cmd.REMOVE}, "s", self._abs(p))
    def rename(self, a, b):
        self.l.simple(${Cmd.RENAME}, "ss", self._abs(a), self._abs(b))
    def mkdir(self, p):
        self.l.simple(${Cmd.MKDIR}, "s", self._abs(p))
    def rmdir(self, p):
        self.l.simple(${Cmd.RMDIR}, "s", self._abs(p))
def _tspy_mount(wait_ms, chunk, token):
    try:
        os.umount("${MOUNT_POINT}")
    except OSError:
        pass
    os.mount(_TspyFS(_TspyLink(wait_ms, token), chunk), "${MOUNT_POINT}")
    os.chdir("${MOUNT_POINT}")
`;

/** Shorter source for the wire: 4-space indents become 1 space, blank lines go (small boards, slow links). */
function squeeze(src: string): string {
  return src
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const indent = l.length - l.trimStart().length;
      return " ".repeat(indent / 4) + l.trimStart();
    })
    .join("\n");
}

const SQUEEZED = squeeze(SOURCE);

export interface BoardMountOptions {
  /** How long the board waits for each piece of an answer before OSError(ETIMEDOUT). */
  waitMs: number;
  /** Read size the board's importer uses (the file object's buffer-size ioctl). */
  chunk: number;
  /** The request token (protocol.ts TOKEN_LENGTH bytes). */
  token: Buffer;
}

/** The program that defines the board-side classes and mounts (unmounting a previous mount first). */
export function mountProgram(opts: BoardMountOptions): string {
  const token = `b"${[...opts.token].map((b) => "\\x" + b.toString(16).padStart(2, "0")).join("")}"`;
  return `${SQUEEZED}\n_tspy_mount(${Math.round(opts.waitMs)}, ${Math.round(opts.chunk)}, ${token})\n`;
}

export const UMOUNT_PROGRAM = `import os\ntry:\n os.umount("${MOUNT_POINT}")\nexcept OSError:\n pass\nos.chdir("/")\n`;
