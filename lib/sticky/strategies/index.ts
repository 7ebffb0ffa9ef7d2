/**
 * @module sticky/strategies
 *
 * Every load-balancing strategy behind one interface ({@link Balancer}), and
 * {@link createBalancer}, the factory that builds any of them by name.
 * A balancer is built for a fixed server list; a membership change builds a
 * new one (so "keys moved from N to N + 1" is: build two, compare picks).
 */
import { StickyError } from "../errors.js";
import { type Balancer, type BalancerKind, BALANCER_KINDS } from "./balancer.js";
import { createBoundedLoad } from "./bounded-load.js";
import { createIpHash } from "./ip-hash.js";
import { createJump } from "./jump.js";
import { createLeastConnections } from "./least-connections.js";
import { createMaglev } from "./maglev.js";
import { createModulo } from "./modulo.js";
import { createRendezvous } from "./rendezvous.js";
import { createRing } from "./ring.js";
import { createRoundRobin } from "./round-robin.js";
import { createTwoChoices } from "./two-choices.js";

export { type Balancer, type BalancerKind, type RouteInput, BALANCER_KINDS } from "./balancer.js";
export { type RoundRobinOptions, createRoundRobin } from "./round-robin.js";
export { createLeastConnections } from "./least-connections.js";
export { type TwoChoicesOptions, createTwoChoices } from "./two-choices.js";
export { type IpHashOptions, createIpHash, parseIpv4 } from "./ip-hash.js";
export { createModulo } from "./modulo.js";
export {
  type RingIndex,
  type RingOptions,
  type RingTable,
  DEFAULT_VNODES,
  buildRing,
  createRing,
  indexRing,
  successor,
  successorIndexed,
} from "./ring.js";
export { createRendezvous, hrwScore } from "./rendezvous.js";
export { createJump, jumpHash } from "./jump.js";
export { type MaglevOptions, DEFAULT_MAGLEV_TABLE_SIZE, buildMaglevTable, createMaglev, isPrime } from "./maglev.js";
export { type BoundedLoadOptions, DEFAULT_EPSILON, boundedCapacity, createBoundedLoad } from "./bounded-load.js";

/**
 * Options for {@link createBalancer}; each strategy reads only its own.
 */
export interface BalancerOptions {
  /** round-robin (start position) and two-choices (PRNG): default 0. */
  seed?: number;
  /** ring and bounded-load: virtual nodes per server, integer >= 1, default 160. */
  vnodes?: number;
  /** bounded-load: allowed overload, > 0, default 0.25. */
  epsilon?: number;
  /** ip-hash: 32 (whole address, default) or 24 (first three octets, nginx ip_hash). */
  prefix?: 32 | 24;
  /** maglev: table size, a prime, default 65537. */
  tableSize?: number;
}

/**
 * Builds a balancer of the given kind for a server list.
 *
 * @param kind - which strategy, see {@link BalancerKind}
 * @param servers - distinct non-empty server ids (an empty list builds a
 *   balancer whose `pick` throws ERR_STICKY_NO_SERVER)
 * @param options - strategy options, see {@link BalancerOptions}
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on an unknown kind, a bad server list
 *   (duplicate or empty ids) or a bad option (epsilon <= 0, vnodes < 1,
 *   prefix not 32/24, Maglev table size not prime, seed not an integer)
 * @example
 * const ring = createBalancer("ring", ["a", "b", "c"], { vnodes: 160 });
 * ring.pick({ key: "session-abc123" }); // the same server every time
 * const bl = createBalancer("bounded-load", ["a", "b"], { epsilon: 0.1 });
 * bl.pick({ key: "u1", loads: new Map([["a", 5], ["b", 0]]) }); // => "b" (a is over the cap)
 */
export function createBalancer(kind: BalancerKind, servers: readonly string[], options: BalancerOptions = {}): Balancer {
  const o = options == null ? {} : options;
  switch (kind) {
    case "round-robin":
      return createRoundRobin(servers, { seed: o.seed });
    case "least-connections":
      return createLeastConnections(servers);
    case "two-choices":
      return createTwoChoices(servers, { seed: o.seed });
    case "ip-hash":
      return createIpHash(servers, { prefix: o.prefix });
    case "modulo":
      return createModulo(servers);
    case "ring":
      return createRing(servers, { vnodes: o.vnodes });
    case "rendezvous":
      return createRendezvous(servers);
    case "jump":
      return createJump(servers);
    case "maglev":
      return createMaglev(servers, { tableSize: o.tableSize });
    case "bounded-load":
      return createBoundedLoad(servers, { epsilon: o.epsilon, vnodes: o.vnodes });
    default:
      throw new StickyError(
        "ERR_STICKY_INPUT",
        `unknown balancer kind ${JSON.stringify(kind)}; expected one of ${BALANCER_KINDS.join(", ")}`,
      );
  }
}
