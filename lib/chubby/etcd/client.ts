/**
 * @module chubby/etcd/client
 *
 * npm `etcd3` clients set up for fail-over experiments.
 *
 * The trap (measured here, research note section 4): `etcd3`'s default
 * fault handling puts a circuit breaker on every host that stays open for
 * 5 s after 3 consecutive failures. After the Raft leader is killed, that
 * breaker, not consensus, sets the outage a client sees (5.7 s instead of
 * about 1.2 s). {@link createEtcdClient} turns the per-host breaker off and
 * keeps the global retry, which tries another host on a recoverable error.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { Etcd3, type IOptions } from "etcd3";
import { EtcdLabError } from "./errors.js";

/**
 * The absolute path of the installed `etcd3` package's entry file, resolved
 * from the current directory (the project root under vitest, `notebooks/`
 * in a notebook). Child processes `require()` it by this path, so they need
 * no build step and no particular working directory.
 *
 * @returns e.g. "/work/main/node_modules/etcd3/lib/index.js"
 * @throws {EtcdLabError} ERR_ETCD_MISSING when `etcd3` cannot be resolved
 * @example
 * etcd3ModulePath(); // => ".../node_modules/etcd3/lib/index.js"
 */
export function etcd3ModulePath(): string {
  try {
    return createRequire(path.join(process.cwd(), "noop.js")).resolve("etcd3");
  } catch (e) {
    throw new EtcdLabError(
      "ERR_ETCD_MISSING",
      `the npm package etcd3 cannot be found from ${process.cwd()} (run npm install): ${(e as Error).message}`,
    );
  }
}

interface Cockatiel {
  noop: unknown;
}

let cockatiel: Cockatiel | undefined;

/** cockatiel (etcd3's fault-handling library), loaded from where etcd3 loads it. */
function loadCockatiel(): Cockatiel {
  if (cockatiel === undefined) {
    const req = createRequire(etcd3ModulePath());
    cockatiel = req("cockatiel") as Cockatiel;
  }
  return cockatiel;
}

/** Options of {@link createEtcdClient}. */
export interface EtcdClientOptions {
  /** Keep etcd3's default per-host circuit breaker (5 s open after 3 failures); default false. */
  circuitBreaker?: boolean;
  /** Retry a recoverable error on another host (etcd3's default global policy); default true. */
  retry?: boolean;
  /** Connect timeout in ms; default 2000. */
  dialTimeoutMs?: number;
}

/**
 * An `etcd3` client for the given endpoints, with the per-host circuit
 * breaker off unless asked for. Close it with `client.close()`.
 *
 * @param endpoints - e.g. ["http://127.0.0.1:41001", ...]
 * @param options - see {@link EtcdClientOptions}
 * @returns a new Etcd3 client
 * @throws {EtcdLabError} ERR_ETCD_INPUT for no endpoints; ERR_ETCD_MISSING without etcd3
 * @example
 * const c = createEtcdClient(cluster.endpoints);
 * await c.put("k").value("v"); c.close();
 */
export function createEtcdClient(endpoints: readonly string[], options: EtcdClientOptions = {}): Etcd3 {
  if (!Array.isArray(endpoints) || endpoints.length === 0 || !endpoints.every((e) => typeof e === "string" && e !== "")) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "createEtcdClient: endpoints must be a non-empty array of URLs");
  }
  const o = options ?? {};
  const { noop } = loadCockatiel();
  const faultHandling: Record<string, unknown> = {};
  if (o.circuitBreaker !== true) faultHandling.host = () => noop;
  if (o.retry === false) faultHandling.global = noop;
  return new Etcd3({
    hosts: [...endpoints],
    dialTimeout: o.dialTimeoutMs ?? 2000,
    faultHandling: faultHandling as IOptions["faultHandling"],
  });
}
