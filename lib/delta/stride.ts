/**
 * @module delta/stride
 *
 * The common stride of a series: the greatest common divisor of its
 * consecutive differences. Timestamps logged on a fixed cadence have deltas
 * that are all multiples of the cadence (minute data: 0, 60, 120 s), so
 * dividing them by the GCD before bit packing saves log2(GCD) bits per value
 * (60 → ~6 bits). ClickHouse's GCD codec and InfluxDB's timestamp encoder
 * (which divides by the largest power of ten) use the same idea.
 */

import { toInt32Array } from "./int32input.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/**
 * Greatest common divisor of all consecutive differences `v[i] - v[i-1]`.
 *
 * Differences are taken exactly (not wrapped): if any of them lies outside
 * int32 (e.g. INT32_MIN followed by INT32_MAX), dividing the wrapped delta
 * would not give back the true one, so the answer is 1 (no scaling).
 * Zero differences are ignored (every number divides 0).
 *
 * @param values - an Int32Array (or an array of int32 numbers)
 * @returns the GCD, in [1, 2**31]; 1 when there are fewer than two values,
 *   when every difference is 0, or when a difference overflows int32
 * @throws {DeltaError} ERR_DELTA_INPUT / ERR_DELTA_NOT_INTEGER for bad input
 * @example
 * gcdOfDeltas(Int32Array.of(0, 60, 60, 180)) // => 60
 * gcdOfDeltas(Int32Array.of(5, 5, 5)) // => 1
 * gcdOfDeltas(Int32Array.of(-(2 ** 31), 2 ** 31 - 1)) // => 1 (difference overflows)
 */
export function gcdOfDeltas(values: Int32Array | readonly number[]): number {
  const v = toInt32Array(values, "gcdOfDeltas");
  const n = v.length;
  let g = 0;
  let prev = n > 0 ? v[0] : 0;
  for (let i = 1; i < n; i++) {
    const x = v[i];
    // Repeats first: the commonest case in timestamp data (93 % of flights-3m).
    if (x === prev) continue;
    const d = x - prev; // exact in a double: both operands are int32
    prev = x;
    if (d < INT32_MIN || d > INT32_MAX) return 1;
    let a = d < 0 ? -d : d; // up to 2**31: exact, and % stays exact below 2**53
    // The next commonest: one stride, or a multiple of it.
    if (a === g) continue;
    if (g === 0) {
      g = a;
      continue;
    }
    if (a % g === 0) continue;
    let b = g;
    while (b !== 0) {
      const t = a % b;
      a = b;
      b = t;
    }
    g = a;
    if (g === 1) return 1;
  }
  return g === 0 ? 1 : g;
}
