// Which way a board's files travel, decided once per connection: `ftp://` devices are files only;
// a `telnet://` board whose host also serves FTP (the WiPy: same login, port 21) moves files over
// FTP while exec/run/repl stay on telnet; everything else goes through the raw REPL (BoardFs).
import { TransportError } from "../errors.js";
import type { RawRepl } from "../raw-repl/raw-repl.js";
import type { FtpTarget } from "../transport/ftp/spec.js";
import type { BoardFiles } from "./board-files.js";

export interface FilesSource {
  device: string;
  /** The login given outside the spec (pyboard's -u/-p). */
  credentials?: { user: string; password: string };
  repl(): Promise<RawRepl>;
  /** Things the user should know that are not errors ("files go over FTP"). */
  notice?: (message: string) => void;
}

export interface OpenedFiles {
  files: BoardFiles;
  /** What carries them, for messages: "ftp://micro@host:21" or "the REPL". */
  via: string;
  close(): Promise<void>;
}

/** How long to try a telnet board's FTP port before going on without it. */
const FTP_PROBE_MS = 2000;

export async function openBoardFiles(src: FilesSource): Promise<OpenedFiles> {
  const spec = src.device.trim();
  if (spec.startsWith("ftp://")) {
    const { parseFtpSpec, FtpClient } = await import("../transport/ftp/index.js");
    const client = await FtpClient.connect(parseFtpSpec(spec, src.credentials));
    const { FtpFs } = await import("./ftp-fs.js");
    const files = await FtpFs.open(client);
    return { files, via: client.description, close: () => files.close() };
  }
  if (spec.startsWith("telnet://")) {
    const companion = await telnetCompanion(spec, src);
    if (companion) return companion;
  }
  const { BoardFs } = await import("./board-fs.js");
  return { files: BoardFs.for(await src.repl()), via: "the REPL", close: async () => undefined };
}

/**
 * The FTP server a `telnet://` board may have beside its REPL: the same host and login, port 21 or
 * the spec's `?ftp=PORT`. null with `?ftp=off`. `explicit`: the spec named the port.
 */
export async function ftpBesideTelnet(
  spec: string,
  credentials?: { user: string; password: string },
): Promise<{ target: FtpTarget; explicit: boolean } | null> {
  const { parseTelnetSpec, TELNET_DEFAULT_USER, TELNET_DEFAULT_PASSWORD } = await import("../transport/telnet/spec.js");
  const { describeTarget, FTP_DEFAULT_PORT } = await import("../transport/ftp/index.js");
  const t = parseTelnetSpec(spec);
  if (t.ftpPort === null) return null;
  const user = t.user ?? credentials?.user ?? TELNET_DEFAULT_USER;
  const password = t.password ?? credentials?.password ?? TELNET_DEFAULT_PASSWORD;
  const port = t.ftpPort ?? FTP_DEFAULT_PORT;
  return { target: { host: t.host, port, user, password, description: describeTarget(t.host, port, user) }, explicit: t.ftpPort !== undefined };
}

/** The FTP server beside a telnet REPL, logged in with the telnet login; null when there is none. */
async function telnetCompanion(spec: string, src: FilesSource): Promise<OpenedFiles | null> {
  const beside = await ftpBesideTelnet(spec, src.credentials);
  if (!beside) return null;
  const { FtpClient } = await import("../transport/ftp/index.js");
  let client;
  try {
    client = await FtpClient.connect(beside.target, { timeoutMs: FTP_PROBE_MS });
  } catch (e) {
    // Asked for by port: say why it failed. Found by trying port 21: quietly use the REPL.
    if (beside.explicit) throw e;
    if (!(e instanceof TransportError) || /login/.test(e.message)) src.notice?.(`${(e as Error).message}; files go over the REPL`);
    return null;
  }
  const { FtpFs } = await import("./ftp-fs.js");
  const { BoardFs } = await import("./board-fs.js");
  const files = await FtpFs.open(client, { statvfs: async () => BoardFs.for(await src.repl()).statvfs() });
  return { files, via: client.description, close: () => files.close() };
}
