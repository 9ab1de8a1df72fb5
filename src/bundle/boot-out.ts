// boot_out.txt, which CircuitPython writes at every boot: its first line names the release and the board,
// e.g. `Adafruit CircuitPython 9.2.1 on 2024-11-20; Adafruit Feather M4 Express with samd51j19`, and
// newer releases add a `Board ID:` line.
import { NotCircuitPythonError } from "./errors.js";

export interface CircuitPythonInfo {
  /** "9.2.1", "10.0.0-beta.2". */
  version: string;
  major: number;
  /** The board's description after the `;`, or "" when absent. */
  board: string;
  /** From a `Board ID:` line, or "". */
  boardId: string;
}

export function parseBootOut(text: string): CircuitPythonInfo {
  const lines = text.split(/\r?\n/);
  const first = lines[0] ?? "";
  const m = /CircuitPython\s+(\S+)\s+on\s+[^;]*(?:;\s*(.*))?$/.exec(first.trim());
  if (!m) throw new NotCircuitPythonError(`boot_out.txt does not name a CircuitPython release: ${JSON.stringify(first.slice(0, 80))}`);
  const id = lines.find((l) => l.startsWith("Board ID:"));
  return infoFromVersion(m[1]!, (m[2] ?? "").trim(), id ? id.slice("Board ID:".length).trim() : "");
}

/** From a version the user gave (`--cpy-version 9.2.1`) or boot_out.txt. */
export function infoFromVersion(version: string, board = "", boardId = ""): CircuitPythonInfo {
  const major = Number(/^(\d+)/.exec(version)?.[1]);
  if (!Number.isInteger(major)) throw new NotCircuitPythonError(`not a CircuitPython version: ${version}`);
  return { version, major, board, boardId };
}
