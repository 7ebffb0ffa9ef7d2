/**
 * @module host/ports
 *
 * Free TCP ports on 127.0.0.1, for real servers that must be told their port
 * up front (HAProxy cannot bind port 0; etcd takes its URLs as flags).
 */
import * as net from "node:net";
import { HostError } from "./errors.js";

/**
 * Asks the OS for `count` distinct free ports on 127.0.0.1: it listens on
 * port 0 that many times at once, reads the ports, then closes the sockets.
 * Another process could take a port before it is used; callers that start a
 * server on it should retry on "address already in use".
 *
 * @param count - how many ports, 1..64
 * @returns the ports, all distinct
 * @throws {HostError} ERR_HOST_INPUT for a bad count
 * @example
 * const [client, peer] = await freePorts(2); // e.g. [41235, 38811]
 */
export async function freePorts(count: number): Promise<number[]> {
  if (!Number.isSafeInteger(count) || count < 1 || count > 64) {
    throw new HostError("ERR_HOST_INPUT", "freePorts: count must be an integer in [1, 64]");
  }
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => resolve());
      });
      ports.push((s.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/**
 * One free TCP port on 127.0.0.1 right now: `freePorts(1)[0]`.
 * @returns a port number
 * @example
 * const port = await freePort(); // e.g. 41873
 */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0];
}
