// mpremote's test scenarios (tools/mpremote/tests/test_*.sh at v1.27.0) as transcripts: each `$MPREMOTE`
// line of a script is one `tspy -d DEVICE ...` process, as it is one mpremote process there; `echo`
// adds a line. Shared by the replays against the virtual board and the QEMU micro:bit, with the steps
// of the scenarios that run unchanged on both.
import fs from "node:fs";
import path from "node:path";
import { lf, tspy } from "./cli.js";

export class Script {
  text = "";

  /**
   * `device` is given to every line; `cwd` is where they run; `tmp` is the script's ${TMP}, written as
   * the token in the transcript, as run-mpremote-tests.sh does.
   */
  constructor(private readonly opts: { device: string; cwd: string; tmp?: string }) {}

  echo(line = ""): void {
    this.text += line + "\n";
  }

  /**
   * One `$MPREMOTE ...` line. `orElse` is the script's `|| echo ...` (with $? filled in); `firstErrLine`
   * keeps only stderr's first line, as the script's `2> >(head -n1 >&2)`; `env` is the line's `env X=...`.
   */
  async $(args: string[], opts: { orElse?: string; firstErrLine?: boolean; cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
    const r = await tspy(["-d", this.opts.device, ...args], { cwd: opts.cwd ?? this.opts.cwd, env: opts.env });
    const tmp = this.opts.tmp;
    const token = (t: string) => (tmp ? lf(t).replaceAll(tmp, "${TMP}") : lf(t));
    const err = token(r.stderr);
    this.text += token(r.stdout) + (opts.firstErrLine ? err.split("\n")[0] + (err ? "\n" : "") : err);
    if (r.status !== 0) {
      if (opts.orElse === undefined) throw new Error(`tspy ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
      this.echo(opts.orElse.replace("$?", String(r.status)));
    }
    return r.status!;
  }
}

/** test_eval_exec_run.sh; `dir` takes its run.py. Returns the transcript's expected text. */
export async function evalExecRun(sh: Script, dir: string): Promise<string> {
  await sh.$(["exec", "print('mpremote')"]);
  await sh.$(["exec", "print('before sleep'); import time; time.sleep(0.1); print('after sleep')"]);
  await sh.$(["exec", "--no-follow", "print('before sleep'); import time; time.sleep(0.1); print('after sleep')"]);
  await new Promise((r) => setTimeout(r, 300));
  await sh.$(["eval", "1+2"]);
  await sh.$(["eval", "[{'a': 'b'}, (1,2,3,), True]"]);
  const run = path.join(dir, "run.py");
  fs.writeFileSync(run, 'print("run")\n');
  await sh.$(["run", run]);
  fs.writeFileSync(run, 'import time\nfor i in range(3):\n    time.sleep(0.1)\n    print("run")\n');
  await sh.$(["run", "--no-follow", run]);
  await new Promise((r) => setTimeout(r, 500));
  return "mpremote\nbefore sleep\nafter sleep\n3\n[{'a': 'b'}, (1, 2, 3), True]\nrun\n";
}

/**
 * test_resume.sh. `nameError` is the firmware's own wording of `NameError: name 'a' ...` (1.27 says
 * "isn't defined", 1.9.2 "is not defined"). Returns the expected transcript.
 */
export async function resume(sh: Script, nameError: string): Promise<string> {
  sh.echo("-----");
  await sh.$(["exec", "a = 'hello'", "eval", "a"]);
  sh.echo("-----");
  await sh.$(["eval", "a"], { orElse: "" });
  sh.text = sh.text.replace(/\n\n$/, "\n"); // `|| true` prints nothing
  sh.echo("-----");
  await sh.$(["exec", "a = 'resume'"]);
  await sh.$(["resume", "eval", "a"]);
  sh.echo("-----");
  await sh.$(["exec", "a = 'soft-reset'", "eval", "a", "soft-reset", "eval", "1+1", "eval", "a"], { orElse: "" });
  sh.text = sh.text.replace(/\n\n$/, "\n");
  sh.echo("-----");
  await sh.$(["eval", "1+2", "disconnect", "eval", "2+3"]);
  const tb = `Traceback (most recent call last):\n  File "<stdin>", line 1, in <module>\n${nameError}\n`;
  return `-----\nhello\n-----\n${tb}-----\nresume\n-----\nsoft-reset\n2\n${tb}-----\n3\n5\n`;
}
