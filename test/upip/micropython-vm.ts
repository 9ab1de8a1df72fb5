// The real MicroPython VM (WebAssembly build), for checking archives the way a board would read them.

interface MicroPythonModule {
  loadMicroPython(options: { stdout: (s: string) => void; stderr: (s: string) => void; linebuffer: boolean }): Promise<{
    runPython(code: string): unknown;
    FS: { writeFile(path: string, data: Uint8Array): void; readFile(path: string): Uint8Array };
  }>;
}

// The package ships no typings: a specifier held in a variable keeps tsc from looking for them.
const VM_MODULE = "@micropython/micropython-webassembly-pyscript/micropython.mjs";

export interface Vm {
  writeFile(path: string, data: Uint8Array): void;
  /** Run `code`; resolve to what it printed (an uncaught exception's text is printed too). */
  run(code: string): string;
}

export async function startVm(): Promise<Vm> {
  const { loadMicroPython } = (await import(VM_MODULE)) as MicroPythonModule;
  let out = "";
  const mp = await loadMicroPython({ stdout: (s: string) => (out += s + "\n"), stderr: (s: string) => (out += s + "\n"), linebuffer: true });
  return {
    writeFile: (path, data) => mp.FS.writeFile(path, data),
    run(code) {
      out = "";
      try {
        mp.runPython(code);
      } catch (err) {
        out += `JS: ${(err as Error).message}\n`;
      }
      return out;
    },
  };
}

/**
 * Python run on the VM: inflate PATH with a 4 KB window (what upip does on small boards) and read the tar
 * with only the name and size fields, printing `name size sha256` per member, or `ERROR …`.
 */
export const READ_LIKE_UPIP = (path: string) => `
import deflate, hashlib, binascii
try:
    f = deflate.DeflateIO(open(${JSON.stringify(path)}, "rb"), deflate.GZIP, 12)
    while True:
        h = f.read(512)
        if len(h) < 512 or h[0] == 0:
            break
        name = str(h[:100], "utf-8").rstrip("\\0")
        size = int(str(h[124:135], "utf-8"), 8)
        body = f.read(size)
        f.read((512 - size % 512) % 512)
        print(name, size, str(binascii.hexlify(hashlib.sha256(body).digest()), "ascii"))
except Exception as e:
    print("ERROR", repr(e))
`;
