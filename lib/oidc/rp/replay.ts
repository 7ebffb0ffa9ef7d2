/**
 * @module oidc/rp/replay
 *
 * Nonce replay detection (OIDC Core §3.1.3.7 step 11: "SHOULD check the nonce value for replay
 * attacks"). Every accepted ID token's nonce is remembered until the token could no longer pass
 * the expiry check anyway (its `exp` plus the clock skew); a second token with the same nonce is
 * a replay. Memory stays bounded by the tokens accepted within one token lifetime.
 */

/** Remembers the nonces of accepted ID tokens. */
export interface NonceReplayCache {
  /** True when `nonce` was accepted before and has not expired from the cache. */
  has(nonce: string): boolean;
  /** Remembers `nonce` until `forgetAt` (seconds since the epoch). */
  add(nonce: string, forgetAt: number): void;
  /** How many nonces are remembered now. */
  size(): number;
}

/**
 * An in-memory nonce cache; expired entries are dropped lazily.
 *
 * @param now - clock in seconds since the epoch
 * @returns the cache
 * @example
 * const seen = createNonceReplayCache(() => 1000);
 * seen.add("n-1", 2000);
 * seen.has("n-1"); // => true
 */
export function createNonceReplayCache(now: () => number): NonceReplayCache {
  const entries = new Map<string, number>();
  let nextSweep = -Infinity;
  function sweep(): void {
    const t = now();
    if (t < nextSweep) return;
    let soonest = Infinity;
    for (const [n, at] of entries) {
      if (at <= t) entries.delete(n);
      else if (at < soonest) soonest = at;
    }
    nextSweep = soonest;
  }
  return {
    has(nonce) {
      sweep();
      return entries.has(nonce);
    },
    add(nonce, forgetAt) {
      sweep();
      entries.set(nonce, Math.max(forgetAt, entries.get(nonce) ?? -Infinity));
      if (forgetAt < nextSweep) nextSweep = forgetAt;
    },
    size() {
      sweep();
      return entries.size;
    },
  };
}
