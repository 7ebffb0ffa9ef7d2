/**
 * @module sticky/strategies/modulo
 *
 * Modulo hashing: `hash(key) mod N`. Perfectly even and O(1), but going from
 * N to N + 1 servers moves a key unless both moduli agree, about N/(N+1) of
 * all keys: almost every session is lost on a scale-out.
 */
import { hash32 } from "../hash.js";
import { type Balancer, type RouteInput, checkKey, checkServers, noServer } from "./balancer.js";

/**
 * A modulo-hash balancer: server `hash32(key) mod N`, in list order.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on a bad server list (pick: on a non-string key)
 * @example
 * const b = createModulo(["a", "b", "c"]);
 * b.pick({ key: "session-1" }) === b.pick({ key: "session-1" }); // => true
 */
export function createModulo(servers: readonly string[]): Balancer {
  return new ModuloBalancer(checkServers(servers));
}

class ModuloBalancer implements Balancer {
  readonly kind = "modulo" as const;

  constructor(readonly servers: readonly string[]) {}

  pick(input: RouteInput): string {
    const key = checkKey(input);
    const n = this.servers.length;
    if (n === 0) throw noServer(this.kind);
    return this.servers[hash32(key) % n];
  }
}
