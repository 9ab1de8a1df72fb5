// `install --auto`: the libraries a program imports. CircuitPython runs the first of these names it finds
// at the drive's root; imports of the user's own modules there are followed in turn.
import type { CircuitPyDevice } from "./device.js";

export const CODE_FILES = [
  "code.txt", "code.py", "main.py", "main.txt",
  "code.txt.py", "code.py.txt", "code.txt.txt", "code.py.py",
  "main.txt.py", "main.py.txt", "main.txt.txt", "main.py.py",
];

/** Top-level module names of `import a.b, c` and `from a.b import x` statements (relative imports left out). */
export function importedModules(source: string): string[] {
  const out = new Set<string>();
  // Strings cannot hold a statement at the start of a line, so a line-based scan does not need a parser,
  // except for triple-quoted text: drop it first.
  const code = source.replace(/("""|''')[\s\S]*?\1/g, "");
  for (const line of code.split(/\r?\n/)) {
    const from = /^\s*from\s+([A-Za-z_][\w.]*)\s+import\b/.exec(line);
    if (from) {
      out.add(from[1]!.split(".")[0]!);
      continue;
    }
    const imp = /^\s*import\s+([^#;]+)/.exec(line);
    if (imp) {
      for (const part of imp[1]!.split(",")) {
        const name = part.trim().split(/\s+as\s+/)[0]!.trim();
        if (/^[A-Za-z_][\w.]*$/.test(name)) out.add(name.split(".")[0]!);
      }
    }
  }
  return [...out].sort();
}

/**
 * Modules imported by the board's program (or `file`), following imports of .py files at the root.
 * Returns the names that are not the user's own files, and which program was read.
 */
export async function programImports(device: CircuitPyDevice, file?: string): Promise<{ program: string | null; names: string[] }> {
  let program: string | null = file ?? null;
  let source: Uint8Array | null = null;
  if (program) source = await device.readFile(`/${program.replace(/^\/+/, "")}`);
  else {
    for (const name of CODE_FILES) {
      source = await device.readFile(`/${name}`);
      if (source) {
        program = name;
        break;
      }
    }
  }
  if (!source) return { program: null, names: [] };
  const seen = new Set<string>();
  const found = new Set<string>();
  const queue = importedModules(Buffer.from(source).toString("utf8"));
  while (queue.length) {
    const name = queue.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const own = (await device.readFile(`/${name}.py`)) ?? (await device.readFile(`/${name}/__init__.py`));
    if (own) queue.push(...importedModules(Buffer.from(own).toString("utf8")));
    else found.add(name);
  }
  return { program, names: [...found].sort() };
}
