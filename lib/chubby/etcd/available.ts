/**
 * @module chubby/etcd/available
 *
 * Is a real etcd server installed here? The notebook's etcd section and the
 * etcd tests run only where it is, and say how to install it where it is not.
 */
import { accessSync, constants, statSync } from "node:fs";
import * as path from "node:path";

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

function isExecutableFile(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

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
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter((d) => d !== "");
  for (const d of [...dirs, "/usr/bin", "/usr/local/bin", "/usr/sbin"]) {
    const p = path.resolve(d, "etcd");
    if (isExecutableFile(p)) return p;
  }
  return null;
}
