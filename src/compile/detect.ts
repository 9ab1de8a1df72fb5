// Asks the connected board which .mpy it loads (board-flavour.ts decides from the answers), and for
// releases that do not say, imports a tiny .mpy of each candidate header on the board to find out.
import type { RawRepl } from "../raw-repl/raw-repl.js";
import { DeviceError } from "../raw-repl/errors.js";
import { parsePyLiteral, type PyValue } from "../fs/py-literal.js";
import { TspyError } from "../errors.js";
import { loadCompiler, type CompilerApi } from "../mpy-cross/batch/load-compiler.js";
import { resolveArch } from "../mpy-cross/native/target.js";
import { DETECT_SNIPPET, flagWords, flavourOf, FLAG_CACHE_LOOKUP, FLAG_UNICODE, type BoardInfo, type Flavour } from "./board-flavour.js";

export class BoardDetectError extends TspyError {}

/** What to write to this board: .mpy compiled with `options`, or its sources (and why). */
export type BoardTarget =
  | { kind: "mpy"; /** e.g. "MicroPython 1.27.0 (rp2)" */ describe: string; options: MpyOptions }
  | { kind: "source"; describe: string; reason: "no-mpy-import" | "flavour-missing" | "unknown"; message: string };

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

export async function readBoardInfo(repl: RawRepl): Promise<BoardInfo> {
  const v = parsePyLiteral(text(await repl.exec(DETECT_SNIPPET)).trim());
  const ok = Array.isArray(v) && v.length === 5 && typeof v[0] === "string" && Array.isArray(v[1]);
  if (!ok) throw new BoardDetectError("the board's answer to the .mpy detection was not understood");
  const field = v[2] as PyValue;
  return {
    name: v[0] as string,
    version: (v[1] as PyValue[]).map(Number),
    mpyField: typeof field === "number" ? field : null,
    platform: String(v[3] ?? ""),
    release: typeof v[4] === "string" ? v[4] : "",
  };
}

/** The compile options a board needs: version, and for the older formats the header's feature flags. */
export interface MpyOptions {
  mpyVersion: string;
  arch?: string;
  cacheLookupBc?: boolean;
  unicode?: boolean;
}

/** The mpy-cross options that write feature `flags` (header byte 2, low bits). */
function flagOptions(flags: number): Pick<MpyOptions, "cacheLookupBc" | "unicode"> {
  return { cacheLookupBc: (flags & FLAG_CACHE_LOOKUP) !== 0, unicode: (flags & FLAG_UNICODE) !== 0 };
}

/** The header flags (byte 2, low bits) the compiler writes for a version, from an empty module's header. */
function emptyModule(api: CompilerApi, mpyVersion: string): Uint8Array {
  const r = api.compileOne("_tspy_probe.py", new Uint8Array(0), { filename: "_tspy_probe.py", mpyVersion });
  if (!r.ok) throw new BoardDetectError(`cannot build the .mpy probe: ${r.message.trim()}`);
  return r.mpy;
}

/** Whether this compiler writes `flags` for the version (only the older formats' mpy-cross has the options). */
function writesFlags(api: CompilerApi, mpyVersion: string, flags: number): boolean {
  try {
    const r = api.compileOne("_tspy_probe.py", new Uint8Array(0), { filename: "_tspy_probe.py", mpyVersion, ...flagOptions(flags) });
    return r.ok && (r.mpy[2]! & 3) === flags;
  } catch {
    return false; // the version has no such options
  }
}

const pyBytes = (b: Uint8Array) => "b'" + Array.from(b, (x) => "\\x" + x.toString(16).padStart(2, "0")).join("") + "'";

/**
 * Python that writes `tail` behind each header in turn as a .mpy, imports it and removes it again,
 * and prints one letter per try: K (loaded), V (refused: incompatible), I (no .mpy import at all),
 * E (something else). It stops at the first answer that is not V.
 */
export function probeProgram(headers: Uint8Array[], tail: Uint8Array): string {
  return `import sys
try:
 import uos as o
except ImportError:
 import os as o
d=getattr(o,'remove',None) or o.unlink
T=${pyBytes(tail)}
r=''
for i,h in enumerate((${headers.map(pyBytes).join(",")},)):
 n='_tspyp%d'%i
 f=open(n+'.mpy','wb')
 f.write(h+T)
 f.close()
 try:
  __import__(n)
  r+='K'
 except ImportError:
  r+='I'
 except ValueError:
  r+='V'
 except Exception:
  r+='E'
 d(n+'.mpy')
 getattr(sys,'modules',{}).pop(n,None)
 if r[-1]!='V':
  break
print(r)
`;
}

