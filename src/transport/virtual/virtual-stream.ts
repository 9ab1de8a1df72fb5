// The virtual board as a ByteStream: what is written here is what a host sends down a serial line,
// what is read is what the board answers. The board itself (the MicroPython VM) runs in a worker
// thread. A Ctrl-C for a running program is set straight into the VM's shared memory, as a UART
// interrupt handler sets it (see shared-memory.ts); one the VM does not take within a grace period
// (it is stuck inside C code) ends that thread and boots a fresh VM, as a hard reset ends a stuck board.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { BufferedStream } from "../byte-stream.js";
import { TimeoutError, TransportError, UsageError } from "../../errors.js";
import { ByteRing, createRingBuffers } from "./byte-ring.js";
import { workerScriptPath } from "./worker-script.js";
import { FIRMWARE_PROFILES, firmwareProfile, type FirmwareProfile } from "./firmware.js";
import type { WorkerConfig, WorkerMessage } from "./vm-worker.js";
import { wasmApi, type WasmModule } from "./wasm-api.js";
import { STATUS_RUNNING, STATUS_WORDS } from "./worker-status.js";
import {
  interruptChar,
  interruptPending,
  raiseKeyboardInterrupt,
  withSharedMemory,
  type InterruptCells,
} from "./shared-memory.js";

export interface VirtualBoardOptions {
  /** The board's filesystem: a host directory (created if missing). */
  dir: string;
  /** How long a Ctrl-C may go unnoticed by a running program before the board is hard-reset (ms). */
  interruptGraceMs?: number;
  /** Send program output lines ending in \r\n as a serial board does (default true). */
  crlf?: boolean;
  /** Raw-paste flow-control window (bytes, default 256). */
  rawPasteWindow?: number;
  /** Longest program raw-paste accepts before asking the host to stop (bytes, default 4 MiB). */
  maxProgram?: number;
  /** MicroPython heap (bytes, default 1 MiB; the VM may grow it). */
  heapBytes?: number;
  /** Notes from the board (host files it would not mirror, hard resets). */
  onNotice?: (message: string) => void;
  /** Python run at every boot, after the board's own shims (simulators give the board an identity). */
  prelude?: string;
  /** Called when a program calls machine.reset() (the VM then reboots itself). */
  onMachineReset?: () => void;
  /** Play an old release (firmware.ts: "1.8.4", "cp-2.3.1" ...) instead of the VM's own 1.27. */
  firmware?: string;
}

const BOOT_TIMEOUT_MS = 15_000;
const WRITE_STALL_MS = 10_000;
const MAX_CRASH_REBOOTS = 3;

function micropythonModulePath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve("@micropython/micropython-webassembly-pyscript");
}

let compiled: Promise<WasmModule | undefined> | null = null;
/** Interrupt cell addresses are fixed for a module: found by the first worker, reused by the rest. */
let knownCells: InterruptCells | undefined;

/** The VM's module with shared memory, compiled once per process (undefined: use the package as is). */
function vmWasmModule(): Promise<WasmModule | undefined> {
  compiled ??= (async () => {
    try {
      const wasm = fs.readFileSync(path.join(path.dirname(micropythonModulePath()), "micropython.wasm"));
      const shared = withSharedMemory(wasm);
      return shared ? await wasmApi.compile(shared) : undefined;
    } catch {
      return undefined;
    }
  })();
  return compiled;
}

export class VirtualBoardStream extends BufferedStream {
  readonly description: string;
  private worker: Worker | null = null;
  private ring: ByteRing | null = null;
  private outRing: ByteRing | null = null;
  /** Shared with the worker: [STATUS_RUNNING] is 1 while the VM executes Python code. */
  private status: Int32Array | null = null;
  private generation = 0;
  private resetting: Promise<void> | null = null;
  private hardResets = 0;
  private crashes = 0;
  /** The running VM's memory and interrupt cells, when it shares them. */
  private vmMemory: { mem: Int32Array; cells: InterruptCells } | null = null;

  private constructor(
    private readonly opts: Required<Omit<VirtualBoardOptions, "onNotice" | "prelude" | "onMachineReset" | "firmware">> &
      Pick<VirtualBoardOptions, "onNotice" | "prelude" | "onMachineReset"> & { firmware: FirmwareProfile | null },
    private readonly scriptPath: string,
  ) {
    super();
    this.description = `virtual board at ${opts.dir}${opts.firmware ? ` (as ${opts.firmware.name})` : ""}`;
  }

