// Shared by the SAM-BA tests: a simulator on a local TCP port, and `tspy bossac` run in-process.
import { Writable } from "node:stream";
import { SambaServer, type SambaServerOptions } from "../../fixtures/samba/server.js";
import { bossacCommand } from "../../src/cli/bossac.js";
import type { CliContext } from "../../src/cli/command.js";

export interface SambaSim {
  server: SambaServer;
  url: string;
  close(): Promise<void>;
}

export async function startSamba(opts: Partial<SambaServerOptions> = {}): Promise<SambaSim> {
  const server = new SambaServer({ host: "127.0.0.1", port: 0, ...opts });
  const where = await server.listen();
  return { server, url: `tcp://127.0.0.1:${where.port}`, close: () => server.close() };
}

class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

export interface BossacResult {
  code: number;
  out: string;
  err: string;
  error?: Error;
}

export async function runBossacCli(args: string[], device = "auto"): Promise<BossacResult> {
  const out = new Capture();
  const err = new Capture();
  const ctx: CliContext = {
    device,
    baud: 115200,
    stream: () => Promise.reject(new Error("not used")),
    repl: () => Promise.reject(new Error("not used")),
    reconnect: () => Promise.reject(new Error("not used")),
    out,
    err,
  };
  try {
    const code = await bossacCommand.run(args, ctx);
    return { code, out: out.text, err: err.text };
  } catch (e) {
    const error = e as Error & { exitCode?: number };
    return { code: error.exitCode ?? 1, out: out.text, err: err.text, error };
  }
}
