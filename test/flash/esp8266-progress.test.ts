// The progress bar: one line redrawn on a terminal, a few lines in logs; never claims 100 % on abort.
import { describe, expect, it } from "vitest";
import { ProgressBar } from "../../src/flash/esp8266/progress.js";

function sink(isTTY: boolean) {
  const s = { text: "", isTTY, write: (t: string) => ((s.text += t), true) };
  return s;
}

describe("ProgressBar", () => {
  it("shows bytes, rate and time left", () => {
    const bar = new ProgressBar(sink(true), "Writing", 600 * 1024, 10);
    const started = Date.now();
    const line = bar.line(300 * 1024, started + 10_000);
    expect(line).toMatch(/^Writing \[#####\.\.\.\.\.\]  50%  300\.0\/600\.0 KB  30\.\d KB\/s  ETA 0:1\d$/);
  });

  it("prints at most five lines when not on a terminal", () => {
    const s = sink(false);
    const bar = new ProgressBar(s, "Writing", 1000);
    for (let i = 0; i <= 1000; i += 10) bar.update(i);
    bar.finish(1000);
    const lines = s.text.trim().split("\n");
    expect(lines.length).toBeLessThanOrEqual(5);
    expect(lines.at(-1)).toMatch(/100%/);
  });

  it("an aborted bar ends its line without reaching 100 %", () => {
    const s = sink(true);
    const bar = new ProgressBar(s, "Writing", 1000);
    bar.update(500);
    bar.abort();
    expect(s.text).not.toMatch(/100%/);
    expect(s.text.endsWith("\n")).toBe(true);
  });
});
