/**
 * @module oidc/provider/pkce
 *
 * PKCE (RFC 7636) as the provider enforces it: S256 only. A challenge is the base64url SHA-256
 * of the verifier; a verifier is 43 to 128 unreserved characters.
 */
import { createHash } from "node:crypto";
import { base64url } from "jose";
import { safeEqual } from "./respond.js";

/** An S256 code challenge: exactly 43 base64url characters (a SHA-256). */
const CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
/** A code verifier (RFC 7636 section 4.1). */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * The S256 code challenge of a verifier: BASE64URL(SHA256(ASCII(verifier))).
 *
 * @param verifier - the code verifier
 * @returns the challenge
 * @throws never
 * @example
 * s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"); // => "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
 */
export function s256Challenge(verifier: string): string {
  return base64url.encode(createHash("sha256").update(verifier, "ascii").digest());
}

/**
 * True when `challenge` has the shape of an S256 challenge.
 *
 * @param challenge - the code_challenge parameter
 * @returns whether it is 43 base64url characters
 * @throws never
 * @example
 * isS256Challenge("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"); // => true
 */
export function isS256Challenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

/**
 * Checks a code verifier against the stored S256 challenge (constant-time comparison).
 *
 * @param verifier - the code_verifier from the token request
 * @param challenge - the code_challenge from the authorization request
 * @returns whether the verifier is well-formed and matches
 * @throws never
 * @example
 * verifyS256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"); // => true
 */
export function verifyS256(verifier: string, challenge: string): boolean {
  return VERIFIER.test(verifier) && safeEqual(s256Challenge(verifier), challenge);
}
