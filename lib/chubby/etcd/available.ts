/**
 * @module chubby/etcd/available
 *
 * Is a real etcd server installed here? The notebook's etcd section and the
 * etcd tests run only where it is, and say how to install it where it is not.
 */
import { findExecutable } from "../../host/index.js";

/**
 * What to tell a reader when etcd is missing: how to install it.
 *
 * @example
 * if (etcdAvailable() === null) console.log(ETCD_MISSING_MESSAGE);
 */
export const ETCD_MISSING_MESSAGE =
  "etcd is not installed, so the real-etcd section is skipped. Install Debian's etcd " +
  "(`sudo apt-get install -y etcd-server etcd-client`), or run `npm start`, which installs it, " +
  "then run this again.";

/**
 * Finds the `etcd` server binary: on `PATH` first, then in /usr/bin,
 * /usr/local/bin and /usr/sbin.
 *
 * @returns the absolute path of an executable `etcd`, or null when there is none
 * @throws never
 * @example
 * etcdAvailable(); // => "/usr/bin/etcd" (Debian's etcd-server), or null
 */
export function etcdAvailable(): string | null {
  return findExecutable("etcd", { fallbackDirs: ["/usr/bin", "/usr/local/bin", "/usr/sbin"] });
}