  static async open(options: VirtualBoardOptions): Promise<VirtualBoardStream> {
    const dir = path.resolve(options.dir);
    // The board may be wiped with `rm -r :/`: never let that be the whole disk or a home directory.
    if (dir === path.parse(dir).root || dir === path.resolve(os.homedir())) {
      throw new UsageError(`${dir} cannot be a virtual board's filesystem (choose a directory of its own)`);
    }
    try {
      fs.mkdirSync(dir, { recursive: true });
      if (!fs.statSync(dir).isDirectory()) throw new Error("not a directory");
    } catch (e) {
      throw new TransportError(`virtual board directory ${dir}: ${(e as Error).message}`);
    }
    let firmware: FirmwareProfile | null = null;
    if (options.firmware !== undefined) {
      firmware = firmwareProfile(options.firmware) ?? null;
      if (!firmware) {
        throw new UsageError(`virtual board: unknown firmware "${options.firmware}" (known: ${Object.keys(FIRMWARE_PROFILES).join(", ")})`);
      }
    }
    const board = new VirtualBoardStream(
      {
        dir,
        interruptGraceMs: options.interruptGraceMs ?? 500,
        crlf: options.crlf ?? true,
        rawPasteWindow: options.rawPasteWindow ?? 256,
        maxProgram: options.maxProgram ?? 4 * 1024 * 1024,
        heapBytes: options.heapBytes ?? 1024 * 1024,
        onNotice: options.onNotice,
        prelude: options.prelude,
        onMachineReset: options.onMachineReset,
        firmware,
      },
      await workerScriptPath(),
    );
    await board.startWorker("power", await vmWasmModule());
    return board;
  }

  /** How many times a stuck program forced a hard reset. */
  get hardResetCount(): number {
    return this.hardResets;
  }

