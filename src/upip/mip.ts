// mip, the installer of current MicroPython, run on the host: packages from a mip index
// (`{index}/package/{py|MPY_MAJOR}/{name}/{version}.json` listing files by sha256 prefix), from package.json
// files on GitHub/GitLab/Codeberg or any URL, and single .py/.mpy files. Unlike mip, the content of every
// file listed by hash is checked against that hash, and .mpy files against the board's .mpy version.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { UsageError } from "../errors.js";
import { DependencyCycleError, FetchError, HashMismatchError, InstallError, PackageNotFoundError } from "./errors.js";
import { getBytes } from "./http.js";
import type { MpyVersion } from "./install-target.js";
import { normaliseName } from "./requirement.js";
import type { StagedPackage } from "./staged.js";
import type { InstallFile } from "./upip-members.js";

export const DEFAULT_MIP_INDEX = "https://micropython.org/pi/v2";

const HOSTS: Record<string, (org: string, repo: string, ref: string, p: string) => string> = {
  "github:": (org, repo, ref, p) => `https://raw.githubusercontent.com/${org}/${repo}/${ref}/${p}`,
  "gitlab:": (org, repo, ref, p) => `https://gitlab.com/${org}/${repo}/-/raw/${ref}/${p}`,
  "codeberg:": (org, repo, ref, p) => `https://codeberg.org/api/v1/repos/${org}/${repo}/raw/${p}?ref=${encodeURIComponent(ref)}`,
};
const URL_PREFIXES = ["http://", "https://", ...Object.keys(HOSTS)];

export interface MipSpec {
  source: string;
  version?: string;
}

/** `NAME[@VERSION]`, `github:org/repo[/path][@REF]`, `URL[@REF]`: a version follows the last `@` after the last `/`. */
export function parseMipSpec(text: string): MipSpec {
  const at = text.lastIndexOf("@");
  if (at > 0 && at > text.lastIndexOf("/")) {
    const version = text.slice(at + 1);
    if (!version) throw new UsageError(`empty version in ${text}`);
    return { source: text.slice(0, at), version };
  }
  return { source: text };
}

function isUrlLike(s: string): boolean {
  return URL_PREFIXES.some((p) => s.startsWith(p));
}

/** Turn the `github:`/`gitlab:`/`codeberg:` shorthands into download URLs at `ref` (default HEAD). */
export function rewriteMipUrl(url: string, ref?: string): string {
  for (const [prefix, build] of Object.entries(HOSTS)) {
    if (!url.startsWith(prefix)) continue;
    const [org, repo, ...rest] = url.slice(prefix.length).split("/");
    if (!org || !repo) throw new UsageError(`${url}: expected ${prefix}ORG/REPO[/PATH]`);
    return build(org, repo, ref ?? "HEAD", rest.join("/"));
  }
  return url;
}

/** Check a package.json destination: relative, no `..`. */
function safeDest(dest: unknown, where: string): string {
  if (typeof dest !== "string" || !dest) throw new InstallError(`${where}: a file has no destination path`);
  if (dest.startsWith("/") || dest.includes("\\") || dest.split("/").includes("..")) {
    throw new InstallError(`${where}: destination ${JSON.stringify(dest)} points outside the install directory`);
  }
  const clean = dest.split("/").filter((s) => s && s !== ".").join("/");
  if (!clean) throw new InstallError(`${where}: bad destination ${JSON.stringify(dest)}`);
  return clean;
}

/** An .mpy file must be one the board can import: same major version; native code also needs arch and sub-version. */
export function checkMpyFile(dest: string, data: Uint8Array, board: MpyVersion): void {
  if (data.length < 4 || data[0] !== 0x4d) throw new InstallError(`${dest}: not an .mpy file`);
  const major = data[1]!;
  if (major !== board.major) throw new InstallError(`${dest} is .mpy version ${major}; the board imports version ${board.major}`);
  if (major >= 6) {
    const arch = data[2]! >> 2;
    const sub = data[2]! & 3;
    if (arch !== 0 && (arch !== (board.arch ?? 0) || sub !== board.minor)) {
      throw new InstallError(`${dest} holds native code (arch ${arch}, .mpy ${major}.${sub}) the board cannot run`);
    }
  }
}

interface PackageJson {
  hashes: Array<[string, string]>;
  urls: Array<[string, string]>;
  deps: Array<[string, string | undefined]>;
  version?: string;
}

function readPackageJson(raw: unknown, where: string): PackageJson {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new InstallError(`${where}: not a mip package.json`);
  const obj = raw as Record<string, unknown>;
  const pairs = (key: string, optionalSecond = false): Array<[string, string]> => {
    const v = obj[key] ?? [];
    if (!Array.isArray(v)) throw new InstallError(`${where}: "${key}" is not a list`);
    return v.map((entry) => {
      const ok =
        Array.isArray(entry) &&
        typeof entry[0] === "string" &&
        (typeof entry[1] === "string" || (optionalSecond && (entry[1] === undefined || entry[1] === null)));
      if (!ok) throw new InstallError(`${where}: bad "${key}" entry ${JSON.stringify(entry)}`);
      return [entry[0], entry[1] ?? ""] as [string, string];
    });
  };
  return {
    hashes: pairs("hashes"),
    urls: pairs("urls"),
    deps: pairs("deps", true).map(([n, v]) => [n, v || undefined]),
    ...(typeof obj.version === "string" ? { version: obj.version } : {}),
  };
}

export interface MipResolveOptions {
  index?: string;
  /** The board's .mpy version to pick compiled packages for; null installs .py sources (`--no-mpy`). */
  mpy: MpyVersion | null;
  onStatus?: (text: string) => void;
}

