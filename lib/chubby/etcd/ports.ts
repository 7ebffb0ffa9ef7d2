/**
 * @module chubby/etcd/ports
 *
 * Free TCP ports on 127.0.0.1, for servers that must be told their port up
 * front (etcd takes its client and peer URLs as flags).
 */
import { freePorts as hostFreePorts } from "../../host/index.js";
import { EtcdLabError } from "./errors.js";

/**
 * `count` distinct free ports on 127.0.0.1 (the host helper `freePorts`,
 * with this module's typed error for a bad count).
 * Another process could take a port before it is used; callers that start a
 * server on it should retry on "address already in use".
 *
 * @param count - how many ports, 1..64
 * @returns the ports, all distinct
 * @throws {EtcdLabError} ERR_ETCD_INPUT for a bad count
 * @example
 * const [client, peer] = await freePorts(2); // e.g. [41235, 38811]
 */
export async function freePorts(count: number): Promise<number[]> {
  if (!Number.isSafeInteger(count) || count < 1 || count > 64) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "freePorts: count must be an integer in [1, 64]");
  }
  return hostFreePorts(count);
}
