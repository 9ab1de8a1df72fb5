// Old firmware played by the virtual board: one row of data per release, applied to the 1.27 VM as a
// Python prelude (which reshapes os/uos, time, sys.implementation and the .mpy loader's header check
// as that release had them) plus two things at the REPL boundary (no raw-paste before 1.14, and the
// 0xFF that ends MicroPython 1.8's input). The VM underneath stays 1.27: the bytecode it runs, its
// error messages and its memory are the new ones; what tools can see of the release is the old one.
// Only node built-ins and sibling modules may be imported here (the VM worker loads it).

export interface FirmwareProfile {
  /** What `?firmware=` names, e.g. "1.8.4", "cp-2.3.1", "pycopy-3.6.1". */
  name: string;
  /** sys.implementation.name. */
  implementation: "micropython" | "circuitpython" | "pycopy";
  version: [number, number, number];
  platform: string;
  /** Raw-paste mode (MicroPython 1.14+); without it Ctrl-E A Ctrl-A just restarts the raw REPL. */
  rawPaste: boolean;
  /** The lexer takes a raw 0xFF byte for the end of the input (MicroPython 1.8.x). */
  inputEndsAtFF: boolean;
  /** Names the os module imports as (`uos` only before the `os` weak link, `os` on CircuitPython). */
  osNames: string[];
  /** Functions of that module; the rest of the 1.27 module is hidden. */
  osFunctions: string[];
  /** ilistdir/listdir list `.` and `..` first. */
  listsDots: boolean;
  /** ilistdir yields (name, type, inode) only: no size (the unix ports up to 1.12, Pycopy 3.6). */
  shortListEntries: boolean;
  /** ilistdir's type is the dirent type (4 a directory, 8 a file), not the stat mode (unix ports up to 1.11). */
  direntTypes: boolean;
  /**
   * os.system finds a shell (only the unix ports have os.system). The board plays the commands
   * tspy runs there, `:` and `rmdir -- 'PATH'`; without a shell (a chroot with the binary alone)
   * every command exits 127.
   */
  shell: boolean;
  /** rename onto an existing file fails with EEXIST (FAT on CircuitPython 2). */
  renameKeepsTarget: boolean;
  /** Modules that do not exist on the release (`time` on Pycopy: `utime` only; `vfs`, `deflate` ...). */
  missingModules: string[];
  /** The field of sys.implementation that describes the .mpy it loads, and its value; null: none. */
  mpyField: { name: "mpy" | "_mpy"; value: number } | null;
  /**
   * What the .mpy loader takes: the version byte, the feature-flag byte and the largest small-int
   * width in the header (bytes 1, 2, 3); null: the VM's own loader (1.27) is used.
   */
  mpyLoader: { version: number; flags: number; smallIntBits: number; /** First header byte: 'M' (77) unless given; CircuitPython 7+ writes 'C' (67). */ magic?: number } | null;
}

// The unix ports' own uos, as dir(uos) shows it on builds of those tags (checked by hand): no rmdir,
// no rename before Pycopy, no getcwd; `remove` from 1.12 (before: `unlink`).
const UNIX_1_8_UOS = ["stat", "statvfs", "mkdir", "ilistdir", "unlink", "system"];
const UNIX_1_12_UOS = ["stat", "statvfs", "mkdir", "ilistdir", "remove", "system"];
const PYCOPY_3_6_UOS = ["stat", "statvfs", "mkdir", "ilistdir", "remove", "rename", "system"];
const VFS_OS = ["stat", "statvfs", "mkdir", "rmdir", "ilistdir", "remove", "rename", "getcwd", "chdir", "unlink"];
const NOT_UNIX = { direntTypes: false, shell: false };

const row = (p: FirmwareProfile) => p;

