/**
 * @module sticky/sim/metrics
 *
 * Summaries the simulation reports: how even the load is (max/mean and
 * standard deviation, via simple-statistics) and the ideal fraction of keys
 * a membership change must move.
 */
import { max, mean, standardDeviation } from "simple-statistics";

/** How evenly load is spread over servers. */
export interface LoadSummary {
  /** The busiest server's load. */
  max: number;
  /** Mean load per server. */
  mean: number;
  /** Population standard deviation of the loads. */
  stdDev: number;
  /** max / mean: 1 is perfectly even; NaN when the mean is 0. */
  maxOverMean: number;
}

/**
 * Summarises per-server loads.
 *
 * @param loads - one number per server (servers with no load must be included as 0)
 * @returns max, mean, standard deviation and max/mean
 * @throws never (an empty list gives zeros and NaN)
 * @example
 * summariseLoad([10, 10, 40]); // => { max: 40, mean: 20, stdDev: 14.14..., maxOverMean: 2 }
 */
export function summariseLoad(loads: readonly number[]): LoadSummary {
  if (loads.length === 0) return { max: 0, mean: 0, stdDev: 0, maxOverMean: NaN };
  const xs = loads.slice();
  const m = mean(xs);
  const hi = max(xs);
  return { max: hi, mean: m, stdDev: standardDeviation(xs), maxOverMean: m === 0 ? NaN : hi / m };
}

/**
 * The least fraction of keys a change of server set must move: the keys of
 * removed servers, or the new servers' fair share. From N to N + 1 it is
 * 1/(N + 1); from N to N - 1 it is 1/N.
 *
 * @param before - servers before the change
 * @param after - servers after the change
 * @returns the ideal moved fraction in [0, 1]
 * @throws never
 * @example
 * idealMovedFraction(["A", "B", "C"], ["A", "B", "C", "D"]); // => 0.25
 */
export function idealMovedFraction(before: readonly string[], after: readonly string[]): number {
  const a = new Set(after);
  const b = new Set(before);
  if (a.size === 0 || b.size === 0) return 1;
  const removed = before.filter((s) => !a.has(s)).length;
  const added = after.filter((s) => !b.has(s)).length;
  // Keys of removed servers must move (removed / |before|); added servers must
  // receive their fair share (added / |after|) even if nothing was removed.
  return Math.min(1, removed / b.size + (added / a.size) * (1 - removed / b.size));
}
