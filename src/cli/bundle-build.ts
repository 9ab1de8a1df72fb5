// `tspy bundle build SRC_DIR... --circuitpython 9,10 [--name NAME] [--out DIR] [--tag TAG]`: library
// bundles as Adafruit publishes them (src/bundle/build.ts), compiled by tspy itself.
import { helpFor, parse, str, type CommandDef } from "../args/index.js";
import { UsageError } from "../errors.js";
import type { CommandSpec } from "./command.js";

const BUILD: CommandDef = {
  name: "bundle build",
  summary: "Build library bundles (NAME-py-TAG.zip, NAME-N.x-mpy-TAG.zip per CircuitPython major, NAME-TAG.json) from library sources.",
  usage: "SRC_DIR... --circuitpython N[,N...] [--name NAME] [--out DIR] [--tag TAG]",
  options: [
    { flags: ["--circuitpython"], key: "majors", takes: "value", metavar: "N,N", help: "CircuitPython majors to compile for, e.g. 9,10 (one N.x-mpy zip each)" },
    { flags: ["--name"], key: "name", takes: "value", metavar: "NAME", help: "bundle name: its repository's name, lowercased with _ as - as circup expects (default: circuitpython-bundle)" },
    { flags: ["--out"], key: "out", takes: "value", metavar: "DIR", help: "where the zips and the JSON go (default: the current directory)" },
    { flags: ["--tag"], key: "tag", takes: "value", metavar: "TAG", help: "release tag in the file names (default: today, YYYYMMDD, as Adafruit's)" },
  ],
  notes: ["Each SRC_DIR is one library as its repository holds it: x.py modules and packages (directories with __init__.py) beside requirements.txt."],
};

const DEF: CommandDef = { name: "bundle", summary: "CircuitPython library bundles: build", usage: "build ...", subcommands: [BUILD] };

function today(): string {
  return new Date().toISOString().slice(0, 10).replace(/-/g, "");
}

export const bundleCommand: CommandSpec = {
  name: "bundle",
  summary: "build CircuitPython library bundles: bundle build SRC_DIR... --circuitpython 9,10",
  greedy: true,
  async run(args, ctx) {
    if (args[0] !== "build") {
      if (args.length === 0 || args[0] === "--help" || args[0] === "-h") {
        ctx.out.write(helpFor(DEF));
        return 0;
      }
      throw new UsageError(`bundle: unknown subcommand '${args[0]}' (known: build)`);
    }
    const p = parse(BUILD, args.slice(1));
    if (p.help) {
      ctx.out.write(helpFor(BUILD));
      return 0;
    }
    if (p.positionals.length === 0) throw new UsageError("bundle build: name at least one library source directory");
    const majorsText = str(p, "majors");
    if (majorsText === undefined) throw new UsageError("bundle build: --circuitpython N[,N...] is required (e.g. --circuitpython 9,10)");
    const majors = [...new Set(majorsText.split(",").map((m) => m.trim()))].map((m) => {
      const n = Number(m);
      if (!/^\d+$/.test(m) || n < 2) throw new UsageError(`bundle build: --circuitpython takes major releases like 9,10, not "${m}"`);
      return n;
    });
    const tag = str(p, "tag") ?? today();
    // circup orders a bundle's releases by their tags read as versions (minor and patch optional)
    if (!/^v?\d+(\.\d+){0,2}(-[\w.-]+)?(\+[\w.-]+)?$/.test(tag)) {
      throw new UsageError(`bundle build: --tag must be a date or version such as 20250101 or 1.2.3, which circup can order (got "${tag}")`);
    }
    // circup looks for the zips by the bundle repository's name lowercased with _ as - (as Adafruit's are named)
    const name = (str(p, "name") ?? "circuitpython-bundle").toLowerCase().replace(/_/g, "-");
    if (!/^[\w.-]+$/.test(name) || /-py$|-\d+\.x-mpy$/.test(name)) throw new UsageError(`bundle build: unusable --name "${name}"`);
    const [{ readLibrarySources, buildBundles }, { circuitPythonKey, compileFiles }] = await Promise.all([
      import("../bundle/build.js"),
      import("../compile/for-board.js"),
    ]);
    // Every major must be one this build can write, before anything is read or compiled.
    const keys = new Map(majors.map((m) => [m, circuitPythonKey([m, 0, 0])]));
    const libs = (await Promise.all(p.positionals.map((d) => readLibrarySources(d)))).flat();
    const written = await buildBundles(libs, {
      name,
      tag,
      majors,
      outDir: str(p, "out") ?? ".",
      compile: (major, files) => compileFiles({ mpyVersion: keys.get(major)! }, files.map((f) => ({ file: f.path, source: f.data, boardName: f.path }))),
    });
    for (const w of written) ctx.out.write(`wrote ${w}\n`);
    return 0;
  },
};