export const FIRMWARE_PROFILES: Record<string, FirmwareProfile> = {
  "1.8.4": row({
    name: "1.8.4", implementation: "micropython", version: [1, 8, 4], platform: "linux", rawPaste: false, inputEndsAtFF: true,
    osNames: ["uos"], osFunctions: UNIX_1_8_UOS, listsDots: true, shortListEntries: true, direntTypes: true, shell: true,
    renameKeepsTarget: false, missingModules: ["vfs", "deflate", "time"], mpyField: null, mpyLoader: { version: 0, flags: 3, smallIntBits: 63 },
  }),
  "1.9.4": row({
    name: "1.9.4", implementation: "micropython", version: [1, 9, 4], platform: "linux", rawPaste: false, inputEndsAtFF: false,
    osNames: ["uos"], osFunctions: UNIX_1_8_UOS, listsDots: true, shortListEntries: true, direntTypes: true, shell: true,
    renameKeepsTarget: false, missingModules: ["vfs", "deflate", "time"], mpyField: null, mpyLoader: { version: 3, flags: 3, smallIntBits: 63 },
  }),
  "cp-2.3.1": row({
    name: "cp-2.3.1", implementation: "circuitpython", version: [2, 3, 1], platform: "atmel-samd", rawPaste: false, inputEndsAtFF: false,
    osNames: ["os", "uos"], osFunctions: ["stat", "statvfs", "mkdir", "rmdir", "listdir", "rename", "unlink", "getcwd", "chdir"],
    listsDots: true, shortListEntries: true, ...NOT_UNIX, renameKeepsTarget: true,
    missingModules: ["vfs", "deflate", "ubinascii", "binascii"], mpyField: null, mpyLoader: { version: 2, flags: 2, smallIntBits: 31 },
  }),
  "1.12": row({
    name: "1.12", implementation: "micropython", version: [1, 12, 0], platform: "linux", rawPaste: false, inputEndsAtFF: false,
    osNames: ["uos"], osFunctions: UNIX_1_12_UOS, listsDots: true, shortListEntries: true, direntTypes: false, shell: true,
    renameKeepsTarget: false, missingModules: ["vfs", "deflate"], mpyField: { name: "mpy", value: 0x0b05 }, mpyLoader: { version: 5, flags: 0x0b, smallIntBits: 63 },
  }),
  "1.18": row({
    name: "1.18", implementation: "micropython", version: [1, 18, 0], platform: "rp2", rawPaste: true, inputEndsAtFF: false,
    osNames: ["os", "uos"], osFunctions: VFS_OS, listsDots: false, shortListEntries: false, ...NOT_UNIX, renameKeepsTarget: false,
    missingModules: ["vfs", "deflate"], mpyField: { name: "mpy", value: 0x1205 }, mpyLoader: { version: 5, flags: 0x12, smallIntBits: 31 },
  }),
  // CircuitPython 9 loads only its own .mpy: 'C', version 6 (MicroPython's 'M' files are "incompatible")
  "cp-9.2.9": row({
    name: "cp-9.2.9", implementation: "circuitpython", version: [9, 2, 9], platform: "Espressif", rawPaste: true, inputEndsAtFF: false,
    osNames: ["os"], osFunctions: VFS_OS, listsDots: false, shortListEntries: false, ...NOT_UNIX, renameKeepsTarget: false,
    missingModules: ["vfs", "deflate"], mpyField: null, mpyLoader: { version: 6, flags: 0, smallIntBits: 31, magic: 0x43 },
  }),
  // Pycopy 3.6.1's unix port calls itself "micropython" in sys.implementation (version 3.6.1).
  "pycopy-3.6.1": row({
    name: "pycopy-3.6.1", implementation: "micropython", version: [3, 6, 1], platform: "linux", rawPaste: false, inputEndsAtFF: false,
    osNames: ["uos"], osFunctions: PYCOPY_3_6_UOS, listsDots: true, shortListEntries: true, direntTypes: false, shell: true,
    renameKeepsTarget: false, missingModules: ["vfs", "deflate", "time"], mpyField: null, mpyLoader: { version: 5, flags: 0x0b, smallIntBits: 63 },
  }),
};

// CircuitPython 2.3.1's unix port: MicroPython 1.9's unix uos and its loader, which wants cached map lookups.
FIRMWARE_PROFILES["cp-2.3.1-unix"] = {
  ...FIRMWARE_PROFILES["1.9.4"], name: "cp-2.3.1-unix", implementation: "circuitpython", version: [2, 3, 1],
  mpyLoader: { version: 2, flags: 3, smallIntBits: 63 },
};

// 1.12's unix port chrooted with nothing but its binary: os.system finds no shell.
FIRMWARE_PROFILES["1.12-jail"] = { ...FIRMWARE_PROFILES["1.12"], name: "1.12-jail", shell: false };

/** The profile a `?firmware=` value names (`pycopy-3.6.1` also as `pycopy`, `cp-2.3.1` as `circuitpython-2.3.1`). */
export function firmwareProfile(name: string): FirmwareProfile | undefined {
  const key = name.replace(/^circuitpython-/, "cp-").replace(/^pycopy$/, "pycopy-3.6.1").replace(/^(\d+\.\d+)\.0$/, "$1");
  return FIRMWARE_PROFILES[key];
}

/**
 * The prelude run in each fresh VM (power-up and soft reboot) for a profile: `__import__` hands out
 * the release's modules. Python, because the VM is where these modules live.
 */
