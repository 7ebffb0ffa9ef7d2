/**
 * @module sticky/strategies/bounded-load
 *
 * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam,
 * SODA 2018, arXiv 1608.01350), as in HAProxy's `hash-balance-factor` and
 * Envoy's `hash_balance_factor`. Each server may hold at most
 * ceil((1 + epsilon) * average load), counting the request being placed; a
 * key walks clockwise on the ring from its point to the first server below
 * that cap. So no server ever exceeds (1 + epsilon) times the mean (up to the
 * rounding up), while keys still mostly stay on their ring owner.
 */
import { StickyError } from "../errors.js";
import { hash32 } from "../hash.js";
import { type Balancer, type RouteInput, checkKey, checkServers, noServer } from "./balancer.js";
import { type RingIndex, type RingTable, buildRing, checkVnodes, indexRing, successorIndexed } from "./ring.js";

/** Options for {@link createBoundedLoad}. */
export interface BoundedLoadOptions {
  /** Allowed overload above the average: a finite number > 0, default 0.25 (cap = 1.25 x mean). */
  epsilon?: number;
  /** Virtual nodes per server on the underlying ring: an integer >= 1, default 160. */
  vnodes?: number;
}

/** The default epsilon (HAProxy's documentation calls 125 to 200 reasonable factors). */
export const DEFAULT_EPSILON = 0.25;

/**
 * The load cap: ceil((1 + epsilon) * total / servers). When the exact value
 * is an integer, floating-point noise (1.1 * 10000 = 11000.000000000002)
 * must not push the ceiling one higher, so values within 1e-9 relative of an
 * integer are taken as that integer.
 *
 * @param total - total load INCLUDING the request being placed (> 0)
 * @param servers - number of servers (> 0)
 * @param epsilon - the allowed overload (> 0)
 * @returns the maximum load a server may reach by taking this request
 * @throws never
 * @example
 * boundedCapacity(100, 10, 0.25); // => 13  (ceil(12.5))
 * boundedCapacity(100000, 10, 0.1); // => 11000
 */
export function boundedCapacity(total: number, servers: number, epsilon: number): number {
  const c = ((1 + epsilon) * total) / servers;
  const r = Math.round(c);
  return Math.abs(c - r) <= 1e-9 * c ? r : Math.ceil(c);
}

/**
 * A bounded-load consistent-hash balancer.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @param options - `epsilon` (default 0.25) and ring `vnodes` (default 160)
 * @returns the balancer; its `pick` reads `input.loads` (missing servers count
 *   as 0; without `loads` it is a plain ring). The caller updates the loads.
 * @throws StickyError ERR_STICKY_INPUT on a bad server list, epsilon <= 0 or not
 *   finite, or vnodes < 1 (pick: on a non-string key, or a load that is
 *   negative or not finite)
 * @example
 * const b = createBoundedLoad(["a", "b", "c"], { epsilon: 0.25 });
 * const loads = new Map([["a", 0], ["b", 0], ["c", 0]]);
 * const s = b.pick({ key: "session-1", loads });
 * loads.set(s, loads.get(s)! + 1); // the caller counts the assignment
 */
export function createBoundedLoad(
  servers: readonly string[],
  options: BoundedLoadOptions = {},
): Balancer & { readonly epsilon: number; readonly vnodes: number } {
  const epsilon = options.epsilon === undefined ? DEFAULT_EPSILON : options.epsilon;
  if (typeof epsilon !== "number" || !Number.isFinite(epsilon) || epsilon <= 0) {
    throw new StickyError("ERR_STICKY_INPUT", `epsilon must be a finite number > 0, got ${String(epsilon)}`);
  }
  const vnodes = checkVnodes(options.vnodes);
  const list = checkServers(servers);
  return new BoundedLoadBalancer(list, epsilon, vnodes, buildRing(list, vnodes));
}

class BoundedLoadBalancer implements Balancer {
  readonly kind = "bounded-load" as const;
  private readonly points: Uint32Array;
  private readonly index: RingIndex;
  private readonly owners: Int32Array;
  /** Load per server index, refreshed from `input.loads` on each pick (reused buffer). */
  private readonly current: Float64Array;

  constructor(
    readonly servers: readonly string[],
    readonly epsilon: number,
    readonly vnodes: number,
    table: RingTable,
  ) {
    this.points = table.points;
    this.index = indexRing(table.points);
    this.owners = table.owners;
    this.current = new Float64Array(servers.length);
  }

  pick(input: RouteInput): string {
    const key = checkKey(input);
    const servers = this.servers;
    const n = servers.length;
    if (n === 0) throw noServer(this.kind);
    const loads = input.loads;
    const current = this.current;
    let total = 1; // counting this request
    for (let i = 0; i < n; i++) {
      const v = loads === undefined ? undefined : loads.get(servers[i]);
      const l = v === undefined ? 0 : v;
      if (typeof l !== "number" || !(l >= 0) || l === Infinity) {
        throw new StickyError("ERR_STICKY_INPUT", `load of ${servers[i]} must be a finite number >= 0, got ${String(l)}`);
      }
      current[i] = l;
      total += l;
    }
    const cap = boundedCapacity(total, n, this.epsilon);
    const points = this.points;
    const owners = this.owners;
    const len = points.length;
    let idx = successorIndexed(points, this.index, hash32(key));
    // Some server is below the cap (the least loaded is at most the old
    // average, below (1 + epsilon) x the new one), so the walk ends within
    // one lap.
    for (let step = 0; step < len; step++) {
      const owner = owners[idx];
      if (current[owner] < cap) return servers[owner];
      idx = idx + 1 === len ? 0 : idx + 1;
    }
    // Unreachable for valid loads; fall back to the least loaded server.
    let best = 0;
    for (let i = 1; i < n; i++) if (current[i] < current[best]) best = i;
    return servers[best];
  }
}
