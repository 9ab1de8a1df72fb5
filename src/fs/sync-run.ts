// Carry out a sync plan against a board: list both sides, hash only same-size files (one exec for
// all), then mkdir / copy / remove as planned. --dry-run stops after printing the plan.
import fs from "node:fs";
import type { Progress } from "./board-fs.js";
import type { BoardFiles } from "./board-files.js";
import { FsUnsupportedError } from "./errors.js";
import { joinBoard } from "./paths.js";
import { describeAction, listLocalTree, planSync, sha256Local, type BoardFile, type LocalFile } from "./sync.js";

export interface SyncOptions {
  delete: boolean;
  dryRun: boolean;
  say: (line: string) => void;
  progress?: () => Progress | undefined;
  signal?: AbortSignal;
  /** Replaces the local listing before planning (compile-on-copy turns .py files into .mpy ones). */
  prepare?: (local: LocalFile[]) => Promise<LocalFile[]>;
}

export async function runSync(bfs: BoardFiles, localDir: string, dest: string, o: SyncOptions): Promise<void> {
  let local = listLocalTree(localDir);
  if (o.prepare) local = await o.prepare(local);
  const caps = await bfs.caps();
  if (!caps.mkdir && (local.some((l) => l.isDir) || !["", "/", "."].includes(dest))) {
    throw new FsUnsupportedError("sync: this board's filesystem has no directories");
  }
  const destStat = await bfs.stat(dest).catch(() => null);
  if (destStat && !destStat.isDir) throw new FsUnsupportedError(`sync: :${dest} is a file, not a directory`);
  const board: BoardFile[] = destStat ? await bfs.walk(dest) : [];
  const at = (p: string) => (dest ? joinBoard(dest, p) : p);

  const boardSize = new Map(board.filter((b) => !b.isDir).map((b) => [b.path, b.size]));
  const sameSize = local.filter((l) => !l.isDir && boardSize.get(l.path) === l.size).map((l) => l.path);
  const hashes = await bfs.hashMany(sameSize.map(at));
  const digests = new Map(sameSize.map((p) => [p, hashes.get(at(p))?.digest ?? null]));

  const plan = planSync(local, board, digests, sha256Local, { delete: o.delete });
  for (const a of plan.actions) o.say(describeAction(a, dest));
  const copied = plan.actions.filter((a) => a.kind === "put").length;
  const removed = plan.actions.filter((a) => a.kind === "rm" || a.kind === "rmdir").length;
  const summary = `${copied} to copy, ${plan.unchanged.length} unchanged, ${removed} to remove`;
  if (o.dryRun) {
    o.say(`sync: ${summary} (dry run: nothing changed)`);
    return;
  }
  if (!destStat && dest) await bfs.mkdirs(dest);
  for (const a of plan.actions) {
    switch (a.kind) {
      case "mkdir":
        await bfs.makeDirs([at(a.path)]);
        break;
      case "put":
        await bfs.writeFileAtomic(at(a.path), a.data ?? fs.readFileSync(a.source), { onProgress: o.progress?.(), signal: o.signal });
        break;
      case "rm":
        await bfs.remove(at(a.path));
        break;
      case "rmdir":
        await bfs.rmdir(at(a.path));
        break;
    }
  }
  o.say(`sync: ${copied} copied, ${plan.unchanged.length} unchanged, ${removed} removed`);
}
