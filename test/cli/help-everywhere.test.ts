// Every command in the table, and every subcommand its help lists, answers --help (and -h where -h is
// not one of its own options) with a usage line and exit status 0; typos get the nearest spelling.
import { describe, expect, it } from "vitest";
import { COMMANDS, parseChain } from "../../src/cli/main.js";
import { runCommandInProcess } from "../helpers/in-process-cli.js";
import { ROOT, tspy } from "../helpers/cli.js";
import fs from "node:fs";
import path from "node:path";

/** Entries the walk below visits (each command, and each subcommand its help lists). */
const WALKED = 91;

/** The subcommand words a help text lists under its "Commands:" heading (two-space indent, first word). */
function listedSubcommands(help: string): string[] {
  const lines = help.split("\n");
  const at = lines.findIndex((l) => /^commands:$/i.test(l.trim()));
  if (at < 0) return [];
  const words: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.trim()) break;
    if (/^ {2}\S/.test(l)) words.push(l.trim().split(/\s+/)[0]!); // deeper lines continue the one before
  }
  return words;
}

// -h is an option of its own for the file commands, as in mpremote's one fs parser (--human).
const hIsAnOption = (entry: (typeof COMMANDS)[number]) => entry.group === "Files on the board";

describe("--help on every command and subcommand", () => {
  it("walks the command table: usage line, exit 0, nothing on stderr", async () => {
    const seen: string[] = [];
    for (const entry of COMMANDS) {
      const name = entry.names[0]!;
      const cmd = await entry.load();
      const top = await runCommandInProcess(cmd, ["--help"]);
      expect(top.error?.message, `${name} --help`).toBeUndefined();
      expect(top.code, `${name} --help`).toBe(0);
      expect(top.err, `${name} --help`).toBe("");
      expect(top.out.split("\n")[0], `${name} --help`).toMatch(new RegExp(`^usage: tspy ${name}( |$)`, "i"));
      if (!hIsAnOption(entry)) {
        const short = await runCommandInProcess(cmd, ["-h"]);
        expect([short.code, short.out], `${name} -h`).toEqual([0, top.out]);
      }
      seen.push(name);
      for (const sub of listedSubcommands(top.out)) {
        const r = await runCommandInProcess(cmd, [sub, "--help"]);
        expect(r.error?.message, `${name} ${sub} --help`).toBeUndefined();
        expect(r.code, `${name} ${sub} --help`).toBe(0);
        // The subcommand's own usage where it has one (fs's verbs print their plain names), else the parent's.
        expect(r.out.split("\n")[0], `${name} ${sub} --help`).toMatch(new RegExp(`^usage: tspy (${name} )?(${sub}|\\[)`, "i"));
        if (!hIsAnOption(entry)) {
          const short = await runCommandInProcess(cmd, [sub, "-h"]);
          expect([short.code, short.out], `${name} ${sub} -h`).toEqual([0, r.out]);
        }
        seen.push(`${name} ${sub}`);
      }
    }
    // The README gives this figure ("N entries"); commands added later only raise it.
    expect(seen.length).toBeGreaterThanOrEqual(WALKED);
    // The walk really reached the subcommands (a help text that lost its "Commands:" list would skip them).
    expect(seen).toEqual(
      expect.arrayContaining(["fs cp", "fs tree", "uf2 info", "virtual serve", "upip pack", "mip install", "circup freeze", "esptool merge_bin", "esptool load_ram", "pyboard"]),
    );
  }, 60_000);

  it("the whole CLI: --help after the global options, and bare help", async () => {
    for (const args of [["connect", "--help"], ["-d", "virtual", "exec", "--help"], ["resume", "-h"], ["help", "--help"], ["pyboard", "-h"]]) {
      const r = await tspy(args);
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toMatch(/^usage: tspy /);
      expect(r.stderr, args.join(" ")).toBe("");
    }
  }, 60_000);
});

