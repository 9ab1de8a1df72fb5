// Temporary directories a test file makes and removes again in afterAll.
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";

const made: string[] = [];

export async function tempDir(prefix: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `tspy-${prefix}-`));
  made.push(dir);
  return dir;
}

/** Remove every directory tempDir made in this test file (call from afterAll). */
export async function removeTempDirs(): Promise<void> {
  for (const dir of made.splice(0)) await fs.rm(dir, { recursive: true, force: true });
}
