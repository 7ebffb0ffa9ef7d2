/**
 * @module delta/zigzag
 *
 * ZigZag mapping of signed integers onto unsigned ones, so that numbers of
 * small magnitude (positive or negative) become small unsigned numbers and
 * therefore short varints: 0→0, -1→1, 1→2, -2→3, 2→4, ...
 *
 * Two flavours: a 32-bit one with bit operations (for int32 deltas) and a
 * 53-bit one with plain arithmetic (for the decimal codec, whose deltas can
 * be as large as 2**52 and do not fit in 32 bits).
 */

import { DeltaError } from "./errors.js";

/** Largest magnitude accepted by {@link zigzagEncode53}: 2**52. */
export const ZIGZAG53_MAX_MAGNITUDE = 2 ** 52;

/** Largest value produced by {@link zigzagEncode53} (for +2**52): 2**53. */
export const ZIGZAG53_MAX_ENCODED = 2 ** 53;

/**
 * Map an int32 to an unsigned 32-bit integer with ZigZag.
 *
 * @param n - an integer in [-2**31, 2**31 - 1]
 * @returns `n >= 0 ? 2n : -2n - 1`, in [0, 2**32 - 1]
 * @throws {DeltaError} ERR_DELTA_NOT_INTEGER if `n` is not an int32
 * @example
 * [0, -1, 1, -2, 2].map(zigzagEncode32) // => [0, 1, 2, 3, 4]
 */
export function zigzagEncode32(n: number): number {
  if (typeof n !== "number" || (n | 0) !== n) {
    throw new DeltaError("ERR_DELTA_NOT_INTEGER", "zigzagEncode32 requires an int32");
  }
  // `n >> 31` is 0 for n >= 0 and -1 (all ones) for n < 0, so the XOR flips
  // every bit of negative numbers; `>>> 0` reinterprets the int32 result as
  // unsigned (needed for n = INT32_MIN..-2**30-1, whose result has bit 31 set).
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

/**
 * Inverse of {@link zigzagEncode32}.
 *
 * @param z - an integer in [0, 2**32 - 1]
 * @returns the int32 that encodes to `z`
 * @throws {DeltaError} ERR_DELTA_NOT_INTEGER if `z` is not a uint32
 * @example
 * [0, 1, 2, 3, 4].map(zigzagDecode32) // => [0, -1, 1, -2, 2]
 */
export function zigzagDecode32(z: number): number {
  if (typeof z !== "number" || z >>> 0 !== z) {
    throw new DeltaError("ERR_DELTA_NOT_INTEGER", "zigzagDecode32 requires a uint32");
  }
  // `-(z & 1)` is 0 or -1 (all ones): the low bit says whether to flip.
  return (z >>> 1) ^ -(z & 1);
}

/**
 * Map an integer of magnitude at most 2**52 to a non-negative integer with
 * ZigZag, using arithmetic instead of bit operations (JS bit operations
 * truncate to 32 bits).
 *
 * @param n - an integer with |n| <= 2**52
 * @returns `n >= 0 ? 2n : -2n - 1`, in [0, 2**53]; every result is exactly
 *   representable as a double because it is an integer <= 2**53
 * @throws {DeltaError} ERR_DELTA_NOT_INTEGER if `n` is not such an integer
 * @example
 * zigzagEncode53(-3) // => 5
 * zigzagEncode53(2 ** 40) // => 2199023255552
 */
export function zigzagEncode53(n: number): number {
  if (!Number.isInteger(n) || Math.abs(n) > ZIGZAG53_MAX_MAGNITUDE) {
    throw new DeltaError("ERR_DELTA_NOT_INTEGER", "zigzagEncode53 requires an integer with |n| <= 2**52");
  }
  // `+ 0` turns -0 into +0 so the result never carries a sign bit.
  return n >= 0 ? n * 2 + 0 : -n * 2 - 1;
}

/**
 * Inverse of {@link zigzagEncode53}.
 *
 * @param z - an integer in [0, 2**53]
 * @returns the integer that encodes to `z`, with |result| <= 2**52
 * @throws {DeltaError} ERR_DELTA_NOT_INTEGER if `z` is out of range
 * @example
 * zigzagDecode53(5) // => -3
 */
export function zigzagDecode53(z: number): number {
  if (!Number.isInteger(z) || z < 0 || z > ZIGZAG53_MAX_ENCODED) {
    throw new DeltaError("ERR_DELTA_NOT_INTEGER", "zigzagDecode53 requires an integer in [0, 2**53]");
  }
  // z % 2 is exact for every integer up to 2**53; (z + 1) / 2 for odd z
  // stays <= 2**52 so no rounding can happen.
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}
