// Small shared pieces for the benchmarks: timing, medians, table printing, the tspy entry.
import { spawn } from "node:child_process";
import path from "node:path";
import url from "node:url";

export const ROOT = path.resolve(path.dirname(url.fileURLToPath(import.meta.url)), "..");
export const TSPY = path.join(ROOT, "bin", "tspy.js");

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export function printTable(title, rows) {
  console.log(`\n## ${title}`);
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => String(r[k]).length)));
  const line = (vals) => "| " + vals.map((v, i) => String(v).padEnd(widths[i])).join(" | ") + " |";
  console.log(line(keys));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const r of rows) console.log(line(keys.map((k) => r[k])));
}

/** Spawn a process and resolve when it exits; returns wall time in ms. */
export function timeProcess(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0 && !opts.allowFail) reject(new Error(`${cmd} ${args.join(" ")} exited ${code}: ${err}`));
      else resolve(ms);
    });
  });
}
