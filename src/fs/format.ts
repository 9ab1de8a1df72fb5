// Output text of the listing commands, exactly as mpremote prints it (ls, tree, df), plus the
// long listing and the JSON shapes for scripts. Pure functions.
import type { DfRow, Entry } from "./board-fs.js";

/** mpremote `ls`: size right-aligned in 12 columns, directories with a trailing `/`. */
export function lsLine(e: Entry): string {
  return `${String(e.size).padStart(12)} ${e.name}${e.isDir ? "/" : ""}`;
}

/** `ls -l`: type, size, board-local modification time, name. */
export function lsLongLine(e: Entry): string {
  const t = e.mtime;
  const when = t
    ? `${t[0]}-${pad2(t[1])}-${pad2(t[2])} ${pad2(t[3])}:${pad2(t[4])}`
    : "                ";
  return `${e.isDir ? "d" : "-"} ${String(e.size).padStart(10)} ${when} ${e.name}${e.isDir ? "/" : ""}`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** mpremote's human_size: bytes as a bare integer, larger sizes with one decimal and K/M/G/T. */
export function humanSize(size: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let u = 0;
  while (u < units.length - 1 && size >= 1024 ** (u + 1)) u++;
  if (u === 0) return String(Math.trunc(size));
  // Tenths rounded half to even, as Python's format() does with these exact binary fractions.
  const d = BigInt(1024 ** u);
  const scaled = BigInt(Math.trunc(size)) * 10n;
  let q = scaled / d;
  const twice = (scaled - q * d) * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  return `${q / 10n}.${q % 10n}${units[u]}`;
}

export interface TreeNode {
  name: string;
  isDir: boolean;
  size: number;
  children?: TreeNode[];
}

/** Build a tree from a walk (relative paths, parents before children). */
export function treeFromWalk(entries: { path: string; isDir: boolean; size: number }[]): TreeNode[] {
  const root: TreeNode = { name: "", isDir: true, size: 0, children: [] };
  const byPath = new Map<string, TreeNode>([["", root]]);
  for (const e of entries) {
    const cut = e.path.lastIndexOf("/");
    const parent = byPath.get(cut < 0 ? "" : e.path.slice(0, cut));
    if (!parent) continue;
    const node: TreeNode = { name: e.path.slice(cut + 1), isDir: e.isDir, size: e.size, ...(e.isDir ? { children: [] } : {}) };
    parent.children!.push(node);
    if (e.isDir) byPath.set(e.path, node);
  }
  const sort = (nodes: TreeNode[]) => {
    nodes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const n of nodes) if (n.children) sort(n.children);
  };
  sort(root.children!);
  return root.children!;
}

/** mpremote `tree` body lines (without the `:path` header). */
export function treeLines(nodes: TreeNode[], sizes: "none" | "bytes" | "human", prefix = ""): string[] {
  const out: string[] = [];
  nodes.forEach((n, i) => {
    const last = i === nodes.length - 1;
    let sizeStr = "";
    // Most board filesystems report 0 for directories: mpremote leaves those out.
    if (n.size > 0 || !n.isDir) {
      if (sizes === "bytes") sizeStr = `[${String(n.size).padStart(9)}]  `;
      else if (sizes === "human") sizeStr = `[${humanSize(n.size).padStart(6)}]  `;
    }
    out.push(`${prefix}${last ? "└── " : "├── "}${sizeStr}${n.name}`);
    if (n.isDir && n.children) out.push(...treeLines(n.children, sizes, prefix + (last ? "    " : "│   ")));
  });
  return out;
}

/** mpremote `df`: a header and one row per filesystem. */
export function dfLines(rows: DfRow[]): string[] {
  const row = (a: string, b: string, c: string, d: string, e: string, f: string) =>
    `${a.padEnd(10)}${b.padStart(9)}${c.padStart(9)}${d.padStart(9)}${e.padStart(5)} ${f}`;
  return [
    row("filesystem", "size", "used", "avail", "use%", "mounted on"),
    ...rows.map((r) =>
      row(r.filesystem, String(r.size), String(r.used), String(r.avail), String(Math.floor((100 * r.used) / r.size)), r.mountedOn),
    ),
  ];
}
