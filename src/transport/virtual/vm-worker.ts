// The virtual board's "hardware": runs in a worker thread, owns one MicroPython VM (the npm
// WebAssembly build) at a time, reads the receive line and writes the board's output (two shared byte
// rings, see byte-ring.ts).
// Only node built-ins and sibling modules may be imported here (see worker-script.ts).
import { parentPort, workerData } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { ByteRing, type RingBuffers } from "./byte-ring.js";
import { STATUS_RUNNING } from "./worker-status.js";
import { hardenWorkerGlobals } from "./harden.js";
import { BoardProtocol, type ReplVm } from "./raw-paste-device.js";
import { mountBoardDirectory, type ConfinedFs } from "./confined-fs.js";
import type { EmFS, EmStream } from "./emscripten-fs.js";
import { firmwarePrelude, type FirmwareProfile } from "./firmware.js";
import { wasmApi, type WasmInstance, type WasmMemory, type WasmModule } from "./wasm-api.js";
import { clearKeyboardInterrupt, findInterruptCells, interruptPending, type InterruptCells } from "./shared-memory.js";

export interface WorkerConfig {
  /** Absolute path of micropython.mjs. */
  vmModulePath: string;
  dir: string;
  /** Host → board. */
  input: RingBuffers;
  /** Board → host. */
  output: RingBuffers;
  /** STATUS_WORDS Int32 words, see worker-status.ts. */
  status: SharedArrayBuffer;
  /** "power": boot.py and main.py run; "safe": after a forced reset, they do not. */
  boot: "power" | "safe";
  crlf: boolean;
  window: number;
  maxProgram: number;
  heapBytes: number;
  /** The VM's WebAssembly module, compiled once by the host with its memory made shared. */
  wasmModule?: WasmModule;
  /** Interrupt cell addresses found by an earlier worker for the same module. */
  cells?: InterruptCells;
  /** Python run at every boot after the board shims (a simulator's board identity). */
  prelude?: string;
  /** An old release to play (firmware.ts), or null for the VM's own 1.27. */
  firmware: FirmwareProfile | null;
}

export type WorkerMessage =
  | { t: "ready" }
  | { t: "memory"; buffer: SharedArrayBuffer; cells: InterruptCells }
  | { t: "warn"; msg: string }
  | { t: "machine-reset" }
  | { t: "fatal"; msg: string };

interface MicroPythonModule {
  _mp_sched_keyboard_interrupt(): void;
  _mp_hal_get_interrupt_char(): number;
}
interface MicroPython {
  _module: MicroPythonModule;
  FS: EmFS;
  replInit(): void;
  replProcessChar(c: number): number;
  runPython(code: string): unknown;
  registerJsModule(name: string, module: object): void;
}
type LoadMicroPython = (opts: {
  stdout: (b: Uint8Array) => void;
  stderr: (b: Uint8Array) => void;
  linebuffer: boolean;
  heapsize?: number;
}) => Promise<MicroPython>;

const config = workerData as WorkerConfig;
const port = parentPort!;
const ring = new ByteRing(config.input);
const outRing = new ByteRing(config.output);
const status = new Int32Array(config.status);
const realNow = Date.now.bind(Date);

let loadMicroPython: LoadMicroPython;
let mp: MicroPython | null = null;
let fsMirror: ConfinedFs | null = null;
let memory: WasmMemory | null = null;
let cells: InterruptCells | null = config.cells ?? null;
let running = false; // Python code is executing (bytes from the host are its stdin)
/** Bytes received while a program ran and not read by it: the REPL gets them afterwards. */
const pendingInput: number[] = [];

// ---- output ------------------------------------------------------------------------------------
// Bytes go straight into the shared output ring, so the host sees them at once even when the VM then
// spins in a loop that never comes back to JavaScript.
let lastOut = -1;
let hidden = 0;
let capture: number[] | null = null;
const one = [0];

function send(b: number): void {
  one[0] = b;
  outRing.putAll(one);
}

