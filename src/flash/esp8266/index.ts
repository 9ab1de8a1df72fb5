// Public entry of the ESP8266 flasher: `tspy esptool …` (esptool's commands and flags) and the
// short path `tspy flash FIRMWARE.bin`. The CLI layer hands over argv and output streams.
import { readFile } from "node:fs/promises";
import { checkHostOutput, writeHostFile } from "../../fs/host-output.js";
import { helpFor, parseOrHelp, type CommandDef } from "../../args/index.js";
import { TspyError, UsageError } from "../../errors.js";
import type { ByteStream } from "../../transport/byte-stream.js";
import { ESPTOOL_DEF, OFFLINE, addrFilePairs, esptoolHelp, normaliseFlashSize, parseEsptoolArgs, parseInteger, type EsptoolArgs } from "./args.js";
import { FLASH_FREQS, FLASH_MODES, FLASH_SIZES, flashSizeBytes } from "./chip.js";
import { readElf } from "./elf.js";
import { buildV1, buildV2, describeImage, parseImage, patchFlashParams } from "./image.js";
import { mergeBins } from "./merge.js";
import { canReset } from "./reset.js";
import { EsptoolFatalError } from "./fatal.js";
import * as memory from "./memory.js";
import * as ops from "./operations.js";
import { loadStub } from "./stub.js";
import type { ProgressSink } from "./progress.js";

export { parseEsptoolArgs } from "./args.js";
export { EsptoolFatalError } from "./fatal.js";

export const VERSION_TEXT = "tspy esptool (ESP8266), compatible with esptool.py commands";

export interface EsptoolEnv {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream & { isTTY?: boolean };
  /** Opens a port spec (serial path, tcp://, socket://) at a baud rate. */
  open(spec: string, baud: number): Promise<ByteStream>;
  /** The device chosen outside esptool's own --port (tspy -d, TSPY_DEVICE), if any. */
  defaultPort?: string;
}

function makeIo(env: EsptoolEnv, quietProgress: boolean): ops.Io {
  const sink: ProgressSink = quietProgress ? { write: () => true, isTTY: false } : env.err;
  return { out: (l) => env.out.write(`${l}\n`), write: (t) => env.out.write(t), tty: env.out.isTTY === true, progress: sink };
}

async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new TspyError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

function flashArgs(a: EsptoolArgs, defaults: { mode: string; freq: string; size: string }) {
  return {
    mode: (a.opts.flash_mode as string | undefined) ?? defaults.mode,
    freq: (a.opts.flash_freq as string | undefined) ?? defaults.freq,
    size: (a.opts.flash_size as string | undefined) ?? defaults.size,
  };
}



/** The positionals of each board command that are numbers, by position. */
const NUMERIC_POSITIONALS: Record<string, string[]> = {
  erase_region: ["address", "size"],
  read_flash: ["address"],
  read_mem: ["address"],
  write_mem: ["address", "value", "mask"],
  dump_mem: ["address", "size"],
  write_flash_status: ["value"],
};

/**
 * esptool ends every failure that is not the user's words (no answer, bad reply, flash error) with exit
 * status 2; tspy's one-line errors from the loader and the link get that status here.
 */
export async function runEsptool(argv: string[], env: EsptoolEnv): Promise<number> {
  try {
    return await runEsptoolCommand(argv, env);
  } catch (e) {
    if (e instanceof TspyError && !(e instanceof UsageError) && !(e instanceof EsptoolFatalError) && e.exitCode === 1) {
      throw new EsptoolFatalError(e.message.replace(/^tspy: /, ""));
    }
    throw e;
  }
}

