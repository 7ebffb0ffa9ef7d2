/**
 * @module chubby/check/errors
 *
 * The one error type the history checkers throw. A checker never answers a
 * malformed history with a verdict: it throws, and callers branch on the
 * stable `code` string, never on the message.
 */

/**
 * Why a checker call failed.
 *
 * - `ERR_CHECK_HISTORY`: a malformed record (a missing or non-numeric time, a
 *   completion before its invocation, a duplicate operation id, an interval
 *   that ends before it starts, an unknown status or lock mode, ...).
 * - `ERR_CHECK_MODEL`: an operation the model cannot interpret (an unknown op
 *   name, a CAS without an expected value, a contradictory output such as a
 *   failed CAS that reports it swapped).
 * - `ERR_CHECK_INPUT`: a bad option or argument (a negative bound, a step
 *   budget that is not a positive integer, a bad seed or scenario name).
 * - `ERR_CHECK_REPLAY`: a replay command line that cannot be parsed.
 */
export type CheckErrorCode = "ERR_CHECK_HISTORY" | "ERR_CHECK_MODEL" | "ERR_CHECK_INPUT" | "ERR_CHECK_REPLAY";

/**
 * Error thrown by every function of the history checkers.
 *
 * @param code - machine-readable reason, see {@link CheckErrorCode}
 * @param message - short human-readable explanation
 * @returns a new CheckError (use with `throw`)
 * @throws never
 * @example
 * try { monotonic([{ series: "epoch", value: NaN, at: 0 }]); }
 * catch (e) { e instanceof CheckError && e.code; } // => "ERR_CHECK_HISTORY"
 */
export class CheckError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: CheckErrorCode;

  constructor(code: CheckErrorCode, message: string) {
    super(message);
    // Keep `instanceof CheckError` working when down-levelled (tslab compiles to CommonJS).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "CheckError";
    this.code = code;
  }
}