/**
 * This port cannot tell print() from sys.stdout.buffer.write() (both reach fd 1), so it would turn
 * every \n into \r\n; a board does that to text only. Binary writers that care (a mount's requests)
 * switch cooking off around their write with _tspy_board.raw(1) / raw(0).
 */
let uncooked = false;

function emitByte(b: number): void {
  if (config.crlf && !uncooked && b === 0x0a && lastOut !== 0x0d) send(0x0d);
  send(b);
  lastOut = b;
}

function fromVm(bytes: Uint8Array): void {
  for (const b of bytes) {
    if (hidden > 0) {
      hidden--;
      continue;
    }
    capture?.push(b);
    emitByte(b);
  }
  if (running) pollDuringRun();
}

function emit(bytes: string | Uint8Array): void {
  const data = typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes;
  outRing.putAll(data);
  if (data.length > 0) lastOut = data[data.length - 1];
}

// ---- input while Python runs ---------------------------------------------------------------------
/**
 * Called from every place the running VM calls out to JavaScript (clock, output, stdin): move newly
 * received bytes to the program's input, turning the interrupt character into KeyboardInterrupt as a
 * board's UART interrupt handler does, and keep streaming output.
 */
function pollDuringRun(forStdin = false): boolean {
  let interrupted = false;
  if (mp && ring.pending() > 0) {
    // -1 while the VM compiles or sits in its REPL: then bytes stay on the line for the REPL, unless
    // the program is reading stdin (with the interrupt character disabled).
    const ichar = mp._module._mp_hal_get_interrupt_char();
    if (ichar >= 0 || forStdin) {
      for (let b = ring.take(); b >= 0; b = ring.take()) {
        if (b === ichar) {
          mp._module._mp_sched_keyboard_interrupt();
          interrupted = true;
        } else {
          pendingInput.push(b);
        }
      }
    }
  }
  return interrupted;
}

// The pure-WebAssembly build never polls for input; its clock is Date.now, which time.sleep(),
// time.ticks_ms() and friends call constantly. That is where Ctrl-C gets in.
// A KeyboardInterrupt set by the host thread takes effect at the VM's next check; the port's sleep
// functions spin on this clock without checking, so while one is pending the clock jumps ahead and
// the sleep ends at once (a board's delay loop checks for pending exceptions itself).
Date.now = () => {
  if (!running) return realNow();
  pollDuringRun();
  if (hostInterruptPending()) return realNow() + 2 ** 31;
  return realNow();
};

function hostInterruptPending(): boolean {
  return cells !== null && memory !== null && interruptPending(new Int32Array(memory.buffer), cells);
}

/** The rest a short stdin read left unread: the stream layer's next call asks for exactly that. */
let stdinRest = 0;
/** How long the rest of a multi-byte stdin read may take before it returns what it has. */
const STDIN_REST_MS = 3000;
const EMSCRIPTEN_EAGAIN = 6;

/**
 * stdin for the running program: block until at least one byte (or an interrupt) arrives. The
 * stream layer asks again for the rest of a multi-byte read (readinto(buf) fills all of buf): that
 * wait is bounded, after which the read returns what it got, as a UART read with a timeout does
 * (a mount's board side relies on it to turn a cut link into OSError instead of a hang).
 */
function stdinRead(_s: EmStream, buffer: Uint8Array, offset: number, length: number): number {
  const continuing = stdinRest > 0 && length === stdinRest;
  stdinRest = 0;
  const giveUp = continuing ? realNow() + STDIN_REST_MS : Infinity;
  for (;;) {
    if (pollDuringRun(true) || hostInterruptPending()) return 0;
    if (pendingInput.length > 0) break;
    if (realNow() > giveUp) throw new (mp!.FS as unknown as { ErrnoError: new (errno: number) => Error }).ErrnoError(EMSCRIPTEN_EAGAIN);
    ring.waitForData(50);
  }
  const n = Math.min(length, pendingInput.length);
  for (let i = 0; i < n; i++) buffer[offset + i] = pendingInput[i];
  pendingInput.splice(0, n);
  stdinRest = length - n;
  return n;
}

