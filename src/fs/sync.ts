// `sync LOCALDIR :DEST`: what to change on the board so DEST mirrors LOCALDIR. The plan is a pure
// function of both listings (tested without a board); carrying it out is a few BoardFs calls.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface LocalFile {
  /** Relative, `/`-separated. */
  path: string;
  isDir: boolean;
  size: number;
  /** Host path of a file. */
  source?: string;
  /** The bytes to write instead of the file's own (compile-on-copy: the .mpy); `size` is theirs. */
  data?: Uint8Array;
}

export interface BoardFile {
  path: string;
  isDir: boolean;
  size: number;
}

export type SyncAction =
  | { kind: "mkdir"; path: string }
  | { kind: "put"; path: string; source: string; reason: "new" | "changed"; data?: Uint8Array }
  | { kind: "rm"; path: string }
  | { kind: "rmdir"; path: string };

export interface SyncPlan {
  actions: SyncAction[];
  unchanged: string[];
}

/** Walk a host directory: files and directories below it, parents first, names sorted. */
export function listLocalTree(root: string): LocalFile[] {
  const out: LocalFile[] = [];
  const visit = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const st = fs.statSync(full);
      const p = rel ? `${rel}/${name}` : name;
      if (st.isDirectory()) {
        out.push({ path: p, isDir: true, size: 0 });
        visit(full, p);
      } else if (st.isFile()) {
        out.push({ path: p, isDir: false, size: st.size, source: full });
      }
    }
  };
  visit(root, "");
  return out;
}

export function sha256File(file: string): string {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
}

/** The SHA-256 of what a sync would write for a local file (its bytes, or the compiled ones). */
export function sha256Local(f: LocalFile): string {
  return f.data ? createHash("sha256").update(f.data).digest("hex") : sha256File(f.source!);
}

/**
 * Decide the changes. `boardDigests` holds the board's SHA-256 for files whose sizes match (null
 * when the board cannot hash: then same-size files are copied again, to be safe); `localDigest`
 * hashes a host file on demand.
 */
export function planSync(
  local: LocalFile[],
  board: BoardFile[],
  boardDigests: Map<string, string | null>,
  localDigest: (f: LocalFile) => string,
  opts: { delete: boolean },
): SyncPlan {
  const onBoard = new Map(board.map((b) => [b.path, b]));
  const inLocal = new Map(local.map((l) => [l.path, l]));
  const actions: SyncAction[] = [];
  const unchanged: string[] = [];
  const removals: SyncAction[] = [];
  const cleared = new Set<string>();

  // A board entry of the other kind is in the way: it goes first (files, then the directory tree).
  const clearTree = (p: string) => {
    const below = board.filter((b) => b.path.startsWith(p + "/")).sort((a, b) => b.path.length - a.path.length);
    for (const b of below) {
      actions.push(b.isDir ? { kind: "rmdir", path: b.path } : { kind: "rm", path: b.path });
      cleared.add(b.path);
    }
    actions.push({ kind: "rmdir", path: p });
  };

  for (const l of local) {
    const b = onBoard.get(l.path);
    if (l.isDir) {
      if (b && b.isDir) continue;
      if (b) actions.push({ kind: "rm", path: l.path });
      actions.push({ kind: "mkdir", path: l.path });
      continue;
    }
    if (b && b.isDir) {
      clearTree(l.path);
      actions.push(put(l, "new"));
      continue;
    }
    if (!b) {
      actions.push(put(l, "new"));
      continue;
    }
    const digest = boardDigests.get(l.path);
    if (b.size === l.size && digest && digest === localDigest(l)) unchanged.push(l.path);
    else actions.push(put(l, "changed"));
  }

  if (opts.delete) {
    // Deepest first, so directories are empty when their turn comes.
    const gone = board
      .filter((b) => !inLocal.has(b.path) && !cleared.has(b.path))
      .sort((a, b) => depth(b.path) - depth(a.path));
    for (const b of gone) removals.push(b.isDir ? { kind: "rmdir", path: b.path } : { kind: "rm", path: b.path });
  }
  return { actions: [...removals.filter((r) => r.kind === "rm"), ...actions, ...removals.filter((r) => r.kind === "rmdir")], unchanged };
}

const put = (l: LocalFile, reason: "new" | "changed"): SyncAction =>
  ({ kind: "put", path: l.path, source: l.source!, reason, ...(l.data ? { data: l.data } : {}) });

const depth = (p: string) => p.split("/").length;

/** The plan as lines for --dry-run and for the log of a real run. */
export function describeAction(a: SyncAction, dest: string): string {
  const where = (p: string) => `:${dest ? dest.replace(/\/+$/, "") + "/" : ""}${p}`;
  switch (a.kind) {
    case "mkdir":
      return `mkdir ${where(a.path)}`;
    case "put":
      return `cp ${a.source} ${where(a.path)}${a.reason === "changed" ? " (changed)" : ""}`;
    case "rm":
      return `rm ${where(a.path)}`;
    case "rmdir":
      return `rmdir ${where(a.path)}`;
  }
}
