// Device specs → links. The one place that knows which spec means which transport, so new schemes
// (telnet://, ws://) slot in here without touching any caller.
import { TransportError, UsageError } from "../errors.js";
import type { ByteStream } from "./byte-stream.js";
import { KNOWN_VENDORS, listPorts } from "./ports.js";

export interface OpenOptions {
  baud?: number;
  /** Login for links that ask for one (telnet, WebREPL password). */
  user?: string;
  password?: string;
  /** Things a link wants the user to know that are not errors (a virtual board's hard reset ...). */
  onNotice?: (message: string) => void;
}

export const DEFAULT_BAUD = 115200;

type Opener = (rest: string, opts: OpenOptions) => Promise<ByteStream>;

function parseHostPort(rest: string, spec: string): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?:(\d+)\/?$/.exec(rest);
  if (!m || !m[1]) throw new UsageError(`bad device spec "${spec}": expected host:port`);
  return { host: m[1], port: Number(m[2]) };
}

async function openTcp(rest: string, spec: string): Promise<ByteStream> {
  const { host, port } = parseHostPort(rest, spec);
  const { TcpStream } = await import("./tcp.js");
  return TcpStream.open(host, port);
}

async function openSerial(path: string, opts: OpenOptions): Promise<ByteStream> {
  const { SerialStream } = await import("./serial.js");
  return SerialStream.open(path, opts.baud ?? DEFAULT_BAUD);
}

/** URL-style schemes. A new transport adds one line here; callers never change. */
const SCHEMES: Record<string, Opener> = {
  "tcp://": (rest) => openTcp(rest, `tcp://${rest}`),
  "socket://": (rest) => openTcp(rest, `socket://${rest}`), // pyserial / esptool spelling
  "telnet://": async (rest, opts) => (await import("./telnet/index.js")).open(`telnet://${rest}`, opts),
  "ws://": async (rest, opts) => (await import("./webrepl/index.js")).open(`ws://${rest}`, opts),
  "wss://": async (rest, opts) => (await import("./webrepl/index.js")).open(`wss://${rest}`, opts),
  "ftp://": () => {
    throw new UsageError(
      "an ftp:// device carries files only (ls, cp, cat, rm, mkdir, rmdir, tree, sync); for exec, run and repl use the board's telnet://HOST",
    );
  },
  "rfc2217://": () => {
    throw new UsageError("rfc2217:// links are not supported; use tcp://host:port to a raw bridge");
  },
};

/** mpremote's shortcuts: a0 → /dev/ttyACM0, u1 → /dev/ttyUSB1, c3 → COM3. */
export function expandShortcut(spec: string): string | null {
  const m = /^([auc])([0-9]+)$/.exec(spec);
  if (!m) return null;
  const n = m[2];
  return m[1] === "a" ? `/dev/ttyACM${n}` : m[1] === "u" ? `/dev/ttyUSB${n}` : `COM${n}`;
}

function looksLikeSerialPath(spec: string): boolean {
  return spec.startsWith("/dev/") || /^COM\d+$/i.test(spec) || spec.startsWith("/") || spec.startsWith("./");
}

/** The first USB serial port with a known board or bridge vendor id (mpremote's `auto`). */
export async function findAutoPort(): Promise<string> {
  const ports = await listPorts();
  const hit = ports.find((p) => p.vid !== undefined && KNOWN_VENDORS.has(p.vid)) ?? ports.find((p) => p.vid !== undefined);
  if (!hit) {
    throw new TransportError(
      "no board found: no USB serial port with a known vendor id (use -d PORT, or --device virtual for the built-in board)",
    );
  }
  return hit.path;
}

/** Resolve a device spec to the thing that will be opened, without opening it (for messages and tests). */
export function describeSpec(spec: string): string {
  return expandShortcut(spec) ?? spec;
}

/** `DIR?key=value&...` → DIR and its options (a `?` inside a directory name needs `?` after it). */
function splitQuery(spec: string): [string, URLSearchParams] {
  const q = spec.lastIndexOf("?");
  if (q < 0 || !/^[\w-]+=/.test(spec.slice(q + 1))) return [spec, new URLSearchParams()];
  return [spec.slice(0, q), new URLSearchParams(spec.slice(q + 1))];
}

export async function openStream(spec: string, opts: OpenOptions = {}): Promise<ByteStream> {
  const s = spec.trim();
  if (s === "") throw new UsageError("empty device spec");
  if (s === "auto") return openSerial(await findAutoPort(), opts);
  if (s === "virtual" || s.startsWith("virtual:")) {
    // Loaded only when asked for: the VM is the heaviest thing tspy has.
    const { openVirtualBoard } = await import("./virtual/index.js");
    // `virtual:DIR?firmware=1.8.4` plays an old release (src/transport/virtual/firmware.ts).
    const [dir, query] = splitQuery(s === "virtual" ? "" : s.slice("virtual:".length));
    const unknown = [...query.keys()].filter((k) => k !== "firmware");
    if (unknown.length) throw new UsageError(`virtual board: unknown option "${unknown[0]}" (known: firmware)`);
    return openVirtualBoard(dir || undefined, { onNotice: opts.onNotice, firmware: query.get("firmware") ?? undefined });
  }
  for (const [prefix, open] of Object.entries(SCHEMES)) {
    if (s.startsWith(prefix)) return open(s.slice(prefix.length), opts);
  }
  if (s.startsWith("port:")) return openSerial(s.slice(5), opts);
  if (s.startsWith("id:")) {
    const serial = s.slice(3);
    const port = (await listPorts()).find((p) => p.serialNumber === serial);
    if (!port) throw new TransportError(`no serial port with USB serial number "${serial}"`);
    return openSerial(port.path, opts);
  }
  const shortcut = expandShortcut(s);
  if (shortcut) return openSerial(shortcut, opts);
  if (looksLikeSerialPath(s)) return openSerial(s, opts);
  throw new UsageError(
    `unknown device "${s}" (expected a serial port like /dev/ttyUSB0 or COM3, a0/u0/c0, auto, id:SERIAL, tcp://host:port, or virtual[:DIR])`,
  );
}
