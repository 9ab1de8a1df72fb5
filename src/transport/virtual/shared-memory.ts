// Ctrl-C for a program that never calls out of the VM (`while True: pass`). The VM checks a "pending
// exception" word in its own memory at every backward jump, which is how a board's UART interrupt
// handler stops it. Here the handler is the host thread: the WebAssembly module is loaded with its
// memory marked shared (one flag bit in the module's memory section, patched in memory at load time),
// so the host thread can set that word while the VM thread spins. The addresses of the words are found
// once by watching which memory cells the VM's own exported functions change.

/** Byte addresses of the VM state the interrupt path touches. */
export interface InterruptCells {
  /** MP_STATE_THREAD(mp_pending_exception) */
  pending: number;
  /** The preallocated KeyboardInterrupt object (the value written to `pending`). */
  exception: number;
  /** MP_STATE_VM(sched_state), or -1 if none was seen to change. */
  sched: number;
  /** The current interrupt character (mp_interrupt_char). */
  ichar: number;
}

const SCHED_IDLE = 1;
const SCHED_PENDING = 0;
/** mp_obj_exception_t on wasm32: base (4), traceback alloc/len (4), traceback_data (4), args. */
const TRACEBACK_DATA_OFFSET = 8;

function readLeb(buf: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let b: number;
  do {
    b = buf[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return { value, next: at };
}

/**
 * A copy of the module with its (single, defined, bounded) memory marked shared, or null when the
 * module is not shaped that way (then Ctrl-C falls back to the slower paths).
 */
export function withSharedMemory(wasm: Uint8Array): Uint8Array | null {
  if (wasm.length < 8 || wasm[0] !== 0x00 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) return null;
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const size = readLeb(wasm, at + 1);
    const body = size.next;
    if (id === 5) {
      const count = readLeb(wasm, body);
      const flagsAt = count.next;
      // Exactly one memory, with a maximum (shared memories need one), not already shared or 64-bit.
      if (count.value !== 1 || wasm[flagsAt] !== 0x01) return null;
      const out = Uint8Array.from(wasm);
      out[flagsAt] = 0x03;
      return out;
    }
    at = body + size.value;
  }
  return null;
}

/**
 * The VM's state lives in static data near the start of its memory (a few hundred KB in this build);
 * snapshots cover this much so as not to copy the whole heap. Cells beyond it are simply not found,
 * and Ctrl-C falls back to the slower paths.
 */
const STATIC_WINDOW_BYTES = 2 * 1024 * 1024;

/** Word indexes whose value differs between two snapshots. */
function changedWords(before: Int32Array, after: Int32Array): number[] {
  const n = Math.min(before.length, after.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (before[i] !== after[i]) out.push(i);
  return out;
}

/**
 * Find the interrupt cells of a freshly booted, idle VM by running its own functions and watching
 * memory. Everything changed is put back. Returns null if the picture is not the expected one.
 */
export function findInterruptCells(
  memory: () => Int32Array,
  schedKeyboardInterrupt: () => void,
  setInterruptChar: (c: number) => void,
  getInterruptChar: () => number,
): InterruptCells | null {
  // Pending exception and scheduler state: what mp_sched_keyboard_interrupt() writes.
  const window = (): Int32Array => {
    const m = memory();
    return m.subarray(0, Math.min(m.length, STATIC_WINDOW_BYTES / 4));
  };
  let before = window().slice();
  schedKeyboardInterrupt();
  let mem = window();
  const changed = changedWords(before, mem);
  let pending = -1;
  let exception = 0;
  let sched = -1;
  for (const i of changed) {
    if (before[i] === 0 && mem[i] > 0) {
      if (pending >= 0) return restore(before, mem, changed, null);
      pending = i * 4;
      exception = mem[i];
    } else if (before[i] === SCHED_IDLE && mem[i] === SCHED_PENDING) {
      sched = i * 4;
    }
  }
  restore(before, mem, changed, null);
  if (pending < 0) return null;

  // The interrupt character: the one cell that held the current value and follows kbd_intr through
  // two distinct values (a stack slot holding the argument may follow too, but did not hold it).
  const initial = getInterruptChar();
  before = window().slice();
  setInterruptChar(0x4d);
  mem = window();
  const candidates = changedWords(before, mem).filter((i) => mem[i] === 0x4d && before[i] === initial);
  setInterruptChar(0x4e);
  mem = window();
  const hits = candidates.filter((i) => mem[i] === 0x4e);
  setInterruptChar(initial);
  if (hits.length !== 1 || getInterruptChar() !== initial) return null;
  return { pending, exception, sched, ichar: hits[0] * 4 };
}

function restore(before: Int32Array, mem: Int32Array, words: number[], result: null): null {
  for (const i of words) mem[i] = before[i];
  return result;
}

/** The interrupt character the running program has set (-1: none, e.g. outside program execution). */
export function interruptChar(mem: Int32Array, cells: InterruptCells): number {
  return Atomics.load(mem, cells.ichar >> 2);
}

/** Is a KeyboardInterrupt scheduled and not yet raised? */
export function interruptPending(mem: Int32Array, cells: InterruptCells): boolean {
  return Atomics.load(mem, cells.pending >> 2) !== 0;
}

/** What mp_sched_keyboard_interrupt() does, done from another thread. */
export function raiseKeyboardInterrupt(mem: Int32Array, cells: InterruptCells): void {
  Atomics.store(mem, (cells.exception + TRACEBACK_DATA_OFFSET) >> 2, 0);
  Atomics.store(mem, cells.pending >> 2, cells.exception);
  if (cells.sched >= 0) Atomics.compareExchange(mem, cells.sched >> 2, SCHED_IDLE, SCHED_PENDING);
}

/** Drop a KeyboardInterrupt that is scheduled and not yet raised. */
export function clearKeyboardInterrupt(mem: Int32Array, cells: InterruptCells): void {
  Atomics.store(mem, cells.pending >> 2, 0);
  if (cells.sched >= 0) Atomics.compareExchange(mem, cells.sched >> 2, SCHED_PENDING, SCHED_IDLE);
}