export function firmwarePrelude(p: FirmwareProfile): string {
  return `
def _tspy_firmware(p):
    import builtins, sys, os, time
    from collections import namedtuple
    real_import = builtins.__import__
    class Module:
        def __init__(self, name):
            self.__name__ = name
    def st_mode(path):
        return os.stat(path)[0]
    fos = Module(p["osNames"][0])
    for n in p["osFunctions"]:
        if n in ("ilistdir", "listdir", "rename", "system"):
            continue
        setattr(fos, n, getattr(os, n))
    def join(d, n):
        return (d.rstrip("/") + "/" if d else "") + n
    def ilistdir(d=""):
        if p["listsDots"]:
            yield (".", 0x4000, 0)
            yield ("..", 0x4000, 0)
        for e in (os.ilistdir(d) if d else os.ilistdir()):
            if p["direntTypes"]:
                e = (e[0], 4 if e[1] & 0x4000 else 8) + tuple(e[2:])
            yield e[:3] if p["shortListEntries"] else e
    if "ilistdir" in p["osFunctions"]:
        fos.ilistdir = ilistdir
    if "listdir" in p["osFunctions"]:
        fos.listdir = lambda d="": [e[0] for e in ilistdir(d)]
    if "rename" in p["osFunctions"]:
        def rename(a, b):
            if p["renameKeepsTarget"]:
                try:
                    os.stat(b)
                    raise OSError(17)
                except OSError as e:
                    if e.args[0] == 17:
                        raise
            os.rename(a, b)
        fos.rename = rename
    def shell_word(w):
        # one word of POSIX shell quoting: 'literal' pieces and backslash-escaped characters
        out, i = "", 0
        while i < len(w):
            if w[i] == "'":
                j = w.index("'", i + 1)
                out += w[i + 1:j]
                i = j + 1
            elif w[i] == chr(92):
                out += w[i + 1]
                i += 2
            else:
                out += w[i]
                i += 1
        return out
    def system(cmd):
        if p["shell"] and cmd == ":":
            return 0
        if not p["shell"] or not cmd.startswith("rmdir -- "):
            return 127 << 8
        try:
            os.rmdir(shell_word(cmd[9:].split(" 2>")[0]))
            return 0
        except OSError:
            return 1 << 8
    if "system" in p["osFunctions"]:
        fos.system = system
    impl_fields = ["name", "version"] + ([p["mpyField"]["name"]] if p["mpyField"] else [])
    Impl = namedtuple("implementation", impl_fields)
    impl_values = [p["implementation"], tuple(p["version"])] + ([p["mpyField"]["value"]] if p["mpyField"] else [])
    class Sys:
        implementation = Impl(*impl_values)
        platform = p["platform"]
        def __getattr__(self, name):
            return getattr(sys, name)
    fsys = Sys()
    modules = {"sys": fsys, "utime": time}
    for n in p["osNames"]:
        modules[n] = fos
    if "os" not in p["osNames"]:
        p["missingModules"].append("os")
    loader = p["mpyLoader"]
    def find(name, ext):
        for d in sys.path:
            f = join(d, name.replace(".", "/") + ext)
            try:
                if not st_mode(f) & 0x4000:
                    return f
            except OSError:
                pass
    def load_old_mpy(name):
        f = find(name, ".mpy")
        if f is None or find(name, ".py") is not None:
            return None
        with open(f, "rb") as h:
            head = h.read(4)
        # From .mpy 4 on, byte 2 holds the arch above two flag bits; the arch is checked only when
        # the file names one (it holds native code). Before that the whole byte must match.
        flags = head[2] if len(head) > 2 else -1
        if loader["version"] >= 4:
            arch = flags >> 2
            bad_flags = (flags & 3) != (loader["flags"] & 3) or (arch != 0 and arch != loader["flags"] >> 2)
        else:
            bad_flags = flags != loader["flags"]
        if len(head) < 4 or head[0] != loader.get("magic", 77) or head[1] != loader["version"] or bad_flags or head[3] > loader["smallIntBits"]:
            raise ValueError("incompatible .mpy file")
        m = Module(name)
        m.__file__ = f
        sys.modules[name] = m
        return m
    def imp(name, globals=None, locals=None, fromlist=(), level=0):
        if name in p["missingModules"]:
            raise ImportError("no module named '%s'" % name)
        if name in modules:
            return modules[name]
        if loader is not None and level == 0 and name not in sys.modules:
            m = load_old_mpy(name)
            if m is not None:
                return m
        return real_import(name, globals, locals, fromlist, level)
    builtins.__import__ = imp
    if p["inputEndsAtFF"]:
        real_exec, real_eval, real_compile = builtins.exec, builtins.eval, builtins.compile
        def cut(src):
            # 1.8's reader gives 0xFF as the end of input; the lexer makes an end that follows
            # anything but a newline a newline, and reads on: only 0xFF after a newline ends it
            if not isinstance(src, (bytes, bytearray)) or 255 not in src:
                return src
            out = bytearray()
            for b in src:
                if b == 255:
                    if out and out[-1] == 10:
                        break
                    b = 10
                out.append(b)
            return bytes(out)
        builtins.exec = lambda src, *a: real_exec(cut(src), *a)
        builtins.eval = lambda src, *a: real_eval(cut(src), *a)
        builtins.compile = lambda src, *a: real_compile(cut(src), *a)
_tspy_firmware(${JSON.stringify(p).replace(/\btrue\b/g, "True").replace(/\bfalse\b/g, "False").replace(/\bnull\b/g, "None")})
del _tspy_firmware
`;
}
