// What is in the board's /lib: each module (a .py/.mpy file or a package directory) with the
// `__version__` it declares and, for compiled modules, the CircuitPython releases its .mpy suits.
import type { CircuitPyDevice, DeviceEntry } from "./device.js";
import { metadataFromFile, metadataFromPy, type ModuleMetadata } from "./module-metadata.js";

export const LIB_DIR = "/lib";

export interface InstalledModule {
  /** Lower-case module name, as bundles index them. */
  name: string;
  /** As it appears on the board: `adafruit_ssd1306.mpy`, `adafruit_display_text`. */
  entryName: string;
  /** Board path of the file or package directory. */
  path: string;
  isPackage: boolean;
  /** Board paths of its .py/.mpy files, and their sizes. */
  files: { path: string; size: number }[];
  /** Any of its files is compiled. */
  mpy: boolean;
  metadata: ModuleMetadata;
}

const isModuleFile = (name: string) => /\.m?py$/.test(name) && !name.startsWith(".");

/** Scan /lib; files are read only as far as needed to find each module's version. */
export async function scanInstalled(device: CircuitPyDevice, libDir = LIB_DIR): Promise<InstalledModule[]> {
  const entries = (await device.walk(libDir)) ?? [];
  const out = new Map<string, InstalledModule>();
  const packages = new Map<string, DeviceEntry[]>();
  for (const e of entries) {
    const parts = e.path.split("/");
    if (parts.some((p) => p.startsWith("."))) continue;
    if (parts.length === 1) {
      if (e.isDir) packages.set(parts[0]!, []);
      else if (isModuleFile(e.path)) {
        const name = e.path.replace(/\.m?py$/, "").toLowerCase();
        if (!out.has(name)) {
          out.set(name, {
            name,
            entryName: e.path,
            path: `${libDir}/${e.path}`,
            isPackage: false,
            files: [{ path: `${libDir}/${e.path}`, size: e.size }],
            mpy: e.path.endsWith(".mpy"),
            metadata: {},
          });
        }
      }
    } else if (!e.isDir && isModuleFile(parts[parts.length - 1]!)) {
      packages.get(parts[0]!)?.push(e);
    }
  }
  for (const [dir, files] of packages) {
    const name = dir.toLowerCase();
    if (out.has(name)) continue;
    out.set(name, {
      name,
      entryName: dir,
      path: `${libDir}/${dir}`,
      isPackage: true,
      files: files.map((f) => ({ path: `${libDir}/${f.path}`, size: f.size })),
      mpy: files.some((f) => f.path.endsWith(".mpy")),
      metadata: {},
    });
  }
  // Sources: only their `__x__ = ...` lines, asked for all at once when the device can find them itself.
  const pyPaths = [...out.values()].flatMap((m) => m.files.map((f) => f.path)).filter((p) => p.endsWith(".py"));
  const dunders = device.dunderLines && pyPaths.length ? await device.dunderLines(pyPaths) : null;
  for (const mod of out.values()) mod.metadata = await readMetadata(device, mod, dunders);
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function readMetadata(device: CircuitPyDevice, mod: InstalledModule, dunders: Map<string, string[] | null> | null): Promise<ModuleMetadata> {
  const files = [...mod.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  let compat: ModuleMetadata["mpy"];
  for (const f of files) {
    let meta: ModuleMetadata;
    const lines = dunders?.get(f.path);
    if (lines !== undefined) {
      if (lines === null) continue;
      meta = metadataFromPy(lines.join("\n"));
    } else {
      const data = await device.readFile(f.path);
      if (!data) continue;
      meta = metadataFromFile(f.path, data);
    }
    compat ??= meta.mpy;
    if (meta.mpy === "bad") compat = "bad";
    if (meta.version !== undefined) return { ...meta, ...(compat !== undefined ? { mpy: compat } : {}) };
  }
  return compat !== undefined ? { mpy: compat } : {};
}
