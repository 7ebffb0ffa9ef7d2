/**
 * @module oidc/conformance/errors
 *
 * The error the conformance harness and the demo relying-party app throw for bad input or a
 * harness that cannot run (never for a peer's verdict: a relying party rejecting a token is a
 * result, not an error).
 */

/**
 * Why a conformance call failed.
 *
 * - `ERR_CONFORMANCE_INPUT`: a bad option (unknown case name, negative gap, ...).
 * - `ERR_CONFORMANCE_SETUP`: the harness itself could not run a case (the scripted browser did
 *   not reach the callback, the provider refused the setup): a bug, never a verdict.
 */
export type ConformanceErrorCode = "ERR_CONFORMANCE_INPUT" | "ERR_CONFORMANCE_SETUP";

/**
 * Error thrown by the conformance harness.
 *
 * @param code - see {@link ConformanceErrorCode}
 * @param message - what went wrong
 * @returns a new ConformanceError
 * @throws never
 * @example
 * new ConformanceError("ERR_CONFORMANCE_INPUT", "unknown case").code; // => "ERR_CONFORMANCE_INPUT"
 */
export class ConformanceError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: ConformanceErrorCode;

  constructor(code: ConformanceErrorCode, message: string) {
    super(message);
    // Keep `instanceof` working when down-levelled (tslab compiles to CommonJS).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "ConformanceError";
    this.code = code;
  }
}
