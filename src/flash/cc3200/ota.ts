// A WiPy firmware update over the air, as the seed notes describe and micropython's
// tools/update-wipy.py does it: read the running release over telnet, STOR the image to
// /flash/sys/mcuimg.bin over FTP (the board writes it to its update slot, outside the user
// filesystem, and lists nothing), machine.reset() over telnet, wait for the board to come back,
// and read the release again. The image is checked first (image.ts), so a file that is not a
// CC3200 image never reaches the board.
import { TspyError, TransportError } from "../../errors.js";
import type { FtpClient } from "../../transport/ftp/index.js";
import type { RawRepl } from "../../raw-repl/raw-repl.js";
import { checkCc3200Image, type Cc3200Image } from "./image.js";

/** The updater's special name (ports/cc3200/ftp/updater.c). */
export const UPDATE_PATH = "/flash/sys/mcuimg.bin";

export class OtaError extends TspyError {}

export interface FirmwareId {
  release: string;
  version: string;
}

/** What the update needs from below: a logged-in REPL (again after the reset) and the FTP server. */
export interface OtaLinks {
  /** A fresh telnet login and raw REPL; close() ends it. Throws while the board is down. */
  openRepl(): Promise<{ repl: RawRepl; close(): Promise<void> }>;
  openFtp(): Promise<FtpClient>;
}

export interface OtaOptions {
  /** How long the board may take to come back after the reset (ms, default 60 s). */
  comeBackMs?: number;
  /** Pause between attempts to log in again (ms, default 1 s). */
  retryMs?: number;
  say?: (line: string) => void;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface OtaResult {
  image: Cc3200Image;
  before: FirmwareId;
  after: FirmwareId;
}

/** Safe boot, per the WiPy documentation and bootmgr/main.c's three waits. */
export const SAFE_BOOT_HINT =
  "recover with safe boot: hold GP28 high (3V3) while resetting it; it then skips boot.py and main.py, " +
  "keep GP28 high 3 s longer to start the previous firmware, 6 s longer for the factory one";

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

async function readIdentity(repl: RawRepl): Promise<FirmwareId> {
  const { firmwareIdentity } = await import("../../fs/snippets.js");
  const [release = "", version = ""] = text(await repl.exec(firmwareIdentity, { timeoutMs: 10_000 })).split(/\r?\n/);
  return { release: release.trim(), version: version.trim() };
}

export function describeFirmware(id: FirmwareId): string {
  return id.version && !id.version.includes(id.release) ? `${id.release} (${id.version})` : id.version || id.release;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function otaUpdate(data: Uint8Array, fileName: string, links: OtaLinks, opts: OtaOptions = {}): Promise<OtaResult> {
  const say = opts.say ?? (() => undefined);
  const image = checkCc3200Image(data, fileName);
  say(`${fileName}: CC3200 image, ${image.size} bytes, MD5 ${image.md5} ok, entry 0x${image.entry.toString(16)}${image.version ? `, MicroPython ${image.version}` : ""}`);

  const first = await links.openRepl();
  let before: FirmwareId;
  try {
    before = await readIdentity(first.repl);
    say(`running: ${describeFirmware(before)}`);
    const ftp = await links.openFtp();
    try {
      if (!(await ftp.list("/flash").catch(() => [])).some((e) => e.isDir && e.name === "sys")) {
        await ftp.mkdir("/flash/sys");
      }
      say(`uploading to ${UPDATE_PATH}`);
      await ftp.store(UPDATE_PATH, data, { onProgress: opts.onProgress, signal: opts.signal });
    } finally {
      await ftp.close();
    }
    say("resetting the board");
    const { machineReset } = await import("../../fs/snippets.js");
    await first.repl.start(machineReset);
  } finally {
    await first.close().catch(() => undefined);
  }

  const after = await waitForBoard(links, opts);
  if (after.version === before.version && after.release === before.release && image.version !== before.version) {
    throw new OtaError(
      `the board came back still running ${describeFirmware(before)}: its bootloader refused the new image ` +
        "(the MD5 check failed: damaged on the way?) and started the previous one; run tspy ota again",
    );
  }
  return { image, before, after };
}

/** Log in again until the board answers or the deadline passes. */
async function waitForBoard(links: OtaLinks, opts: OtaOptions): Promise<FirmwareId> {
  const limit = opts.comeBackMs ?? 60_000;
  const deadline = Date.now() + limit;
  let last = "";
  await sleep(Math.min(opts.retryMs ?? 1000, limit));
  while (Date.now() < deadline) {
    if (opts.signal?.aborted) throw new OtaError("interrupted while waiting for the board to come back");
    try {
      const again = await links.openRepl();
      try {
        return await readIdentity(again.repl);
      } finally {
        await again.close().catch(() => undefined);
      }
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      last = e.message;
    }
    await sleep(Math.min(opts.retryMs ?? 1000, Math.max(0, deadline - Date.now())));
  }
  throw new OtaError(
    `the board did not come back within ${Math.round(limit / 1000)} s after the reset${last ? ` (${last})` : ""}; ${SAFE_BOOT_HINT}`,
  );
}
