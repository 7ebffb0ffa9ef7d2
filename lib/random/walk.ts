/**
 * Random-walk price series, in whole cents, for experiments on synthetic data.
 * @module random/walk
 */
import { createRng } from "./rng.js";

/** Parameters of {@link randomWalkPrices}. */
export interface WalkOptions {
  /** Number of prices. */
  n: number;
  /** First price, in dollars (rounded to cents). Default 100.50, the seed's first price. */
  start?: number;
  /** Standard deviation of each step, as a fraction of the price (0.01 = 1 % a day). */
  volatility: number;
  /** PRNG seed. */
  seed: number;
}

/**
 * A geometric random walk rounded to whole cents: each price is the previous one times
 * (1 + volatility * z) for a standard normal z, never below one cent. Prices are returned as
 * cents / 100, so every value is exactly a 2-decimal number.
 *
 * @param options length, start, volatility and seed
 * @returns the prices in dollars
 * @throws {RangeError} for a negative length or volatility
 * @example
 * randomWalkPrices({ n: 3, volatility: 0.01, seed: 1 }); // => Float64Array [100.5, 99.87, 100.63] (for example)
 */
export function randomWalkPrices(options: WalkOptions): Float64Array {
  const { n, volatility, seed } = options;
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`randomWalkPrices requires a length n >= 0, got ${n}`);
  if (!(volatility >= 0) || !Number.isFinite(volatility)) {
    throw new RangeError(`randomWalkPrices requires a volatility >= 0, got ${volatility}`);
  }
  const rng = createRng(seed);
  const out = new Float64Array(n);
  let cents = Math.max(1, Math.round((options.start ?? 100.5) * 100));
  for (let i = 0; i < n; i++) {
    out[i] = cents / 100;
    cents = Math.max(1, Math.round(cents * (1 + volatility * rng.normal())));
  }
  return out;
}
