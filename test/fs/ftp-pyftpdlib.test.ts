// tspy's FTP client and FtpFs against a real FTP server: Debian's pyftpdlib on 127.0.0.1 with a user
// and a temporary directory. Every file command through the CLI, binary round trips, awkward names,
// an interrupted upload, and the login/550 errors — checked against the server's directory itself.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FtpClient, parseFtpSpec } from "../../src/transport/ftp/index.js";
import { FtpFs } from "../../src/fs/ftp-fs.js";
import { tspy } from "../helpers/cli.js";
import { FTP_PASSWORD, startPyFtpd, type PyFtpd } from "../helpers/ftp-tools.js";

let server: PyFtpd;
let local: string;
const logs: string[] = [];

async function connect(): Promise<FtpFs> {
  const client = await FtpClient.connect(parseFtpSpec(server.url), { log: (l) => logs.push(l) });
  return FtpFs.open(client);
}

beforeAll(async () => {
  server = await startPyFtpd();
  local = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-ftp-local-"));
}, 30_000);

afterAll(async () => {
  await server?.close();
  if (local) fs.rmSync(local, { recursive: true, force: true });
});

const onServer = (...p: string[]) => path.join(server.dir, ...p);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("FtpFs against pyftpdlib", () => {
  it("round-trips 0 B, 1 B, 100 KB and 1 MB of random binary byte for byte", async () => {
    const fsx = await connect();
    try {
      for (const size of [0, 1, 100 * 1024, 1024 * 1024]) {
        const data = randomBytes(size);
        const name = `bin-${size}.dat`;
        await fsx.writeFileAtomic(name, data);
        expect(sha(fs.readFileSync(onServer(name)))).toBe(sha(data));
        expect(sha(await fsx.readFile(name))).toBe(sha(data));
        expect((await fsx.stat(name)).size).toBe(size);
      }
      // No temporary file stays behind.
      expect(fs.readdirSync(server.dir).filter((n) => n.includes("tspy-tmp"))).toEqual([]);
    } finally {
      await fsx.close();
    }
  }, 60_000);

  it("keeps names with spaces and UTF-8 as they are", async () => {
    const fsx = await connect();
    try {
      await fsx.mkdir("dir with space ü");
      await fsx.writeFileAtomic("dir with space ü/naïve file  ☃.txt", Buffer.from("snow"));
      expect(fs.readFileSync(onServer("dir with space ü", "naïve file  ☃.txt"), "utf8")).toBe("snow");
      expect((await fsx.listdir("dir with space ü")).map((e) => e.name)).toEqual(["naïve file  ☃.txt"]);
      await fsx.rename("dir with space ü/naïve file  ☃.txt", "dir with space ü/ß.txt");
      expect(fs.readdirSync(onServer("dir with space ü"))).toEqual(["ß.txt"]);
    } finally {
      await fsx.close();
    }
  });

  it("leaves the old file whole when an upload is interrupted", async () => {
    const old = Buffer.from("the old contents\n");
    fs.writeFileSync(onServer("keep.bin"), old);
    const fsx = await connect();
    const ac = new AbortController();
    try {
      const big = randomBytes(4 * 1024 * 1024);
      await expect(
        fsx.writeFileAtomic("keep.bin", big, {
          signal: ac.signal,
          onProgress: (done) => {
            if (done > 0) ac.abort();
          },
        }),
      ).rejects.toThrow(/interrupted/);
      expect(fs.readFileSync(onServer("keep.bin"))).toEqual(old);
      // The connection still works afterwards.
      expect(await fsx.readFile("keep.bin")).toEqual(old);
    } finally {
      await fsx.close();
    }
  });

  it("never logs the password", () => {
    expect(logs.some((l) => l === "> PASS ***")).toBe(true);
    expect(logs.join("\n")).not.toContain(FTP_PASSWORD);
  });
});

