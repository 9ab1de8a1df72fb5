// Public entry of the SAM-BA flasher: `tspy bossac …` with bossac's flags and output, for SAMD21
// boards in their Arduino/Adafruit bootloader. The CLI layer hands over argv, streams and a port opener.
import { readFile } from "node:fs/promises";
import { checkHostOutput, writeHostFile } from "../../fs/host-output.js";
import { TspyError, UsageError } from "../../errors.js";
import type { ByteStream } from "../../transport/byte-stream.js";
import { parseBossacArgs, type BossacArgs } from "./args.js";
import { SambaClient } from "./client.js";
import { Samd21Flasher, VerifyError, type Progress } from "./flasher.js";
import { detectSamd21, type Samd21Info } from "./samd21.js";
import { touch1200 } from "./touch.js";

export { SambaClient, SambaProtocolError } from "./client.js";
export { Samd21Flasher, VerifyError } from "./flasher.js";
export { detectSamd21, WrongChipError, NvmError, APP_START } from "./samd21.js";
export { crc16Xmodem } from "./crc16.js";
export { touch1200 } from "./touch.js";
export { parseBossacArgs } from "./args.js";

export class BootloaderGuardError extends TspyError {}

export interface BossacEnv {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Opens a port spec (serial path, tcp://host:port) at a baud rate. */
  open(spec: string, baud: number): Promise<ByteStream>;
  /** The device chosen outside bossac's own --port (tspy -d, TSPY_DEVICE), if any. */
  defaultPort?: string;
  /** Serial port paths present now (for finding the port again after a 1200-baud touch). */
  listPorts?(): Promise<string[]>;
}

export const BOSSAC_HELP = `Usage: tspy bossac [OPTION...] [FILE]
bossac-compatible flasher for SAMD21 boards in their SAM-BA bootloader (Arduino/Adafruit).

  -e, --erase            erase the flash from the offset to the end
  -w, --write            write FILE to the flash
  -v, --verify           verify FILE matches the flash (board-side CRC, then byte compare)
  -r, --read[=SIZE]      read SIZE bytes (all from the offset if not given) into FILE
  -o, --offset=OFFSET    start erase/write/read/verify at OFFSET (page aligned);
                         SAMD21 applications start at 0x2000, after the 8 KB bootloader
  -p, --port=PORT        serial port, or tcp://host:port (default: tspy -d, or auto)
  -U, --usb-port[=BOOL]  accepted for compatibility (the USB binary protocol is always used)
  -a, --arduino-erase    1200-baud touch first: the board restarts into its bootloader
  -b, --boot[=BOOL]      boot from flash (always true on a SAMD21)
  -i, --info             show device information
  -R, --reset            reset the CPU afterwards (starts the application)
  -d, --debug            print the SAM-BA commands
      --force            allow -e/-w over the bootloader without an explicit --offset
  -h, --help             this text

bossac works at offset 0 unless told otherwise, and on a SAMD21 that is the bootloader:
tspy refuses -e/-w there unless --offset (normally --offset=0x2000) or --force is given.
`;

async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new TspyError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(3);
}

/** bossac's progress bar, in pages; drawn only on a terminal. */
function pageProgress(env: BossacEnv, pageSize: number): Progress | undefined {
  if (!env.out.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pages = Math.ceil(total / pageSize);
    const n = Math.ceil(done / pageSize);
    const ticks = Math.floor((n * 30) / Math.max(1, pages));
    if (ticks === last && n !== pages) return;
    last = ticks;
    env.out.write(`\r[${"=".repeat(ticks)}${" ".repeat(30 - ticks)}] ${Math.floor((n * 100) / Math.max(1, pages))}% (${n}/${pages} pages)`);
  };
}

export function formatInfo(chip: Samd21Info, version: string): string[] {
  return [
    `Device       : ${chip.name}`,
    `Version      : ${version}`,
    `Address      : 0x0`,
    `Pages        : ${chip.pages}`,
    `Page Size    : ${chip.pageSize} bytes`,
    `Total Size   : ${chip.flashSize / 1024}KB`,
    `Planes       : 1`,
    `Lock Regions : 16`,
    `Locked       : ${chip.lockedRegions.length ? chip.lockedRegions.join(",") : "none"}`,
    `Security     : ${chip.security}`,
    `Boot Flash   : true`,
    `Bootloader   : ${chip.bootloaderSize / 1024}KB at 0x0 (application at 0x${chip.bootloaderSize.toString(16)}), BOOTPROT protects ${chip.bootprotBytes} bytes`,
  ];
}

