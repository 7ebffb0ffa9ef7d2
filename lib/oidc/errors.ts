/**
 * @module oidc/errors
 *
 * The one error type the OpenID Connect code throws. Every failure carries a stable `code`
 * (branch on it, never on the message) and the `step` that failed, so a notebook or the
 * conformance harness can say *where* a token or response was stopped. Validation errors also
 * carry `steps`: the checks that ran before, and including, the failing one.
 */

/**
 * Every code an {@link OidcError} can carry, with what it means. The keys are the codes.
 *
 * @example
 * Object.keys(OIDC_ERROR_CODES).includes("ERR_OIDC_ALG_NONE"); // => true
 */
export const OIDC_ERROR_CODES = {
  ERR_OIDC_CONFIG: "the relying party was configured wrongly (bad option, 'none' or HS* without a secret, ...)",
  ERR_OIDC_MALFORMED: "not a compact JWS: wrong part count, bad base64url, header or payload not a JSON object, or too long",
  ERR_OIDC_ENCRYPTED: "an encrypted ID token (JWE, five parts): not supported, never silently accepted",
  ERR_OIDC_ALG_NONE: "alg is 'none': an unsigned token",
  ERR_OIDC_ALG_NOT_ALLOWED: "alg is not in the relying party's allow-list (e.g. HS256 when RS256/ES256 are expected)",
  ERR_OIDC_CRIT: "the header lists critical extensions ('crit') this code does not understand",
  ERR_OIDC_FORBIDDEN_HEADER: "the header carries jku, x5u, jwk or x5c: key sources chosen by the token are never used",
  ERR_OIDC_TYP: "typ is present and not JWT (e.g. at+jwt, logout+jwt): another kind of token",
  ERR_OIDC_NESTED: "a nested JWT (cty JWT, or a payload that is itself a JWT)",
  ERR_OIDC_KID_UNKNOWN: "no suitable key in the provider's JWKS for this kid (also after a refetch)",
  ERR_OIDC_KID_AMBIGUOUS: "several suitable keys match (no kid and several keys, or a duplicated kid)",
  ERR_OIDC_JWKS: "the JWKS could not be fetched or is not a JSON key set",
  ERR_OIDC_SIGNATURE: "the signature does not verify with the selected key",
  ERR_OIDC_SUB: "sub is missing, not a string, empty or longer than 255 characters",
  ERR_OIDC_ISS_MISMATCH: "iss is missing or not exactly the expected issuer",
  ERR_OIDC_AUD_MISMATCH: "aud is missing, malformed or does not contain the client_id",
  ERR_OIDC_AUD_UNTRUSTED: "aud contains an audience that is neither the client_id nor trusted",
  ERR_OIDC_AZP: "azp is missing with several audiences, not a string, or not the client_id",
  ERR_OIDC_EXP: "exp is missing or not a finite number",
  ERR_OIDC_EXPIRED: "now is at or past exp plus the clock skew",
  ERR_OIDC_IAT: "iat is missing or not a finite number",
  ERR_OIDC_IAT_FUTURE: "iat is later than now plus the clock skew",
  ERR_OIDC_IAT_TOO_OLD: "iat is older than the iat window (plus skew)",
  ERR_OIDC_NONCE: "nonce is missing, not a string or not the one sent (or present when none was sent)",
  ERR_OIDC_NONCE_REPLAY: "this nonce was already accepted once: a replayed ID token",
  ERR_OIDC_AT_HASH: "at_hash does not match the access token (or is not a string)",
  ERR_OIDC_AUTH_TIME: "auth_time is missing while max_age was asked, not a number, in the future, or older than max_age",
  ERR_OIDC_STATE: "the callback's state is missing, unknown or already used",
  ERR_OIDC_ISS_PARAM: "the callback's RFC 9207 iss parameter is missing (when advertised) or not the issuer: mix-up",
  ERR_OIDC_AUTHORIZATION: "the provider answered the authorization request with an error (error=...)",
  ERR_OIDC_CALLBACK: "the callback URL is not the redirect URI or carries no code",
  ERR_OIDC_TOKEN_ERROR: "the token endpoint answered with an error (invalid_grant, invalid_client, ...)",
  ERR_OIDC_TOKEN_RESPONSE: "the token endpoint's success response is malformed (no id_token, no access_token, bad token_type)",
  ERR_OIDC_DISCOVERY: "the discovery document could not be fetched or lacks a required field",
  ERR_OIDC_DISCOVERY_ISSUER: "the discovery document's issuer is not exactly the expected issuer",
  ERR_OIDC_USERINFO: "the UserInfo request failed or its response is not a JSON object",
  ERR_OIDC_USERINFO_SUB: "the UserInfo sub is not the ID token's sub",
} as const;

/** A stable machine-readable reason for an {@link OidcError}; see {@link OIDC_ERROR_CODES}. */
export type OidcErrorCode = keyof typeof OIDC_ERROR_CODES;

/**
 * The validation or protocol steps, in the order the relying party runs them. A failure names
 * one of them.
 *
 * @example
 * OIDC_STEPS.indexOf("signature") < OIDC_STEPS.indexOf("iss"); // => true
 */
export const OIDC_STEPS = [
  "config",
  "discovery",
  "state",
  "iss-param",
  "callback",
  "token-endpoint",
  "header",
  "alg",
  "typ",
  "jwks",
  "signature",
  "claims",
  "iss",
  "aud",
  "azp",
  "exp",
  "iat",
  "nonce",
  "at_hash",
  "auth_time",
  "userinfo",
] as const;

/** One step's name; see {@link OIDC_STEPS}. */
export type OidcStep = (typeof OIDC_STEPS)[number];

/** One check that ran, for display: which step, whether it passed, and what it saw. */
export interface StepResult {
  /** The step. */
  step: OidcStep;
  /** True when the check passed. */
  ok: boolean;
  /** What was checked, in words (never a secret). */
  detail: string;
}

/**
 * Error thrown by the OpenID Connect relying party, ID-token validation and `explainIdToken`.
 *
 * @param code - machine-readable reason, see {@link OIDC_ERROR_CODES}
 * @param step - the step that failed
 * @param message - short human-readable explanation (never contains a secret)
 * @param steps - the steps that ran, the failing one last (empty when not a validation)
 * @returns a new OidcError (use with `throw`)
 * @throws never
 * @example
 * const e = new OidcError("ERR_OIDC_EXPIRED", "exp", "expired 5 s ago");
 * e.code; // => "ERR_OIDC_EXPIRED"
 * e.step; // => "exp"
 */
export class OidcError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: OidcErrorCode;
  /** The step that failed. */
  readonly step: OidcStep;
  /** The checks that ran before the failure, the failing one last with `ok: false`. */
  steps: StepResult[];

  constructor(code: OidcErrorCode, step: OidcStep, message: string, steps: StepResult[] = []) {
    super(message);
    // Keep `instanceof OidcError` working when down-levelled (tslab compiles to CommonJS).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "OidcError";
    this.code = code;
    this.step = step;
    this.steps = steps;
  }
}

/**
 * True when `e` is an {@link OidcError}, optionally with the given code.
 *
 * @param e - anything caught
 * @param code - the code to require, if any
 * @returns whether `e` is such an error
 * @example
 * isOidcError(new OidcError("ERR_OIDC_SUB", "claims", "no sub"), "ERR_OIDC_SUB"); // => true
 */
export function isOidcError(e: unknown, code?: OidcErrorCode): e is OidcError {
  return e instanceof OidcError && (code === undefined || e.code === code);
}
