// Issue 12 items 8 and 9: SIGINT or SIGTERM at a random moment of a 100 KB copy, in both directions,
// 50 trials each way with a fixed seed. Every trial must leave the destination whole (the old bytes or
// the new ones, never a mix or a cut), no temporary file on the host, and on the board nothing that the
// next connection does not clean up; the exit status is 0 (done first), 130 (SIGINT) or 143 (SIGTERM),
// and nothing prints a stack trace. The figures are printed for the README.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TSPY, tspy } from "../helpers/cli.js";
import { seeded } from "../helpers/seeded.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

const TRIALS = 50;
const SIZE = 100 * 1024;
const LATEST_SIGNAL_MS = 2000; // past the end of most copies, so some finish before the signal

function bytes(rand: () => number): Buffer {
  const b = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function copyAndSignal(args: string[], sig: NodeJS.Signals, afterMs: number): Promise<Outcome> {
  const child = spawn(process.execPath, [TSPY, ...args], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, TSPY_DEVICE: "" } });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const timer = setTimeout(() => child.kill(sig), afterMs);
  return new Promise((resolve) =>
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stderr });
    }),
  );
}

interface Tally {
  trials: number;
  interrupted: number;
  completed: number;
  corrupted: number;
  leftovers: number;
  badStatus: string[];
}

const tally = (): Tally => ({ trials: 0, interrupted: 0, completed: 0, corrupted: 0, leftovers: 0, badStatus: [] });

const OK_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

function judge(t: Tally, o: Outcome, sig: NodeJS.Signals, dest: Buffer | null, oldBytes: Buffer, newBytes: Buffer): void {
  t.trials++;
  // A signal that lands before tspy installed its handlers ends Node itself (signal set, no status).
  if (o.status === 0) t.completed++;
  else if (o.status === OK_STATUS[sig] || o.signal === sig) t.interrupted++;
  else t.badStatus.push(`${sig}: status ${o.status} ${o.stderr.trim()}`);
  if (/\n\s+at |internal error/.test(o.stderr)) t.badStatus.push(`trace: ${o.stderr}`);
  if (!dest || !(dest.equals(oldBytes) || dest.equals(newBytes))) t.corrupted++;
}

describe("SIGINT/SIGTERM at random offsets during 100 KB copies", () => {
  let work: string;
  let oldBytes: Buffer;
  let newBytes: Buffer;
  beforeAll(async () => {
    work = await tempDir("interrupt");
    const rand = seeded(12);
    oldBytes = bytes(rand);
    newBytes = bytes(rand);
  });

  it(`${TRIALS} trials each way: no corrupted or partial file`, { timeout: 600_000 }, async () => {
    const rand = seeded(0x5eed);
    const down = tally(); // board → host
    const up = tally(); // host → board
    for (let i = 0; i < TRIALS; i++) {
      // board → host: the host file starts as the old bytes, the board holds the new ones.
      const dBoard = path.join(work, `down-${i}`, "board");
      const dHost = path.join(work, `down-${i}`, "host");
      fs.mkdirSync(dBoard, { recursive: true });
      fs.mkdirSync(dHost);
      fs.writeFileSync(path.join(dBoard, "f.bin"), newBytes);
      fs.writeFileSync(path.join(dHost, "f.bin"), oldBytes);
      // host → board: the board file starts as the old bytes.
      const uBoard = path.join(work, `up-${i}`, "board");
      const uSrc = path.join(work, `up-${i}`, "new.bin");
      fs.mkdirSync(uBoard, { recursive: true });
      fs.writeFileSync(path.join(uBoard, "f.bin"), oldBytes);
      fs.writeFileSync(uSrc, newBytes);

      const dSig: NodeJS.Signals = rand() < 0.5 ? "SIGINT" : "SIGTERM";
      const dAt = Math.floor(rand() * LATEST_SIGNAL_MS);
      const uSig: NodeJS.Signals = rand() < 0.5 ? "SIGINT" : "SIGTERM";
      const uAt = Math.floor(rand() * LATEST_SIGNAL_MS);
      // One trial of each direction at a time, side by side.
      const [dOut, uOut] = await Promise.all([
        copyAndSignal(["-d", `virtual:${dBoard}`, "cp", ":f.bin", path.join(dHost, "f.bin")], dSig, dAt),
        copyAndSignal(["-d", `virtual:${uBoard}`, "cp", uSrc, ":f.bin"], uSig, uAt),
      ]);

      judge(down, dOut, dSig, fs.readFileSync(path.join(dHost, "f.bin")), oldBytes, newBytes);
      if (fs.readdirSync(dHost).length !== 1) down.leftovers++;

      // The board side may keep a journal and temp file until the next connection finishes or undoes it.
      if (fs.readdirSync(uBoard).length !== 1) await tspy(["-d", `virtual:${uBoard}`, "ls", ":"]);
      const onBoard = fs.existsSync(path.join(uBoard, "f.bin")) ? fs.readFileSync(path.join(uBoard, "f.bin")) : null;
      judge(up, uOut, uSig, onBoard, oldBytes, newBytes);
      if (fs.readdirSync(uBoard).length !== 1) up.leftovers++;
      fs.rmSync(path.join(work, `down-${i}`), { recursive: true });
      fs.rmSync(path.join(work, `up-${i}`), { recursive: true });
    }
    const line = (name: string, t: Tally) =>
      `${name}: ${t.trials} trials, ${t.interrupted} interrupted, ${t.completed} finished first, ${t.corrupted} corrupted or partial, ${t.leftovers} with files left over`;
    console.log(`interrupt trials (seed 0x5eed)\n  ${line("board → host", down)}\n  ${line("host → board", up)}`);
    for (const t of [down, up]) {
      expect(t.badStatus).toEqual([]);
      expect(t.corrupted).toBe(0);
      expect(t.leftovers).toBe(0);
      expect(t.interrupted).toBeGreaterThanOrEqual(5); // the signals did land mid-copy
    }
  });
});
