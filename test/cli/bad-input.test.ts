// Bad input through the real CLI: one line on stderr, a non-zero exit, never a stack trace.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { tspy } from "../helpers/cli.js";

let server: net.Server | undefined;
afterEach(() => server?.close());

async function fakeBoard(onData: (sock: net.Socket, data: Buffer) => void): Promise<string> {
  server = net.createServer((sock) => sock.on("data", (d) => onData(sock, d)));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

function expectOneLineError(r: { status: number | null; stderr: string; stdout: string }, pattern: RegExp) {
  expect(r.status).not.toBe(0);
  expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe("bad input gets one clear line and a non-zero exit", () => {
  it("unknown command", async () => {
    const r = await tspy(["frob"]);
    expectOneLineError(r, /^tspy: unknown command "frob"/);
    expect(r.status).toBe(2);
  });

  it("unknown device spec", async () => {
    expectOneLineError(await tspy(["-d", "nonsense", "exec", "1"]), /^tspy: unknown device "nonsense"/);
  });

  it("missing serial port", async () => {
    expectOneLineError(await tspy(["-d", "/dev/ttyNOPE9", "exec", "1"]), /no such serial port/);
  });

  it("a device that never answers", async () => {
    const dev = await fakeBoard(() => undefined);
    expectOneLineError(await tspy(["-d", dev, "exec", "1"]), /timed out waiting for the raw REPL \(is the board running MicroPython\?\)/);
  }, 30_000);

  it("a device that sends random bytes", async () => {
    const dev = await fakeBoard((sock) => sock.write(Buffer.from([0x9a, 0x00, 0xff, 0x3e, 0x13, 0x37])));
    expectOneLineError(await tspy(["-d", dev, "exec", "1"]), /timed out waiting for the raw REPL/);
  }, 30_000);

  it("a missing local script", async () => {
    const dev = await fakeBoard(() => undefined);
    expectOneLineError(await tspy(["-d", dev, "run", "/nonexistent/x.py"]), /^tspy: run: \/nonexistent\/x.py: no such file/);
  });

  it("wrong number of arguments", async () => {
    expectOneLineError(await tspy(["eval"]), /usage: tspy eval EXPR/);
  });
});