/**
 * select.poll() on stdin: readable only when a byte is waiting (the port's default says "always",
 * which would make a board-side wait with a deadline block in read instead). MicroPython's poll
 * loop asks again until its timeout, and its clock lets host bytes in meanwhile.
 */
function stdinPoll(): number {
  pollDuringRun(true);
  if (pendingInput.length > 0 || hostInterruptPending()) return 1; // POLLIN
  ring.waitForData(1);
  return 0;
}

/**
 * time.sleep*(): the port's own spin on the clock and burn a core for as long as they sleep; these
 * let the thread sleep, waking for host input. True when a Ctrl-C ended the sleep: the pending
 * interrupt is then taken back and the Python side raises KeyboardInterrupt inside the sleep call,
 * as a board's sleep does (false without interrupt cells: the pending one is raised at the next check).
 */
function idle(ms: number): boolean {
  const end = realNow() + (Number.isFinite(ms) ? Math.max(0, ms) : 0);
  for (;;) {
    if (pollDuringRun() || hostInterruptPending()) {
      if (!cells || !memory) return false;
      clearKeyboardInterrupt(new Int32Array(memory.buffer), cells);
      return true;
    }
    const left = end - realNow();
    if (left <= 0) return false;
    ring.waitForMore(Math.min(left, 20));
  }
}

function runVm<T>(fn: () => T): T {
  running = true;
  Atomics.store(status, STATUS_RUNNING, 1);
  try {
    return fn();
  } finally {
    running = false;
    Atomics.store(status, STATUS_RUNNING, 0);
    postWarnings();
  }
}

function postWarnings(): void {
  for (const msg of fsMirror?.warnings.splice(0) ?? []) port.postMessage({ t: "warn", msg } satisfies WorkerMessage);
}

// ---- the REPL seen from the device layer ---------------------------------------------------------
const replVm: ReplVm = {
  feed: (byte) => runVm(() => mp!.replProcessChar(byte)),
  emit,
  hideNext(n) {
    hidden = n;
  },
  startCapture() {
    capture = [];
  },
  endCapture() {
    const s = Buffer.from(capture ?? []).toString("latin1");
    capture = null;
    return s;
  },
};
const protocol = new BoardProtocol(replVm, {
  window: config.window,
  maxProgram: config.maxProgram,
  rawPaste: config.firmware?.rawPaste ?? true,
  inputEndsAtFF: config.firmware?.inputEndsAtFF ?? false,
});

// ---- boot ----------------------------------------------------------------------------------------
// The board's own start-up: boot.py/main.py run as a board runs them (Ctrl-C enabled, errors printed),
// a small "machine" module (the WebAssembly port has none) gives tools their reset calls, and
// input() reads the serial line.
// Its modules are bound when it is defined, before an old release's prelude hides them.
const RUN_FILE = `
def _tspy_boot(f, os=__import__("os"), sys=__import__("sys"), micropython=__import__("micropython")):
    try:
        os.stat(f)
    except OSError:
        return
    try:
        with open(f) as h:
            src = h.read()
        micropython.kbd_intr(3)
        exec(compile(src, f, "exec"), globals())
    except BaseException as e:
        sys.print_exception(e)
    finally:
        micropython.kbd_intr(-1)
`;

