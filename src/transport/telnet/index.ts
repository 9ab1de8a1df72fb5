// `telnet://[user[:password]@]host[:port]`: the opener connect.ts loads for telnet links.
import type { ByteStream } from "../byte-stream.js";
import type { OpenOptions } from "../connect.js";
import { telnetLogin } from "./login.js";
import { TELNET_DEFAULT_PASSWORD, TELNET_DEFAULT_USER, parseTelnetSpec } from "./spec.js";
import { TelnetStream } from "./telnet-stream.js";

export { TelnetStream } from "./telnet-stream.js";
export { parseTelnetSpec } from "./spec.js";

export async function open(spec: string, opts: OpenOptions = {}): Promise<ByteStream> {
  const target = parseTelnetSpec(spec);
  const user = target.user ?? opts.user ?? TELNET_DEFAULT_USER;
  const password = target.password ?? opts.password ?? TELNET_DEFAULT_PASSWORD;
  const stream = await TelnetStream.connect(target.host, target.port);
  try {
    await telnetLogin(stream, user, password);
  } catch (e) {
    await stream.close().catch(() => undefined);
    throw e;
  }
  return stream;
}
