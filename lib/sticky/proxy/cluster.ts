/**
 * @module sticky/proxy/cluster
 *
 * N cart backends plus one sticky proxy in front of them, all on 127.0.0.1
 * with ephemeral ports: the seed's setup (servers A, B, C behind a load
 * balancer) as one call, with one `stop()` that ends every server and child
 * process it started.
 */
import { StickyError } from "../errors.js";
import { type BackendHandle, spawnBackend, startBackend } from "./backend.js";
import { type StickyProxy, type StickyProxyOptions, startStickyProxy } from "./proxy.js";

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Backend ids, in balancing order; default ["A", "B", "C"]. */
  ids?: readonly string[];
  /** "in-process" (default): one http.Server each; "child-process": one `node` process each (killable by PID). */
  mode?: "in-process" | "child-process";
  /** Proxy options (everything but `backends`). */
  proxy?: Omit<StickyProxyOptions, "backends">;
}

/** A running cluster. */
export interface Cluster {
  /** The proxy's URL: where clients connect. */
  readonly url: string;
  readonly proxy: StickyProxy;
  /** The backends by id, in order. */
  readonly backends: ReadonlyMap<string, BackendHandle>;
  /** The backend `id` (throws ERR_STICKY_INPUT if unknown). */
  backend(id: string): BackendHandle;
  /** Kills backend `id` abruptly (SIGKILL for a child process); the proxy is not told. */
  crash(id: string): Promise<void>;
  /** Drains backend `id` at the proxy: no new users, sticky users stay. */
  drain(id: string): void;
  /** Stops the proxy and every backend (idempotent). */
  stop(): Promise<void>;
}

/**
 * Starts N cart backends and a sticky proxy in front of them.
 *
 * @param options - see {@link ClusterOptions}
 * @returns the cluster; always `await cluster.stop()` when done
 * @throws {StickyError} ERR_STICKY_INPUT for an empty or bad id list or a bad
 *   mode, plus whatever {@link startStickyProxy} throws for bad proxy options;
 *   on any failure, what was already started is stopped
 * @example
 * const c = await startCluster({ ids: ["A", "B", "C"], proxy: { redispatch: true } });
 * // createClient(c.url).get("/cart") => { server: "A", ... }
 * await c.crash("A");
 * await c.stop();
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const o = options ?? {};
  const ids = o.ids ?? ["A", "B", "C"];
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new StickyError("ERR_STICKY_INPUT", "startCluster: ids must be a non-empty array");
  }
  if (new Set(ids).size !== ids.length) throw new StickyError("ERR_STICKY_INPUT", "startCluster: duplicate ids");
  const mode = o.mode ?? "in-process";
  if (mode !== "in-process" && mode !== "child-process") {
    throw new StickyError("ERR_STICKY_INPUT", 'startCluster: mode must be "in-process" or "child-process"');
  }
  const backends = new Map<string, BackendHandle>();
  let proxy: StickyProxy | undefined;
  const stopAll = async (): Promise<void> => {
    await Promise.all([proxy?.stop(), ...[...backends.values()].map((b) => b.stop())]);
  };
  try {
    for (const id of ids) {
      // Sequential: ids are validated one by one, and a failure leaves a
      // known set to stop.
      const b = mode === "in-process" ? await startBackend({ id }) : await spawnBackend({ id });
      backends.set(id, b);
    }
    proxy = await startStickyProxy({ ...(o.proxy ?? {}), backends: ids.map((id) => ({ id, port: backends.get(id)!.port })) });
  } catch (e) {
    await stopAll();
    throw e;
  }
  const p = proxy;
  const backend = (id: string): BackendHandle => {
    const b = backends.get(id);
    if (b === undefined) throw new StickyError("ERR_STICKY_INPUT", `unknown backend id ${JSON.stringify(id)}`);
    return b;
  };
  let stopped: Promise<void> | undefined;
  return {
    url: p.url,
    proxy: p,
    backends,
    backend,
    crash: (id: string) => backend(id).crash(),
    drain: (id: string) => p.drain(id),
    stop: () => (stopped ??= stopAll()),
  };
}
