/**
 * @module oidc/rp/at-hash
 *
 * `at_hash` (OIDC Core §3.1.3.6 / §3.2.2.9): the base64url of the left half of the hash of the
 * access token's ASCII bytes, the hash being the one of the ID token's `alg` (SHA-256 for
 * RS256/ES256/PS256/HS256, SHA-384 for *384, SHA-512 for *512 and for Ed25519). It binds the
 * access token to the ID token, so a swapped access token is noticed.
 */

import { createHash } from "node:crypto";
import { OidcError } from "../errors.js";

/**
 * The hash function OIDC pairs with a JWS algorithm.
 *
 * @param alg - the ID token's alg
 * @returns "sha256", "sha384" or "sha512"
 * @throws OidcError ERR_OIDC_AT_HASH for an algorithm with no defined hash
 * @example
 * hashForAlg("ES384"); // => "sha384"
 */
export function hashForAlg(alg: string): "sha256" | "sha384" | "sha512" {
  if (alg === "EdDSA" || alg === "Ed25519") return "sha512";
  const m = /^(?:RS|PS|ES|HS)(256|384|512)$/.exec(alg);
  if (m === null) throw new OidcError("ERR_OIDC_AT_HASH", "at_hash", `no at_hash hash is defined for alg ${alg}`);
  return `sha${m[1]}` as "sha256" | "sha384" | "sha512";
}

/**
 * Computes the `at_hash` of an access token for an ID token signed with `alg`.
 *
 * @param accessToken - the access token, as received
 * @param alg - the ID token's alg
 * @returns the base64url left half of the hash
 * @throws OidcError ERR_OIDC_AT_HASH for an algorithm with no defined hash
 * @example
 * // OIDC Core §A.3 example:
 * atHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "RS256"); // => "77QmUPtjPfzWtF2AnpK9RQ"
 */
export function atHash(accessToken: string, alg: string): string {
  const digest = createHash(hashForAlg(alg)).update(accessToken, "ascii").digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}
