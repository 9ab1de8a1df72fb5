// mount over a serial line: the virtual board served on a pty (`virtual serve --pty`), which tspy
// opens as a serial port, so the serial settings (249-byte import reads) and a tty in between are used.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lf, ROOT, TSPY, tspy } from "../helpers/cli.js";

let work: string;
let host: string;
let server: ChildProcess;
let pty: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mount-pty-"));
  host = path.join(work, "host");
  fs.mkdirSync(host);
  fs.mkdirSync(path.join(work, "board"));
  fs.mkdirSync(path.join(host, "pkg"));
  let init = "";
  for (let i = 0; i < 10; i++) {
    fs.writeFileSync(path.join(host, "pkg", `m${i}.py`), `V = ${i}\n` + "# padding line to make the module longer than one read\n".repeat(20));
    init += `from . import m${i}\n`;
  }
  fs.writeFileSync(path.join(host, "pkg", "__init__.py"), init + "TOTAL = sum(globals()['m%d' % i].V for i in range(10))\n");
  fs.writeFileSync(path.join(host, "blob.bin"), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff)));
  server = spawn(process.execPath, [TSPY, "virtual", "serve", "--pty", "--dir", path.join(work, "board")], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  pty = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: server.stdout! }).once("line", (l) => resolve(l.trim()));
    server.once("exit", (c) => reject(new Error(`virtual serve --pty exited ${c}`)));
  });
});
afterAll(() => {
  server?.kill();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("mount over a serial line (pty)", () => {
  it("imports a package and reads binary data exactly", async () => {
    const r = await tspy(["connect", pty, "mount", host, "exec", "import pkg; b = open('blob.bin', 'rb').read(); print(pkg.TOTAL, len(b), sum(b))"]);
    expect(r.stderr).toBe("");
    const sum = Array.from({ length: 3000 }, (_, i) => (i * 13) & 0xff).reduce((a, b) => a + b, 0);
    expect(lf(r.stdout)).toBe(`45 3000 ${sum}\nLocal directory ${host} is mounted at /remote\n`);
  });
});
