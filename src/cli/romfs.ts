// `tspy romfs query | build DIR [-o FILE] | deploy DIR|IMAGE [-p N]`: ROMFS images (MicroPython
// 1.25+), built on the host (compiling .py to .mpy with tspy's own mpy-cross unless --no-mpy) and
// written into a board's ROM partition. Output lines are mpremote's.
import * as fs from "node:fs";
import { flag, parseOrHelp, str, type CommandDef } from "../args/index.js";
import { TspyError, UsageError } from "../errors.js";
import { buildImage } from "../romfs/image.js";
import type { CommandSpec } from "./command.js";
import type { Session } from "./context.js";

export const romfsDef: CommandDef = {
  name: "romfs",
  summary: "Manage ROMFS partitions (MicroPython 1.25+): query them, build an image from a directory, deploy one.",
  usage: "[-m|--no-mpy] [-p N] [-o FILE] query|build|deploy [PATH]",
  options: [
    { flags: ["-m", "--mpy"], key: "mpy", help: "compile .py files to .mpy in the image (default)" },
    { flags: ["--no-mpy"], key: "mpy", set: false, help: "keep .py files as they are" },
    { flags: ["-p", "--partition"], key: "partition", takes: "value", metavar: "N", help: "ROMFS partition to use (default 0)" },
    { flags: ["-o", "--output"], key: "output", takes: "value", metavar: "FILE", help: "build: the image file (default PATH.romfs)" },
  ],
  // The options belong to romfs itself, so mpremote's order (`romfs --no-mpy build DIR`) and the
  // subcommand-first one (`romfs build DIR -o FILE`) both parse.
  // No minimum on build/deploy: their run says mpremote's "source path not given".
  subcommands: [
    { name: "romfs query", summary: "list the board's ROMFS partitions and what each holds", maxPositionals: 0 },
    { name: "romfs build", summary: "build an image from a directory (PATH.romfs unless -o)", usage: "[-m|--no-mpy] [-o FILE] PATH", maxPositionals: 1 },
    { name: "romfs deploy", summary: "write a directory or an image (.img/.romfs) to partition -p", usage: "[-m|--no-mpy] [-p N] PATH", maxPositionals: 1 },
  ],
};

/** Build the image of `dir`, printing mpremote's tree of what went in. */
async function imageOf(dir: string, mpy: boolean, print: (l: string) => void): Promise<Buffer> {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new UsageError(`romfs: ${dir}: no such file or directory`);
  }
  if (!st.isDirectory()) throw new UsageError(`romfs: ${dir}: not a directory`);
  const compile = mpy ? (await import("../mpy-cross/index.js")).compileToMpy : undefined;
  print(`Building romfs filesystem, source directory: ${dir.endsWith("/") ? dir : dir + "/"}`);
  print("/");
  return buildImage(dir, {
    log: print,
    compile: compile
      ? (src, rel) => {
          try {
            return compile(src, { filename: rel });
          } catch (e) {
            throw new TspyError(`romfs: ${rel}: ${(e as Error).message.split("\n")[0]}`);
          }
        }
      : undefined,
  });
}

export const romfsCommand: CommandSpec = {
  name: "romfs",
  summary: romfsDef.summary,
  async run(args, ctx) {
    const s = ctx as Session;
    s.acted = true;
    const a = parseOrHelp(romfsDef, args, ctx.out);
    if (!a) return 0;
    const sub = a.sub!.name.split(" ").pop()!;
    const [target] = a.positionals as [string | undefined];
    let progressShown = false;
    const print = (line: string) => {
      ctx.out.write(`${progressShown ? "\n" : ""}${line}\n`);
      progressShown = false;
    };
    const progress = (text: string) => {
      ctx.out.write(`\r${text}`);
      progressShown = true;
    };
    const mpy = flag(a, "mpy", true);
    if (sub === "build") {
      if (!target) throw new UsageError("romfs build: source path not given");
      const image = await imageOf(target, mpy, print);
      const out = str(a, "output") ?? `${target.replace(/\/+$/, "")}.romfs`;
      print(`Writing ${image.length} bytes to output file ${out}`);
      fs.writeFileSync(out, image);
      return 0;
    }
    const { queryRomfs, deployRomfs } = await import("../romfs/board.js");
    if (sub === "query") {
      await queryRomfs(await ctx.repl(), print);
      return 0;
    }
    if (!target) throw new UsageError("romfs deploy: source path not given");
    const partition = Number(str(a, "partition") ?? "0");
    if (!Number.isInteger(partition) || partition < 0) throw new UsageError("romfs: --partition needs a whole number");
    const image =
      /\.(img|romfs)$/.test(target) && fs.existsSync(target) && fs.statSync(target).isFile() ? fs.readFileSync(target) : await imageOf(target, mpy, print);
    print(`Image size is ${image.length} bytes`);
    await deployRomfs(await ctx.repl(), image, partition, print, progress);
    return 0;
  },
};
