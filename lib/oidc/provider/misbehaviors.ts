/**
 * @module oidc/provider/misbehaviors
 *
 * The deviations a misbehaving provider can commit, one at a time, for the conformance harness:
 * the OpenID RP certification cases and the RFC 8725 (JWT BCP) catalogue. Each names what the
 * relying party receives instead of a correct response. `where` says which response deviates;
 * `perLogin: false` marks the ones that change a document fetched outside any login (discovery,
 * the JWKS), which can only be set on the whole provider.
 */
import { OidcProviderError } from "./errors.js";

/** Which response a misbehavior changes. */
export type MisbehaviorTarget = "id-token" | "jwks+id-token" | "authorization-response" | "userinfo" | "discovery";

/** What one misbehavior does. */
export interface MisbehaviorInfo {
  /** Which response deviates. */
  readonly where: MisbehaviorTarget;
  /** False when it changes a provider-wide document (settable on the provider only). */
  readonly perLogin: boolean;
  /** One line: what the relying party receives. */
  readonly description: string;
}

/** The issuer a token claims under `issuer-mismatch` (and the key owner of the attacker cases). */
export const ATTACKER_ISSUER = "https://attacker.example";
/** The audience added under `extra-untrusted-aud` and used under `wrong-aud`. */
export const UNTRUSTED_AUDIENCE = "https://untrusted.example";
/** The `azp` under `wrong-azp`. */
export const WRONG_AZP = "another-client";
/** The critical header parameter under `unknown-crit`. */
export const UNKNOWN_CRIT_PARAM = "urn:example:unknown-critical";

/**
 * Every misbehavior, with where it applies and a one-line description. The keys are the names
 * accepted by `createProvider({ misbehave })`, `provider.setMisbehavior()` and the `misbehave`
 * authorization parameter.
 *
 * @example
 * MISBEHAVIORS["alg-none"].description; // => "the ID token is unsigned: alg none, empty signature"
 * Object.keys(MISBEHAVIORS).length > 40; // => true
 */
