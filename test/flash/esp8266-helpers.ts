// Shared by the ESP8266 tests: a simulator on a TCP port and the real `tspy esptool` / `tspy flash`
// command objects run with captured output.
import { Esp8266Server, type ServerOptions } from "../../fixtures/esp8266/server.js";
import { esptoolCommand, flashCommand } from "../../src/cli/esptool.js";
import { runCommandInProcess, type InProcessResult } from "../helpers/in-process-cli.js";

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

export type CliResult = InProcessResult;

export function runCli(which: "esptool" | "flash", args: string[], opts: { tty?: boolean; device?: string } = {}): Promise<CliResult> {
  return runCommandInProcess(which === "esptool" ? esptoolCommand : flashCommand, args, opts);
}
