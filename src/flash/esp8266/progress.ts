// A one-line progress bar (bytes, rate, time left) for long transfers. On a terminal it redraws in
// place; elsewhere (logs, CI) it prints a line every quarter so that output stays short.

export interface ProgressSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

function kb(n: number): string {
  return (n / 1024).toFixed(1);
}

function clock(seconds: number): string {
  if (!isFinite(seconds)) return "--:--";
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private lastQuarter = -1;
  private finished = false;

  constructor(
    private readonly out: ProgressSink,
    /** Fixed, or worked out from the bytes done (esptool's `Writing at 0x…` names the address reached). */
    private readonly label: string | ((done: number) => string),
    private readonly total: number,
    private readonly width = 30,
  ) {}

  /** The line for `done` bytes: "Writing [#####.....]  45%  270.0/600.0 KB  10.8 KB/s  ETA 0:31". */
  line(done: number, now = Date.now()): string {
    const frac = this.total ? Math.min(1, done / this.total) : 1;
    const filled = Math.round(frac * this.width);
    const secs = Math.max(0.001, (now - this.started) / 1000);
    const rate = done / secs;
    const eta = rate > 0 ? (this.total - done) / rate : Infinity;
    const label = typeof this.label === "string" ? this.label : this.label(done);
    return (
      `${label} [${"#".repeat(filled)}${".".repeat(this.width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}%  ` +
      `${kb(done)}/${kb(this.total)} KB  ${kb(rate)} KB/s  ETA ${clock(eta)}`
    );
  }

  update(done: number): void {
    if (this.finished) return;
    const now = Date.now();
    if (this.out.isTTY) {
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      this.out.write(`\r${this.line(done, now)}`);
    } else {
      const quarter = this.total ? Math.floor((done / this.total) * 4) : 4;
      if (quarter === this.lastQuarter) return;
      this.lastQuarter = quarter;
      this.out.write(`${this.line(done, now)}\n`);
    }
  }

  /** Final state; the caller prints its own summary line afterwards. */
  finish(done: number): void {
    if (this.finished) return;
    if (this.out.isTTY) this.out.write(`\r${this.line(done)}\n`);
    else if (this.lastQuarter !== 4) this.out.write(`${this.line(done)}\n`);
    this.finished = true;
  }

  /** Abandon the bar (an error follows): end the line without claiming completion. */
  abort(): void {
    if (this.finished) return;
    if (this.out.isTTY) this.out.write("\n");
    this.finished = true;
  }
}
