// The WiPy-style telnet login, as pyboard.py performs it: `Login as:` → user, `Password:` → password,
// then the REPL banner line `Type "help()" for more information.` means the board let us in.
import { TimeoutError, TransportError } from "../../errors.js";
import type { ByteStream } from "../byte-stream.js";

export const LOGGED_IN_LINE = 'Type "help()" for more information.';
/** Lines a board prints when it turns a login down (the WiPy's, and the usual Unix wording). */
const REFUSAL = /invalid|incorrect|denied|failed|wrong/i;

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

function loginFailed(why: string): TransportError {
  return new TransportError(`telnet login failed: ${why}`);
}

async function expectPrompt(stream: ByteStream, prompt: string, timeoutMs: number): Promise<void> {
  try {
    await stream.readUntil(prompt, timeoutMs, `waiting for "${prompt}"`);
  } catch (e) {
    if (e instanceof TimeoutError) throw loginFailed(`no "${prompt}" prompt within ${timeoutMs / 1000} s (is this a telnet REPL?)`);
    if (e instanceof TransportError) throw loginFailed(e.message);
    throw e;
  }
}

export async function telnetLogin(stream: ByteStream, user: string, password: string, timeoutMs = 5000): Promise<void> {
  await expectPrompt(stream, "Login as:", timeoutMs);
  await stream.write(Buffer.from(`${user}\r\n`, "utf8"));
  await expectPrompt(stream, "Password:", timeoutMs);
  await stream.write(Buffer.from(`${password}\r\n`, "utf8"));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let line: string;
    try {
      line = latin1(await stream.readUntil("\n", Math.max(1, deadline - Date.now()), "waiting for the login result")).trim();
    } catch (e) {
      if (e instanceof TimeoutError) throw loginFailed(`no '${LOGGED_IN_LINE}' within ${timeoutMs / 1000} s after the password`);
      if (e instanceof TransportError) throw loginFailed(e.message);
      throw e;
    }
    if (line.includes(LOGGED_IN_LINE)) return;
    if (REFUSAL.test(line)) throw loginFailed(`the board answered "${line}" (user "${user}"; wrong user or password?)`);
  }
}
