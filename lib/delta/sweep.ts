/**
 * When does delta encoding stop paying? Random walks of growing volatility, each measured
 * as plain varints, as delta (zigzag) varints, and as delta varints of the same values shuffled.
 * @module delta/sweep
 */
import { createRng, randomWalkPrices } from "../random/index.js";
import { median } from "simple-statistics";
import { entropyBits, integerDeltas, plainVarintBytes, zigzagVarintBytes } from "./sizes.js";

/** Bytes per value of one walk under each representation. */
export interface SweepPoint {
  /** Standard deviation of a step, as a fraction of the price. */
  volatility: number;
  /** Cents as plain varints, no delta. */
  plainVarint: number;
  /** Deltas of the cents as zigzag varints. */
  deltaVarint: number;
  /** Shannon entropy of the deltas, as bytes: the floor for a coder of independent deltas. */
  deltaEntropy: number;
  /** Delta varints of the same cents in a random order: delta without smoothness. */
  shuffledDeltaVarint: number;
  /** Median price of the walk, in cents (a volatile geometric walk drifts down toward the 1-cent floor). */
  medianCents: number;
}

/** Parameters of {@link volatilitySweep}. */
export interface SweepOptions {
  /** Values per walk. */
  n: number;
  /** The volatilities to try. */
  volatilities: readonly number[];
  /** PRNG seed (walk and shuffle). */
  seed: number;
  /** First price of each walk, in dollars (default 100.50). */
  start?: number;
}

function shuffled(values: readonly number[], seed: number): number[] {
  const rng = createRng(seed);
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * Measures delta encoding against plain varints on random walks (see `randomWalkPrices`)
 * of each volatility.
 *
 * @param options length, volatilities, seed
 * @returns one point per volatility, in bytes per value
 * @example
 * volatilitySweep({ n: 1000, volatilities: [0.001, 0.1], seed: 1 })[0].deltaVarint; // => 1 (for example)
 */
export function volatilitySweep(options: SweepOptions): SweepPoint[] {
  return options.volatilities.map((volatility) => {
    const prices = randomWalkPrices({ n: options.n, volatility, seed: options.seed, start: options.start });
    const cents = Array.from(prices, (p) => Math.round(p * 100));
    const deltas = integerDeltas(cents);
    const perValue = (bytes: Uint8Array) => bytes.length / Math.max(1, cents.length);
    return {
      volatility,
      plainVarint: perValue(plainVarintBytes(cents)),
      deltaVarint: perValue(zigzagVarintBytes(deltas)),
      deltaEntropy: entropyBits(deltas) / 8,
      shuffledDeltaVarint: perValue(zigzagVarintBytes(integerDeltas(shuffled(cents, options.seed + 1)))),
      medianCents: cents.length ? median(cents) : 0,
    };
  });
}

/**
 * The first volatility at which delta saves less than `margin` of the plain varint size
 * (default 5 %), or null if it always saves more.
 *
 * @example
 * stopsPaying([{ volatility: 0.01, plainVarint: 3, deltaVarint: 1.7 }, { volatility: 0.5, plainVarint: 1, deltaVarint: 1 }]); // => 0.5
 */
export function stopsPaying(
  points: ReadonlyArray<Pick<SweepPoint, "volatility" | "plainVarint" | "deltaVarint">>,
  margin = 0.05,
): number | null {
  const hit = points.find((p) => p.deltaVarint > (1 - margin) * p.plainVarint);
  return hit ? hit.volatility : null;
}
