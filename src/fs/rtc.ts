// The board's real-time clock (mpremote's `rtc` and `rtc --set`), through machine.RTC().
import type { RawRepl } from "../raw-repl/raw-repl.js";
import { rtcRead, rtcSet } from "./snippets.js";

/** The board's datetime tuple as the board prints it, e.g. `(2026, 12, 2, 2, 8, 1, 5, 0)`. */
export async function readRtc(repl: RawRepl): Promise<string> {
  return Buffer.from(await repl.exec(rtcRead)).toString("utf8").trim();
}

/** The fields machine.RTC().datetime() takes for `when`, in the host's local time (weekday 0 = Monday). */
export function rtcFields(when: Date): number[] {
  return [
    when.getFullYear(), when.getMonth() + 1, when.getDate(), (when.getDay() + 6) % 7,
    when.getHours(), when.getMinutes(), when.getSeconds(), when.getMilliseconds() * 1000,
  ];
}

export async function setRtc(repl: RawRepl, when: Date): Promise<void> {
  await repl.exec(rtcSet(rtcFields(when)));
}
