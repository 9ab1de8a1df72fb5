// Real MicroPython firmware (1.9.2 on an emulated nRF51 micro:bit) over a real tty.
import { describeBoardCommands } from "./board-commands.shared.js";
import { startMicrobit } from "../helpers/qemu-microbit.js";

describeBoardCommands("the QEMU micro:bit (real firmware)", async () => {
  const q = await startMicrobit();
  return { device: q.path, stop: q.stop, expectedPasteMode: "plain" };
});
