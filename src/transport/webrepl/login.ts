// The WebREPL password exchange (modwebrepl.c): the board sends `Password: `, we answer with the
// password and `\r`; `WebREPL connected` lets us in, `Access denied` is followed by the board closing.
import { TimeoutError, TransportError } from "../../errors.js";
import type { ByteStream } from "../byte-stream.js";

export const PASSWORD_PROMPT = "Password: ";
const CONNECTED = "WebREPL connected";
const DENIED = "Access denied";

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

function loginFailed(why: string): TransportError {
  return new TransportError(`webrepl login failed: ${why}`);
}

function explain(e: unknown, waitingFor: string, timeoutMs: number): unknown {
  if (e instanceof TimeoutError) return loginFailed(`no ${waitingFor} within ${timeoutMs / 1000} s`);
  if (e instanceof TransportError) return loginFailed(e.message);
  return e;
}

export async function webreplLogin(stream: ByteStream, password: string, timeoutMs = 5000): Promise<void> {
  try {
    await stream.readUntil(PASSWORD_PROMPT, timeoutMs, "waiting for the WebREPL password prompt");
  } catch (e) {
    throw explain(e, `"${PASSWORD_PROMPT.trim()}" prompt`, timeoutMs);
  }
  await stream.write(Buffer.from(`${password}\r`, "utf8"));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let line: string;
    try {
      line = latin1(await stream.readUntil("\r\n", Math.max(1, deadline - Date.now()), "waiting for the WebREPL login result"));
    } catch (e) {
      throw explain(e, `"${CONNECTED}"`, timeoutMs);
    }
    if (line.includes(CONNECTED)) return;
    if (line.includes(DENIED)) throw loginFailed(`the board answered "${DENIED}" (wrong password?)`);
  }
}
