/**
 * @module delta/textbook
 *
 * The textbook delta scheme on plain floating-point numbers: keep the first
 * value, then store each value's difference from the previous one.
 *
 * This is deliberately naive. Subtracting doubles rounds, so the deltas are
 * often not the "nice" numbers one expects (100.60 - 100.75 is
 * -0.15000000000000568, not -0.15), and rebuilding from rounded deltas
 * drifts. {@link deltaDecode}(deltaEncode(x)) is only close to x, not equal.
 * The lossless codecs are in `int32.ts` and `decimal.ts`.
 */

import { DeltaError } from "./errors.js";

function checkNumbers(values: readonly number[], fn: string): void {
  if (!Array.isArray(values)) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + " requires an array of numbers");
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") {
      throw new DeltaError("ERR_DELTA_INPUT", fn + " requires numbers, got " + typeof v + " at index " + i);
    }
    if (!Number.isFinite(v)) {
      throw new DeltaError("ERR_DELTA_NOT_FINITE", fn + " requires finite numbers, got " + v + " at index " + i);
    }
  }
}

/**
 * Delta-encode numbers the textbook way: first value as-is, then each
 * difference from the previous value, in plain floating point.
 *
 * @param values - finite numbers
 * @returns the deltas, same length as `values` (empty in, empty out)
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is not an array or holds a
 *   non-number; ERR_DELTA_NOT_FINITE for NaN/±Infinity, or when a difference
 *   overflows to ±Infinity (e.g. 1e308 - -1e308), which could not be decoded
 * @example
 * deltaEncode([100.5, 100.75]) // => [100.5, 0.25]
 * deltaEncode([100.75, 100.6]) // => [100.75, -0.15000000000000568]
 */
export function deltaEncode(values: readonly number[]): number[] {
  checkNumbers(values, "deltaEncode");
  const n = values.length;
  const out = new Array<number>(n);
  if (n === 0) return out;
  out[0] = values[0];
  for (let i = 1; i < n; i++) {
    const d = values[i] - values[i - 1];
    if (!Number.isFinite(d)) {
      throw new DeltaError("ERR_DELTA_NOT_FINITE", "deltaEncode: difference overflows at index " + i);
    }
    out[i] = d;
  }
  return out;
}

/**
 * Rebuild values from textbook deltas by a running sum in floating point.
 *
 * @param deltas - finite numbers as produced by {@link deltaEncode}
 * @returns the running sums, same length as `deltas`
 * @throws {DeltaError} ERR_DELTA_INPUT if `deltas` is not an array or holds a
 *   non-number; ERR_DELTA_NOT_FINITE for NaN/±Infinity, or when the running
 *   sum overflows to ±Infinity
 * @example
 * deltaDecode([100.5, 0.25]) // => [100.5, 100.75]
 * deltaDecode([100.5, 0.25, -0.15, 0.5, -0.2])[4] // => 100.89999999999999
 */
export function deltaDecode(deltas: readonly number[]): number[] {
  checkNumbers(deltas, "deltaDecode");
  const n = deltas.length;
  const out = new Array<number>(n);
  if (n === 0) return out;
  let acc = deltas[0];
  out[0] = acc;
  for (let i = 1; i < n; i++) {
    acc += deltas[i];
    if (!Number.isFinite(acc)) {
      throw new DeltaError("ERR_DELTA_NOT_FINITE", "deltaDecode: running sum overflows at index " + i);
    }
    out[i] = acc;
  }
  return out;
}
