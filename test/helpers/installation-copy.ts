// A copy of the installation (bin/, dist/, package.json, node_modules linked) in a temporary directory,
// for tests that age, remove or watch its files (bundles, code caches) without disturbing other tests.
import fs from "node:fs";
import path from "node:path";
import { ROOT } from "./cli.js";
import { tempDir } from "./temp-dirs.js";

export async function installationCopy(name: string): Promise<string> {
  const install = await tempDir(name);
  for (const part of ["bin", "dist", "package.json"]) fs.cpSync(path.join(ROOT, part), path.join(install, part), { recursive: true, preserveTimestamps: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(install, "node_modules"));
  return install;
}
