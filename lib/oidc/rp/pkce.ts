/**
 * @module oidc/rp/pkce
 *
 * The three one-time secrets of an authorization request: `state` (binds the callback to this
 * browser, against CSRF), `nonce` (binds the ID token to this request, against replay and code
 * injection) and the PKCE `code_verifier` whose S256 challenge goes to the provider (RFC 7636:
 * only whoever started the request can redeem the code). Each is 32 random bytes from the
 * operating system's CSPRNG (`node:crypto`), base64url: 43 characters, 256 bits.
 */

import { createHash, randomBytes } from "node:crypto";

/**
 * A fresh random value for `state`, `nonce` or a PKCE verifier: 32 CSPRNG bytes, base64url.
 *
 * @returns 43 characters of [A-Za-z0-9_-]
 * @example
 * randomToken().length; // => 43
 */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The PKCE S256 challenge of a verifier: base64url(SHA-256(ASCII(verifier))) (RFC 7636 §4.2).
 *
 * @param verifier - the code_verifier
 * @returns the code_challenge
 * @example
 * // RFC 7636 Appendix B:
 * s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); // => "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
 */
export function s256Challenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}
