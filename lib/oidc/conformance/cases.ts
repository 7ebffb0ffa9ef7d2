/**
 * @module oidc/conformance/cases
 *
 * The conformance catalogue: every case the harness runs, as data. Three groups:
 *
 * - `certification`: the OpenID RP certification tests (old ids from rohe/oidctest,
 *   `test_tool/cp/test_rplib/rp/flows/*.json`), reproduced with our misbehaving provider;
 * - `rfc8725`: the JWT BCP catalogue (RFC 8725) and the claim-shape rules of OIDC Core §2;
 * - `flow`: attacks on the front and back channel (state, mix-up, code replay, PKCE, redirect
 *   URI), where the ID token itself is fine and bare `jose.jwtVerify` has nothing to check.
 *
 * Each case names the provider misbehavior it needs (or a scripted attack), the verdict a
 * correct relying party gives, and `check`: the one validation that must stop it. Two cases
 * with the same `check` attack the same rule (a bad RS256 and a bad ES256 signature, say);
 * cases with different checks must be stopped with different error codes.
 */
import type { Misbehavior } from "../provider/misbehaviors.js";

/** Which list a case comes from. */
export type CaseGroup = "certification" | "rfc8725" | "flow";

/** What a correct relying party does with the case. */
export type ExpectedVerdict = "accept" | "reject";

/** Which registered client the case logs in with (and so which algorithm signs). */
export type CaseClient = "rs256" | "es256" | "hs256";

/**
 * A scripted attack that is not a provider misbehavior: the provider behaves, the attacker
 * rearranges the front channel.
 *
 * - `code-replay`: a code already redeemed is fed to a second login of the same client.
 * - `wrong-code-verifier`: the code of login B is delivered to login A (code injection); the
 *   token request carries A's PKCE verifier.
 * - `redirect-uri-mismatch`: the authorization request's redirect_uri is swapped for another
 *   registered one; the code is then delivered to the real callback, whose token request names
 *   the real redirect URI.
 */
export type ScriptedAttack = "code-replay" | "wrong-code-verifier" | "redirect-uri-mismatch";

/** One conformance case. */
export interface ConformanceCase {
  /** Stable name, used in rows and to select cases. */
  readonly name: string;
  readonly group: CaseGroup;
  readonly expected: ExpectedVerdict;
  /** One line: what the relying party receives. */
  readonly title: string;
  /** The rule that must stop it (a short name); equal for cases attacking the same rule. */
  readonly check: string;
  /** The client logged in with; default rs256. */
  readonly client: CaseClient;
  /** The provider misbehavior in force, if any. */
  readonly misbehavior?: Misbehavior;
  /** A scripted attack instead of (or besides) a misbehavior. */
  readonly attack?: ScriptedAttack;
  /** True when the relying parties also call UserInfo. */
  readonly userinfo?: boolean;
  /** Send max_age (seconds) with the authorization request. */
  readonly maxAge?: number;
  /** True when the relying parties start with a JWKS cached before the provider rotates. */
  readonly warmCache?: boolean;
  /** True for a flow-level case that bare `jwtVerify` cannot see (its verdict is 'n/a'). */
  readonly flowOnly?: boolean;
  /** Where the rule comes from (certification test id or spec section). */
  readonly ref: string;
}

const c = (x: Omit<ConformanceCase, "client"> & { client?: CaseClient }): ConformanceCase => ({ client: "rs256", ...x });

