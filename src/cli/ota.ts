// `tspy -d telnet://HOST ota mcuimg.bin [--timeout S]`: a WiPy firmware update over WiFi. Thin: the
// image check and the steps live in src/flash/cc3200; this wires the telnet and FTP links to it.
import fs from "node:fs";
import { TspyError, UsageError } from "../errors.js";
import { parseOrHelp, str, type CommandDef } from "../args/index.js";
import type { CommandSpec } from "./command.js";
import type { Session } from "./context.js";

export const otaDef: CommandDef = {
  name: "ota",
  summary: "Update a WiPy's firmware over WiFi: check MCUIMG.BIN, upload it to /flash/sys/mcuimg.bin by FTP, reset, report the release before and after.",
  usage: "[--timeout SECONDS] MCUIMG.BIN",
  options: [{ flags: ["--timeout"], key: "timeout", takes: "value", metavar: "SECONDS", help: "how long the board may take to come back after the reset (default 60)" }],
  minPositionals: 1,
  maxPositionals: 1,
  notes: ["The device is the board's telnet://[USER:PASS@]HOST[?ftp=PORT]; its FTP server takes the same login."],
};

export const otaCommand: CommandSpec = {
  name: "ota",
  summary: "WiPy: update the firmware over WiFi (mcuimg.bin by FTP, reset, check the release)",
  greedy: true,
  async run(args, ctx): Promise<number> {
    const a = parseOrHelp(otaDef, args, ctx.out);
    if (!a) return 0;
    const timeout = Number(str(a, "timeout") ?? 60);
    if (!(timeout > 0)) throw new UsageError("ota: --timeout takes a number of seconds");
    if (!ctx.device.startsWith("telnet://")) {
      throw new UsageError("ota: the WiPy is updated through its telnet REPL and FTP server: use -d telnet://[user:pass@]HOST");
    }
    const file = a.positionals[0]!;
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (e) {
      throw new TspyError(`ota: ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    const s = ctx as Session;
    s.acted = true;
    await s.close(); // the WiPy takes one telnet client and one FTP client: ours come next
    const [{ otaUpdate, describeFirmware }, { ftpBesideTelnet }, { openStream }, { RawRepl }, { FtpClient }, { progressBar }] =
      await Promise.all([
        import("../flash/cc3200/index.js"),
        import("../fs/open-files.js"),
        import("../transport/connect.js"),
        import("../raw-repl/raw-repl.js"),
        import("../transport/ftp/index.js"),
        import("../fs/progress.js"),
      ]);
    const beside = await ftpBesideTelnet(ctx.device, s.credentials);
    if (!beside) throw new UsageError("ota: the firmware goes over FTP: drop ?ftp=off from the device");
    const result = await otaUpdate(
      data,
      file,
      {
        openRepl: async () => {
          const stream = await openStream(ctx.device, { ...s.credentials });
          const repl = new RawRepl(stream);
          try {
            await repl.enter({ softReset: false });
          } catch (e) {
            await stream.close().catch(() => undefined);
            throw e;
          }
          return {
            repl,
            close: async () => {
              await repl.exit().catch(() => undefined);
              await stream.close();
            },
          };
        },
        openFtp: () => FtpClient.connect(beside.target),
      },
      {
        comeBackMs: timeout * 1000,
        say: (line) => ctx.out.write(`${line}\n`),
        onProgress: progressBar(ctx.out, "uploading"),
      },
    );
    ctx.out.write(`updated: ${describeFirmware(result.before)} -> ${describeFirmware(result.after)}\n`);
    return 0;
  },
};
