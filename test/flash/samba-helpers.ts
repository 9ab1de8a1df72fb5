// Shared by the SAM-BA tests: a simulator on a local TCP port, and `tspy bossac` run in-process.
import { SambaServer, type SambaServerOptions } from "../../fixtures/samba/server.js";
import { bossacCommand } from "../../src/cli/bossac.js";
import { runCommandInProcess, type InProcessResult } from "../helpers/in-process-cli.js";

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

export type BossacResult = InProcessResult;

export function runBossacCli(args: string[], device = "auto"): Promise<BossacResult> {
  return runCommandInProcess(bossacCommand, args, { device });
}