async function runEsptoolCommand(argv: string[], env: EsptoolEnv): Promise<number> {
  if (argv.length === 0) {
    env.out.write(helpFor(ESPTOOL_DEF));
    return 2;
  }
  const help = esptoolHelp(argv);
  if (help !== null) {
    env.out.write(help);
    return 0;
  }
  const a = parseEsptoolArgs(argv);
  const io = makeIo(env, a.opts.no_progress === true);
  if (OFFLINE.has(a.command)) return runOffline(a, io);
  // Numbers are checked before the board is touched: a typo fails in a blink, not after the stub upload.
  const numbers = (NUMERIC_POSITIONALS[a.command] ?? []).map((what, i) => (a.positionals[i] === undefined ? undefined : parseInteger(a.positionals[i]!, what)));
  const num = (i: number) => numbers[i]!;
  // Files are read (and arguments checked) before the board is touched.
  let files: ops.FileAt[] = [];
  if (a.command === "write_flash" || a.command === "verify_flash") {
    const pairs = addrFilePairs(a.positionals, a.command);
    files = await Promise.all(pairs.map(async (p) => ({ address: p.address, name: p.path, data: await readInput(p.path) })));
  }
  // Reading a flash takes minutes: a destination that cannot be written fails before the board is touched.
  if (a.command === "read_flash") checkHostOutput(a.positionals[2]!, "read_flash");
  if (a.command === "dump_mem") checkHostOutput(a.positionals[2]!, "dump_mem");
  if (a.command === "erase_region") {
    // Before the port is opened and the stub uploaded: a misaligned region fails in a blink, as in esptool.
    const [address, size] = [num(0), num(1)];
    if (address % 0x1000) throw new EsptoolFatalError("Offset to erase from must be a multiple of 4096");
    if (size % 0x1000) throw new EsptoolFatalError("Size of data to erase must be a multiple of 4096");
  }
  const ramImage = a.command === "load_ram" ? parseImage(await readInput(a.positionals[0]!), a.positionals[0]!) : undefined;
  return withBoard(a, env, io, async (c) => {
    switch (a.command) {
      case "chip_id":
        return ops.chipId(c, io);
      case "read_mac":
        return ops.readMac(c, io);
      case "flash_id":
        return ops.flashId(c, io);
      case "erase_flash":
        return ops.eraseFlash(c, io);
      case "erase_region": {
        return ops.eraseRegion(c, num(0), num(1), io);
      }
      case "write_flash": {
        const compress = a.opts.no_compress === true ? false : a.opts.compress === true ? true : !a.global.noStub;
        return ops.writeFlash(
          c,
          files,
          { flash: flashArgs(a, { mode: "keep", freq: "keep", size: "detect" }), compress, verify: a.opts.verify === true, eraseAll: a.opts.erase_all === true },
          io,
        );
      }
      case "verify_flash": {
        const flash = flashArgs(a, { mode: "keep", freq: "keep", size: "keep" });
        if (flash.size === "detect") flash.size = await ops.resolveFlashSize(c, "detect", io);
        return ops.verifyFlash(c, files, flash, a.opts.diff === "yes", io);
      }
      case "read_flash": {
        const address = num(0);
        const sizeArg = a.positionals[1]!;
        const size =
          sizeArg.toUpperCase() === "ALL"
            ? flashSizeBytes(await ops.resolveFlashSize(c, "detect", io)) - address
            : parseInteger(sizeArg, "size");
        const data = await ops.readFlash(c, address, size, io);
        await writeHostFile(a.positionals[2]!, data, "read_flash", env.out);
        return;
      }
      case "run":
        return ops.run(c);
      case "read_mem":
        return memory.readMem(c, num(0), io);
      case "write_mem":
        return memory.writeMem(c, num(0), num(1), a.positionals[2] === undefined ? 0xffffffff : num(2), io);
      case "dump_mem": {
        const data = await memory.dumpMem(c, num(0), num(1), io);
        await writeHostFile(a.positionals[2]!, data, "dump_mem");
        return;
      }
      case "load_ram": {
        const img = ramImage!;
        // A v2 image's irom0 part counts as a segment (at load address 0), as esptool reads it.
        const segments = img.iromSegment ? [{ ...img.iromSegment, addr: 0 }, ...img.segments] : img.segments;
        return memory.loadRam(c, segments, img.entry, io, c.loader.isStub ? await loadStub() : undefined);
      }
      case "read_flash_status":
        return memory.readFlashStatus(c, Number(a.opts.bytes ?? "2"), io);
      case "write_flash_status":
        return memory.writeFlashStatus(c, num(0), Number(a.opts.bytes ?? "2"), a.opts.non_volatile === true, io);
    }
    throw new UsageError(`esptool: ${a.command} is not implemented`);
  });
}

async function withBoard(
  a: EsptoolArgs,
  env: EsptoolEnv,
  io: ops.Io,
  body: (c: ops.Connected) => Promise<void>,
): Promise<number> {
  const port = a.global.port ?? env.defaultPort;
  if (!port) throw new UsageError("esptool: no port given (use --port /dev/ttyUSB0, or tspy -d PORT)");
  const spec = port.startsWith("socket://") ? `tcp://${port.slice("socket://".length)}` : port;
  io.out(`Serial port ${port}`);
  const stream = await env.open(spec, a.global.noStub ? a.global.baud : Math.min(ops.ROM_BAUD, a.global.baud));
  try {
    const c = await ops.connectChip(
      stream,
      {
        baud: a.global.baud,
        before: a.global.before,
        noStub: a.global.noStub,
        trace: a.global.trace ? (l) => env.err.write(`TRACE ${l}\n`) : undefined,
      },
      io,
    );
    if (!c.loader.isStub && a.command !== "chip_id" && a.command !== "read_mac") {
      // The ROM attaches the SPI flash only in FLASH_BEGIN: an empty begin turns it on.
      io.out("Enabling default SPI flash mode...");
      await c.loader.flashBegin(0, 0);
    }
    await body(c);
    await finish(c, a.global.after, a.command, io);
    return 0;
  } finally {
    await stream.close().catch(() => undefined);
  }
}