export const MISBEHAVIORS = {
  // Issuer, subject, audience (OpenID RP certification [C] cases and RFC 8725).
  "issuer-mismatch": { where: "id-token", perLogin: true, description: `iss is another issuer (${ATTACKER_ISSUER})` },
  "issuer-trailing-slash": { where: "id-token", perLogin: true, description: "iss is the issuer with a trailing slash added" },
  "missing-sub": { where: "id-token", perLogin: true, description: "the ID token has no sub" },
  "sub-too-long": { where: "id-token", perLogin: true, description: "sub is 256 characters long (the limit is 255)" },
  "sub-not-string": { where: "id-token", perLogin: true, description: "sub is a number, not a string" },
  "wrong-aud": { where: "id-token", perLogin: true, description: `aud is another audience (${UNTRUSTED_AUDIENCE}), not the client_id` },
  "missing-aud": { where: "id-token", perLogin: true, description: "the ID token has no aud" },
  "extra-untrusted-aud": { where: "id-token", perLogin: true, description: `aud is [client_id, ${UNTRUSTED_AUDIENCE}] (azp is the client_id)` },
  "wrong-azp": { where: "id-token", perLogin: true, description: `azp is ${WRONG_AZP}, not the client_id (aud is the client_id)` },
  // Times.
  "missing-iat": { where: "id-token", perLogin: true, description: "the ID token has no iat" },
  "iat-not-numeric": { where: "id-token", perLogin: true, description: "iat is a string of digits, not a number" },
  "iat-in-future": { where: "id-token", perLogin: true, description: "iat is one hour ahead of now (exp one lifetime after it)" },
  "iat-too-old": { where: "id-token", perLogin: true, description: "iat is one day ago while exp is still in the future" },
  "missing-exp": { where: "id-token", perLogin: true, description: "the ID token has no exp" },
  "exp-not-numeric": { where: "id-token", perLogin: true, description: "exp is a string of digits, not a number" },
  expired: { where: "id-token", perLogin: true, description: "exp was ten minutes ago (iat one lifetime before it)" },
  "auth-time-stale": { where: "id-token", perLogin: true, description: "auth_time is one day ago (fails any max_age under a day)" },
  // Nonce and hashes.
  "wrong-nonce": { where: "id-token", perLogin: true, description: "nonce is not the one the client sent" },
  "missing-nonce": { where: "id-token", perLogin: true, description: "the ID token has no nonce although the client sent one" },
  "at-hash-mismatch": { where: "id-token", perLogin: true, description: "at_hash is the hash of another access token" },
  // Keys and signatures.
  "kid-absent-single-key": { where: "jwks+id-token", perLogin: false, description: "no kid in the header, RS256, and the JWKS holds only that one key (RP should accept)" },
  "kid-absent-multiple-keys": { where: "id-token", perLogin: true, description: "no kid in the header while the JWKS holds several keys" },
  "unknown-kid": { where: "id-token", perLogin: true, description: "signed with a key whose kid is never published" },
  "rotate-key-unannounced": { where: "id-token", perLogin: true, description: "signed with a new key, published (and made active) only after the token is issued" },
  "bad-signature": { where: "id-token", perLogin: true, description: "a valid token with one bit of its signature flipped" },
  "alg-none": { where: "id-token", perLogin: true, description: "the ID token is unsigned: alg none, empty signature" },
  "hs256-with-secret": { where: "id-token", perLogin: true, description: "HS256 keyed with the client secret, for a client registered for RS256/ES256" },
  "hs256-key-confusion": { where: "id-token", perLogin: true, description: "HS256 keyed with the bytes of the provider's public key as PEM (SPKI), kid of that key" },
  "alg-not-registered": { where: "id-token", perLogin: true, description: "signed with a published key of the other asymmetric alg (ES256 for an RS256 client, ...)" },
  "unknown-crit": { where: "id-token", perLogin: true, description: `the header has crit: ["${UNKNOWN_CRIT_PARAM}"]` },
  "jku-header": { where: "id-token", perLogin: true, description: "signed by the attacker key, header jku points at the attacker's JWKS (under /attacker/)" },
  "x5u-header": { where: "id-token", perLogin: true, description: "signed by the attacker key, header x5u points at the attacker's certificate" },
  "jwk-header": { where: "id-token", perLogin: true, description: "signed by the attacker key, which is embedded as the jwk header" },
  "x5c-header": { where: "id-token", perLogin: true, description: "signed by the attacker key, whose self-signed certificate is the x5c header" },
  // Token shape (RFC 8725 cross-JWT confusion, malformed input).
  "typ-at+jwt": { where: "id-token", perLogin: true, description: "typ is at+jwt: an access-token JWT offered as an ID token" },
  "nested-jwt": { where: "id-token", perLogin: true, description: "a JWS with cty JWT whose payload is the (valid) ID token" },
  "encrypted-jwe": { where: "id-token", perLogin: true, description: "a JWE (dir, A256GCM, key SHA-256 of the client secret) wrapping the ID token" },
  "malformed-two-parts": { where: "id-token", perLogin: true, description: "the ID token has two parts (the signature is cut off)" },
  "malformed-base64": { where: "id-token", perLogin: true, description: "the payload part has characters outside base64url" },
  "payload-not-object": { where: "id-token", perLogin: true, description: "a correctly signed JWS whose payload is a JSON array" },
  // Other responses.
  "userinfo-sub-mismatch": { where: "userinfo", perLogin: true, description: "UserInfo answers with another sub than the ID token's" },
  "discovery-issuer-mismatch": { where: "discovery", perLogin: false, description: "the discovery document's issuer is not the URL it was fetched from" },
  "missing-iss-param": { where: "authorization-response", perLogin: true, description: "the redirect carries no RFC 9207 iss although discovery promises it" },
  "wrong-iss-param": { where: "authorization-response", perLogin: true, description: `the redirect's iss is ${ATTACKER_ISSUER} (a mix-up)` },
  "wrong-state": { where: "authorization-response", perLogin: true, description: "the redirect's state is not the one the client sent" },
} as const satisfies Record<string, MisbehaviorInfo>;

/** The name of one misbehavior; see {@link MISBEHAVIORS}. */
export type Misbehavior = keyof typeof MISBEHAVIORS;

/**
 * Every misbehavior name, in the order of {@link MISBEHAVIORS}.
 *
 * @example
 * MISBEHAVIOR_NAMES.includes("wrong-nonce"); // => true
 */
export const MISBEHAVIOR_NAMES = Object.keys(MISBEHAVIORS) as Misbehavior[];

/**
 * True when `name` is a misbehavior name.
 *
 * @param name - anything
 * @returns whether it is a key of {@link MISBEHAVIORS}
 * @example
 * isMisbehavior("alg-none"); // => true
 * isMisbehavior("toString"); // => false
 */
export function isMisbehavior(name: unknown): name is Misbehavior {
  return typeof name === "string" && Object.prototype.hasOwnProperty.call(MISBEHAVIORS, name);
}

/**
 * Checks a misbehavior option: `undefined` (behave) or a known name.
 *
 * @param name - the value to check
 * @param what - where it came from, for the message
 * @returns the name, or undefined
 * @throws {OidcProviderError} ERR_OP_MISBEHAVIOR for anything else
 * @example
 * checkMisbehavior("expired", "misbehave"); // => "expired"
 */
export function checkMisbehavior(name: unknown, what: string): Misbehavior | undefined {
  if (name === undefined) return undefined;
  if (!isMisbehavior(name)) throw new OidcProviderError("ERR_OP_MISBEHAVIOR", `${what}: unknown misbehavior ${JSON.stringify(name)}`);
  return name;
}
