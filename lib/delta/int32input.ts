/**
 * @module delta/int32input
 *
 * The argument check shared by the int32 codecs' encoders: an Int32Array is
 * taken as is; a plain array must hold only int32 numbers.
 */

import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/**
 * Check that `values` is an Int32Array or an array of int32 numbers.
 *
 * @param values - the candidate input
 * @param label - function name for error messages
 * @returns true when `values` is an Int32Array (no per-element check was needed)
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is neither an Int32Array
 *   nor an array, or an element is not a number; ERR_DELTA_NOT_INTEGER if an
 *   element is not an integer in [-2**31, 2**31 - 1] (NaN and ±Infinity included)
 * @example
 * checkInt32Values([1, -2, 3], "demo") // => false (passes)
 * checkInt32Values([0.5], "demo") // throws ERR_DELTA_NOT_INTEGER
 */
export function checkInt32Values(values: Int32Array | readonly number[], label: string): boolean {
  if (isTypedArray(values, "Int32Array")) return true;
  if (!Array.isArray(values)) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires an Int32Array or an array of numbers");
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") {
      throw new DeltaError("ERR_DELTA_INPUT", label + " requires numbers, got " + typeof v + " at index " + i);
    }
    // (v | 0) === v is false for fractions, NaN, ±Infinity and anything
    // outside int32; -0 passes (-0 | 0 is 0, and 0 === -0) and is stored as 0.
    if ((v | 0) !== v) {
      throw new DeltaError("ERR_DELTA_NOT_INTEGER", label + " requires int32 values, got " + v + " at index " + i);
    }
  }
  return false;
}

/**
 * The values as an Int32Array: the argument itself when it already is one,
 * else a copy (after {@link checkInt32Values}).
 *
 * @param values - an Int32Array or an array of int32 numbers
 * @param label - function name for error messages
 * @returns an Int32Array with the same values (-0 becomes 0)
 * @throws {DeltaError} as {@link checkInt32Values}
 * @example
 * toInt32Array([1, 2], "demo") // => Int32Array [1, 2]
 */
export function toInt32Array(values: Int32Array | readonly number[], label: string): Int32Array {
  if (checkInt32Values(values, label)) return values as Int32Array;
  return Int32Array.from(values as readonly number[]);
}