const CHANGES_FLASH = new Set(["write_flash", "erase_flash", "erase_region", "flash"]);
let modemNoteShown = false;

async function finish(c: ops.Connected, after: string, command: string, io: ops.Io): Promise<void> {
  if (command === "run") return;
  if (command === "load_ram") {
    // The chip now runs the loaded image: any reset would stop it.
    io.out("Exiting immediately.");
    return;
  }
  if (after === "hard_reset") {
    if (canReset(c.loader.stream)) {
      io.out("Hard resetting via RTS pin...");
      await c.loader.hardReset();
    } else if (CHANGES_FLASH.has(command) && !modemNoteShown) {
      // Said once, and only where there is new firmware to run: after chip_id or read_flash it is noise.
      modemNoteShown = true;
      io.out("Note: this link has no modem lines; reset the board yourself to run the new firmware.");
    }
  } else if (after === "soft_reset") {
    io.out("Soft resetting...");
    await c.loader.runUserCode();
  } else if (after === "no_reset_stub") {
    io.out("Staying in flasher stub.");
  } else {
    io.out("Staying in bootloader.");
    // As esptool: the stub is left for the ROM loader (an empty flash write ending in a reboot), so
    // that the next tool to connect finds the chip as it was before this one.
    if (c.loader.isStub) {
      await c.loader.flashBegin(0, 0);
      await c.loader.flashFinish(true);
    }
  }
}

async function runOffline(a: EsptoolArgs, io: ops.Io): Promise<number> {
  switch (a.command) {
    case "version":
      io.out(VERSION_TEXT);
      return 0;
    case "image_info": {
      if (a.positionals.length !== 1) throw new UsageError("image_info: expected one image file");
      const name = a.positionals[0]!;
      const img = parseImage(await readInput(name), name);
      for (const l of describeImage(img)) io.out(l);
      return 0;
    }
    case "elf2image": {
      if (a.positionals.length !== 1) throw new UsageError("elf2image: expected one ELF file");
      const input = a.positionals[0]!;
      const elf = readElf(await readInput(input), input);
      const f = flashArgs(a, { mode: "qio", freq: "40m", size: "1MB" });
      if (f.mode === "keep" || f.freq === "keep" || f.size === "keep") throw new UsageError("elf2image: flash settings cannot be 'keep'");
      const params = {
        flashMode: FLASH_MODES[f.mode]!,
        flashSizeFreq: FLASH_SIZES[f.size]! | FLASH_FREQS[f.freq]!,
        entry: elf.entry,
      };
      io.out("Creating image for ESP8266...");
      if ((a.opts.version ?? "1") === "2") {
        const irom = elf.sections.find((s) => s.addr >= 0x40200000 && s.addr < 0x40300000);
        const out =
          (a.opts.output as string | undefined) ??
          `${input.replace(/\.[^./]*$/, "")}-0x${(((irom?.addr ?? 0x40200000) - 0x40200000) & ~0xfff).toString(16).padStart(5, "0")}.bin`;
        await writeHostFile(out, buildV2(elf.sections, params), "elf2image");
        io.out(`Wrote ${out}`);
      } else {
        const prefix = (a.opts.output as string | undefined) ?? `${input}-`;
        for (const [offset, data] of buildV1(elf.sections, params)) {
          const out = `${prefix}0x${offset.toString(16).padStart(5, "0")}.bin`;
          await writeHostFile(out, data, "elf2image");
          io.out(`Wrote ${out}`);
        }
      }
      return 0;
    }
    case "make_image": {
      io.out(`Creating ${a.global.chip} image...`);
      const files = (a.opts.segfile as string[] | undefined) ?? [];
      const addrs = ((a.opts.segaddr as string[] | undefined) ?? []).map((s) => parseInteger(s, "--segaddr"));
      if (files.length === 0) throw new EsptoolFatalError("No segments specified");
      if (files.length !== addrs.length) throw new EsptoolFatalError("Number of specified files does not match number of specified addresses");
      const segments = await Promise.all(files.map(async (f, i) => ({ addr: addrs[i]!, data: await readInput(f) })));
      const entry = a.opts.entrypoint === undefined ? 0 : parseInteger(a.opts.entrypoint as string, "--entrypoint");
      // make_image's OUT is a prefix: OUT0x00000.bin for the image, OUT0xNNNNN.bin for irom0, as elf2image's v1.
      const images = [...buildV1(segments, { flashMode: 0, flashSizeFreq: 0, entry })].reverse();
      for (const [offset, data] of images) await writeHostFile(`${a.positionals[0]!}0x${offset.toString(16).padStart(5, "0")}.bin`, data, "make_image");
      io.out(`Successfully created ${a.global.chip} image.`);
      return 0;
    }
    case "merge_bin": {
      const output = a.opts.output as string | undefined;
      if (!output) throw new UsageError("merge_bin: --output/-o is required");
      checkHostOutput(output, "merge_bin");
      const pairs = addrFilePairs(a.positionals, "merge_bin");
      const flash = flashArgs(a, { mode: "keep", freq: "keep", size: "keep" });
      const target = a.opts.target_offset ? parseInteger(a.opts.target_offset as string, "--target-offset") : 0;
      // The boot image is the one at the start of the merged file.
      const parts = await Promise.all(
        pairs.map(async (p) => {
          const r = patchFlashParams(p.address - target, await readInput(p.path), flash);
          if (r.warning) io.out(r.warning);
          return { address: p.address, name: p.path, data: r.data };
        }),
      );
      const fill = a.opts.fill_flash_size ? normaliseFlashSize(a.opts.fill_flash_size as string, false) : undefined;
      const merged = mergeBins(parts, target, fill);
      await writeHostFile(output, merged, "merge_bin");
      io.out(`Wrote 0x${merged.length.toString(16)} bytes to file ${output}, ready to flash to offset 0x${target.toString(16)}`);
      return 0;
    }
  }
  throw new UsageError(`esptool: ${a.command} needs a board`);
}

