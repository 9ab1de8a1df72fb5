// `npm run fixture -- pypi` standalone: first line is the URL, and the sample index answers there.
import { expect, it } from "vitest";
import { spawn } from "node:child_process";
import path from "node:path";
import { ROOT } from "../helpers/cli.js";

it("the pypi fixture runs standalone and serves its sample index", async () => {
  const child = spawn(process.execPath, [path.join(ROOT, "fixtures", "run.mjs"), "pypi"], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const firstLine = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
      });
      child.on("exit", (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    // Where it listens, then what it serves.
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+ serving upip: pycopy-colours, pycopy-greet; mip: greet \(py\)$/);
    const url = firstLine.split(" ")[0]!;
    const json = (await (await fetch(`${url}/pypi/pycopy-greet/json`)).json()) as { info: { version: string }; releases: Record<string, Array<{ url: string }>> };
    const file = await fetch(json.releases[json.info.version]![0]!.url);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer()).subarray(0, 2)).toEqual(new Uint8Array([0x1f, 0x8b]));
    expect((await fetch(`${url}/pypi/nothing/json`)).status).toBe(404);
  } finally {
    child.kill();
  }
}, 30_000);
