// Shared by the ESP8266 tests: a simulator on a TCP port and the real `tspy esptool` / `tspy flash`
// command objects run with captured output.
import { Writable } from "node:stream";
import { Esp8266Server, type ServerOptions } from "../../fixtures/esp8266/server.js";
import type { CliContext } from "../../src/cli/command.js";
import { esptoolCommand, flashCommand } from "../../src/cli/esptool.js";

export interface SimHandle {
  server: Esp8266Server;
  url: string;
  close(): Promise<void>;
}

export async function startSim(opts: Partial<ServerOptions> = {}): Promise<SimHandle> {
  const server = new Esp8266Server({ host: "127.0.0.1", port: 0, baud: 115200, pace: false, persist: false, sim: {}, ...opts });
  const where = await server.listen();
  return { server, url: `tcp://${where.host}:${where.port}`, close: () => server.close() };
}

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
  error?: Error & { exitCode?: number };
}

export async function runCli(which: "esptool" | "flash", args: string[], opts: { tty?: boolean; device?: string } = {}): Promise<CliResult> {
  const out = new Capture(false);
  const err = new Capture(opts.tty ?? false);
  const ctx: CliContext = {
    device: opts.device ?? "auto",
    baud: 115200,
    stream: () => Promise.reject(new Error("not used")),
    repl: () => Promise.reject(new Error("not used")),
    reconnect: () => Promise.reject(new Error("not used")),
    out,
    err,
  };
  const cmd = which === "esptool" ? esptoolCommand : flashCommand;
  try {
    const code = await cmd.run(args, ctx);
    return { code, out: out.text, err: err.text };
  } catch (e) {
    const error = e as Error & { exitCode?: number };
    return { code: error.exitCode ?? 1, out: out.text, err: err.text, error };
  }
}
