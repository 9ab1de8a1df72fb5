// `ws://[:password@]host[:port][/path]` (and wss://): where a WebREPL listens and its password.
import { UsageError } from "../../errors.js";

export const WEBREPL_DEFAULT_PORT = 8266;
/** The board keeps at most 9 characters (modwebrepl.c: a 10-byte buffer with its NUL). */
export const WEBREPL_MAX_PASSWORD = 9;

export interface WebReplTarget {
  /** The URL handed to the WebSocket client, without the password. */
  url: string;
  host: string;
  port: number;
  secure: boolean;
  password?: string;
}

const SPEC = /^(wss?):\/\/(?:([^@/?#]*)@)?(\[[^\]]+\]|[^:/?#@]+)(?::(\d+))?(\/[^?#]*)?$/;

function decodePart(part: string, spec: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`bad device spec "${spec}": bad %-escape in the password`);
  }
}

export function parseWebReplSpec(spec: string): WebReplTarget {
  const m = SPEC.exec(spec);
  if (!m) throw new UsageError(`bad device spec "${spec}": expected ws://[:PASSWORD@]host[:port][/path]`);
  const [, scheme, userinfo, hostPart, portText, pathPart] = m;
  const secure = scheme === "wss";
  // URLs' default for wss is 443; a WebREPL served through a TLS proxy is usually there.
  const port = portText === undefined ? (secure ? 443 : WEBREPL_DEFAULT_PORT) : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad device spec "${spec}": port out of range`);
  const host = hostPart.replace(/^\[(.*)\]$/, "$1");
  const target: WebReplTarget = {
    url: `${scheme}://${hostPart}:${port}${pathPart ?? "/"}`,
    host,
    port,
    secure,
  };
  if (userinfo !== undefined && userinfo !== "") {
    // WebREPL has no user name: `:PASSWORD@` is the documented form, a lone `PASSWORD@` means the same.
    const colon = userinfo.indexOf(":");
    target.password = decodePart(colon >= 0 ? userinfo.slice(colon + 1) : userinfo, spec);
  }
  return target;
}
