/**
 * @module sticky/strategies/least-connections
 *
 * Least connections: the server with the lowest current load, ties broken by
 * list order. Balances well when loads are fresh, but has no affinity and
 * needs a global view of every server's load on every request.
 */
import { type Balancer, type RouteInput, checkServers, loadOf, noServer } from "./balancer.js";

/**
 * A least-connections balancer.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @returns the balancer; its `pick` reads `input.loads` (missing servers count as 0)
 * @throws StickyError ERR_STICKY_INPUT on a bad server list
 * @example
 * const lc = createLeastConnections(["a", "b", "c"]);
 * lc.pick({ key: "x", loads: new Map([["a", 2], ["b", 1], ["c", 1]]) }); // => "b"
 */
export function createLeastConnections(servers: readonly string[]): Balancer {
  return new LeastConnectionsBalancer(checkServers(servers));
}

class LeastConnectionsBalancer implements Balancer {
  readonly kind = "least-connections" as const;

  constructor(readonly servers: readonly string[]) {}

  pick(input: RouteInput): string {
    const servers = this.servers;
    if (servers.length === 0) throw noServer(this.kind);
    const loads = input == null ? undefined : input.loads;
    let best = 0;
    let bestLoad = loadOf(loads, servers[0]);
    for (let i = 1; i < servers.length; i++) {
      const l = loadOf(loads, servers[i]);
      // Strictly lower: on a tie the earlier server in the list wins.
      if (l < bestLoad) {
        best = i;
        bestLoad = l;
      }
    }
    return servers[best];
  }
}
