// `telnet://[user[:password]@]host[:port]`: where to connect and who to log in as.
import { UsageError } from "../../errors.js";

export const TELNET_DEFAULT_PORT = 23;
export const TELNET_DEFAULT_USER = "micro";
export const TELNET_DEFAULT_PASSWORD = "python";

export interface TelnetTarget {
  host: string;
  port: number;
  /** From the spec, if it named one. */
  user?: string;
  password?: string;
  /**
   * `?ftp=PORT` or `?ftp=off`: where the board's FTP server is (files then go over FTP), or that
   * files stay on the REPL. Undefined: try the FTP port, 21.
   */
  ftpPort?: number | null;
}

/** The spec as messages may show it: the password replaced by `***`. */
function hidePassword(spec: string): string {
  return spec.replace(/^(telnet:\/\/[^:@/]*):[^@/]*@/, "$1:***@");
}

function decodePart(part: string, spec: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new UsageError(`bad device spec "${hidePassword(spec)}": bad %-escape in the login part`);
  }
}

export function parseTelnetSpec(spec: string): TelnetTarget {
  const expected = "expected telnet://[user[:password]@]host[:port][?ftp=PORT|off]";
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new UsageError(`bad device spec "${hidePassword(spec)}": ${expected}`);
  }
  const query = [...url.searchParams.keys()];
  const badQuery = query.some((k) => k !== "ftp");
  if (url.protocol !== "telnet:" || !url.hostname || (url.pathname !== "" && url.pathname !== "/") || badQuery || url.hash) {
    throw new UsageError(`bad device spec "${hidePassword(spec)}": ${expected}`);
  }
  const port = url.port === "" ? TELNET_DEFAULT_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad device spec "${hidePassword(spec)}": port out of range`);
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const target: TelnetTarget = { host, port };
  if (url.username) target.user = decodePart(url.username, spec);
  if (url.password) target.password = decodePart(url.password, spec);
  const ftp = url.searchParams.get("ftp");
  if (ftp !== null) {
    const n = Number(ftp);
    if (ftp === "off") target.ftpPort = null;
    else if (Number.isInteger(n) && n >= 1 && n <= 65535) target.ftpPort = n;
    else throw new UsageError(`bad device spec "${hidePassword(spec)}": ?ftp= takes a port or "off"`);
  }
  return target;
}
