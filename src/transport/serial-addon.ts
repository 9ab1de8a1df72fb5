// Finding @serialport/bindings-cpp's native addon. The package finds it with node-gyp-build, which
// resolves the package, reads its package.json and lists its prebuilds directories on every start: ~5 ms
// of CPU before the first byte of a `tspy exec` on a serial port (loading the addon itself takes under
// 1 ms). The build (scripts/bundle-compiler.mjs) asks node-gyp-build once and writes the answer to
// dist/serial-addon.json; a start on the same platform, CPU and Node ABI loads that file straight away.
// Anything else (no record, another Node, the file gone, a load error) goes the package's own way.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** dist/, where the record lives (this module is dist/src/transport/serial-addon.js). */
const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const ADDON_RECORD = path.join(DIST, "serial-addon.json");

interface AddonRecord {
  /** platform-arch-ABI of the Node that found it: an addon is built for exactly one. */
  key: string;
  /** The addon's path, relative to dist/ (the install may move as a whole). */
  file: string;
}

const thisNode = () => `${process.platform}-${process.arch}-${process.versions.modules}`;

/** The package directory of @serialport/bindings-cpp (node-gyp-build searches below it). */
function packageDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(path.dirname(require.resolve("@serialport/bindings-cpp")));
}

/** The addon as the package itself finds it. */
function foundAddon<T>(): T {
  const require = createRequire(import.meta.url);
  return (require("node-gyp-build") as (dir: string) => T)(packageDir());
}

/** The addon the record at `recordFile` names, if it was made for this Node and loads. */
export function recordedAddon<T>(recordFile = ADDON_RECORD): T | undefined {
  let record: AddonRecord;
  try {
    record = JSON.parse(fs.readFileSync(recordFile, "utf8")) as AddonRecord;
  } catch {
    return undefined;
  }
  if (record.key !== thisNode() || typeof record.file !== "string") return undefined;
  try {
    const module = { exports: {} as T };
    process.dlopen(module, path.resolve(DIST, record.file));
    return module.exports;
  } catch {
    return undefined;
  }
}

/** The loaded addon: from the build's record when it fits this Node, else found by node-gyp-build. */
export function loadSerialAddon<T>(recordFile = ADDON_RECORD): T {
  return recordedAddon<T>(recordFile) ?? foundAddon<T>();
}

/** Build step: write the record for this Node (false when the package finds no addon here). */
export function recordSerialAddon(recordFile = ADDON_RECORD): boolean {
  let file: string;
  try {
    const require = createRequire(import.meta.url);
    file = (require("node-gyp-build") as { resolve(dir: string): string }).resolve(packageDir());
  } catch {
    fs.rmSync(recordFile, { force: true });
    return false;
  }
  const record: AddonRecord = { key: thisNode(), file: path.relative(DIST, file).split(path.sep).join("/") };
  fs.writeFileSync(recordFile, JSON.stringify(record) + "\n");
  return true;
}
