/**
 * @module delta/errors
 *
 * The one error type every delta codec function throws. Callers branch on
 * the stable `code` string, never on the human-readable message.
 */

/**
 * Why a delta codec call failed.
 *
 * - `ERR_DELTA_INPUT`: the argument has the wrong type (not an array, not a
 *   `Uint8Array`, an element that is not a number, ...).
 * - `ERR_DELTA_NOT_FINITE`: the textbook codec got NaN or ±Infinity, or a
 *   difference / running sum overflowed to ±Infinity.
 * - `ERR_DELTA_NOT_INTEGER`: an int32 was required but the number is not an
 *   integer or lies outside [-2**31, 2**31 - 1].
 * - `ERR_DELTA_TRUNCATED`: the encoded bytes end too early (shorter than the
 *   fixed header + checksum, or a value runs past the end of the body).
 * - `ERR_DELTA_CORRUPT`: the encoded bytes are damaged or forged (wrong format
 *   tag or version, checksum mismatch, impossible count, bad varint, bad
 *   exception index, out-of-range value, trailing bytes).
 */
export type DeltaErrorCode =
  | "ERR_DELTA_INPUT"
  | "ERR_DELTA_NOT_FINITE"
  | "ERR_DELTA_NOT_INTEGER"
  | "ERR_DELTA_TRUNCATED"
  | "ERR_DELTA_CORRUPT";

/**
 * Error thrown by every function in the delta codec.
 *
 * @param code - machine-readable reason, see {@link DeltaErrorCode}
 * @param message - short human-readable explanation
 * @returns a new DeltaError (use with `throw`)
 * @throws never
 * @example
 * try { decodeInt32(new Uint8Array([1, 2])); }
 * catch (e) { e instanceof DeltaError && e.code; } // => "ERR_DELTA_CORRUPT"
 */
export class DeltaError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: DeltaErrorCode;

  constructor(code: DeltaErrorCode, message: string) {
    super(message);
    // Restore the prototype chain explicitly: when this file is compiled to
    // an older target (or by a tool that down-levels classes), `extends
    // Error` would otherwise produce a plain Error and `instanceof` breaks.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "DeltaError";
    this.code = code;
  }
}
