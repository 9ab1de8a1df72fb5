// Shared by the installer tests: a fresh index directory and fixture server per test file.
import { promises as fs } from "node:fs";
import path from "node:path";
import { tempDir, removeTempDirs } from "../helpers/temp-dirs.js";
import { startPypiFixture, type PypiFixture } from "../../fixtures/pypi-fixture.js";
import { buildSdist, type SdistSpec } from "../../fixtures/pypi/sdist.js";

export { tempDir, removeTempDirs };

export async function startIndex(): Promise<PypiFixture> {
  return startPypiFixture({ dir: await tempDir("index") });
}

/** Put an archive on the index under pypi/{name}/; returns its bytes. */
export async function publish(fixture: PypiFixture, spec: SdistSpec, raw?: Uint8Array): Promise<Uint8Array> {
  const data = raw ?? buildSdist(spec);
  const dir = path.join(fixture.dir, "pypi", spec.name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, `${spec.name}-${spec.version}.tar.gz`), data);
  return data;
}

/** Every file below `root`, as relative path → content (text). */
export async function listTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string) => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out[path.relative(root, p).split(path.sep).join("/")] = await fs.readFile(p, "utf8");
    }
  };
  await walk(root);
  return out;
}
