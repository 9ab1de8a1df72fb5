// The V8 setting a run picks for what it compiles (v8-setting.ts): "cold" (no TurboFan) for a few KB,
// TurboFan back past COLD_MAX_BYTES, the batch flags for a big batch, and no change once worker threads
// were started or when the code cache the run will save must carry the default flags. V8's flags belong
// to the process, so each case runs in a process of its own, which also asks V8 whether a hot function
// can still be optimised (natives syntax: a control case shows what optimised looks like).
import { describe, it, expect } from "vitest";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "../helpers/cli.js";

const MODULE = path.join(ROOT, "dist", "src", "mpy-cross", "batch", "v8-setting.js");

/** Runs `steps` against the module in a fresh process; returns the setting after them and whether TurboFan optimised a hot function then. */
function afterSteps(steps: string): { setting: string; optimised: boolean } {
  const script = `
    import * as t from ${JSON.stringify(MODULE)};
    ${steps}
    function hot(n) { let s = 0; for (let i = 0; i < n; i++) s += i % 7; return s; }
    %PrepareFunctionForOptimization(hot);
    hot(100); hot(100);
    %OptimizeFunctionOnNextCall(hot);
    hot(100);
    // bit 4: optimised code (V8 11's OptimizationStatus)
    process.stdout.write(JSON.stringify({ setting: t.v8Setting(), optimised: (%GetOptimizationStatus(hot) & 16) !== 0 }));`;
  const r = spawnSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { setting: string; optimised: boolean };
}

describe("the V8 setting of a run", () => {
  it("is V8's default until a few KB of source are to be compiled (control: TurboFan optimises)", () => {
    expect(afterSteps("t.willCompile(100); t.willCompile(t.COLD_MIN_BYTES - 200);")).toEqual({ setting: "default", optimised: true });
  });

  it("turns TurboFan off once the source reaches COLD_MIN_BYTES", () => {
    expect(afterSteps("t.willCompile(100); t.willCompile(t.COLD_MIN_BYTES);")).toEqual({ setting: "cold", optimised: false });
  });

  // The flags are set through process.binding("v8") (quieting its deprecation warning: afterSteps
  // expects nothing on stderr), or through node:v8 where a Node has no process.binding.
  it("sets its flags through node:v8 where process.binding is gone", () => {
    expect(afterSteps("delete process.binding; t.willCompile(t.COLD_MIN_BYTES);")).toEqual({ setting: "cold", optimised: false });
  });

  it("leaves the user's --no-deprecation or its absence as it was", () => {
    expect(afterSteps("t.willCompile(t.COLD_MIN_BYTES); if (process.noDeprecation) throw new Error('left on');")).toEqual({ setting: "cold", optimised: false });
    expect(afterSteps("process.noDeprecation = true; t.willCompile(t.COLD_MIN_BYTES); if (!process.noDeprecation) throw new Error('turned off');")).toEqual({ setting: "cold", optimised: false });
  });

  it("turns TurboFan back on once the source reaches COLD_MAX_BYTES", () => {
    expect(afterSteps("t.willCompile(t.COLD_MIN_BYTES); t.willCompile(t.COLD_MAX_BYTES);")).toEqual({ setting: "cold", optimised: true });
  });

  it("never goes cold for a run that is too big to start with", () => {
    expect(afterSteps("t.willCompile(t.COLD_MAX_BYTES);")).toEqual({ setting: "default", optimised: true });
  });

  it("keeps the batch flags of a big batch (TurboFan stays on)", () => {
    expect(afterSteps("t.useBatchTiering(t.MIN_FILES_FOR_BATCH_TIERING); t.willCompile(t.COLD_MIN_BYTES);")).toEqual({ setting: "batch", optimised: true });
  });

  it("sets nothing for a batch below MIN_FILES_FOR_BATCH_TIERING", () => {
    expect(afterSteps("t.useBatchTiering(t.MIN_FILES_FOR_BATCH_TIERING - 1);")).toEqual({ setting: "default", optimised: true });
  });

  it("changes nothing once a worker thread was told the setting", () => {
    expect(afterSteps("const told = t.settingForWorker(); if (told.setting !== 'default') throw new Error('told ' + told.setting); t.willCompile(t.COLD_MIN_BYTES); t.useBatchTiering(t.MIN_FILES_FOR_BATCH_TIERING);")).toEqual({ setting: "default", optimised: true });
  });

  it("a worker keeps the setting it was told, whatever it compiles", () => {
    expect(afterSteps("t.adoptV8Setting({ setting: 'batch', coldEnded: false }); t.willCompile(t.COLD_MIN_BYTES);").setting).toBe("batch");
  });

  it("does not go cold when the run must save a code cache with the default flags", () => {
    expect(afterSteps("t.keepDefaultFlagsForCache(); t.willCompile(t.COLD_MIN_BYTES);")).toEqual({ setting: "default", optimised: true });
  });
});