/** mpremote 1.27's commands: its _COMMANDS table and its built-in expansions (tools/mpremote/mpremote/main.py). */
const MPREMOTE_COMMANDS = [
  "connect", "sleep", "disconnect", "edit", "resume", "soft-reset", "mount", "umount", "repl", "eval", "exec", "run",
  "rtc", "fs", "mip", "help", "version", "romfs",
  "devs", "cat", "cp", "ls", "mkdir", "rm", "rmdir", "sha256sum", "touch", "tree", "df", "reset", "bootloader",
];
/** mpremote's `fs` subcommands and the subcommands of romfs and mip. */
const MPREMOTE_SUBCOMMANDS = [
  ...["cat", "ls", "cp", "rm", "rmdir", "mkdir", "touch", "sha256sum", "tree"].map((c) => ["fs", c]),
  ["romfs", "query"], ["romfs", "build"], ["romfs", "deploy"], ["mip", "install"],
];

describe("every mpremote command", () => {
  it("is a tspy command that answers --help", async () => {
    for (const word of MPREMOTE_COMMANDS) {
      const [seg] = parseChain([word, "--help"]);
      expect(seg, word).toBeDefined();
      const r = await runCommandInProcess(await seg!.entry.load(), seg!.args);
      expect([r.code, r.error?.message], word).toEqual([0, undefined]);
      expect(r.out, word).toMatch(/^usage: /);
    }
    for (const [cmd, sub] of MPREMOTE_SUBCOMMANDS) {
      const [seg] = parseChain([cmd!, sub!, "--help"]);
      const r = await runCommandInProcess(await seg!.entry.load(), seg!.args);
      expect([r.code, r.error?.message], `${cmd} ${sub}`).toEqual([0, undefined]);
    }
    // a0..a3, u0..u3, c0..c3: connect to /dev/ttyACMn, /dev/ttyUSBn, COMn.
    for (const [short, port] of [["a0", "/dev/ttyACM0"], ["u3", "/dev/ttyUSB3"], ["c1", "COM1"]] as const) {
      const [seg] = parseChain([short]);
      expect([seg!.entry.names[0], seg!.args], short).toEqual(["connect", [short]]);
      expect(port).toMatch(/\d$/);
    }
  }, 60_000);

  it("is in the README's command table", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Commands"), readme.indexOf("\n### ", readme.indexOf("## Commands")));
    const table = section.split("\n").filter((l) => l.startsWith("| "));
    expect(table.length).toBeGreaterThan(3);
    // Each command starts a code span of the table (`cp [-r] ...`, `romfs query|build|deploy`), or follows `|` in one.
    const words = new Set(table.join("\n").match(/(?<=`|\\\|)[a-z0-9-]+/g));
    const missing = MPREMOTE_COMMANDS.filter((c) => !words.has(c));
    expect(missing).toEqual([]);
    for (const [cmd, sub] of MPREMOTE_SUBCOMMANDS.filter(([c]) => c !== "fs")) {
      expect(table.join("\n"), `${cmd} ${sub}`).toMatch(new RegExp(`\`${cmd} [^\`]*\\b${sub}\\b`));
    }
    expect(section).toMatch(/also under `fs`/);
  });
});

describe("unknown commands and options suggest the nearest", () => {
  it("commands, in the chain and as subcommands", async () => {
    expect(() => parseChain(["exce", "1"])).toThrow(/unknown command "exce" \(did you mean `exec`\?\)/);
    expect(() => parseChain(["sofreset"])).toThrow(/did you mean `soft-reset`/);
    for (const [args, hint] of [
      [["circup", "instal", "x"], "install"],
      [["upip", "pak", "a.tar.gz"], "pack"],
      [["uf2", "inf", "x.uf2"], "info"],
    ] as const) {
      const entry = COMMANDS.find((e) => e.names[0] === args[0])!;
      const r = await runCommandInProcess(await entry.load(), args.slice(1));
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.error?.message, args.join(" ")).toContain(`did you mean \`${hint}\``);
    }
  });

  it("options, with one line on stderr and exit 2", async () => {
    for (const [args, hint] of [
      [["exec", "--no-folow", "1"], "--no-follow"],
      [["pyboard", "--devce", "x"], "--device"],
      [["install", "--indx", "u", "p"], "--index"],
      [["mip", "install", "--no-mp", "x"], "--no-mpy"],
      [["circup", "install", "--upgrad", "x"], "--upgrade"],
      [["--devce", "virtual", "ls"], "--device"],
      [["flash", "--prot", "x", "f.bin"], "--port"],
    ] as const) {
      const r = await tspy([...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trimEnd().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toContain(`did you mean \`${hint}\``);
    }
  }, 60_000);
});
