// The shared argument parser: spellings, values, bundles, glued values, help, and the suggestions.
import { describe, expect, it } from "vitest";
import { helpFor, nearest, parse, parseOrHelp, type CommandDef } from "../../src/args/index.js";

const def: CommandDef = {
  name: "demo",
  summary: "A demo command.",
  usage: "FILE...",
  bundling: true,
  minPositionals: 1,
  options: [
    { flags: ["--recursive", "-r"], key: "recursive", help: "recurse" },
    { flags: ["--no-recursive"], key: "recursive", set: false, help: "do not", hidden: true },
    { flags: ["--force", "-f"], key: "force", help: "force" },
    { flags: ["--output", "-o"], key: "output", takes: "value", help: "where" },
    { flags: ["-fs", "--flash_size"], key: "flash_size", takes: "value", help: "esptool style" },
    { flags: ["-O"], key: "opt", takes: "optional", glued: true, help: "level" },
    { flags: ["-r"], key: "never", help: "shadowed" },
    { flags: ["--mode"], key: "mode", takes: "value", choices: ["dio", "qio"], help: "mode" },
    { flags: ["-I"], key: "include", takes: "value", repeat: true, help: "repeatable" },
    { flags: ["-march="], key: "march", takes: "value", glued: true, help: "mpy-cross style" },
  ],
};

describe("parse", () => {
  it("reads flags, --no- spellings, values in both forms, and positionals in any order", () => {
    const p = parse(def, ["a", "-r", "--output=x", "b", "--no-recursive", "-o", "y"]);
    expect(p.values).toEqual({ recursive: false, output: "y" });
    expect(p.positionals).toEqual(["a", "b"]);
  });

  it("reads getopt bundles, multi-letter single-dash options and glued values", () => {
    expect(parse(def, ["-rf", "z"]).values).toEqual({ recursive: true, force: true });
    expect(parse(def, ["-fs", "4MB", "z"]).values).toEqual({ flash_size: "4MB" });
    expect(parse(def, ["-O3", "z"]).values).toEqual({ opt: "3" });
    expect(parse(def, ["-O", "z"]).values).toEqual({ opt: true });
    expect(parse(def, ["-I", "a", "-Ib", "z"]).values).toEqual({ include: ["a", "b"] });
  });

  it("reads a flag spelt with its own '=' and nothing after as an empty value, not as taking the next word", () => {
    expect(parse(def, ["-march=x64", "z"]).values).toEqual({ march: "x64" });
    const p = parse(def, ["-march=", "z"]);
    expect(p.values).toEqual({ march: "" });
    expect(p.positionals).toEqual(["z"]);
  });

  it("treats --, - and negative numbers as positionals", () => {
    expect(parse(def, ["--", "-r", "-"]).positionals).toEqual(["-r", "-"]);
    expect(parse(def, ["-5"]).positionals).toEqual(["-5"]);
  });

  it("words errors in one line, suggesting the nearest spelling", () => {
    expect(() => parse(def, ["--recursiv", "a"])).toThrow("demo: unknown option --recursiv (did you mean `--recursive`?)");
    expect(() => parse(def, ["--zzzzzzzz", "a"])).toThrow(/^demo: unknown option --zzzzzzzz$/);
    expect(() => parse(def, ["-o"])).toThrow("demo: -o needs a value");
    expect(() => parse(def, ["--mode", "x", "a"])).toThrow('demo: --mode: invalid choice "x" (choose from dio, qio)');
    expect(() => parse(def, [])).toThrow("demo: missing arguments; usage: tspy demo [options] FILE...");
    expect(() => parse(def, ["--force=1", "a"])).toThrow("demo: --force takes no value");
  });

  it("answers -h/--help without checking positionals, and prints the options", () => {
    const out: string[] = [];
    expect(parseOrHelp(def, ["--help"], { write: (s: string) => out.push(s) })).toBeNull();
    const text = out.join("");
    expect(text.split("\n")[0]).toBe("usage: tspy demo [options] FILE...");
    expect(text).toContain("  --output, -o OUTPUT");
    expect(text).toContain("  -h, --help");
    expect(text).not.toContain("--no-recursive");
    expect(helpFor(def)).toBe(text);
  });

  it("picks subcommands by the first positional and suggests the nearest on a typo", () => {
    const tool: CommandDef = {
      name: "tool",
      summary: "x",
      options: [{ flags: ["--port", "-p"], key: "port", takes: "value", help: "port" }],
      subcommands: [
        { name: "tool write_flash", summary: "w", options: [{ flags: ["--verify"], key: "verify", help: "v" }] },
        { name: "tool read_mac", summary: "r", maxPositionals: 0 },
      ],
    };
    const p = parse(tool, ["-p", "/dev/x", "write_flash", "--verify", "0", "f.bin", "--port", "/dev/y"]);
    expect(p.sub?.name).toBe("tool write_flash");
    expect(p.values).toEqual({ port: "/dev/y", verify: true });
    expect(p.positionals).toEqual(["0", "f.bin"]);
    expect(() => parse(tool, ["write_flahs"])).toThrow(/unknown command "write_flahs" \(did you mean `write_flash`\?\)/);
    expect(() => parse(tool, ["read_mac", "--verify"])).toThrow(/tool read_mac: unknown option --verify/);
    expect(() => parse(tool, [])).toThrow(/a command is required/);
  });
});

describe("nearest", () => {
  it("finds typos and unique prefixes, not unrelated words", () => {
    expect(nearest("exce", ["exec", "eval", "run"])).toBe("exec");
    expect(nearest("soft", ["soft-reset", "reset"])).toBe("soft-reset");
    expect(nearest("qqq", ["exec", "eval"])).toBeUndefined();
  });
});
