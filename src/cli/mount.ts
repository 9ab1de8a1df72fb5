// `tspy mount [-l] DIR` and `tspy umount`: a host directory appears on the board at /remote (and
// becomes its working directory) for the rest of the chain, served over the REPL link by src/mount.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { flag, parseOrHelp, type CommandDef } from "../args/index.js";
import { TspyError, UsageError } from "../errors.js";
import { MOUNT_POINT, UMOUNT_PROGRAM, type BoardMountOptions } from "../mount/board-code.js";
import { HostDir } from "../mount/host-dir.js";
import { MountLink } from "../mount/mount-link.js";
import { TOKEN_LENGTH } from "../mount/protocol.js";
import type { CommandSpec } from "./command.js";
import type { Session } from "./context.js";

export const mountDef: CommandDef = {
  name: "mount",
  summary: `Mount the local directory DIR on the board at ${MOUNT_POINT} (and make it the working directory).`,
  usage: "[-l] DIR",
  options: [{ flags: ["-l", "--unsafe-links"], key: "unsafeLinks", help: "follow symlinks that lead outside DIR" }],
  minPositionals: 1,
  maxPositionals: 1,
  notes: ["The board reads and writes DIR through the link while tspy runs; `..` and symlinks cannot leave it (unless -l)."],
};

export const umountDef: CommandDef = {
  name: "umount",
  summary: `Unmount the local directory from ${MOUNT_POINT}.`,
  maxPositionals: 0,
};

/** How the board side is tuned for a link (a fast in-process board takes big reads), with a fresh token. */
export function boardOptions(description: string): BoardMountOptions {
  const fast = description.startsWith("virtual");
  // 249: what a board's 256-byte UART receive buffer holds with an answer's header (as mpremote uses).
  return { waitMs: 2000, chunk: fast ? 4096 : 249, token: randomBytes(TOKEN_LENGTH) };
}

function hostDirFor(dir: string, unsafeLinks: boolean): HostDir {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch {
    throw new UsageError(`mount: ${dir}: no such directory`);
  }
  if (!st.isDirectory()) throw new UsageError(`mount: ${dir}: not a directory`);
  return new HostDir(dir, { unsafeLinks });
}

const links = new WeakMap<Session, MountLink>();

/** Run the mount program; a board without os.mount (a micro:bit, old firmware) says so in one line. */
async function mountOnBoard(s: Session, program: string): Promise<void> {
  const repl = await s.repl();
  // Asked first with a few bytes: the board program is too big to send a board that cannot use it.
  const probe = await repl.execRaw("try:\n import os\nexcept ImportError:\n import uos as os\nprint(hasattr(os, 'mount'))");
  if (Buffer.from(probe.stdout).toString().trim() !== "True") {
    throw new TspyError("mount: this board cannot mount a host directory (its os module has no mount)");
  }
  const r = await repl.execRaw(program);
  if (r.stderr) {
    const last = r.stderr.trim().split("\n").pop() ?? "";
    if (/AttributeError|ImportError/.test(last)) throw new TspyError(`mount: this board cannot mount a host directory (${last.trim()})`);
    throw new TspyError(`mount: the board failed to mount: ${last.trim()}`);
  }
}

export const mountCommand: CommandSpec = {
  name: "mount",
  summary: mountDef.summary,
  arity: 1,
  async run(args, ctx) {
    const s = ctx as Session;
    const a = parseOrHelp(mountDef, args, ctx.out);
    if (!a) {
      s.acted = true; // help only: no REPL afterwards
      return 0;
    }
    const dir = hostDirFor(a.positionals[0]!, flag(a, "unsafeLinks"));
    await s.repl();
    let link = links.get(s);
    if (link && !link.isClosed) link.setDir(dir);
    else {
      const stream = await s.stream();
      const opts = boardOptions(stream.description);
      link = await s.interpose(
        (inner) =>
          new MountLink(inner, dir, {
            board: opts,
            notice: (m) => ctx.err.write(`tspy: ${m}\n`),
          }),
      );
      links.set(s, link);
      const mounted = link;
      s.onClose(async () => {
        if (!mounted.mountedDir || mounted.isClosed) return;
        const repl = await s.repl();
        await repl.execRaw(UMOUNT_PROGRAM, { timeoutMs: 3000 });
        mounted.setDir(null);
      });
    }
    await mountOnBoard(s, link.program());
    s.note(`Local directory ${a.positionals[0]} is mounted at ${MOUNT_POINT}\n`);
    return 0;
  },
};

export const umountCommand: CommandSpec = {
  name: "umount",
  summary: umountDef.summary,
  arity: 0,
  async run(args, ctx) {
    if (!parseOrHelp(umountDef, args, ctx.out)) return 0;
    const s = ctx as Session;
    const link = links.get(s);
    if (!link?.mountedDir) throw new TspyError(`umount: nothing is mounted at ${MOUNT_POINT}`);
    const repl = await s.repl();
    await repl.exec(UMOUNT_PROGRAM);
    link.setDir(null);
    s.acted = true;
    return 0;
  },
};
