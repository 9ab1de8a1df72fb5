// Boots Debian's MicroPython 1.9.2 firmware for the BBC micro:bit on QEMU's emulated nRF51 and hands
// out the pty whose other end is the board's UART: a real raw REPL on real firmware, for tests.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";

export const MICROBIT_FIRMWARE = "/usr/share/firmware-microbit-micropython/firmware.hex";

export interface QemuBoard {
  /** The tty path (e.g. /dev/pts/3) to give tspy as its device. */
  path: string;
  stop(): Promise<void>;
}

export async function startMicrobit(timeoutMs = 15000): Promise<QemuBoard> {
  if (!fs.existsSync(MICROBIT_FIRMWARE)) {
    throw new Error(`${MICROBIT_FIRMWARE} is missing: install firmware-microbit-micropython (.ci/run does)`);
  }
  const child: ChildProcess = spawn(
    "qemu-system-arm",
    ["-M", "microbit", "-device", `loader,file=${MICROBIT_FIRMWARE}`, "-nographic", "-monitor", "none", "-serial", "pty"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const path = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`qemu gave no pty within ${timeoutMs} ms: ${output}`)), timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /\/dev\/pts\/\d+/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`qemu-system-arm exited (${code}): ${output}`));
    });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start qemu-system-arm (install qemu-system-arm; .ci/run does): ${e.message}`));
    });
  });
  return {
    path,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