describe("tspy file commands over ftp://", () => {
  const run = (...args: string[]) => tspy(["-d", server.url, ...args]);

  it("cp, ls, cat, mkdir, tree, sha256sum, touch, rm, rmdir, sync", async () => {
    const src = path.join(local, "src");
    fs.mkdirSync(path.join(src, "sub"), { recursive: true });
    fs.writeFileSync(path.join(src, "main.py"), "print('hi')\n");
    fs.writeFileSync(path.join(src, "sub", "data.bin"), Buffer.from([0, 1, 2, 255]));

    let r = await run("mkdir", ":cli");
    expect(r.status, r.stderr).toBe(0);
    r = await run("cp", path.join(src, "main.py"), ":cli/main.py");
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readFileSync(onServer("cli", "main.py"), "utf8")).toBe("print('hi')\n");

    r = await run("cat", ":cli/main.py");
    expect(r.stdout).toBe("print('hi')\n");

    r = await run("ls", ":cli");
    expect(r.stdout).toBe(`ls :cli\n${"12".padStart(12)} main.py\n`);

    r = await run("cp", "-r", src, ":cli");
    expect(r.status, r.stderr).toBe(0);
    expect([...fs.readFileSync(onServer("cli", "src", "sub", "data.bin"))]).toEqual([0, 1, 2, 255]);

    r = await run("tree", ":cli");
    expect(r.stdout).toBe("tree :cli\n:cli\n├── main.py\n└── src\n    ├── main.py\n    └── sub\n        └── data.bin\n");

    r = await run("sha256sum", ":cli/main.py");
    expect(r.stdout.trim().split("\n").pop()).toBe(sha(Buffer.from("print('hi')\n")));

    r = await run("touch", ":cli/empty");
    expect(fs.statSync(onServer("cli", "empty")).size).toBe(0);

    r = await run("cp", ":cli/src/sub/data.bin", path.join(local, "back.bin"));
    expect([...fs.readFileSync(path.join(local, "back.bin"))]).toEqual([0, 1, 2, 255]);

    r = await run("rmdir", ":cli/src");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("tspy: rmdir: cli/src: Directory not empty.\n");

    r = await run("rm", "-r", ":cli/src");
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(onServer("cli", "src"))).toBe(false);

    r = await run("rm", ":cli/empty");
    expect(fs.existsSync(onServer("cli", "empty"))).toBe(false);

    r = await run("sync", src, ":synced");
    expect(r.stdout).toContain("sync: 2 copied, 0 unchanged, 0 removed");
    fs.writeFileSync(path.join(src, "main.py"), "print('changed')\n");
    r = await run("sync", "--delete", src, ":synced");
    expect(r.stdout).toContain("sync: 1 copied, 1 unchanged, 0 removed");
    expect(fs.readFileSync(onServer("synced", "main.py"), "utf8")).toBe("print('changed')\n");

    r = await run("mkdir", ":gone");
    r = await run("rmdir", ":gone");
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(onServer("gone"))).toBe(false);
  }, 120_000);

  it("says 550s in mpremote's words and refuses REPL commands", async () => {
    let r = await run("rm", ":no-such-file");
    expect(r.stderr).toBe("tspy: rm: no-such-file: No such file or directory.\n");
    expect(r.status).toBe(1);
    r = await run("cat", ":no-such-file");
    expect(r.stderr).toBe("tspy: cat: no-such-file: No such file or directory.\n");
    r = await run("mkdir", ":synced");
    expect(r.stderr).toBe("tspy: mkdir: synced: File exists.\n");
    r = await run("exec", "print(1)");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tspy: an ftp:\/\/ device carries files only .*\n$/);
  }, 60_000);

  it("reports a refused login (530) in one line without the password", async () => {
    const r = await tspy(["-d", `ftp://tester:wrong-${FTP_PASSWORD}@127.0.0.1:${server.port}`, "ls"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^tspy: ftp:\/\/tester@127\.0\.0\.1:\d+: login refused \(530 .*\): wrong user or password\?\n$/);
    expect(r.stderr).not.toContain(FTP_PASSWORD);
  });
});
