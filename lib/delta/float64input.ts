/**
 * @module delta/float64input
 *
 * The argument check shared by the float64 codecs' encoders: a Float64Array
 * is taken as is; a plain array must hold only numbers and is copied.
 */

import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/**
 * The values as a Float64Array: the argument itself when it already is one,
 * else a copy of an array of numbers.
 *
 * @param values - a Float64Array or an array of numbers
 * @param label - function name for error messages
 * @returns a Float64Array with the same values
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is neither a Float64Array
 *   nor an array, or an element is not a number
 * @example
 * toFloat64Array([1.5, NaN], "demo") // => Float64Array [1.5, NaN]
 */
export function toFloat64Array(values: Float64Array | readonly number[], label: string): Float64Array {
  if (isTypedArray(values, "Float64Array")) return values as Float64Array;
  if (!Array.isArray(values)) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Float64Array or an array of numbers");
  }
  const arr = values as readonly number[];
  for (let i = 0; i < arr.length; i++) {
    if (typeof arr[i] !== "number") {
      throw new DeltaError("ERR_DELTA_INPUT", label + " requires numbers, got " + typeof arr[i] + " at index " + i);
    }
  }
  return Float64Array.from(arr);
}
