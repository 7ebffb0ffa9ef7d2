/**
 * @module sticky/strategies/ring
 *
 * Consistent hashing on a ring (Karger et al., STOC 1997), the scheme behind
 * ketama, nginx `hash ... consistent` and HAProxy `hash-type consistent`.
 * Each server owns `vnodes` pseudo-random points on a 32-bit circle; a key
 * goes to the owner of the first point at or after hash(key), wrapping
 * around. Adding a server only takes over the arcs in front of its own
 * points, so about 1/(N+1) of the keys move, all of them TO the new server.
 * Many virtual nodes per server even out the arc lengths (spread shrinks
 * like 1/sqrt(vnodes)).
 */
import { StickyError } from "../errors.js";
import { hash32 } from "../hash.js";
import { type Balancer, type RouteInput, checkKey, checkServers, noServer } from "./balancer.js";

/** Options for {@link createRing}. */
export interface RingOptions {
  /** Virtual nodes (points on the ring) per server: an integer >= 1, default 160. */
  vnodes?: number;
}

/** Default virtual nodes per server (ketama uses 160 per server of weight 1). */
export const DEFAULT_VNODES = 160;

/** A built ring: sorted points and, for each point, the index of its server in the list. */
export interface RingTable {
  /** Point positions on the 32-bit circle, ascending. */
  readonly points: Uint32Array;
  /** `owners[i]` is the index (in the server list) of the server owning `points[i]`. */
  readonly owners: Int32Array;
}

/**
 * Checks a `vnodes` option and returns it, or the default.
 *
 * @param vnodes - the option value
 * @returns an integer >= 1
 * @throws StickyError ERR_STICKY_INPUT if it is not an integer >= 1
 * @example
 * checkVnodes(undefined); // => 160
 */
export function checkVnodes(vnodes: number | undefined): number {
  if (vnodes === undefined) return DEFAULT_VNODES;
  if (!Number.isSafeInteger(vnodes) || vnodes < 1) {
    throw new StickyError("ERR_STICKY_INPUT", `vnodes must be an integer >= 1, got ${vnodes}`);
  }
  return vnodes;
}

/**
 * Builds the ring for already-checked servers. Point j of server s sits at
 * hash32(`${s}#${j}`): it depends only on the NAME, so the ring is the same
 * whatever the list order. Two points that collide are ordered by server
 * name, which keeps that property even then.
 *
 * @param servers - checked, distinct server ids
 * @param vnodes - points per server (checked)
 * @returns the sorted table
 * @throws never
 * @example
 * buildRing(["a", "b"], 2).points.length; // => 4
 */
export function buildRing(servers: readonly string[], vnodes: number): RingTable {
  const total = servers.length * vnodes;
  const rawPoints = new Uint32Array(total);
  const rawOwners = new Int32Array(total);
  for (let s = 0; s < servers.length; s++) {
    for (let j = 0; j < vnodes; j++) {
      rawPoints[s * vnodes + j] = hash32(`${servers[s]}#${j}`);
      rawOwners[s * vnodes + j] = s;
    }
  }
  const order = Array.from({ length: total }, (_, i) => i);
  order.sort((x, y) => {
    const d = rawPoints[x] - rawPoints[y];
    if (d !== 0) return d;
    const a = servers[rawOwners[x]];
    const b = servers[rawOwners[y]];
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const points = new Uint32Array(total);
  const owners = new Int32Array(total);
  for (let i = 0; i < total; i++) {
    points[i] = rawPoints[order[i]];
    owners[i] = rawOwners[order[i]];
  }
  return { points, owners };
}

/**
 * Index of the first point >= h, or 0 when h is past the last point (the
 * ring wraps). Binary search, no allocation.
 *
 * @param points - ascending points (non-empty)
 * @param h - a 32-bit hash
 * @returns the index of the successor point
 * @throws never
 * @example
 * successor(new Uint32Array([10, 20]), 15); // => 1
 * successor(new Uint32Array([10, 20]), 25); // => 0
 */
export function successor(points: Uint32Array, h: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid] < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === points.length ? 0 : lo;
}

/**
 * A lookup accelerator for a sorted ring: `start[b]` is the index of the
 * first point whose top `bits` bits are >= b. A key's successor then lies in
 * [start[b], start[b + 1]] for its bucket b, usually 0 or 1 points away,
 * instead of ~log2(points) unpredictable binary-search branches.
 */
export interface RingIndex {
  /** Number of top hash bits used to choose a bucket. */
  readonly bits: number;
  /** `start[b]` for b in [0, 2^bits], with `start[2^bits] = points.length`. */
  readonly start: Int32Array;
}

/**
 * Builds a {@link RingIndex} with about two buckets per point (at most 2^16).
 *
 * @param points - ascending points
 * @returns the index
 * @throws never
 * @example
 * indexRing(new Uint32Array([10, 2 ** 31])).bits; // => 2
 */
export function indexRing(points: Uint32Array): RingIndex {
  let bits = 1;
  while (bits < 16 && 1 << bits < 2 * points.length) bits++;
  const buckets = 1 << bits;
  const shift = 32 - bits;
  const start = new Int32Array(buckets + 1);
  let i = 0;
  for (let b = 0; b <= buckets; b++) {
    // First point whose bucket (top bits) is >= b.
    while (i < points.length && points[i] >>> shift < b) i++;
    start[b] = i;
  }
  return { bits, start };
}

/**
 * {@link successor} through a {@link RingIndex}: same result, faster.
 *
 * @param points - ascending points (non-empty)
 * @param index - built by {@link indexRing} for these points
 * @param h - a 32-bit hash (unsigned)
 * @returns the index of the first point >= h (0 past the end)
 * @throws never
 * @example
 * const pts = new Uint32Array([10, 20]);
 * successorIndexed(pts, indexRing(pts), 15); // => 1
 */
export function successorIndexed(points: Uint32Array, index: RingIndex, h: number): number {
  const b = h >>> (32 - index.bits);
  let i = index.start[b];
  const end = index.start[b + 1];
  while (i < end && points[i] < h) i++;
  return i === points.length ? 0 : i;
}

/**
 * A consistent-hash ring balancer.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @param options - `vnodes` per server (default 160)
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on a bad server list or vnodes < 1
 *   (pick: on a non-string key)
 * @example
 * const ring = createRing(["a", "b", "c"], { vnodes: 100 });
 * ring.pick({ key: "session-1" }); // one of "a", "b", "c", the same every time
 */
export function createRing(servers: readonly string[], options: RingOptions = {}): Balancer & { readonly vnodes: number } {
  const vnodes = checkVnodes(options.vnodes);
  const list = checkServers(servers);
  return new RingBalancer(list, vnodes, buildRing(list, vnodes));
}

class RingBalancer implements Balancer {
  readonly kind = "ring" as const;
  private readonly points: Uint32Array;
  private readonly owners: Int32Array;
  private readonly index: RingIndex;

  constructor(readonly servers: readonly string[], readonly vnodes: number, table: RingTable) {
    this.points = table.points;
    this.index = indexRing(table.points);
    this.owners = table.owners;
  }

  pick(input: RouteInput): string {
    const key = checkKey(input);
    if (this.points.length === 0) throw noServer(this.kind);
    return this.servers[this.owners[successorIndexed(this.points, this.index, hash32(key))]];
  }
}