async function runProbe(repl: RawRepl, headers: Uint8Array[], tail: Uint8Array): Promise<string> {
  let out: string;
  try {
    out = text(await repl.exec(probeProgram(headers, tail), { timeoutMs: 20_000 })).trim();
  } catch (e) {
    if (e instanceof DeviceError) throw new BoardDetectError(`the .mpy probe failed on the board (${e.exceptionName}: ${e.message})`);
    throw e;
  }
  if (!/^[KVIE]+$/.test(out)) throw new BoardDetectError(`the board's answer to the .mpy probe was not understood (${JSON.stringify(out.slice(0, 40))})`);
  return out;
}

/** Decide what to write for the connected board. */
export async function detectBoardTarget(repl: RawRepl): Promise<BoardTarget> {
  let info: BoardInfo;
  try {
    info = await readBoardInfo(repl);
  } catch (e) {
    if (e instanceof DeviceError) throw new BoardDetectError(`the board did not say which .mpy it loads (${e.exceptionName}: ${e.message})`);
    throw e;
  }
  const flavour = flavourOf(info);
  if (typeof flavour === "string") return { kind: "source", describe: flavour, reason: "unknown", message: `${flavour}` };
  return resolveFlavour(repl, await loadCompiler(), flavour);
}

async function resolveFlavour(repl: RawRepl, api: CompilerApi, f: Flavour): Promise<BoardTarget> {
  const have = api.MPY_VERSIONS[f.mpyVersion] !== undefined;
  const missing = (what: string): BoardTarget => ({
    kind: "source", describe: f.describe, reason: "flavour-missing",
    message: `${f.describe} loads ${what}, which this tspy cannot write yet`,
  });
  if (f.probe) {
    if (!have) {
      // Still worth knowing whether it imports .mpy at all: a header no release takes tells.
      const r = await runProbe(repl, [Uint8Array.from([0x4d, 0xff, 0, 31])], new Uint8Array(0));
      if (r.includes("I")) return noImport(f);
      return missing(`.mpy ${f.mpyVersion}`);
    }
    const empty = emptyModule(api, f.mpyVersion);
    const written = empty[2]! & 3;
    // The compiler's own flags first; then the other combinations of the two flag bits.
    const tries = [written, written ^ FLAG_CACHE_LOOKUP, written ^ FLAG_UNICODE, written ^ 3];
    const headers = tries.map((fl) => Uint8Array.from([empty[0]!, empty[1]!, fl, empty[3]!]));
    const r = await runProbe(repl, headers, empty.subarray(4));
    const last = r[r.length - 1];
    if (last === "I") return noImport(f);
    if (last === "K") {
      if (r.length === 1) return mpyTarget(api, f);
      const flags = tries[r.length - 1]!;
      if (writesFlags(api, f.mpyVersion, flags)) return mpyTarget(api, f, flags);
      return missing(`.mpy ${f.mpyVersion} with ${flagWords(flags)}`);
    }
    return { kind: "source", describe: f.describe, reason: "unknown", message: `${f.describe} refused every .mpy header tspy tried (.mpy ${f.mpyVersion})` };
  }
  if (!have) return missing(`.mpy ${f.mpyVersion}`);
  if (f.flags !== undefined) {
    const written = emptyModule(api, f.mpyVersion)[2]! & 3;
    if (written !== f.flags) {
      if (writesFlags(api, f.mpyVersion, f.flags)) return mpyTarget(api, f, f.flags);
      return missing(`.mpy ${f.mpyVersion} with ${flagWords(f.flags)}`);
    }
  }
  return mpyTarget(api, f);
}

function noImport(f: Flavour): BoardTarget {
  return { kind: "source", describe: f.describe, reason: "no-mpy-import", message: `${f.describe} cannot import .mpy files` };
}

function mpyTarget(api: CompilerApi, f: Flavour, flags?: number): BoardTarget {
  // The board's arch is passed on only where the emulated release knows its name (it matters for
  // @native/@viper code; bytecode alone is the same either way).
  let arch: string | undefined;
  if (f.arch !== undefined) {
    const r = resolveArch(api.MPY_VERSIONS[f.mpyVersion]!.emulates, f.arch, "bytecode");
    if (r.problem === undefined) arch = r.arch;
  }
  return {
    kind: "mpy", describe: f.describe,
    options: { mpyVersion: f.mpyVersion, ...(arch ? { arch } : {}), ...(flags !== undefined ? flagOptions(flags) : {}) },
  };
}
