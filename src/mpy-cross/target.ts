// Which `--mpy-version` a board loads, from what it says about itself (sys.implementation.name and
// .version). A table of rows, newest first: the first row of the board's flavour whose release is not
// newer than the board's gives the .mpy version. Callers: compile-on-copy, `circup install --compile`.
import { MPY_VERSIONS } from "./mpy-writer.js";

export type Flavour = "micropython" | "circuitpython" | "pycopy";

interface TargetRow {
  readonly flavour: Flavour;
  /** The oldest release [major, minor, micro] this row covers. */
  readonly from: readonly [number, number, number];
  /** The MPY_VERSIONS key its boards load. */
  readonly mpyVersion: string;
}

const TARGETS: readonly TargetRow[] = [
  { flavour: "micropython", from: [1, 23, 0], mpyVersion: "6.3" },
  { flavour: "micropython", from: [1, 22, 0], mpyVersion: "6.2" },
  { flavour: "micropython", from: [1, 20, 0], mpyVersion: "6.1" },
  { flavour: "micropython", from: [1, 19, 0], mpyVersion: "6" },
  { flavour: "micropython", from: [1, 12, 0], mpyVersion: "5" },
  { flavour: "micropython", from: [1, 11, 0], mpyVersion: "4" },
  { flavour: "micropython", from: [1, 9, 3], mpyVersion: "3" },
  { flavour: "micropython", from: [1, 9, 0], mpyVersion: "2" },
  { flavour: "micropython", from: [1, 5, 0], mpyVersion: "0" },
  // Pycopy numbers its releases on its own (3.x); all of them that tspy knows write its .mpy 5 dialect
  { flavour: "pycopy", from: [3, 0, 0], mpyVersion: "pycopy" },
  // CircuitPython: one .mpy flavour per major release
  ...[10, 9, 8, 7, 6, 5, 4, 3, 2].map((major) => ({ flavour: "circuitpython" as const, from: [major, 0, 0] as const, mpyVersion: `cp${major}` })),
];

export interface BoardRelease {
  /** sys.implementation.name: "micropython", "circuitpython" or "pycopy". */
  name: string;
  /** sys.implementation.version (at least major and minor). */
  version: readonly number[];
}

function notNewer(from: readonly number[], version: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) {
    const a = from[i] ?? 0, b = version[i] ?? 0;
    if (a !== b) return a < b;
  }
  return true;
}

/**
 * The MPY_VERSIONS key to compile for a board, or undefined when tspy cannot write what it loads
 * (an unknown implementation, a release older than every row, or a flavour this build lacks).
 */
export function targetForBoard(board: BoardRelease): string | undefined {
  const key = releaseTarget(board);
  return key !== undefined && MPY_VERSIONS[key] !== undefined ? key : undefined;
}

/** The MPY_VERSIONS key a board's release loads, whether or not this build writes it yet. */
export function releaseTarget(board: BoardRelease): string | undefined {
  const flavour = board.name.toLowerCase();
  return TARGETS.find((r) => r.flavour === flavour && notNewer(r.from, board.version))?.mpyVersion;
}

/** The CircuitPython major releases whose .mpy this build writes (e.g. for `bundle build --circuitpython`). */
export function circuitPythonMajors(): number[] {
  return TARGETS.filter((r) => r.flavour === "circuitpython" && MPY_VERSIONS[r.mpyVersion] !== undefined).map((r) => r.from[0]);
}
