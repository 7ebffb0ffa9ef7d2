/**
 * @module sticky/strategies/round-robin
 *
 * Round robin: server i, i+1, i+2, ... in list order, ignoring the key. Even
 * spread of requests, no affinity at all.
 */
import { type Balancer, type RouteInput, checkSeed, checkServers, noServer } from "./balancer.js";

/** Options for {@link createRoundRobin}. */
export interface RoundRobinOptions {
  /** Where the cycle starts: server index `seed mod N` (default 0). */
  seed?: number;
}

/**
 * A round-robin balancer: cycles through the servers in list order.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @param options - `seed` picks the starting position (deterministic)
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on a bad server list or seed
 * @example
 * const rr = createRoundRobin(["a", "b"]);
 * [rr.pick({ key: "x" }), rr.pick({ key: "x" }), rr.pick({ key: "x" })]; // => ["a", "b", "a"]
 */
export function createRoundRobin(servers: readonly string[], options: RoundRobinOptions = {}): Balancer {
  return new RoundRobinBalancer(checkServers(servers), checkSeed(options.seed));
}

class RoundRobinBalancer implements Balancer {
  readonly kind = "round-robin" as const;
  private next: number;

  constructor(readonly servers: readonly string[], seed: number) {
    const n = servers.length;
    this.next = n === 0 ? 0 : ((seed % n) + n) % n;
  }

  pick(_input: RouteInput): string {
    const n = this.servers.length;
    if (n === 0) throw noServer(this.kind);
    const s = this.servers[this.next];
    this.next = this.next + 1 === n ? 0 : this.next + 1;
    return s;
  }
}
