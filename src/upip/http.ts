// Downloads for the installers, with Node's built-in fetch, and failures turned into one-line errors.
import { FetchError, PackageNotFoundError } from "./errors.js";

/** Larger downloads are refused: MicroPython packages are kilobytes, so this only stops runaway servers. */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ECONNRESET") return "connection reset";
  if ((err as Error)?.name === "TimeoutError") return `no answer within ${TIMEOUT_MS / 1000} s`;
  return cause?.message ?? (err as Error)?.message ?? String(err);
}

function checkScheme(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchError(`not a valid URL: ${url}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new FetchError(`only http and https URLs can be downloaded: ${url}`);
  }
}

/**
 * GET `url` and hand back the response once its status is 200.
 * `what` names the thing for a 404 ("package foo", "file lib/x.py").
 */
async function get(url: string, what: string): Promise<Response> {
  checkScheme(url);
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new FetchError(`cannot reach ${url}: ${describeCause(err)}`);
  }
  if (res.status === 404 || res.status === 410) {
    await res.body?.cancel();
    throw new PackageNotFoundError(`${what} not found (${url})`);
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new FetchError(`HTTP ${res.status}${res.statusText ? " " + res.statusText : ""} from ${url}`);
  }
  return res;
}

/** The body as a stream of chunks, ending with an error if the server stops early or sends too much. */
export async function* getChunks(url: string, what: string): AsyncGenerator<Uint8Array> {
  const res = await get(url, what);
  if (!res.body) return;
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      let step: Awaited<ReturnType<typeof reader.read>>;
      try {
        step = await reader.read();
      } catch (err) {
        throw new FetchError(`download of ${url} broke off: ${describeCause(err)}`);
      }
      if (step.done) return;
      total += step.value.length;
      if (total > MAX_DOWNLOAD_BYTES) throw new FetchError(`${url} is larger than ${MAX_DOWNLOAD_BYTES} bytes`);
      yield step.value;
    }
  } finally {
    reader.releaseLock();
    await res.body.cancel().catch(() => {});
  }
}

export async function getBytes(url: string, what: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of getChunks(url, what)) parts.push(chunk);
  return concat(parts);
}

export async function getJson(url: string, what: string): Promise<unknown> {
  const text = new TextDecoder().decode(await getBytes(url, what));
  try {
    return JSON.parse(text);
  } catch {
    throw new FetchError(`${url} did not answer with JSON`);
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
