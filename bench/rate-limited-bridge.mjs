#!/usr/bin/env node
// A TCP bridge that carries bytes no faster than a serial line: each direction is paced to
// baud/10 bytes per second (8N1: 10 bit times per byte), released in small steps as a UART would,
// so protocol round trips cost what they cost on a real 115200-baud cable.
//   node bench/rate-limited-bridge.mjs TARGET_PORT [BAUD] [LISTEN_PORT]
// prints `tcp://127.0.0.1:PORT` first, like the fixtures.
import net from "node:net";
import url from "node:url";

/** Pace `from` → `to` at `bytesPerSecond`. */
function pace(from, to, bytesPerSecond) {
  const queue = [];
  let queued = 0;
  let sent = 0;
  let t0 = 0; // when the current busy period began
  let timer = null;
  let ended = false;

  const pump = () => {
    timer = null;
    const allowed = Math.floor(((performance.now() - t0) / 1000) * bytesPerSecond) - sent;
    let n = Math.min(allowed, queued);
    const parts = [];
    while (n > 0) {
      const head = queue[0];
      if (head.length <= n) {
        parts.push(queue.shift());
        n -= head.length;
        queued -= head.length;
        sent += head.length;
      } else {
        parts.push(head.subarray(0, n));
        queue[0] = head.subarray(n);
        queued -= n;
        sent += n;
        n = 0;
      }
    }
    if (parts.length) to.write(Buffer.concat(parts));
    if (queued > 0) timer = setTimeout(pump, 1);
    else if (ended) to.end();
    if (queued < 65536 && from.isPaused()) from.resume();
  };

  from.on("data", (chunk) => {
    // An idle line starts a new busy period: no credit is saved up while nothing is sent.
    if (queued === 0 && timer === null) {
      t0 = performance.now();
      sent = 0;
    }
    queue.push(chunk);
    queued += chunk.length;
    if (queued >= 65536) from.pause();
    if (timer === null) timer = setTimeout(pump, 0);
  });
  from.on("end", () => {
    ended = true;
    if (queued === 0) to.end();
  });
  from.on("error", () => to.destroy());
}

/** Listen on `listenPort` (0: any) and forward each connection to 127.0.0.1:`targetPort`, paced. */
export function startBridge({ targetPort, baud = 115200, listenPort = 0, host = "127.0.0.1" }) {
  const bytesPerSecond = baud / 10;
  const sockets = new Set();
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const board = net.connect(targetPort, host);
    board.setNoDelay(true);
    for (const s of [client, board]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
    }
    pace(client, board, bytesPerSecond);
    pace(board, client, bytesPerSecond);
    board.on("close", () => client.destroy());
    client.on("close", () => board.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, host, () => {
      resolve({
        port: server.address().port,
        bytesPerSecond,
        close: () =>
          new Promise((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

if (process.argv[1] && url.pathToFileURL(process.argv[1]).href === import.meta.url) {
  const [target, baud = "115200", listen = "0"] = process.argv.slice(2);
  if (!target) {
    console.error("usage: node bench/rate-limited-bridge.mjs TARGET_PORT [BAUD] [LISTEN_PORT]");
    process.exit(2);
  }
  const b = await startBridge({ targetPort: Number(target), baud: Number(baud), listenPort: Number(listen) });
  console.log(`tcp://127.0.0.1:${b.port}`);
}
