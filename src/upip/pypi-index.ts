// The PyPI JSON API as upip reads it: `{index}/{name}/json` → info.version and releases[version][*].url.
import { createHash } from "node:crypto";
import { FetchError, HashMismatchError, PackageNotFoundError } from "./errors.js";
import { getBytes, getChunks, getJson } from "./http.js";
import { normaliseName, type Requirement } from "./requirement.js";

export const DEFAULT_PYPI_INDEX = "https://pypi.org/pypi";

export interface ReleaseFile {
  name: string;
  version: string;
  url: string;
  /** The index's sha256 of the file, when it publishes one (PyPI does). */
  sha256?: string;
  index: string;
}

interface ReleaseEntry {
  url?: unknown;
  filename?: unknown;
  packagetype?: unknown;
  digests?: { sha256?: unknown };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** upip's private indexes serve one file per release; PyPI serves sdists beside wheels: take the sdist. */
function pickSourceArchive(entries: ReleaseEntry[]): ReleaseEntry | undefined {
  const withUrl = entries.filter((e) => typeof e.url === "string");
  if (withUrl.length === 1) return withUrl[0];
  const isTarGz = (e: ReleaseEntry) => /\.tar\.gz$/i.test(String(e.filename ?? e.url));
  return withUrl.find((e) => e.packagetype === "sdist" && isTarGz(e)) ?? withUrl.find(isTarGz);
}

/** Ask each index in turn; only "not found" moves on to the next one. */
export async function findRelease(req: Requirement, indexes: string[]): Promise<ReleaseFile> {
  for (const rawIndex of indexes) {
    const index = rawIndex.replace(/\/+$/, "");
    if (/\/simple$/.test(index)) {
      try {
        return await findInSimpleIndex(req, index);
      } catch (err) {
        if (err instanceof PackageNotFoundError) continue;
        throw err;
      }
    }
    const url = `${index}/${encodeURIComponent(req.name)}/json`;
    let meta: unknown;
    try {
      meta = await getJson(url, `package ${req.name}`);
    } catch (err) {
      if (err instanceof PackageNotFoundError) continue;
      throw err;
    }
    if (!isObject(meta) || !isObject(meta.info) || !isObject(meta.releases)) {
      throw new FetchError(`${url}: not a package index answer (no info/releases)`);
    }
    const version = req.version ?? meta.info.version;
    if (typeof version !== "string" || !version) throw new FetchError(`${url}: no version in info`);
    const entries = meta.releases[version];
    if (!Array.isArray(entries)) {
      throw new PackageNotFoundError(`${req.name} has no version ${version} at ${index}`);
    }
    const chosen = pickSourceArchive(entries as ReleaseEntry[]);
    if (!chosen) throw new PackageNotFoundError(`${req.name} ${version} has no source archive (.tar.gz) at ${index}`);
    const fileUrl = new URL(String(chosen.url), url).href;
    const sha256 = chosen.digests?.sha256;
    return {
      name: req.name,
      version,
      url: fileUrl,
      index,
      ...(typeof sha256 === "string" ? { sha256: sha256.toLowerCase() } : {}),
    };
  }
  throw new PackageNotFoundError(`package ${req.name} not found in ${indexes.join(", ")}`);
}

const TAG_RANK: Record<string, number> = { dev: 0, a: 1, alpha: 1, b: 2, beta: 2, c: 3, rc: 3, pre: 3, preview: 3, post: 5 };
/** Where a version that has ended stands against a tag: after pre-releases, before post-releases. */
const RELEASE_RANK = 4;

/**
 * Order two version strings the PEP 440 way for the usual forms: numeric parts as numbers;
 * dev < a < b < rc < the release < post; a number after the common part beats any tag.
 */
export function compareVersions(a: string, b: string): number {
  const split = (v: string) => v.toLowerCase().split(/[.+_-]/).flatMap((p) => p.match(/\d+|[a-z]+/g) ?? []);
  const pa = split(a);
  const pb = split(b);
  const rank = (t: string | undefined): [number, number] => {
    if (t === undefined) return [1, RELEASE_RANK];
    if (/^\d+$/.test(t)) return [2, Number(t)];
    return [1, TAG_RANK[t] ?? 0];
  };
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    // 1.0 is 1.0.0
    if ((pa[i] === undefined && /^0+$/.test(pb[i]!)) || (pb[i] === undefined && /^0+$/.test(pa[i]!))) continue;
    const [ka, va] = rank(pa[i]);
    const [kb, vb] = rank(pb[i]);
    if (ka !== kb) return ka - kb;
    if (va !== vb) return va - vb;
  }
  return 0;
}

/**
 * PEP 503's Simple API, which Pycopy's upip asked (`{index}/{normalised-name}/`, links to the files):
 * the source archive of the newest version, or of the one asked for.
 */
async function findInSimpleIndex(req: Requirement, index: string): Promise<ReleaseFile> {
  const pageUrl = `${index}/${normaliseName(req.name)}/`;
  const html = new TextDecoder().decode(await getBytes(pageUrl, `package ${req.name}`));
  const prefix = normaliseName(req.name);
  const candidates: Array<{ version: string; url: string; sha256?: string }> = [];
  for (const m of html.matchAll(/<a\s[^>]*href\s*=\s*["']([^"']+)["'][^>]*>\s*([^<]+?)\s*<\/a>/gi)) {
    const filename = m[2]!;
    const tar = /^(.+)-([^-]+)\.tar\.gz$/.exec(filename);
    if (!tar || normaliseName(tar[1]!) !== prefix) continue;
    const href = new URL(m[1]!.replace(/&amp;/g, "&"), pageUrl);
    const sha = /^#sha256=([0-9a-f]{64})$/i.exec(href.hash)?.[1];
    href.hash = "";
    candidates.push({ version: tar[2]!, url: href.href, ...(sha ? { sha256: sha.toLowerCase() } : {}) });
  }
  if (candidates.length === 0) throw new PackageNotFoundError(`${req.name} has no source archive (.tar.gz) at ${index}`);
  const chosen = req.version
    ? candidates.find((c) => c.version === req.version)
    : candidates.reduce((best, c) => (compareVersions(c.version, best.version) > 0 ? c : best));
  if (!chosen) throw new PackageNotFoundError(`${req.name} has no version ${req.version} at ${index}`);
  return { name: req.name, index, ...chosen };
}

/**
 * The release file as a stream; when the index published a sha256 the stream ends with an error
 * instead of its last chunk if the content differs.
 */
export async function* downloadRelease(release: ReleaseFile): AsyncGenerator<Uint8Array> {
  const hash = createHash("sha256");
  let pending: Uint8Array | null = null;
  for await (const chunk of getChunks(release.url, `archive of ${release.name} ${release.version}`)) {
    hash.update(chunk);
    if (pending) yield pending;
    pending = chunk;
  }
  if (release.sha256) {
    const actual = hash.digest("hex");
    if (actual !== release.sha256) {
      throw new HashMismatchError(
        `${release.name} ${release.version}: archive sha256 ${actual.slice(0, 16)}… differs from the index's ${release.sha256.slice(0, 16)}…`,
      );
    }
  }
  if (pending) yield pending;
}
