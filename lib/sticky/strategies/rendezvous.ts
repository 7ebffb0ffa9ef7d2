/**
 * @module sticky/strategies/rendezvous
 *
 * Rendezvous or highest-random-weight hashing (Thaler & Ravishankar 1998):
 * every server gets a pseudo-random score for the key and the highest score
 * wins. Adding a server only takes the keys for which it scores highest (the
 * minimum possible, all TO the new server); removing one only moves its own
 * keys. No table to build, O(N) per lookup, near-perfect balance.
 */
import { fmix32, hash32 } from "../hash.js";
import { type Balancer, type RouteInput, checkKey, checkServers, noServer } from "./balancer.js";

/**
 * The HRW score of a server for a key, from their two 32-bit hashes:
 * fmix32 of their xor (fmix32 is a bijection with full avalanche, so the
 * scores of different servers for one key behave like independent draws).
 *
 * @param serverHash - hash32 of the server name
 * @param keyHash - hash32 of the key
 * @returns an unsigned 32-bit score
 * @throws never
 * @example
 * hrwScore(hash32("a"), hash32("session-1")); // a fixed 32-bit number
 */
export function hrwScore(serverHash: number, keyHash: number): number {
  return fmix32(serverHash ^ keyHash);
}

/**
 * A rendezvous (HRW) balancer. Equal scores (rare with 32-bit scores) go to
 * the server whose name sorts first, so picks depend only on the names.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on a bad server list (pick: on a non-string key)
 * @example
 * const b = createRendezvous(["a", "b", "c"]);
 * b.pick({ key: "session-1" }); // one of "a", "b", "c", the same every time
 */
export function createRendezvous(servers: readonly string[]): Balancer {
  return new RendezvousBalancer(checkServers(servers));
}

class RendezvousBalancer implements Balancer {
  readonly kind = "rendezvous" as const;
  /** Server names sorted, and their hashes in that order (precomputed). */
  private readonly sorted: readonly string[];
  private readonly hashes: Int32Array;

  constructor(readonly servers: readonly string[]) {
    this.sorted = servers.slice().sort();
    this.hashes = Int32Array.from(this.sorted, (s) => hash32(s) | 0);
  }

  pick(input: RouteInput): string {
    const key = checkKey(input);
    const hashes = this.hashes;
    const n = hashes.length;
    if (n === 0) throw noServer(this.kind);
    const kh = hash32(key) | 0;
    let best = 0;
    let bestScore = -2147483649; // below every int32
    for (let i = 0; i < n; i++) {
      // hrwScore inlined on int32 values (V8 keeps them as small integers;
      // unsigned values above 2^31 would be boxed doubles: ~2x slower).
      let h = hashes[i] ^ kh;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      // Flipping the sign bit makes signed order equal unsigned order, so
      // this is exactly "highest hrwScore wins".
      h ^= -2147483648;
      // Strictly greater: on a tie the name sorting first (lower index) wins.
      if (h > bestScore) {
        best = i;
        bestScore = h;
      }
    }
    return this.sorted[best];
  }
}
