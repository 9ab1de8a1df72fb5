// The shape every command group implements. main.ts is the table of these; `+` splits the command
// line into segments and each segment runs one command against one shared connection.
import type { ByteStream } from "../transport/byte-stream.js";
import type { RawRepl } from "../raw-repl/raw-repl.js";
import type { BoardFiles } from "../fs/board-files.js";

export interface CliContext {
  /** The device spec chosen by -d/--device, TSPY_DEVICE, PYBOARD_DEVICE or `connect`, or "auto". */
  device: string;
  baud: number;
  /** Opens the link on first use and keeps it for the rest of the chain. */
  stream(): Promise<ByteStream>;
  /**
   * The board's raw REPL, entered on first use (soft reset once per connection unless `resume`).
   * Left again for the friendly REPL when the chain ends.
   */
  repl(): Promise<RawRepl>;
  /** The board's files, over whatever carries them for this device (FTP or the REPL). */
  files?(): Promise<BoardFiles>;
  /** Replace the connection (the `connect` command). Closes any open link. */
  reconnect(device: string): Promise<void>;
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  /** Fires when the user stops the command (Ctrl-C, SIGTERM, a closed stdout); long work checks it. */
  signal?: AbortSignal;
}

export interface CommandSpec {
  /** The word users type: "exec", "cp", "mpy-cross", "esptool" ... */
  name: string;
  aliases?: string[];
  /** One line for `tspy --help`. */
  summary: string;
  /**
   * true: the command takes the rest of the command line (no `+` chaining), e.g. mpy-cross, esptool.
   * false: its arguments end at the next `+`.
   */
  greedy?: boolean;
  /**
   * mpremote-style chaining without `+`: a command with a fixed number of positional arguments ends
   * after them (`tspy connect a0 exec "x=1" eval x`). Leave undefined for commands that take a list.
   */
  arity?: number;
  /** Parse `args` (everything after the command word) and do the work; resolves to an exit status. */
  run(args: string[], ctx: CliContext): Promise<number>;
}