const BOARD_SHIMS = `
def _tspy_shims():
    import sys, builtins, _tspy_board
    class machine:
        @staticmethod
        def reset():
            _tspy_board.reset()
        @staticmethod
        def soft_reset():
            raise SystemExit
        @staticmethod
        def unique_id():
            return b"tspyvb"
        @staticmethod
        def freq():
            return 0
    sys.modules["machine"] = machine

    import time
    # Compiled under "<board>" so a Ctrl-C traceback names the board's sleep, not a REPL line.
    ns = {"_b": _tspy_board}
    exec(compile("def sleep(s):\\n if _b.sleep(s): raise KeyboardInterrupt\\n"
                 "def sleep_ms(ms):\\n if _b.sleep_ms(ms): raise KeyboardInterrupt\\n"
                 "def sleep_us(us):\\n if _b.sleep_us(us): raise KeyboardInterrupt\\n", "<board>", "exec"), ns)
    time.sleep, time.sleep_ms, time.sleep_us = ns["sleep"], ns["sleep_ms"], ns["sleep_us"]

    # Boards have os.uname(); this port's os lacks it.
    import os
    from collections import namedtuple
    uname_result = namedtuple("uname_result", ("sysname", "nodename", "release", "version", "machine"))
    v = sys.implementation.version
    info = uname_result(sys.platform, sys.platform, "%d.%d.%d" % (v[0], v[1], v[2]),
                        sys.version.split("MicroPython ")[-1], sys.implementation._machine)
    if not hasattr(os, "uname"):
        os.uname = lambda: info

    # The port's input() reads a console that is not there; a board's reads the serial line,
    # echoing, with backspace, Enter ending the line and Ctrl-D on an empty line raising EOFError.
    def input(prompt=None):
        if prompt is not None:
            sys.stdout.write(str(prompt))
        line = bytearray()
        last = 0
        while True:
            c = sys.stdin.buffer.read(1)
            if not c:
                continue  # a pending KeyboardInterrupt is raised here
            b = c[0]
            if b == 10 and last == 13:
                last = b
                continue
            last = b
            if b == 13 or b == 10:
                sys.stdout.write("\\r\\n")
                return line.decode()
            if b == 4 and not line:
                raise EOFError
            if b == 3:
                raise KeyboardInterrupt
            if b == 8 or b == 127:
                if line:
                    line = line[:-1]
                    sys.stdout.write("\\b \\b")
            elif b >= 32:
                line.append(b)
                sys.stdout.buffer.write(c)
    builtins.input = input
_tspy_shims()
del _tspy_shims
`;

let announced = false;

/** Thrown through the VM by machine.reset(): the VM is abandoned and a fresh one boots. */
class BoardReset extends Error {}

async function boot(kind: "power" | "soft" | "safe", mode: "friendly" | "raw"): Promise<void> {
  mp = null;
  fsMirror = null;
  capture = null;
  hidden = 0;
  if (kind !== "soft") pendingInput.length = 0; // a reset loses what the UART had received
  const vm = await loadMicroPython({ stdout: fromVm, stderr: fromVm, linebuffer: false, heapsize: config.heapBytes });
  fsMirror = mountBoardDirectory(vm.FS, config.dir);
  postWarnings();
  const stdin = vm.FS.getStream(0);
  if (stdin) stdin.stream_ops = { ...stdin.stream_ops, read: stdinRead, poll: stdinPoll };
  mp = vm;
  shareMemory(vm);
  vm.registerJsModule("_tspy_board", {
    reset: () => {
      throw new BoardReset("machine.reset()");
    },
    raw: (on: number) => {
      uncooked = on !== 0;
    },
    sleep: (s: number) => idle(s * 1000),
    sleep_ms: (ms: number) => idle(ms),
    sleep_us: (us: number) => idle(us / 1000),
  });
  vm.runPython(BOARD_SHIMS);
  vm.runPython(RUN_FILE);
  if (config.firmware) vm.runPython(firmwarePrelude(config.firmware));
  if (config.prelude) vm.runPython(config.prelude);
  if (!announced) {
    // The line is up from here on, as a board's UART is while boot.py and main.py run.
    announced = true;
    port.postMessage({ t: "ready" } satisfies WorkerMessage);
  }
  if (kind !== "safe") {
    try {
      runVm(() => {
        startupStep(vm, "_tspy_boot('boot.py')");
        // As on real ports, main.py runs only when the board comes up in the friendly REPL.
        if (mode === "friendly") startupStep(vm, "_tspy_boot('main.py')");
        startupStep(vm, "del _tspy_boot");
      });
    } catch (e) {
      // A start-up script that resets the board would reset it forever: come up without them.
      if (e instanceof BoardReset) return boot("safe", "friendly");
      throw e;
    }
    // As pyexec does after running code: a Ctrl-C that came too late is dropped, not kept for later.
    if (cells && memory) clearKeyboardInterrupt(new Int32Array(memory.buffer), cells);
  }
  // The VM prints "\r\n" before its banner; a board coming out of reset starts with the banner.
  hidden = 2;
  if (mode === "raw") {
    hidden = Number.MAX_SAFE_INTEGER; // the banner of the friendly REPL the VM starts in
    vm.replInit();
    hidden = 2;
    protocol.reset("friendly");
    protocol.input(0x01);
  } else {
    vm.replInit();
    protocol.reset("friendly");
  }
  hidden = 0;
}

