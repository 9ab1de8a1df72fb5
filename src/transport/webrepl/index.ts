// `ws://[:PASSWORD@]host[:port][/path]`: the opener connect.ts loads for WebREPL links.
import { UsageError } from "../../errors.js";
import type { ByteStream } from "../byte-stream.js";
import type { OpenOptions } from "../connect.js";
import { webreplLogin } from "./login.js";
import { WEBREPL_MAX_PASSWORD, parseWebReplSpec } from "./spec.js";
import { WebReplStream } from "./webrepl-stream.js";

export { WebReplStream, WebReplFileChannel } from "./webrepl-stream.js";
export { parseWebReplSpec } from "./spec.js";
export { webreplGet, webreplPut, webreplVersion, isWebRepl } from "./file-transfer.js";

/** Password precedence: the spec, then the caller's options, then $WEBREPL_PASSWORD. */
export function choosePassword(fromSpec: string | undefined, opts: OpenOptions, env: NodeJS.ProcessEnv = process.env): string {
  const password = fromSpec ?? opts.password ?? env.WEBREPL_PASSWORD;
  if (password === undefined || password === "") {
    throw new UsageError("WebREPL needs a password: ws://:PASSWORD@host[:port], or set WEBREPL_PASSWORD");
  }
  if (Buffer.byteLength(password, "utf8") > WEBREPL_MAX_PASSWORD) {
    throw new UsageError(`WebREPL passwords have at most ${WEBREPL_MAX_PASSWORD} bytes (the board keeps no more)`);
  }
  if (/[\r\n]/.test(password)) throw new UsageError("a WebREPL password cannot contain a line break");
  return password;
}

export async function open(spec: string, opts: OpenOptions = {}): Promise<ByteStream> {
  const target = parseWebReplSpec(spec);
  const password = choosePassword(target.password, opts);
  const hostPart = target.host.includes(":") ? `[${target.host}]` : target.host;
  const description = `${target.secure ? "wss" : "ws"}://${hostPart}:${target.port}`;
  const stream = await WebReplStream.connect(target.url, description);
  try {
    await webreplLogin(stream, password);
  } catch (e) {
    await stream.close().catch(() => undefined);
    throw e;
  }
  return stream;
}
