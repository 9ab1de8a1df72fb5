// The TCP socket plumbing shared by the links that ride on one (raw tcp://, telnet://): connect with a
// time-out and a useful refusal message, write with errors as TransportError, close politely.
import net from "node:net";
import { TransportError } from "../errors.js";

/** Connect to host:port; `description` prefixes errors, `refusedHint` explains a refused connection. */
export function connectSocket(
  host: string,
  port: number,
  description: string,
  refusedHint: string,
  timeoutMs = 5000,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError(`${description}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.removeAllListeners("error");
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = e.code === "ECONNREFUSED" ? `connection refused (${refusedHint})` : e.message;
      reject(new TransportError(`${description}: ${why}`));
    });
  });
}

export function writeSocket(socket: net.Socket, data: Uint8Array, description: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.write(data, (err) => (err ? reject(new TransportError(`${description}: ${err.message}`)) : resolve()));
  });
}

/** End the connection, and destroy it if the other side does not close within 200 ms. */
export function closeSocket(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve();
    socket.once("close", () => resolve());
    socket.end();
    setTimeout(() => {
      socket.destroy();
      resolve();
    }, 200).unref();
  });
}
