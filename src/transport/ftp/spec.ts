// `ftp://[user[:password]@]host[:port]`: where an FTP server listens and who to log in as. The
// password never appears in `description` (that string goes into messages).
import { UsageError } from "../../errors.js";

export const FTP_DEFAULT_PORT = 21;
/** The WiPy's login (the seed notes); asked for when the spec names no user. */
export const FTP_DEFAULT_USER = "micro";
export const FTP_DEFAULT_PASSWORD = "python";

export interface FtpTarget {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `ftp://user@host:port`, for messages. */
  description: string;
}

function decodePart(part: string, spec: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`bad device spec "${redactSpec(spec)}": bad %-escape in the login part`);
  }
}

/** The spec with any password replaced, for messages about the spec itself. */
export function redactSpec(spec: string): string {
  return spec.replace(/^(ftp:\/\/[^:@/]*):[^@/]*@/, "$1:***@");
}

export function describeTarget(host: string, port: number, user: string): string {
  return `ftp://${encodeURIComponent(user)}@${host.includes(":") ? `[${host}]` : host}:${port}`;
}

export function parseFtpSpec(spec: string, defaults: { user?: string; password?: string } = {}): FtpTarget {
  const expected = "expected ftp://[user[:password]@]host[:port]";
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new UsageError(`bad device spec "${redactSpec(spec)}": ${expected}`);
  }
  if (url.protocol !== "ftp:" || !url.hostname || (url.pathname !== "" && url.pathname !== "/") || url.search || url.hash) {
    throw new UsageError(`bad device spec "${redactSpec(spec)}": ${expected}`);
  }
  const port = url.port === "" ? FTP_DEFAULT_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad device spec "${redactSpec(spec)}": port out of range`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const user = url.username ? decodePart(url.username, spec) : (defaults.user ?? FTP_DEFAULT_USER);
  const password = url.password ? decodePart(url.password, spec) : (defaults.password ?? FTP_DEFAULT_PASSWORD);
  if (/[\r\n]/.test(user + password)) throw new UsageError("an FTP user or password cannot contain a line break");
  return { host, port, user, password, description: describeTarget(host, port, user) };
}
