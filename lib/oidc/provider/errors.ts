/**
 * @module oidc/provider/errors
 *
 * The one error type the OpenID Provider throws at its callers (configuration, key rotation,
 * misbehavior names, listening). Requests from browsers and clients never throw: they get
 * OAuth error responses. Callers branch on the stable `code`, never on the message.
 */

/**
 * Why a provider call failed.
 *
 * - `ERR_OP_CONFIG`: a bad configuration (issuer not an http(s) URL or ending in `/`, duplicate
 *   client ids or usernames, a redirect URI that is not absolute, an unknown algorithm or
 *   client authentication method, a lifetime that is not a positive integer, ...).
 * - `ERR_OP_MISBEHAVIOR`: an unknown misbehavior name.
 * - `ERR_OP_KEYS`: a key-rotation request that cannot be honoured (an algorithm with no keys).
 * - `ERR_OP_LISTEN`: the HTTP server could not start (bad port, address in use).
 */
export type OidcProviderErrorCode = "ERR_OP_CONFIG" | "ERR_OP_MISBEHAVIOR" | "ERR_OP_KEYS" | "ERR_OP_LISTEN";

/**
 * Error thrown by the provider's functions (never for a bad HTTP request: that gets an OAuth
 * error response).
 *
 * @param code - machine-readable reason, see {@link OidcProviderErrorCode}
 * @param message - short human-readable explanation (never contains a secret)
 * @returns a new OidcProviderError (use with `throw`)
 * @throws never
 * @example
 * const e = new OidcProviderError("ERR_OP_CONFIG", "issuer must not end with /");
 * e.code; // => "ERR_OP_CONFIG"
 */
export class OidcProviderError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: OidcProviderErrorCode;

  constructor(code: OidcProviderErrorCode, message: string) {
    super(message);
    // Keep `instanceof` working when down-levelled (tslab compiles to CommonJS).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "OidcProviderError";
    this.code = code;
  }
}
