/**
 * @module sticky/strategies/two-choices
 *
 * The power of two random choices (Azar, Broder, Karlin, Upfal 1999;
 * Mitzenmacher 2001): sample two distinct servers at random and send the
 * request to the less loaded one. With n balls in n bins one random choice
 * gives a maximum load of about ln n / ln ln n; two choices give about
 * ln ln n / ln 2, an exponential improvement from one extra probe. Random
 * draws come from a seeded PRNG, so runs are reproducible.
 */
import { createRng, type Rng } from "../../random/index.js";
import { type Balancer, type RouteInput, checkSeed, checkServers, loadOf, noServer } from "./balancer.js";

/** Options for {@link createTwoChoices}. */
export interface TwoChoicesOptions {
  /** Seed of the PRNG that samples the two servers (default 0). */
  seed?: number;
}

/**
 * A power-of-two-choices balancer: two distinct random servers, the less
 * loaded wins (ties go to the first one sampled, itself random).
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @param options - `seed` for the PRNG (same seed, same picks for the same loads)
 * @returns the balancer; its `pick` reads `input.loads` (missing servers count as 0)
 * @throws StickyError ERR_STICKY_INPUT on a bad server list or seed
 * @example
 * const b = createTwoChoices(["a", "b", "c"], { seed: 7 });
 * b.pick({ key: "x", loads: new Map([["a", 9], ["b", 0], ["c", 9]]) }); // "b" unless a and c were drawn
 */
export function createTwoChoices(servers: readonly string[], options: TwoChoicesOptions = {}): Balancer {
  return new TwoChoicesBalancer(checkServers(servers), checkSeed(options.seed));
}

class TwoChoicesBalancer implements Balancer {
  readonly kind = "two-choices" as const;
  private readonly rng: Rng;

  constructor(readonly servers: readonly string[], seed: number) {
    this.rng = createRng(seed);
  }

  pick(input: RouteInput): string {
    const servers = this.servers;
    const n = servers.length;
    if (n === 0) throw noServer(this.kind);
    if (n === 1) return servers[0];
    const loads = input == null ? undefined : input.loads;
    const i = Math.floor(this.rng.uniform() * n);
    // Draw j from the n - 1 other servers: distinct without rejection.
    let j = Math.floor(this.rng.uniform() * (n - 1));
    if (j >= i) j++;
    return loadOf(loads, servers[j]) < loadOf(loads, servers[i]) ? servers[j] : servers[i];
  }
}