/**
 * One step of the start-up sequence. An exception that escapes the script runner (a Ctrl-C landing
 * between its own handlers) is printed as the board would print it, and start-up goes on.
 */
function startupStep(vm: MicroPython, code: string): void {
  try {
    vm.runPython(code);
  } catch (e) {
    if (e instanceof BoardReset || (e as { name?: string }).name !== "PythonError") throw e;
    const text = String((e as Error).message).replace(/\r?\n/g, "\r\n");
    emit(text.endsWith("\r\n") ? text : `${text}\r\n`);
  }
}

/** Tell the host thread where this VM's interrupt cells are (see shared-memory.ts). */
function shareMemory(vm: MicroPython): void {
  const buffer = memory?.buffer;
  if (!memory || !(buffer instanceof SharedArrayBuffer)) return;
  const mem = memory;
  cells ??= findInterruptCells(
    () => new Int32Array(mem.buffer),
    () => vm._module._mp_sched_keyboard_interrupt(),
    (c) => vm.runPython(`import micropython\nmicropython.kbd_intr(${c})`),
    () => vm._module._mp_hal_get_interrupt_char(),
  );
  if (cells) port.postMessage({ t: "memory", buffer, cells } satisfies WorkerMessage);
}

async function softReset(): Promise<void> {
  const mode = protocol.mode;
  emit("MPY: soft reboot\r\n");
  await boot("soft", mode);
}

// ---- main loop -----------------------------------------------------------------------------------
let pumping = false;

function nextByte(): number {
  if (pendingInput.length > 0) return pendingInput.shift()!;
  return ring.take();
}

async function pump(): Promise<void> {
  if (pumping || !mp) return;
  pumping = true;
  try {
    for (let b = nextByte(); b >= 0; b = nextByte()) {
      let result;
      try {
        result = protocol.input(b);
      } catch (e) {
        if (!(e instanceof BoardReset)) throw e;
        port.postMessage({ t: "machine-reset" } satisfies WorkerMessage);
        await boot("power", "friendly");
        continue;
      }
      if (result === "soft-reset") await softReset();
    }
  } finally {
    pumping = false;
  }
}

port.on("message", (m: { t: string }) => {
  if (m.t === "nudge") void pump().catch(fatal);
});

function fatal(e: unknown): void {
  port.postMessage({ t: "fatal", msg: e instanceof Error ? e.message : String(e) } satisfies WorkerMessage);
}

/** Instantiate the host's precompiled module (shared memory) instead of compiling the file again. */
function useHostModule(module: WasmModule): void {
  const instantiate = wasmApi.instantiate.bind(wasmApi);
  wasmApi.instantiate = async (_bytes: unknown, imports?: object) => {
    const instance = (await instantiate(module, imports)) as WasmInstance;
    memory = instance.exports.memory as WasmMemory;
    return { instance, module };
  };
}

async function start(): Promise<void> {
  hardenWorkerGlobals();
  if (config.wasmModule) useHostModule(config.wasmModule);
  const mod = (await import(pathToFileURL(config.vmModulePath).href)) as { loadMicroPython: LoadMicroPython };
  loadMicroPython = mod.loadMicroPython;
  await boot(config.boot, "friendly");
  await pump();
}

start().catch(fatal);
