// tspy's FTP client against Debian's vsftpd (run unprivileged, anonymous uploads into a temporary
// directory): its `ls -l` listing without MLSD, PASV/EPSV, binary round trips, names with spaces
// and UTF-8, and the CLI's file commands — checked against the server's directory.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FtpClient, parseFtpSpec } from "../../src/transport/ftp/index.js";
import { FtpFs } from "../../src/fs/ftp-fs.js";
import { tspy } from "../helpers/cli.js";
import { startVsftpd, type PyFtpd } from "../helpers/ftp-tools.js";

let server: PyFtpd;
let local: string;

beforeAll(async () => {
  server = await startVsftpd();
  local = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-vsftpd-local-"));
}, 30_000);

afterAll(async () => {
  await server?.close();
  if (local) fs.rmSync(local, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

describe("FtpFs against vsftpd", () => {
  it("round-trips 0 B, 1 B, 100 KB and 1 MB and reads vsftpd's listing", async () => {
    const client = await FtpClient.connect(parseFtpSpec(server.url));
    expect(client.features.mlsd).toBe(false); // vsftpd lists with LIST only
    const fsx = await FtpFs.open(client);
    try {
      for (const size of [0, 1, 100 * 1024, 1024 * 1024]) {
        const data = randomBytes(size);
        await fsx.writeFileAtomic(`v-${size}.bin`, data);
        expect(sha(fs.readFileSync(path.join(server.dir, `v-${size}.bin`)))).toBe(sha(data));
        expect(sha(await fsx.readFile(`v-${size}.bin`))).toBe(sha(data));
      }
      await fsx.mkdir("a dir ü");
      await fsx.writeFileAtomic("a dir ü/x  y ☃.txt", Buffer.from("ok"));
      expect(fs.readFileSync(path.join(server.dir, "a dir ü", "x  y ☃.txt"), "utf8")).toBe("ok");
      const names = (await fsx.listdir("")).map((e) => [e.name, e.isDir, e.size]);
      expect(names).toEqual(
        expect.arrayContaining([["a dir ü", true, 0], ["v-1048576.bin", false, 1048576], ["v-0.bin", false, 0]]),
      );
    } finally {
      await fsx.close();
    }
  }, 60_000);

  it("takes the CLI's cp -r, tree, cat and rm -r", async () => {
    fs.mkdirSync(path.join(local, "pkg", "sub"), { recursive: true });
    fs.writeFileSync(path.join(local, "pkg", "sub", "m.py"), "x = 1\n");
    const run = (...a: string[]) => tspy(["-d", server.url, ...a]);
    let r = await run("cp", "-r", path.join(local, "pkg"), ":pkg");
    expect(r.status, r.stderr).toBe(0);
    r = await run("cat", ":pkg/sub/m.py");
    expect(r.stdout).toBe("x = 1\n");
    r = await run("tree", ":pkg");
    expect(r.stdout).toBe("tree :pkg\n:pkg\n└── sub\n    └── m.py\n");
    r = await run("rm", "-r", ":pkg");
    expect(r.status, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(server.dir, "pkg"))).toBe(false);
  }, 60_000);
});
