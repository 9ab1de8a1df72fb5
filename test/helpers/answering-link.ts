// A link in front of a board on which a test answers chosen raw-REPL programs itself: the board never
// runs them (its raw REPL's line is cleared with Ctrl-C, which it does silently) and the host reads the
// test's answer instead, e.g. the MemoryError of a board whose heap is too fragmented for a program.
import { BufferedStream, type ByteStream } from "../../src/transport/byte-stream.js";

const CTRL_A = 0x01;
const CTRL_C = 0x03;
const CTRL_D = 0x04;

/** What the board would send for `program` (from `OK` to the prompt), or null to let it run. */
export type Answer = (program: Buffer) => string | null;

export class AnsweringLink extends BufferedStream {
  readonly description: string;
  private program: number[] = [];
  private open = true;

  constructor(
    private readonly inner: ByteStream,
    private readonly answer: Answer,
  ) {
    super();
    this.description = `${inner.description} (some programs answered by the test)`;
    void this.relay();
  }

  private async relay(): Promise<void> {
    while (this.open) {
      const got = await this.inner.readSome(50).catch(() => new Uint8Array());
      if (got.length) this.push(got);
    }
  }

  protected async writeBytes(data: Uint8Array): Promise<void> {
    for (const byte of data) {
      const reply = byte === CTRL_D && this.program.length ? this.answer(Buffer.from(this.program)) : null;
      if (reply !== null) {
        await this.inner.write(Uint8Array.of(CTRL_C));
        this.push(Buffer.from(reply, "latin1"));
        this.program = [];
        continue;
      }
      if (byte === CTRL_A || byte === CTRL_C || byte === CTRL_D) this.program = [];
      else this.program.push(byte);
      await this.inner.write(Uint8Array.of(byte));
    }
  }

  protected async closeLink(): Promise<void> {
    this.open = false;
    await this.inner.close();
  }
}