  private startWorker(bootKind: WorkerConfig["boot"], wasmModule?: WasmModule): Promise<void> {
    const input = createRingBuffers();
    const output = createRingBuffers();
    const status = new SharedArrayBuffer(4 * STATUS_WORDS);
    const config: WorkerConfig = {
      vmModulePath: micropythonModulePath(),
      dir: this.opts.dir,
      input,
      output,
      status,
      boot: bootKind,
      crlf: this.opts.crlf,
      window: this.opts.rawPasteWindow,
      maxProgram: this.opts.maxProgram,
      heapBytes: this.opts.heapBytes,
      firmware: this.opts.firmware,
      wasmModule,
      cells: knownCells,
      prelude: this.opts.prelude,
    };
    this.vmMemory = null;
    const worker = new Worker(this.scriptPath, { workerData: config });
    const generation = ++this.generation;
    this.worker = worker;
    this.ring = new ByteRing(input);
    this.status = new Int32Array(status);
    this.outRing?.wake(); // the previous VM's reader stops
    this.outRing = new ByteRing(output);
    void this.receive(this.outRing, generation);
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (!ready) fail(`the VM did not start within ${BOOT_TIMEOUT_MS / 1000} s`);
      }, BOOT_TIMEOUT_MS);
      const current = (): boolean => generation === this.generation;
      const fail = (msg: string): void => {
        clearTimeout(timer);
        if (!ready) {
          ready = true;
          void worker.terminate();
          reject(new TransportError(`${this.description}: ${msg}`));
        } else if (current() && !this.isClosed) {
          // A crashed board reboots; one that keeps crashing is given up on.
          if (++this.crashes <= MAX_CRASH_REBOOTS) void this.hardReset(`the VM crashed (${msg}): hard reset`);
          else this.linkClosed(msg);
        }
      };
      worker.on("message", (m: WorkerMessage) => {
        if (!current()) return;
        switch (m.t) {
          case "ready":
            ready = true;
            clearTimeout(timer);
            resolve();
            break;
          case "memory":
            knownCells ??= m.cells;
            this.vmMemory = { mem: new Int32Array(m.buffer), cells: m.cells };
            break;
          case "warn":
            this.opts.onNotice?.(m.msg);
            break;
          case "machine-reset":
            this.opts.onMachineReset?.();
            break;
          case "fatal":
            fail(`the VM failed: ${m.msg}`);
            break;
        }
      });
      worker.on("error", (e) => current() && fail(`the VM failed: ${e.message}`));
      worker.on("exit", (code) => current() && !this.isClosed && fail(`the VM stopped (exit ${code})`));
    });
  }

  /** Move what the board prints into the stream, for as long as this VM generation lives. */
  private async receive(out: ByteRing, generation: number): Promise<void> {
    while (generation === this.generation && !this.isClosed) {
      const bytes = out.takeAll();
      if (bytes.length > 0) this.push(bytes);
      else await out.dataArrival(250);
    }
  }

  protected async writeBytes(bytes: Uint8Array): Promise<void> {
    const data = this.interruptFirst(bytes);
    let offset = 0;
    const stallDeadline = () => Date.now() + WRITE_STALL_MS;
    let deadline = stallDeadline();
    while (offset < data.length) {
      if (this.resetting) await this.resetting;
      const ring = this.ring!;
      const start = ring.written;
      const n = ring.put(data, offset);
      if (n > 0) {
        this.watchInterrupts(data.subarray(offset, offset + n), start);
        this.worker!.postMessage({ t: "nudge" });
        offset += n;
        deadline = stallDeadline();
        continue;
      }
      if (this.isClosed) throw new TransportError(`${this.description}: closed`);
      if (Date.now() > deadline) throw new TimeoutError(`${this.description}: the board stopped reading input`);
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /**
   * The running program's interrupt character is handled here, as a UART interrupt handler would:
   * the KeyboardInterrupt is set in the VM's memory at once and the byte is not queued. Returns the
   * bytes that remain for the input line.
   */
  private interruptFirst(chunk: Uint8Array): Uint8Array {
    const vm = this.vmMemory;
    if (!vm) return chunk;
    const ichar = interruptChar(vm.mem, vm.cells);
    if (ichar < 0 || !chunk.includes(ichar)) return chunk;
    raiseKeyboardInterrupt(vm.mem, vm.cells);
    this.watchPendingInterrupt(vm);
    return chunk.filter((b) => b !== ichar);
  }

  /** A KeyboardInterrupt still not raised after the grace period: the VM is stuck outside its loop. */
  private watchPendingInterrupt(vm: { mem: Int32Array; cells: InterruptCells }): void {
    const generation = this.generation;
    setTimeout(() => {
      if (generation !== this.generation || this.isClosed || this.resetting || this.vmMemory !== vm) return;
      if (interruptPending(vm.mem, vm.cells)) void this.hardReset();
    }, this.opts.interruptGraceMs).unref();
  }

  /** A Ctrl-C the board has not taken off the line after the grace period means a stuck VM. */
  private watchInterrupts(chunk: Uint8Array, startPosition: number): void {
    const at = chunk.lastIndexOf(0x03);
    if (at < 0) return;
    const position = (startPosition + at + 1) | 0;
    const generation = this.generation;
    const check = (): void => {
      if (generation !== this.generation || this.isClosed || this.resetting) return;
      if (this.ring!.hasTaken(position)) return;
      // Only a VM stuck in Python code is reset; one still booting takes the byte when it is done.
      if (this.status && Atomics.load(this.status, STATUS_RUNNING) === 1) void this.hardReset();
      else setTimeout(check, this.opts.interruptGraceMs).unref();
    };
    setTimeout(check, this.opts.interruptGraceMs).unref();
  }

  /** End the VM thread whatever it is doing and boot a fresh VM (without boot.py/main.py). */
  hardReset(why = "the running program did not react to Ctrl-C: hard reset"): Promise<void> {
    this.resetting ??= (async () => {
      this.hardResets++;
      this.opts.onNotice?.(why);
      const old = this.worker;
      this.generation++; // silence the old worker's last messages
      await old?.terminate();
      try {
        await this.startWorker("safe", await vmWasmModule());
      } catch (e) {
        this.linkClosed((e as Error).message);
      }
    })().finally(() => {
      this.resetting = null;
    });
    return this.resetting;
  }

  protected async closeLink(): Promise<void> {
    this.generation++;
    this.outRing?.wake();
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
