// Public entry of the UF2 tools: `tspy uf2 convert | info | flash`. The CLI layer hands over argv and
// output streams; formats live in format.ts, drives in drive.ts.
import { readFile } from "node:fs/promises";
import { STDOUT, writeHostFile } from "../../fs/host-output.js";
import { flag, parseOrHelp, str, type CommandDef, type Parsed } from "../../args/index.js";
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

const CONVERT: CommandDef = {
  name: "uf2 convert",
  summary: "Wrap a binary in 256-byte UF2 blocks from --base, tagged with --family; a .uf2 input is flattened back into a binary.",
  usage: "FILE.bin|FILE.uf2",
  minPositionals: 1,
  maxPositionals: 1,
  options: [
    { flags: ["--base", "-b"], key: "base", takes: "value", metavar: "ADDR", help: "load address (default 0x2000, the SAMD21 application start)" },
    { flags: ["--family", "-f"], key: "family", takes: "value", metavar: "NAME|0xID", help: "family id to tag blocks with (e.g. SAMD21)" },
    { flags: ["--output", "-o"], key: "output", takes: "value", metavar: "OUT", help: "output file (default: the input with .uf2 or .bin)" },
  ],
};
const INFO: CommandDef = {
  name: "uf2 info",
  summary: "Show the blocks, families, address ranges and flags of a UF2 file.",
  usage: "FILE.uf2",
  minPositionals: 1,
  maxPositionals: 1,
};
const FLASH: CommandDef = {
  name: "uf2 flash",
  summary: "Copy a UF2 file onto the board's bootloader drive (the one holding INFO_UF2.TXT), after checking its family against the drive's Board-ID, and wait for the board to restart.",
  usage: "FILE.uf2",
  minPositionals: 1,
  maxPositionals: 1,
  options: [
    { flags: ["--drive", "-d"], key: "drive", takes: "value", metavar: "DIR", help: "the bootloader drive (default: found among mounted drives)" },
    { flags: ["--force"], key: "force", help: "copy even when the families differ" },
    { flags: ["--wait"], key: "wait", takes: "value", metavar: "SECONDS", help: "how long to wait for the drive to go away (default 10)" },
  ],
};
export const UF2_DEF: CommandDef = {
  name: "uf2",
  summary: "UF2 files: convert to and from binaries, inspect, flash onto a bootloader drive.",
  usage: "convert|info|flash ...",
  subcommands: [CONVERT, INFO, FLASH],
};

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

async function convert(p: Parsed, env: Uf2Env): Promise<number> {
  const input = p.positionals[0]!;
  const data = await readInput(input);
  const output = str(p, "output");
  const familyArg = str(p, "family");
  if (isUf2(data)) {
    const blocks = parseUf2(data, input);
    const { base, data: bin } = uf2ToBinary(blocks, familyArg ? parseFamily(familyArg) : undefined);
    const out = output ?? input.replace(/\.uf2$/i, "") + ".bin";
    await writeHostFile(out, bin, "uf2 convert", env.out);
    (out === STDOUT ? env.err : env.out).write(`Wrote ${bin.length} bytes to ${out} (from ${hex(base)})\n`);
    return 0;
  }
  const base = parseAddress(str(p, "base") ?? "0x2000", "--base");
  const familyId = familyArg ? parseFamily(familyArg) : undefined;
  const uf2 = buildUf2(data, { base, familyId });
  const out = output ?? input.replace(/\.[^./]*$/, "") + ".uf2";
  await writeHostFile(out, uf2, "uf2 convert", env.out);
  (out === STDOUT ? env.err : env.out).write(
    `Wrote ${uf2.length} bytes to ${out}: ${uf2.length / 512} blocks from ${hex(base)}${familyId !== undefined ? `, family ${familyName(familyId)}` : ""}\n`,
  );
  return 0;
}

async function info({ positionals }: Parsed, env: Uf2Env): Promise<number> {
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

async function flash(p: Parsed, env: Uf2Env): Promise<number> {
  const input = p.positionals[0]!;
  const data = await readInput(input);
  if (!isUf2(data)) throw new TspyError(`${input} is not a UF2 file; convert it first: tspy uf2 convert ${input} --base 0x2000 --family SAMD21`);
  const blocks = parseUf2(data, input);
  const waitMs = str(p, "wait") !== undefined ? Number(str(p, "wait")) * 1000 : 10000;
  if (!Number.isFinite(waitMs) || waitMs < 0) throw new UsageError("uf2 flash: --wait takes seconds");
  const drive = await pickDrive(str(p, "drive"));
  const boardFamily = drive.boardId ? familyOfBoard(drive.boardId) : undefined;
  const fileFamilies = familiesOf(blocks);
  if (boardFamily !== undefined && fileFamilies.length > 0 && !fileFamilies.includes(boardFamily) && !flag(p, "force")) {
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
  const p = parseOrHelp(UF2_DEF, argv, env.out);
  if (!p) return 0;
  if (p.sub === CONVERT) return convert(p, env);
  if (p.sub === INFO) return info(p, env);
  return flash(p, env);
}