/** Resolve and download every spec and its dependencies; nothing is written. */
export async function stageMip(specs: MipSpec[], options: MipResolveOptions): Promise<StagedPackage[]> {
  const index = (options.index ?? DEFAULT_MIP_INDEX).replace(/\/+$/, "");
  const flavour = options.mpy ? String(options.mpy.major) : "py";
  const staged = new Map<string, StagedPackage>();
  const order: StagedPackage[] = [];

  /** Local files are read only for a package.json the user named on the command line (and its relatives). */
  const load = async (location: string, what: string, local: boolean): Promise<Uint8Array> => {
    if (/^https?:\/\//.test(location)) return getBytes(location, what);
    if (!local) throw new InstallError(`${what}: refusing ${JSON.stringify(location)} (not an http(s) URL)`);
    try {
      return new Uint8Array(await fs.readFile(location));
    } catch (err) {
      throw new FetchError(`cannot read ${location}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
  };
  const loadJson = async (location: string, what: string, local: boolean): Promise<unknown> => {
    const text = new TextDecoder().decode(await load(location, what, local));
    try {
      return JSON.parse(text);
    } catch {
      throw new FetchError(`${location} is not JSON`);
    }
  };
  const checkFile = (dest: string, data: Uint8Array) => {
    if (dest.endsWith(".mpy") && options.mpy) checkMpyFile(dest, data, options.mpy);
  };

  const queue: Array<{ spec: MipSpec; chain: string[]; local: boolean }> = specs.map((spec) => ({ spec, chain: [], local: true }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    const { spec, chain } = item;
    const local = item.local && !isUrlLike(spec.source) && spec.source.endsWith(".json");
    const { source, version } = spec;
    const url = isUrlLike(source);
    const key = url || source.endsWith(".json") ? source : normaliseName(source);
    const loopAt = chain.indexOf(key);
    if (loopAt >= 0) throw new DependencyCycleError(`dependency cycle: ${[...chain.slice(loopAt), key].join(" → ")}`);
    if (staged.has(key)) continue;

    const files: InstallFile[] = [];
    let jsonUrl: string;
    let base: string;
    if (url && /\.m?py$/.test(source)) {
      const name = source.slice(source.lastIndexOf("/") + 1);
      options.onStatus?.(`downloading ${source}`);
      const data = await load(rewriteMipUrl(source, version), `file ${source}`, false);
      checkFile(name, data);
      const pkg: StagedPackage = { name, version: version ?? "", source, files: [{ path: name, data }], deps: [], notes: [] };
      staged.set(key, pkg);
      order.push(pkg);
      continue;
    } else if (url) {
      jsonUrl = source.endsWith(".json") ? source : `${source.replace(/\/?$/, "/")}package.json`;
    } else if (source.endsWith(".json")) {
      if (!item.local) throw new InstallError(`${chain.at(-1)}: refusing local dependency ${source}`);
      jsonUrl = source;
    } else {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(source)) throw new UsageError(`not a package name, URL or package.json: ${source}`);
      jsonUrl = `${index}/package/${flavour}/${source}/${version ?? "latest"}.json`;
    }
    // Relative file URLs are relative to the package.json, wherever it came from (as in mip).
    base = local ? path.dirname(jsonUrl) : jsonUrl.slice(0, jsonUrl.lastIndexOf("/"));
    options.onStatus?.(`resolving ${source}${version ? "@" + version : ""}`);
    let raw: unknown;
    try {
      raw = await loadJson(rewriteMipUrl(jsonUrl, version), `package ${source}${version ? " " + version : ""}`, local);
    } catch (err) {
      if (err instanceof PackageNotFoundError && jsonUrl.startsWith(`${index}/package/${flavour}/`) && flavour !== "py") {
        throw new PackageNotFoundError(`${err.message}; the index has no .mpy ${flavour} build of it (--no-mpy installs the .py sources)`);
      }
      throw err;
    }
    const pj = readPackageJson(raw, source);

    for (const [rawDest, shortHash] of pj.hashes) {
      const dest = safeDest(rawDest, source);
      if (!/^[0-9a-f]{8,64}$/i.test(shortHash)) throw new InstallError(`${source}: bad hash ${JSON.stringify(shortHash)} for ${dest}`);
      const h = shortHash.toLowerCase();
      options.onStatus?.(`downloading ${dest}`);
      const data = await load(`${index}/file/${h.slice(0, 2)}/${h}`, `file ${dest} (${h})`, false);
      const actual = createHash("sha256").update(data).digest("hex");
      if (!actual.startsWith(h)) throw new HashMismatchError(`${source}: ${dest} has sha256 ${actual.slice(0, h.length)}, the index says ${h}`);
      checkFile(dest, data);
      files.push({ path: dest, data });
    }
    for (const [rawDest, fileUrl] of pj.urls) {
      const dest = safeDest(rawDest, source);
      const full = isUrlLike(fileUrl) ? fileUrl : local ? path.join(base, fileUrl) : `${base}/${fileUrl}`;
      options.onStatus?.(`downloading ${dest}`);
      const data = await load(rewriteMipUrl(full, version), `file ${dest}`, local);
      checkFile(dest, data);
      files.push({ path: dest, data });
    }
    const pkg: StagedPackage = {
      name: source,
      version: pj.version ?? version ?? "latest",
      source: jsonUrl,
      files,
      deps: pj.deps.map(([d]) => d),
      notes: [],
    };
    staged.set(key, pkg);
    order.push(pkg);
    for (const [dep, depVersion] of pj.deps) {
      queue.push({ spec: { source: dep, ...(depVersion ? { version: depVersion } : {}) }, chain: [...chain, key], local });
    }
  }
  return order;
}
