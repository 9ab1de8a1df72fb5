// mpremote's test scenarios on real firmware: the QEMU micro:bit (MicroPython 1.9.2 for the nRF51, 16 KB
// of RAM, a flat filesystem without directories, no os.mount). What applies there runs as the scripts
// do, one `tspy` process per `$MPREMOTE` line, compared with mpremote's .sh.exp:
// - test_eval_exec_run.sh and test_resume.sh, whole (the NameError in the firmware's own words);
// - test_filesystem.sh up to its first directory (touch, ls, cat, sha256sum, cp, import, rm, edit), in
//   the board's root instead of the RAM disk, then the mkdir it cannot do, refused in one line.
// Not applicable: test_errno.sh and test_mount.sh (no os.mount: mount is refused, see
// test/mount/mount.microbit-qemu.test.ts), test_fs_tree.sh, test_recursive_cp.sh and
// test_mip_local_install.sh (all need directories).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMicrobit, type QemuBoard } from "../helpers/qemu-microbit.js";
import { evalExecRun, resume, Script } from "../helpers/mpremote-script.js";
import { lf, tspy } from "../helpers/cli.js";

let board: QemuBoard;
let tmp: string;
const script = () => new Script({ device: board.path, cwd: tmp, tmp });

beforeAll(async () => {
  board = await startMicrobit();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mb-scenarios-"));
}, 60_000);
afterAll(async () => {
  await board?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const LONG = 180_000;

/**
 * `ls` lists in the board's order, as mpremote does. The micro:bit's is the order of each file's first
 * flash chunk, and where its filesystem looks for free chunks changes from boot to boot, so a rewritten
 * file can come first or last (seen: b.py c.py d.py a.py): runs of listing lines are put in name order.
 */
function inNameOrder(text: string): string {
  const lines = text.split("\n");
  const entry = /^ +\d+ \S+$/;
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j < lines.length && entry.test(lines[j]!)) j++;
    if (j > i) lines.splice(i, j - i, ...lines.slice(i, j).sort((a, b) => a.trim().split(" ")[1]!.localeCompare(b.trim().split(" ")[1]!)));
    i = Math.max(j, i + 1);
  }
  return lines.join("\n");
}

describe("mpremote's test scenarios on the QEMU micro:bit (MicroPython 1.9.2)", () => {
  it("test_eval_exec_run.sh", async () => {
    const sh = script();
    const expected = await evalExecRun(sh, tmp);
    expect(sh.text).toBe(expected);
  }, LONG);

  it("test_resume.sh", async () => {
    const sh = script();
    const expected = await resume(sh, "NameError: name 'a' is not defined");
    expect(sh.text).toBe(expected);
  }, LONG);

  it("test_filesystem.sh in the flat root: touch, ls, cat, sha256sum, cp, import, rm, edit; then mkdir refused", async () => {
    // The board's root stands in for the RAM disk: empty it first (the micro:bit keeps files across resets).
    const left = await tspy(["-d", board.path, "exec", "import os\nfor f in os.listdir():\n    os.remove(f)"]);
    expect(left.status, left.stderr).toBe(0);
    const sh = script();
    sh.echo("-----");
    await sh.$(["resume", "ls"]);
    sh.echo("-----");
    await sh.$(["resume", "touch", "a.py"]);
    await sh.$(["resume", "touch", ":b.py"]);
    await sh.$(["resume", "ls", ":"]);
    await sh.$(["resume", "cat", "a.py"]);
    await sh.$(["resume", "cat", ":b.py"]);
    await sh.$(["resume", "sha256sum", "a.py"]);
    sh.echo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -"); // echo -n "" | sha256sum
    sh.echo("-----");
    const a = path.join(tmp, "a.py");
    fs.writeFileSync(a, 'print("Hello")\nprint("World")\n');
    await sh.$(["resume", "cp", a, ":"]);
    await sh.$(["resume", "cp", a, ":b.py"]);
    await sh.$(["resume", "cp", a, ":c.py"]);
    await sh.$(["resume", "cp", ":a.py", ":d.py"]);
    await sh.$(["resume", "ls"]);
    await sh.$(["resume", "exec", "import a; import b; import c"]);
    await sh.$(["resume", "sha256sum", "a.py"]);
    sh.echo("50f0a701dd6cd6125387b96515300c9d5294c006518f8e62fa9eea3b66587f21  -"); // cat a.py | sha256sum
    sh.echo("-----");
    await sh.$(["resume", "rm", ":b.py", "c.py"]);
    await sh.$(["resume", "ls"]);
    sh.echo("-----");
    // Right after three imports, as in the script: the heap may have no room left for the write's one
    // program (MemoryError); it then goes as begin, data and commit (test/fs/tight-heap.virtual.test.ts).
    await sh.$(["resume", "edit", "d.py"], { env: { EDITOR: "sed -i s/Hello/Goodbye/" } });
    await sh.$(["resume", "sha256sum", ":d.py"]);
    await sh.$(["resume", "exec", "import d"]);
    // mpremote's test_filesystem.sh.exp for these steps (its directory steps left out: the rm section's
    // `ls` has no aaa/ and bbb/).
    expect(inNameOrder(sh.text)).toBe(
      "-----\nls :\n-----\ntouch :a.py\ntouch :b.py\nls :\n           0 a.py\n           0 b.py\n" +
        "sha256sum :a.py\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  -\n-----\n" +
        "cp ${TMP}/a.py :\ncp ${TMP}/a.py :b.py\ncp ${TMP}/a.py :c.py\ncp :a.py :d.py\n" +
        "ls :\n          30 a.py\n          30 b.py\n          30 c.py\n          30 d.py\n" +
        "Hello\nWorld\nHello\nWorld\nHello\nWorld\n" +
        "sha256sum :a.py\n50f0a701dd6cd6125387b96515300c9d5294c006518f8e62fa9eea3b66587f21\n" +
        "50f0a701dd6cd6125387b96515300c9d5294c006518f8e62fa9eea3b66587f21  -\n-----\n" +
        "rm :b.py\nrm :c.py\nls :\n          30 a.py\n          30 d.py\n-----\n" +
        "edit :d.py\nsha256sum :d.py\n612c7ddb88390ac86b4174b26a6e5b52fc2f2838b234efd8f6f7c41631a49d04\nGoodbye\nWorld\n",
    );
    // touch on a file that exists leaves it alone (the firmware has no append mode to open it with).
    const touched = await tspy(["-d", board.path, "resume", "touch", ":a.py", "+", "cat", ":a.py"]);
    expect([touched.status, lf(touched.stdout)]).toEqual([0, 'touch :a.py\nprint("Hello")\nprint("World")\n']);
    const mkdir = await tspy(["-d", board.path, "resume", "mkdir", "aaa"]);
    expect([mkdir.status, lf(mkdir.stderr)]).toEqual([1, "tspy: mkdir: this board's filesystem has no directories\n"]);
  }, LONG);
});