/** `tspy flash`'s options, on the shared parser; they are handed on to esptool's as its spellings. */
const FLASH_DEF: CommandDef = {
  name: "flash",
  summary:
    "Detect the ESP8266, write FIRMWARE.bin at 0 (flash size detected and patched into the header),\n" +
    "verify it, and reset the board: esptool.py's erase_flash + write_flash in one step (--erase).",
  usage: "FIRMWARE.bin",
  notes: ["The flasher stub raises the link to 460800 baud unless --baud says otherwise."],
  options: [
    { flags: ["--port", "-p"], key: "port", takes: "value", help: "serial port, tcp://host:port or socket://host:port" },
    { flags: ["--baud", "-b"], key: "baud", takes: "value", help: "baud rate after the stub is up (default 460800)" },
    { flags: ["--before"], key: "before", takes: "value", help: "reset before connecting (default_reset, no_reset)" },
    { flags: ["--after"], key: "after", takes: "value", help: "reset afterwards (hard_reset, soft_reset, no_reset)" },
    { flags: ["--no-stub"], key: "no-stub", help: "talk to the ROM loader only" },
    { flags: ["--trace"], key: "trace", help: "show the frames" },
    { flags: ["--erase"], key: "erase", help: "erase the whole flash first" },
    { flags: ["--address"], key: "address", takes: "value", metavar: "ADDR", help: "where to write (default 0)" },
    { flags: ["-fm", "--flash_mode", "--flash-mode"], key: "-fm", takes: "value", metavar: "MODE", help: "flash mode (qio, qout, dio, dout)" },
    { flags: ["-ff", "--flash_freq", "--flash-freq"], key: "-ff", takes: "value", metavar: "FREQ", help: "flash frequency" },
    { flags: ["-fs", "--flash_size", "--flash-size"], key: "-fs", takes: "value", metavar: "SIZE", help: "flash size (default detect)" },
  ],
};

/**
 * `tspy flash [--port P] [--baud B] [--no-stub] FIRMWARE.bin`: detect the chip, write at 0 with
 * flash-size detection, verify, reset — the seeds' two esptool commands in one.
 */
export async function runFlash(argv: string[], env: EsptoolEnv): Promise<number> {
  const p = parseOrHelp(FLASH_DEF, argv, env.out);
  if (!p) return 0;
  // Handed on to esptool's own parser as esptool spellings.
  const pass = (keys: string[], spell: (k: string) => string) =>
    keys.flatMap((k) => (p.values[k] === undefined ? [] : p.values[k] === true ? [spell(k)] : [spell(k), String(p.values[k])]));
  const global = pass(["port", "baud", "before", "after", "no-stub", "trace"], (k) => `--${k}`);
  const flashOpts = pass(["-fm", "-ff", "-fs"], (k) => k);
  const files = p.positionals;
  const erase = p.values.erase === true;
  const address = (p.values.address as string | undefined) ?? "0";
  if (files.length !== 1) throw new UsageError("flash: expected one firmware file (tspy flash FIRMWARE.bin)");
  // The seeds' guide flashes at 460800; the stub switches to it after syncing at 115200.
  if (!global.includes("--baud")) global.push("--baud", "460800");
  return runEsptool(
    [...global, "write_flash", "--flash_size", "detect", ...flashOpts, ...(erase ? ["--erase-all"] : []), address, files[0]!],
    env,
  );
}
