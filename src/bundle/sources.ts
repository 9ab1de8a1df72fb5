// Where bundles come from: a local zip, an http(s) URL to one, or `github:OWNER/REPO[@TAG]`, which finds
// the release's tag (the latest unless given) and fetches the py zip plus the N.x-mpy zip the board needs,
// named as Adafruit's release assets are.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { getBytes } from "../upip/http.js";
import { FetchError } from "../upip/errors.js";
import { Bundle } from "./bundle.js";
import { BundleError } from "./errors.js";

/** circup's built-in list. */
export const DEFAULT_BUNDLES = ["github:adafruit/Adafruit_CircuitPython_Bundle", "github:adafruit/CircuitPython_Community_Bundle"];

export interface LoadOptions {
  /** The board's CircuitPython major, when a board is involved (picks the mpy asset of a github: source). */
  major: number | null;
  /** Only source files are wanted. */
  py: boolean;
  onStatus?: (text: string) => void;
  /** Use only cached release assets: no network. */
  offline?: boolean;
  /** Overrides https://github.com (a test server). */
  githubBase?: string;
}

/** Release assets never change under the same tag, so they are kept here and not downloaded again. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TSPY_CACHE_DIR) return path.join(env.TSPY_CACHE_DIR, "circup");
  const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
  return path.join(base, "tspy", "circup");
}

/** The newest release whose py asset is in the cache (Adafruit's tags are dates, so they sort as text). */
async function newestCachedTag(id: string, repo: string): Promise<string> {
  const prefix = `${id}-py-`;
  const names = await fs.readdir(cacheDir()).catch(() => [] as string[]);
  const tags = names.filter((n) => n.startsWith(prefix) && n.endsWith(".zip")).map((n) => n.slice(prefix.length, -4)).sort();
  if (!tags.length) throw new BundleError(`--offline: no release of ${repo} in the cache (${cacheDir()}); run once without --offline`);
  return tags[tags.length - 1]!;
}

async function cachedAsset(url: string, file: string, opts: LoadOptions): Promise<Bundle> {
  const cached = path.join(cacheDir(), file);
  const kept = await fs.readFile(cached).catch(() => null);
  if (kept) {
    try {
      return Bundle.fromZip(new Uint8Array(kept), url, file);
    } catch {
      // Damaged in the cache (a disk problem, a hand edit): fetch it again.
      await fs.rm(cached, { force: true }).catch(() => {});
    }
  }
  if (opts.offline) throw new BundleError(`--offline: ${file} is not in the cache (${cacheDir()})`);
  opts.onStatus?.(`downloading ${file}`);
  const data = await getBytes(url, `bundle ${file}`);
  const bundle = Bundle.fromZip(data, url, file);
  try {
    await fs.mkdir(path.dirname(cached), { recursive: true });
    const temp = `${cached}.${randomBytes(4).toString("hex")}.tmp`;
    await fs.writeFile(temp, data);
    await fs.rename(temp, cached);
  } catch {
    // A cache that cannot be written only costs a download next time.
  }
  return bundle;
}

function githubBase(opts: LoadOptions): string {
  return (opts.githubBase ?? process.env.TSPY_GITHUB_URL ?? "https://github.com").replace(/\/+$/, "");
}

async function latestTag(base: string, repo: string): Promise<string> {
  const url = `${base}/${repo}/releases/latest`;
  let res: Response;
  try {
    res = await fetch(url, { method: "HEAD", redirect: "manual", signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    throw new FetchError(`cannot reach ${url}: ${(err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message}`);
  }
  const where = res.headers.get("location") ?? res.url;
  const tag = where.replace(/\/+$/, "").split("/").pop() ?? "";
  if (res.status < 300 || res.status >= 400 || !tag || tag === "latest" || tag === "releases") {
    throw new FetchError(`${url} does not lead to a release (HTTP ${res.status})`);
  }
  return decodeURIComponent(tag);
}

async function fromGithub(spec: string, opts: LoadOptions): Promise<Bundle[]> {
  const m = /^github:([^/@\s]+)\/([^/@\s]+)(?:@(.+))?$/.exec(spec);
  if (!m) throw new BundleError(`not a github bundle: ${spec} (expected github:OWNER/REPO[@TAG])`);
  const repo = `${m[1]}/${m[2]}`;
  const base = githubBase(opts);
  opts.onStatus?.(`finding the latest release of ${repo}`);
  const id = m[2]!.toLowerCase().replace(/_/g, "-");
  const tag = m[3] ?? (opts.offline ? await newestCachedTag(id, repo) : await latestTag(base, repo));
  // The tag becomes part of a file name in the cache.
  if (!/^[\w.+-]+$/.test(tag) || tag.startsWith(".")) throw new BundleError(`${repo}: unusable release tag ${JSON.stringify(tag)}`);
  const flavours = ["py", ...(opts.major !== null && !opts.py ? [`${opts.major}.x-mpy`] : [])];
  const out: Bundle[] = [];
  for (const f of flavours) {
    const file = `${id}-${f}-${tag}.zip`;
    const url = `${base}/${repo}/releases/download/${encodeURIComponent(tag)}/${file}`;
    out.push(await cachedAsset(url, file, opts));
  }
  return out;
}

export async function loadBundle(spec: string, opts: LoadOptions): Promise<Bundle[]> {
  if (spec.startsWith("github:")) return fromGithub(spec, opts);
  if (/^https?:\/\//i.test(spec)) {
    if (opts.offline) throw new BundleError(`--offline: cannot download ${spec}`);
    opts.onStatus?.(`downloading ${spec}`);
    const file = decodeURIComponent(new URL(spec).pathname.split("/").pop() ?? "");
    return [Bundle.fromZip(await getBytes(spec, "bundle"), spec, file)];
  }
  let data: Buffer;
  try {
    data = await fs.readFile(spec);
  } catch (err) {
    throw new BundleError(`cannot read bundle ${spec}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  return [Bundle.fromZip(new Uint8Array(data), spec, spec.split(/[\\/]/).pop() ?? spec)];
}

export async function loadBundles(specs: string[], opts: LoadOptions): Promise<Bundle[]> {
  const out: Bundle[] = [];
  for (const s of specs.length ? specs : DEFAULT_BUNDLES) out.push(...(await loadBundle(s, opts)));
  return out;
}