/**
 * Every case, in the order the harness runs and the notebook shows them.
 *
 * @example
 * CONFORMANCE_CASES.find((x) => x.name === "alg-none")?.expected; // => "reject"
 * CONFORMANCE_CASES.filter((x) => x.expected === "accept").length; // => 5
 */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  // ---- OpenID RP certification (Basic profile) ----
  c({ name: "good-login", group: "certification", expected: "accept", check: "none", userinfo: true,
    title: "a correct code-flow login (RS256), then UserInfo", ref: "rp-response_type-code, rp-id_token-sig-rs256" }),
  c({ name: "good-login-es256", group: "certification", expected: "accept", check: "none", client: "es256",
    title: "a correct login with an ES256 ID token (client_secret_post)", ref: "rp-id_token-sig-es256" }),
  c({ name: "good-login-hs256", group: "certification", expected: "accept", check: "none", client: "hs256",
    title: "a correct login with an HS256 ID token keyed with the client secret", ref: "rp-id_token-sig-hs256" }),
  c({ name: "issuer-mismatch", group: "certification", expected: "reject", check: "iss", misbehavior: "issuer-mismatch",
    title: "iss is another issuer", ref: "rp-id_token-issuer-mismatch" }),
  c({ name: "missing-sub", group: "certification", expected: "reject", check: "sub", misbehavior: "missing-sub",
    title: "the ID token has no sub", ref: "rp-id_token-sub" }),
  c({ name: "wrong-aud", group: "certification", expected: "reject", check: "aud", misbehavior: "wrong-aud",
    title: "aud is another audience, not the client_id", ref: "rp-id_token-aud" }),
  c({ name: "missing-iat", group: "certification", expected: "reject", check: "iat", misbehavior: "missing-iat",
    title: "the ID token has no iat", ref: "rp-id_token-iat" }),
  c({ name: "kid-absent-single-key", group: "certification", expected: "accept", check: "none", misbehavior: "kid-absent-single-key",
    title: "no kid in the header, and the JWKS holds exactly one key", ref: "rp-id_token-kid-absent-single-jwks" }),
  c({ name: "kid-absent-multiple-keys", group: "certification", expected: "reject", check: "kid", misbehavior: "kid-absent-multiple-keys",
    title: "no kid in the header while the JWKS holds several keys", ref: "rp-id_token-kid-absent-multiple-jwks" }),
  c({ name: "unknown-kid", group: "certification", expected: "reject", check: "kid-unknown", misbehavior: "unknown-kid",
    title: "signed by a key that is never published (also not after a refetch)", ref: "OIDC Core 10.1.1" }),
  c({ name: "bad-signature-rs256", group: "certification", expected: "reject", check: "signature", misbehavior: "bad-signature",
    title: "RS256 token with one signature bit flipped", ref: "rp-id_token-bad-sig-rs256" }),
  c({ name: "bad-signature-es256", group: "certification", expected: "reject", check: "signature", misbehavior: "bad-signature", client: "es256",
    title: "ES256 token with one signature bit flipped", ref: "rp-id_token-bad-sig-es256" }),
  c({ name: "bad-signature-hs256", group: "certification", expected: "reject", check: "signature", misbehavior: "bad-signature", client: "hs256",
    title: "HS256 token (client secret) with one signature bit flipped", ref: "rp-id_token-bad-sig-hs256" }),
  c({ name: "alg-none", group: "certification", expected: "reject", check: "alg-none", misbehavior: "alg-none",
    title: "an unsigned token: alg none, empty signature", ref: "rp-id_token-sig-none" }),
  c({ name: "wrong-nonce", group: "certification", expected: "reject", check: "nonce", misbehavior: "wrong-nonce",
    title: "nonce is not the one the client sent", ref: "rp-nonce-invalid" }),
  c({ name: "missing-nonce", group: "certification", expected: "reject", check: "nonce", misbehavior: "missing-nonce",
    title: "no nonce although the client sent one", ref: "rp-nonce-invalid / OIDC Core 3.1.3.7 step 11" }),
  c({ name: "at-hash-mismatch", group: "certification", expected: "reject", check: "at_hash", misbehavior: "at-hash-mismatch",
    title: "at_hash is the hash of another access token", ref: "rp-id_token-bad-at_hash / OIDC Core 3.1.3.8" }),
  c({ name: "key-rotation", group: "certification", expected: "accept", check: "none", misbehavior: "rotate-key-unannounced", warmCache: true,
    title: "the provider signs with a new key the relying party's cached JWKS lacks", ref: "rp-key-rotation-op-sign-key" }),
  c({ name: "userinfo-sub-mismatch", group: "certification", expected: "reject", check: "userinfo-sub", misbehavior: "userinfo-sub-mismatch", userinfo: true, flowOnly: true,
    title: "UserInfo answers with another sub than the ID token's", ref: "rp-userinfo-bad-sub-claim" }),
  c({ name: "discovery-issuer-mismatch", group: "certification", expected: "reject", check: "discovery-issuer", misbehavior: "discovery-issuer-mismatch", flowOnly: true,
    title: "the discovery document's issuer is not the URL it was fetched from", ref: "rp-discovery-issuer-not-matching-config" }),

  // ---- RFC 8725 (JWT BCP) and OIDC Core §2 claim shapes ----
  c({ name: "hs256-key-confusion", group: "rfc8725", expected: "reject", check: "alg", misbehavior: "hs256-key-confusion",
    title: "HS256 keyed with the provider's RSA public key (PEM) as the HMAC secret", ref: "RFC 8725 2.1, 3.1" }),
  c({ name: "alg-not-registered", group: "rfc8725", expected: "reject", check: "alg", misbehavior: "alg-not-registered",
    title: "ES256, a published key, for a client registered for RS256", ref: "RFC 8725 3.1; OIDC Core 3.1.3.7 step 7" }),
  c({ name: "unknown-crit", group: "rfc8725", expected: "reject", check: "crit", misbehavior: "unknown-crit",
    title: "crit names an extension nobody understands", ref: "RFC 7515 4.1.11; RFC 8725 3.1" }),
  c({ name: "jku-header", group: "rfc8725", expected: "reject", check: "key-in-header", misbehavior: "jku-header",
    title: "signed by the attacker, jku points at the attacker's JWKS", ref: "RFC 8725 3.10" }),
  c({ name: "x5u-header", group: "rfc8725", expected: "reject", check: "key-in-header", misbehavior: "x5u-header",
    title: "signed by the attacker, x5u points at the attacker's certificate", ref: "RFC 8725 3.10" }),
  c({ name: "jwk-header", group: "rfc8725", expected: "reject", check: "key-in-header", misbehavior: "jwk-header",
    title: "signed by the attacker, whose key is embedded as jwk", ref: "RFC 8725 3.10" }),
  c({ name: "x5c-header", group: "rfc8725", expected: "reject", check: "key-in-header", misbehavior: "x5c-header",
    title: "signed by the attacker, whose certificate is embedded as x5c", ref: "RFC 8725 3.10" }),
  c({ name: "typ-at+jwt", group: "rfc8725", expected: "reject", check: "typ", misbehavior: "typ-at+jwt",
    title: "typ at+jwt: an access-token JWT offered as an ID token", ref: "RFC 8725 2.8, 3.11" }),
  c({ name: "nested-jwt", group: "rfc8725", expected: "reject", check: "nested", misbehavior: "nested-jwt",
    title: "cty JWT: a JWS whose payload is another JWT", ref: "RFC 8725 2.7, 3.3" }),
  c({ name: "malformed-two-parts", group: "rfc8725", expected: "reject", check: "malformed", misbehavior: "malformed-two-parts",
    title: "two parts: the signature is cut off", ref: "RFC 7515 7.1" }),
  c({ name: "malformed-base64", group: "rfc8725", expected: "reject", check: "malformed", misbehavior: "malformed-base64",
    title: "the payload has characters outside base64url", ref: "RFC 7515 2" }),
  c({ name: "payload-not-object", group: "rfc8725", expected: "reject", check: "malformed", misbehavior: "payload-not-object",
    title: "a correctly signed JWS whose payload is a JSON array", ref: "RFC 7519 7.2" }),
  c({ name: "sub-too-long", group: "rfc8725", expected: "reject", check: "sub", misbehavior: "sub-too-long",
    title: "sub has 256 characters (the limit is 255)", ref: "OIDC Core 2" }),
  c({ name: "sub-not-string", group: "rfc8725", expected: "reject", check: "sub", misbehavior: "sub-not-string",
    title: "sub is a number", ref: "OIDC Core 2; RFC 7519 4.1.2" }),
  c({ name: "exp-not-numeric", group: "rfc8725", expected: "reject", check: "exp", misbehavior: "exp-not-numeric",
    title: "exp is a string of digits", ref: "RFC 7519 4.1.4" }),
  c({ name: "iat-not-numeric", group: "rfc8725", expected: "reject", check: "iat", misbehavior: "iat-not-numeric",
    title: "iat is a string of digits", ref: "RFC 7519 4.1.6" }),
  c({ name: "iat-in-future", group: "rfc8725", expected: "reject", check: "iat-future", misbehavior: "iat-in-future",
    title: "iat is one hour ahead", ref: "OIDC Core 3.1.3.7 step 10" }),
  c({ name: "expired", group: "rfc8725", expected: "reject", check: "expired", misbehavior: "expired",
    title: "exp was ten minutes ago", ref: "OIDC Core 3.1.3.7 step 9" }),
  c({ name: "issuer-trailing-slash", group: "rfc8725", expected: "reject", check: "iss", misbehavior: "issuer-trailing-slash",
    title: "iss is the issuer with a trailing slash", ref: "OIDC Discovery 4.3; OIDC Core 3.1.3.7 step 2" }),
  c({ name: "extra-untrusted-aud", group: "rfc8725", expected: "reject", check: "aud-untrusted", misbehavior: "extra-untrusted-aud",
    title: "aud is [client_id, an untrusted audience]", ref: "OIDC Core 3.1.3.7 step 3" }),
  c({ name: "wrong-azp", group: "rfc8725", expected: "reject", check: "azp", misbehavior: "wrong-azp",
    title: "azp is another client", ref: "OIDC Core 3.1.3.7 step 5" }),

  // ---- Flow: front and back channel ----
  c({ name: "state-mismatch", group: "flow", expected: "reject", check: "state", misbehavior: "wrong-state", flowOnly: true,
    title: "the redirect's state is not the one the client sent (CSRF)", ref: "RFC 6749 10.12; RFC 9700 4.7" }),
  c({ name: "mix-up-wrong-iss", group: "flow", expected: "reject", check: "iss-param", misbehavior: "wrong-iss-param", flowOnly: true,
    title: "the redirect's RFC 9207 iss names another provider (mix-up)", ref: "RFC 9207; RFC 9700 4.4" }),
  c({ name: "mix-up-missing-iss", group: "flow", expected: "reject", check: "iss-param", misbehavior: "missing-iss-param", flowOnly: true,
    title: "the redirect has no iss although discovery promises it", ref: "RFC 9207 2.4" }),
  c({ name: "code-replay", group: "flow", expected: "reject", check: "token-endpoint", attack: "code-replay", flowOnly: true,
    title: "an already redeemed code, delivered to a second login", ref: "RFC 6749 4.1.2" }),
  c({ name: "wrong-code-verifier", group: "flow", expected: "reject", check: "token-endpoint", attack: "wrong-code-verifier", flowOnly: true,
    title: "another login's code injected: the PKCE verifier does not match", ref: "RFC 7636 4.6; RFC 9700 4.5" }),
  c({ name: "redirect-uri-mismatch", group: "flow", expected: "reject", check: "token-endpoint", attack: "redirect-uri-mismatch", flowOnly: true,
    title: "the code was issued for another redirect URI than the token request names", ref: "RFC 6749 4.1.3; RFC 9700 4.1.3" }),
];

/** The names of every case, in order. */
export const CONFORMANCE_CASE_NAMES: readonly string[] = CONFORMANCE_CASES.map((x) => x.name);