/** `tspy bossac ARGS…`: resolves to the exit status. */
export async function runBossac(argv: string[], env: BossacEnv): Promise<number> {
  if (argv.length === 0) throw new UsageError("bossac: you must specify at least one option (tspy bossac --help)");
  const a = parseBossacArgs(argv);
  if (a.help) {
    env.out.write(BOSSAC_HELP);
    return 0;
  }
  // The file is read before the board is touched: a typo must not cost an erase.
  const data = a.write || a.verify ? await readInput(a.file!) : undefined;
  // So is the destination of -r checked: not after minutes of reading.
  if (a.read) checkHostOutput(a.file!, "bossac");
  const say = (line: string) => env.out.write(`${line}\n`);
  let port = a.port ?? env.defaultPort ?? "auto";
  if (a.arduinoErase) {
    if (/^[a-z]+:\/\//.test(port)) throw new UsageError("bossac: -a (1200-baud touch) needs a serial port, not a network link");
    if (!env.listPorts) throw new UsageError("bossac: -a is not available here");
    say(`Touching ${port} at 1200 baud...`);
    port = await touch1200(port, { open: env.open, listPorts: env.listPorts });
    say(`Bootloader on ${port}`);
  }
  const stream = await env.open(port, 921600);
  try {
    const client = new SambaClient(a.debug ? tracing(stream, env) : stream);
    await client.connect();
    const chip = await detectSamd21(client);
    const flasher = new Samd21Flasher(client, chip);
    await run(a, env, flasher, data, say);
    return 0;
  } finally {
    await stream.close().catch(() => undefined);
  }
}

async function run(a: BossacArgs, env: BossacEnv, flasher: Samd21Flasher, data: Buffer | undefined, say: (l: string) => void): Promise<void> {
  const { chip, client } = flasher;
  const offset = a.offset ?? 0;
  if (a.info) for (const l of formatInfo(chip, client.version)) say(l);
  if ((a.erase || a.write) && offset < chip.bootloaderSize && a.offset === undefined && !a.force) {
    throw new BootloaderGuardError(
      `refusing to ${a.erase ? "erase" : "write"} at 0x0: this ${chip.name}'s bootloader occupies 0x0-0x${(chip.bootloaderSize - 1).toString(16)} and would be destroyed; use --offset=0x${chip.bootloaderSize.toString(16)} (the application start), or --force`,
    );
  }
  // Size and alignment are checked before anything is erased.
  if (data) flasher.checkRange(offset, data.length);
  if (a.read) flasher.checkRange(offset, a.readSize);
  const progress = pageProgress(env, chip.pageSize);
  if (a.erase) {
    const t = Date.now();
    say("Erase flash");
    await flasher.erase(offset, progress);
    say(`\nDone in ${seconds(t)} seconds`);
  }
  if (a.write) {
    const t = Date.now();
    say(`Write ${data!.length} bytes to flash (${Math.ceil(data!.length / chip.pageSize)} pages)`);
    await flasher.write(offset, data!, progress);
    say(`\nDone in ${seconds(t)} seconds`);
  }
  if (a.verify) {
    const t = Date.now();
    say(`Verify ${data!.length} bytes of flash`);
    const r = await flasher.verify(offset, data!, progress);
    if (r.pageErrors) throw new VerifyError(`verify failed: ${r.pageErrors} page(s), ${r.byteErrors} byte(s) differ from ${a.file}`);
    say(`\nVerify successful\nDone in ${seconds(t)} seconds`);
  }
  if (a.read) {
    const t = Date.now();
    const size = a.readSize || chip.flashSize - offset;
    say(`Read ${size} bytes from flash`);
    const bytes = await flasher.read(offset, size, progress);
    await writeHostFile(a.file!, bytes, "bossac");
    say(`\nDone in ${seconds(t)} seconds`);
  }
  if (a.boot !== undefined) say(`Set boot flash ${a.boot ? "true" : "false"}`);
  if (a.reset) {
    await flasher.reset();
    say("Reset");
  }
}

/** -d: every command sent, on stderr. */
function tracing(stream: ByteStream, env: BossacEnv): ByteStream {
  const write = stream.write.bind(stream);
  stream.write = async (d) => {
    const text = typeof d === "string" ? d : Buffer.from(d).toString("latin1");
    if (/^[A-Za-z][0-9A-F,]*#$/.test(text)) env.err.write(`SAM-BA ${text}\n`);
    await write(d);
  };
  return stream;
}
