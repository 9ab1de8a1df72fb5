// Public entry of the UF2 tools: `tspy uf2 convert | info | flash`. The CLI layer hands over argv and
// output streams; formats live in format.ts, drives in drive.ts.
import { readFile, writeFile } from "node:fs/promises";
import { TspyError, UsageError } from "../../errors.js";
import { copyToDrive, findDrives, readDrive, type Uf2Drive } from "./drive.js";
import { familyName, familyOfBoard, parseFamily } from "./families.js";
import { FLAG_FAMILY_ID, FLAG_FILE_CONTAINER, FLAG_MD5, FLAG_NOT_MAIN_FLASH, FLAG_EXTENSION_TAGS, buildUf2, familiesOf, flashRanges, isUf2, parseUf2, uf2ToBinary, type Uf2Block } from "./format.js";

export * from "./format.js";
export { FAMILIES, familyName, familyOfBoard, parseFamily } from "./families.js";
export { copyToDrive, findDrives, parseInfo, readDrive, INFO_FILE } from "./drive.js";

export interface Uf2Env {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

export const UF2_HELP = `usage: tspy uf2 convert FILE.bin [--base 0x2000] [--family SAMD21|0xID] [-o OUT.uf2]
       tspy uf2 convert FILE.uf2 [-o OUT.bin]            (back to a flat binary)
       tspy uf2 info FILE.uf2
       tspy uf2 flash FILE.uf2 [--drive DIR] [--force] [--wait SECONDS]

convert  wraps a binary in 256-byte UF2 blocks from --base (default 0x2000, the SAMD21 application
         start), tagged with --family; a .uf2 input is flattened back into a binary.
info     blocks, families, address ranges and flags of a UF2 file.
flash    copies the file onto the board's UF2 bootloader drive (the one holding INFO_UF2.TXT; found
         among mounted drives unless --drive is given), after checking that the file's family suits
         the drive's Board-ID, and waits for the drive to go away as the board restarts.
`;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16).padStart(8, "0")}`;
}

async function readInput(p: string): Promise<Buffer> {
  try {
    return await readFile(p);
  } catch (e) {
    throw new TspyError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

interface Parsed {
  positionals: string[];
  opts: Record<string, string | true>;
}

function parseArgs(argv: string[], withValue: string[], flags: string[]): Parsed {
  const positionals: string[] = [];
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    if (withValue.includes(name)) {
      const v = eq > 0 && a.startsWith("--") ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`uf2: ${name} needs a value`);
      opts[name] = v;
    } else if (flags.includes(a)) opts[a] = true;
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`uf2: unknown option ${a}`);
    else positionals.push(a);
  }
  return { positionals, opts };
}

function parseAddress(text: string, what: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(n) || n > 0xffffffff) throw new UsageError(`uf2: bad ${what} "${text}"`);
  return n;
}

export function describeUf2(blocks: Uf2Block[]): string[] {
  const families = familiesOf(blocks);
  const flags = blocks.reduce((f, b) => f | b.flags, 0);
  const names: string[] = [];
  if (flags & FLAG_NOT_MAIN_FLASH) names.push("not-main-flash");
  if (flags & FLAG_FILE_CONTAINER) names.push("file-container");
  if (flags & FLAG_FAMILY_ID) names.push("family-id");
  if (flags & FLAG_MD5) names.push("md5");
  if (flags & FLAG_EXTENSION_TAGS) names.push("extension-tags");
  const payload = blocks.reduce((n, b) => n + b.payloadSize, 0);
  const counts = new Set(blocks.map((b) => b.numBlocks));
  const lines = [
    `Blocks: ${blocks.length}`,
    `Families: ${families.length ? families.map((f) => `${familyName(f)} (${hex(f)})`).join(", ") : "none (no family id)"}`,
    `Payload: ${payload} bytes (${[...new Set(blocks.map((b) => b.payloadSize))].join("/")} per block)`,
    `Flags: ${names.length ? names.join(", ") : "none"}`,
  ];
  for (const r of flashRanges(blocks)) lines.push(`Range: ${hex(r.start)}-${hex(r.end)} (${r.end - r.start} bytes)`);
  const numbered = blocks.every((b, i) => b.blockNo === i) && counts.size === 1 && [...counts][0] === blocks.length;
  if (!numbered) lines.push("Note: block numbers or counts are not 0..N-1 of N (several images in one file?)");
  return lines;
}

async function convert(argv: string[], env: Uf2Env): Promise<number> {
  const { positionals, opts } = parseArgs(argv, ["--base", "-b", "--family", "-f", "-o", "--output"], []);
  if (positionals.length !== 1) throw new UsageError("uf2 convert: expected one input file");
  const input = positionals[0]!;
  const data = await readInput(input);
  const output = (opts["-o"] ?? opts["--output"]) as string | undefined;
  const familyArg = (opts["--family"] ?? opts["-f"]) as string | undefined;
  if (isUf2(data)) {
    const blocks = parseUf2(data, input);
    const { base, data: bin } = uf2ToBinary(blocks, familyArg ? parseFamily(familyArg) : undefined);
    const out = output ?? input.replace(/\.uf2$/i, "") + ".bin";
    await writeFile(out, bin);
    env.out.write(`Wrote ${bin.length} bytes to ${out} (from ${hex(base)})\n`);
    return 0;
  }
  const base = parseAddress(((opts["--base"] ?? opts["-b"]) as string | undefined) ?? "0x2000", "--base");
  const familyId = familyArg ? parseFamily(familyArg) : undefined;
  const uf2 = buildUf2(data, { base, familyId });
  const out = output ?? input.replace(/\.[^./]*$/, "") + ".uf2";
  await writeFile(out, uf2);
  env.out.write(
    `Wrote ${uf2.length} bytes to ${out}: ${uf2.length / 512} blocks from ${hex(base)}${familyId !== undefined ? `, family ${familyName(familyId)}` : ""}\n`,
  );
  return 0;
}

async function info(argv: string[], env: Uf2Env): Promise<number> {
  const { positionals } = parseArgs(argv, [], []);
  if (positionals.length !== 1) throw new UsageError("uf2 info: expected one .uf2 file");
  const blocks = parseUf2(await readInput(positionals[0]!), positionals[0]!);
  env.out.write(`File: ${positionals[0]}\n`);
  for (const l of describeUf2(blocks)) env.out.write(`${l}\n`);
  return 0;
}

async function pickDrive(dir: string | undefined): Promise<Uf2Drive> {
  if (dir) {
    const d = await readDrive(dir);
    if (!d) throw new TspyError(`${dir} is not a UF2 bootloader drive (no INFO_UF2.TXT)`);
    return d;
  }
  const drives = await findDrives();
  if (drives.length === 0) {
    throw new TspyError("no UF2 bootloader drive found (double-tap the board's reset button, or give --drive DIR)");
  }
  if (drives.length > 1) throw new TspyError(`several UF2 drives are mounted (${drives.map((d) => d.path).join(", ")}): choose one with --drive`);
  return drives[0]!;
}

async function flash(argv: string[], env: Uf2Env): Promise<number> {
  const { positionals, opts } = parseArgs(argv, ["--drive", "-d", "--wait"], ["--force"]);
  if (positionals.length !== 1) throw new UsageError("uf2 flash: expected one .uf2 file");
  const input = positionals[0]!;
  const data = await readInput(input);
  if (!isUf2(data)) throw new TspyError(`${input} is not a UF2 file; convert it first: tspy uf2 convert ${input} --base 0x2000 --family SAMD21`);
  const blocks = parseUf2(data, input);
  const waitMs = opts["--wait"] ? Number(opts["--wait"]) * 1000 : 10000;
  if (!Number.isFinite(waitMs) || waitMs < 0) throw new UsageError("uf2 flash: --wait takes seconds");
  const drive = await pickDrive((opts["--drive"] ?? opts["-d"]) as string | undefined);
  const boardFamily = drive.boardId ? familyOfBoard(drive.boardId) : undefined;
  const fileFamilies = familiesOf(blocks);
  if (boardFamily !== undefined && fileFamilies.length > 0 && !fileFamilies.includes(boardFamily) && opts["--force"] !== true) {
    throw new TspyError(
      `${input} is for ${fileFamilies.map(familyName).join("/")} but the board on ${drive.path} is ${familyName(boardFamily)} (Board-ID: ${drive.boardId}); use --force to copy anyway`,
    );
  }
  env.out.write(`Flashing ${input} (${blocks.length} blocks) onto ${drive.path}${drive.boardId ? ` (Board-ID: ${drive.boardId})` : ""}\n`);
  const gone = await copyToDrive(data, drive.path, waitMs);
  if (gone) env.out.write("Done: the board restarted\n");
  else env.out.write(`Copied; the drive is still there after ${waitMs / 1000} s (the board may not have accepted the file)\n`);
  return 0;
}

/** `tspy uf2 ARGS…`: resolves to the exit status. */
export async function runUf2(argv: string[], env: Uf2Env): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === "-h" || sub === "--help") {
    env.out.write(UF2_HELP);
    return sub ? 0 : 2;
  }
  if (sub === "convert") return convert(rest, env);
  if (sub === "info") return info(rest, env);
  if (sub === "flash") return flash(rest, env);
  throw new UsageError(`uf2: unknown subcommand "${sub}" (convert, info, flash)`);
}
