// `tspy mpy-cross` as users run it: several files per run, --out-dir, -o/-s/-O, errors per file in
// upstream's format while the other files still compile, and never a partial or stray output file.
import { describe, expect, it, beforeEach, afterEach } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync, mkdirSync, copyFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { tspy, ROOT } from "../helpers/cli.js";

const programs = path.join(ROOT, "test", "mpy-cross", "programs");
const reference = path.join(ROOT, "test", "mpy-cross", "reference");
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "tspy-mpy-cross-"));
  for (const f of ["m01_numbers.py", "m04_closures.py"]) copyFileSync(path.join(programs, f), path.join(dir, f));
  writeFileSync(path.join(dir, "viper_bad.py"), "@micropython.viper\ndef f(x: int) -> int:\n    return x + 'a'\n\n@micropython.native\ndef g(a):\n    return a\n");
  writeFileSync(path.join(dir, "bad.py"), "x = 1\nwhile x:\n    pass\nbreak\n");
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("tspy mpy-cross", () => {
  // what upstream 1.27's mpy-cross did (tried by hand): the empty value is the flag's, the file is still the input
  it("reads -march-flags= and -march= with nothing after as empty values", async () => {
    const flags = await tspy(["mpy-cross", "-march=rv32imc", "-march-flags=", "m01_numbers.py"], { cwd: dir });
    expect({ status: flags.status, stderr: flags.stderr }).toEqual({ status: 1, stderr: "unrecognised arch flags\n" });
    const arch = await tspy(["mpy-cross", "-march=", "m01_numbers.py"], { cwd: dir });
    expect(arch.status).toBe(1);
    expect(arch.stderr).toContain("unknown arch");
    const ignored = await tspy(["mpy-cross", "-march-flags=", "-o", "out.mpy", "m01_numbers.py"], { cwd: dir });
    expect(ignored.status).toBe(0);
    expect(readFileSync(path.join(dir, "out.mpy"))).toEqual(readFileSync(path.join(reference, "m01_numbers.default.mpy")));
  });

  it("compiles several files into --out-dir, byte-identical to upstream", async () => {
    const r = await tspy(["mpy-cross", "--mpy-version", "6.3", "--out-dir", "out", "m01_numbers.py", "m04_closures.py"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const stem of ["m01_numbers", "m04_closures"]) {
      expect(readFileSync(path.join(dir, "out", `${stem}.mpy`))).toEqual(readFileSync(path.join(reference, `${stem}.default.mpy`)));
    }
  });

  it("writes .mpy v5 for MicroPython 1.12-1.18 with --mpy-version 5", async () => {
    const r = await tspy(["mpy-cross", "--mpy-version", "5", "--out-dir", "v5", "m01_numbers.py", "m04_closures.py"], { cwd: dir });
    expect(r.status).toBe(0);
    for (const stem of ["m01_numbers", "m04_closures"]) {
      expect(readFileSync(path.join(dir, "v5", `${stem}.mpy`))).toEqual(readFileSync(path.join(reference, "v5", `${stem}.default.mpy`)));
    }
  });

  it("writes next to the source by default, and honours -O3 and -s", async () => {
    expect((await tspy(["mpy-cross", "m01_numbers.py"], { cwd: dir })).status).toBe(0);
    expect(readFileSync(path.join(dir, "m01_numbers.mpy"))).toEqual(readFileSync(path.join(reference, "m01_numbers.default.mpy")));
    expect((await tspy(["mpy-cross", "-O3", "-o", "o3.mpy", "m01_numbers.py"], { cwd: dir })).status).toBe(0);
    expect(readFileSync(path.join(dir, "o3.mpy"))).toEqual(readFileSync(path.join(reference, "m01_numbers.O3.mpy")));
    expect((await tspy(["mpy-cross", "-s", "renamed.py", "-o", "s.mpy", "m01_numbers.py"], { cwd: dir })).status).toBe(0);
    expect(readFileSync(path.join(dir, "s.mpy"))).toEqual(readFileSync(path.join(reference, "m01_numbers.s.mpy")));
  });

  it("reports a rejected file in upstream's format and still compiles the others", async () => {
    const r = await tspy(["mpy-cross", "--out-dir", "out", "m01_numbers.py", "bad.py", "m04_closures.py"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "Traceback (most recent call last):\n  File \"bad.py\", line 4, in <module>\nSyntaxError: 'break'/'continue' outside loop\n",
    );
    expect(readdirSync(path.join(dir, "out")).sort()).toEqual(["m01_numbers.mpy", "m04_closures.mpy"]);
  });

  it("leaves an existing output untouched when its source is rejected", async () => {
    mkdirSync(path.join(dir, "out"));
    writeFileSync(path.join(dir, "out", "bad.mpy"), "previous");
    expect((await tspy(["mpy-cross", "--out-dir", "out", "bad.py"], { cwd: dir })).status).toBe(1);
    expect(readFileSync(path.join(dir, "out", "bad.mpy"), "utf8")).toBe("previous");
    expect(readdirSync(path.join(dir, "out"))).toEqual(["bad.mpy"]);
  });

  it("compiles a Latin-1 source as upstream does (bytes kept), and gives one line for a directory and a missing file", async () => {
    writeFileSync(path.join(dir, "latin1.py"), Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]));
    mkdirSync(path.join(dir, "pkg.py"));
    const r = await tspy(["mpy-cross", "latin1.py", "pkg.py", "nope.py", "m01_numbers.py"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "mpy-cross: pkg.py: is a directory",
      "mpy-cross: nope.py: no such file",
    ]);
    // Worked out by hand from upstream's persistentcode.c: header, 4 qstrs (file name (9 bytes: 0x12), <module>, the
    // one-byte string 'é' as its raw Latin-1 byte 0xE9, x), no constants, then the module's bytecode.
    const mpy = readFileSync(path.join(dir, "latin1.mpy"));
    expect(mpy.subarray(0, 24).toString("hex")).toBe("4d0600" + "1f" + "04" + "00" + "12" + Buffer.from("latin1.py").toString("hex") + "00" + "0f" + "02e900" + "027800");
    expect(existsSync(path.join(dir, "m01_numbers.mpy"))).toBe(true);
  });

  it("--dump lists the bytes of a Latin-1 string that are not UTF-8 as \\x escapes", async () => {
    writeFileSync(path.join(dir, "l2.py"), Buffer.from("x = 'caf\xe9'\n", "latin1"));
    expect((await tspy(["mpy-cross", "l2.py"], { cwd: dir })).status).toBe(0);
    const d = await tspy(["mpy-cross", "--dump", "l2.mpy"], { cwd: dir });
    expect(d.status).toBe(0);
    expect(d.stdout).toContain("    2 'caf\\xe9'\n");
  });

  it("--dump reads .mpy 2-4 and Pycopy's; --mpy-version 5 reads a Pycopy file as MicroPython's (and says why it cannot)", async () => {
    const legacy = path.join(ROOT, "test", "mpy-cross", "reference-legacy", "m04_closures.2.default.mpy");
    const pycopy = path.join(ROOT, "test", "mpy-cross", "reference-pycopy", "m04_closures.mpy");
    const d = await tspy(["mpy-cross", "--dump", legacy, pycopy]);
    expect(d.stderr).toBe("");
    expect(d.status).toBe(0);
    expect(d.stdout).toContain("mpy version 2, arch none, small int bits 31, flags 0x2\nbytecode: MicroPython 1.9-1.9.2, CircuitPython 2\n");
    expect(d.stdout).toContain("bytecode: Pycopy 3.x\n");
    const forced = await tspy(["mpy-cross", "--dump", "--mpy-version", "5", pycopy]);
    expect(forced.status).toBe(1);
    expect(forced.stderr).toMatch(/^\S+m04_closures\.mpy: corrupt \.mpy file: invalid opcode 0x1d in bytecode of \S+ at offset \d+\n$/);
  });

  it("reports a syntax error in a non-UTF-8 source with its line, as for ASCII text", async () => {
    writeFileSync(path.join(dir, "l1.py"), Buffer.from("x = 1\n\xe9 = (\n", "latin1"));
    const r = await tspy(["mpy-cross", "l1.py"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('Traceback (most recent call last):\n  File "l1.py", line 3\nSyntaxError: invalid syntax\n');
  });

  it("names the emulated release with --version, and rejects unknown flags in one line", async () => {
    const v = await tspy(["mpy-cross", "--version"]);
    expect(v.status).toBe(0);
    expect(v.stdout).toMatch(/^MicroPython v1\.27\.0 .*mpy-cross emitting mpy v6\.3\n$/);
    const bad = await tspy(["mpy-cross", "-q", "x.py"]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

// bin/ runs `tspy mpy-cross` from the bundled command (src/cli/fast-path.ts) unless something needs the
// full command line; both ways must behave the same.
describe("tspy mpy-cross, bundled and through the full command line", () => {
  /** The full command line in a child process, without bin/'s short way. */
  const viaMain = (args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) =>
    runNode(["--input-type=module", "-e", `import { main } from ${JSON.stringify(path.join(ROOT, "dist", "src", "cli", "main.js"))}; process.exitCode = await main(${JSON.stringify(args)});`], cwd, env);

  it("writes the same bytes and reports the same errors with the same statuses", async () => {
    for (const args of [
      ["--out-dir", "out", "m01_numbers.py", "bad.py", "missing.py"],
      ["--mpy-version", "9", "m01_numbers.py"],
      ["-march=nope", "-X", "emit=native", "m04_closures.py"],
      // native code from the native back end's own bundle, and an error it raises that the compiler
      // (in the other bundle) must recognise as its own class
      ["-march=x64", "-X", "emit=native", "-o", "-", "m04_closures.py"],
      ["-march=armv7m", "-o", "-", "viper_bad.py"],
      ["-o", "-", "m04_closures.py"],
      [],
    ]) {
      const fast = await tspy(["mpy-cross", ...args], { cwd: dir });
      const fastOut = existsSync(path.join(dir, "out")) ? readdirSync(path.join(dir, "out")).map((f) => [f, readFileSync(path.join(dir, "out", f)).toString("hex")]) : [];
      rmSync(path.join(dir, "out"), { recursive: true, force: true });
      const full = await viaMain(["mpy-cross", ...args], dir);
      const fullOut = existsSync(path.join(dir, "out")) ? readdirSync(path.join(dir, "out")).map((f) => [f, readFileSync(path.join(dir, "out", f)).toString("hex")]) : [];
      rmSync(path.join(dir, "out"), { recursive: true, force: true });
      expect({ args, status: fast.status, stdout: fast.stdout, stderr: fast.stderr, files: fastOut }).toEqual({ args, status: full.status, stdout: full.stdout, stderr: full.stderr, files: fullOut });
    }
  });

  it("ends the process only once a .mpy bigger than a pipe's buffer is out on stdout", async () => {
    // The bundled run ends the process without Node's teardown (fast-path.ts, endMpyCrossRun): what it
    // wrote to a pipe must all arrive, and the status must be the compile's.
    const src = path.join(dir, "big_module.py");
    writeFileSync(src, Array.from({ length: 3000 }, (_, k) => `def f${k}(a, b=${k}):\n    return [a, b, "s${k}", ${k}.5]\n`).join(""));
    const piped = await new Promise<{ status: number | null; stdout: Buffer }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, "bin", "tspy.js"), "mpy-cross", "-o", "-", "big_module.py"], { cwd: dir, stdio: ["ignore", "pipe", "inherit"] });
      const chunks: Buffer[] = [];
      // A slow reader: the pipe fills, and the compiler's write has to wait for it.
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 300);
      child.stdout.on("data", (d: Buffer) => chunks.push(d));
      child.on("close", (status) => resolve({ status, stdout: Buffer.concat(chunks) }));
    });
    expect(piped.status).toBe(0);
    const file = await tspy(["mpy-cross", "-o", "big_module.mpy", "big_module.py"], { cwd: dir });
    expect(file.status).toBe(0);
    const written = readFileSync(path.join(dir, "big_module.mpy"));
    expect(written.length).toBeGreaterThan(128 * 1024);
    expect(Buffer.compare(piped.stdout, written)).toBe(0);
  });

  it("leaves the word to a user's shortcut named mpy-cross", async () => {
    const config = path.join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ commands: { "mpy-cross": "version" } }));
    const r = await tspy(["mpy-cross"], { cwd: dir, env: { TSPY_CONFIG: config } });
    expect(r.stdout).toMatch(/^tspy \d+\.\d+\.\d+\n$/);
    expect(r.status).toBe(0);
  });

  it("ends quietly with status 141 when the reader of -o - has gone away", async () => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "tspy.js"), "mpy-cross", "-o", "-", "m04_closures.py"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy(); // the reader is gone before the .mpy is written
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const status = await new Promise((resolve) => child.on("close", resolve));
    expect({ status, stderr }).toEqual({ status: 141, stderr: "" });
  });
});

function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, TSPY_DEVICE: "", PYBOARD_DEVICE: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
