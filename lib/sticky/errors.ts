/**
 * @module sticky/errors
 *
 * The one error type every sticky-session / load-balancing function throws.
 * Callers branch on the stable `code` string, never on the message.
 */

/**
 * Why a sticky-session call failed.
 *
 * - `ERR_STICKY_INPUT`: a bad argument (empty or duplicate server ids, an
 *   invalid IPv4 address, `epsilon <= 0`, `vnodes < 1`, a non-prime Maglev
 *   table size, an unknown balancer kind, ...).
 * - `ERR_STICKY_NO_SERVER`: there is no (healthy) server to route to.
 * - `ERR_STICKY_COOKIE`: malformed cookie input where an error is the right
 *   answer (e.g. a bad secret when building a signer). A bad, forged or
 *   expired cookie in a request is NOT an error: it counts as absent.
 */
export type StickyErrorCode =
  | "ERR_STICKY_INPUT"
  | "ERR_STICKY_NO_SERVER"
  | "ERR_STICKY_COOKIE";

/**
 * Error thrown by every function in the sticky-session modules.
 *
 * @param code - machine-readable reason, see {@link StickyErrorCode}
 * @param message - short human-readable explanation
 * @returns a new StickyError (use with `throw`)
 * @throws never
 * @example
 * try { createBalancer("ring", []); }
 * catch (e) { e instanceof StickyError && e.code; } // => "ERR_STICKY_INPUT"
 */
export class StickyError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: StickyErrorCode;

  constructor(code: StickyErrorCode, message: string) {
    super(message);
    // Restore the prototype chain explicitly: if this file is down-levelled
    // (tslab, older targets) `extends Error` could otherwise yield a plain
    // Error and `instanceof StickyError` would break.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "StickyError";
    this.code = code;
  }
}
