// The PyPI JSON API as upip reads it: `{index}/{name}/json` → info.version and releases[version][*].url.
import { createHash } from "node:crypto";
import { FetchError, HashMismatchError, PackageNotFoundError } from "./errors.js";
import { getChunks, getJson } from "./http.js";
import type { Requirement } from "./requirement.js";

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
