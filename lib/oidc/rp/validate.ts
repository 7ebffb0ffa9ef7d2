/**
 * @module oidc/rp/validate
 *
 * ID-token validation per OIDC Core §3.1.3.7, with the signature ALWAYS verified (openid-client
 * skips it by default for tokens from the token endpoint, which §3.1.3.7 step 6 allows over TLS;
 * here it is never skipped), plus the RFC 8725 header rules and a few checks the spec leaves
 * optional. The checks run in this order, each recorded as a step; the first failure throws an
 * {@link OidcError} naming its step, with the steps so far in `err.steps`:
 *
 * 1. `header`: a compact JWS (three base64url parts; five parts is a JWE, refused), the header a
 *    JSON object; no `crit` (no extension is understood); no `jku`/`x5u`/`jwk`/`x5c` (key sources
 *    chosen by the token, never fetched or used); no `cty: JWT` (nested token).
 * 2. `alg`: in the relying party's allow-list (default RS256, ES256); `none` never.
 * 3. `typ`: absent or `JWT` (an `at+jwt` access token is not an ID token, RFC 8725 §3.11).
 * 4. `jwks`: the key is chosen by alg and kid from the provider's JWKS (see `jwks.ts`); for HS*
 *    (only when configured) the key is the client_secret's UTF-8 bytes (§10.1).
 * 5. `signature`: `jose.compactVerify` with that key and only that algorithm.
 * 6. `claims`: the payload is a JSON object (a JWT inside is refused); `sub` a string of 1..255.
 * 7. `iss` exactly the issuer; 8. `aud` contains client_id, every other audience trusted;
 * 9. `azp` present and equal to client_id when there are several audiences, equal when present.
 * 10. `exp` a number, and now < exp + skew; 11. `iat` a number within [now - window - skew,
 *    now + skew]; 12. `nonce` equal to the one sent and never accepted before;
 * 13. `at_hash`, when present and the access token is known, equal to its hash;
 * 14. `auth_time`, when max_age was asked: present and auth_time + max_age >= now - skew.
 */

import { compactVerify, type CryptoKey, type JWK } from "jose";
import { OidcError, type OidcErrorCode, type OidcStep, type StepResult } from "../errors.js";
import { atHash } from "./at-hash.js";
import { ASYMMETRIC_ALGS, type KeySource } from "./jwks.js";
import { createNonceReplayCache, type NonceReplayCache } from "./replay.js";

/** The claims of a validated ID token (required ones typed; others as sent). */
export interface IdTokenClaims {
  /** Issuer. */
  iss: string;
  /** Subject: the user's stable id at this issuer. */
  sub: string;
  /** Audience(s): the client_id, maybe with trusted others. */
  aud: string | string[];
  /** Expiry, seconds since the epoch. */
  exp: number;
  /** Issued at, seconds since the epoch. */
  iat: number;
  /** When the user authenticated, seconds since the epoch. */
  auth_time?: number;
  /** The nonce the relying party sent. */
  nonce?: string;
  /** Authorized party. */
  azp?: string;
  /** Half-hash of the access token. */
  at_hash?: string;
  /** Any other claim. */
  [claim: string]: unknown;
}

/** The protected header of an ID token (the fields the validator looks at, and any others). */
export interface IdTokenHeader {
  /** Signing algorithm. */
  alg: string;
  /** Key id. */
  kid?: string;
  /** Token type. */
  typ?: string;
  /** Any other header parameter. */
  [param: string]: unknown;
}

/** What {@link createIdTokenValidator} needs. */
export interface IdTokenValidatorOptions {
  /** The expected `iss`, exactly. */
  issuer: string;
  /** This relying party's client_id. */
  clientId: string;
  /** The client secret: needed only when HS* algorithms are allowed. */
  clientSecret?: string;
  /** Where verification keys come from (a JWKS cache or a static key set). */
  keys: KeySource;
  /** Algorithms accepted (default RS256, ES256). `none` is refused; HS* needs `clientSecret`. */
  allowedAlgs?: readonly string[];
  /** Clock skew tolerated on exp, iat and auth_time, seconds (default 60). */
  clockSkewSec?: number;
  /** Oldest iat accepted, seconds before now (default 600). */
  iatWindowSec?: number;
  /** max_age applied to every validation that does not pass its own, seconds. */
  maxAgeSec?: number;
  /** Audiences besides client_id that may appear in `aud` (default none). */
  trustedAudiences?: readonly string[];
  /** Clock in seconds since the epoch (default: the wall clock). */
  now?: () => number;
  /** Nonce replay cache (default: a new in-memory one). */
  replay?: NonceReplayCache;
}

/** Per-token inputs of {@link IdTokenValidator.validate}. */
export interface ValidateIdTokenOptions {
  /** The nonce sent in the authorization request, or null when none was sent. */
  nonce: string | null;
  /** The access token from the same token response, to check `at_hash` against. */
  accessToken?: string;
  /** The max_age sent in the authorization request, seconds. */
  maxAge?: number;
}

/** A validated ID token. */
export interface ValidatedIdToken {
  /** The header, decoded. */
  header: IdTokenHeader;
  /** The claims, now trusted. */
  claims: IdTokenClaims;
  /** Every check, in order, all `ok`. */
  steps: StepResult[];
}

/** Validates ID tokens for one client of one issuer. */
export interface IdTokenValidator {
  /**
   * Validates one ID token.
   * @throws OidcError with the failing step's code; `err.steps` holds the checks that ran
   */
  validate(token: string, options: ValidateIdTokenOptions): Promise<ValidatedIdToken>;
  /** The nonce replay cache in use. */
  readonly replay: NonceReplayCache;
}

/** Default allowed ID-token algorithms. */
export const DEFAULT_ALLOWED_ALGS: readonly string[] = ["RS256", "ES256"];
/** Default clock skew, seconds. */
export const DEFAULT_CLOCK_SKEW_SEC = 60;
/** Default iat window, seconds: a token issued longer ago than this (plus skew) is refused. */
export const DEFAULT_IAT_WINDOW_SEC = 600;
/** Longest token accepted, characters. */
export const MAX_TOKEN_LENGTH = 65536;

const HMAC_ALGS = ["HS256", "HS384", "HS512"];
const FORBIDDEN_HEADERS = ["jku", "x5u", "jwk", "x5c"];
const B64URL = /^[A-Za-z0-9_-]*$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Records a check that passed. */
function pass(steps: StepResult[], step: OidcStep, detail: string): void {
  steps.push({ step, ok: true, detail });
}

/** Thrown inside a step; turned into an OidcError carrying the steps. */
class StepFailure {
  constructor(
    readonly code: OidcErrorCode,
    readonly detail: string,
  ) {}
}

function fail(code: OidcErrorCode, detail: string): never {
  throw new StepFailure(code, detail);
}

function decodeB64urlJson(part: string): unknown {
  if (!B64URL.test(part) || part.length % 4 === 1) throw new Error("not base64url");
  return JSON.parse(utf8.decode(Buffer.from(part, "base64url")));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function nonNegative(name: string, v: number | undefined, dflt: number | undefined): number | undefined {
  if (v === undefined) return dflt;
  if (!isNumber(v) || v < 0) throw new OidcError("ERR_OIDC_CONFIG", "config", `${name} must be a finite number >= 0`);
  return v;
}

function relative(t: number, now: number): string {
  const d = Math.round(t - now);
  if (d === 0) return "now";
  return d > 0 ? `${d} s from now` : `${-d} s ago`;
}

/**
 * Parses the header of a compact JWS (no trust implied) and applies the structural header rules.
 * Exported for the explain view and the harness.
 *
 * @param token - the compact token
 * @returns the decoded header
 * @throws OidcError ERR_OIDC_MALFORMED, ERR_OIDC_ENCRYPTED, ERR_OIDC_CRIT,
 *   ERR_OIDC_FORBIDDEN_HEADER, ERR_OIDC_NESTED (step "header")
 * @example
 * checkIdTokenHeader("eyJhbGciOiJSUzI1NiJ9.e30.c2ln").alg; // => "RS256"
 */
export function checkIdTokenHeader(token: string): IdTokenHeader {
  try {
    return headerStep(token);
  } catch (e) {
    if (e instanceof StepFailure) throw new OidcError(e.code, "header", e.detail);
    throw e;
  }
}

function headerStep(token: unknown): IdTokenHeader {
  if (typeof token !== "string") fail("ERR_OIDC_MALFORMED", "the ID token is not a string");
  if (token.length > MAX_TOKEN_LENGTH) fail("ERR_OIDC_MALFORMED", `the ID token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split(".");
  if (parts.length === 5) fail("ERR_OIDC_ENCRYPTED", "five parts: an encrypted ID token (JWE), not supported");
  if (parts.length !== 3) fail("ERR_OIDC_MALFORMED", `a compact JWS has 3 parts, this has ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  if (h === "" || !B64URL.test(p) || !B64URL.test(s) || p.length % 4 === 1 || s.length % 4 === 1) {
    fail("ERR_OIDC_MALFORMED", "the header is empty or a part is not base64url");
  }
  let header: unknown;
  try {
    header = decodeB64urlJson(h);
  } catch {
    fail("ERR_OIDC_MALFORMED", "the header is not base64url JSON");
  }
  if (!isObject(header)) fail("ERR_OIDC_MALFORMED", "the header is not a JSON object");
  if (typeof header.alg !== "string") fail("ERR_OIDC_MALFORMED", "the header has no alg string");
  if (header.kid !== undefined && typeof header.kid !== "string") fail("ERR_OIDC_MALFORMED", "the header's kid is not a string");
  if (header.typ !== undefined && typeof header.typ !== "string") fail("ERR_OIDC_TYP", "the header's typ is not a string");
  if (header.crit !== undefined) {
    fail("ERR_OIDC_CRIT", `critical extensions ${JSON.stringify(header.crit)} are not understood`);
  }
  const hdr = header;
  const forbidden = FORBIDDEN_HEADERS.filter((k) => hdr[k] !== undefined);
  if (forbidden.length > 0) {
    fail("ERR_OIDC_FORBIDDEN_HEADER", `header carries ${forbidden.join(", ")}: keys named by the token are never fetched or used`);
  }
  if (typeof header.cty === "string" && /^(?:application\/)?jwt$/i.test(header.cty)) {
    fail("ERR_OIDC_NESTED", `cty ${header.cty}: a nested JWT`);
  }
  return header as IdTokenHeader;
}

/**
 * Creates an ID-token validator for one client of one issuer.
 *
 * @param options - issuer, client, key source, allowed algorithms, clock and tolerances
 * @returns the validator
 * @throws OidcError ERR_OIDC_CONFIG on a bad option (`none` allowed, HS* without a secret, ...)
 * @example
 * const v = createIdTokenValidator({ issuer: "https://op", clientId: "app", keys: createStaticKeySource(jwks) });
 * const { claims, steps } = await v.validate(idToken, { nonce });
 */
export function createIdTokenValidator(options: IdTokenValidatorOptions): IdTokenValidator {
  const { issuer, clientId, clientSecret, keys } = options;
  if (typeof issuer !== "string" || issuer === "") throw new OidcError("ERR_OIDC_CONFIG", "config", "issuer is required");
  if (typeof clientId !== "string" || clientId === "") throw new OidcError("ERR_OIDC_CONFIG", "config", "clientId is required");
  if (keys === undefined || typeof keys.selectKey !== "function") throw new OidcError("ERR_OIDC_CONFIG", "config", "keys (a KeySource) is required");
  const allowed = [...(options.allowedAlgs ?? DEFAULT_ALLOWED_ALGS)];
  if (allowed.length === 0) throw new OidcError("ERR_OIDC_CONFIG", "config", "allowedAlgs is empty");
  for (const a of allowed) {
    if (typeof a !== "string" || a.toLowerCase() === "none") throw new OidcError("ERR_OIDC_CONFIG", "config", "alg none is never allowed");
    if (HMAC_ALGS.includes(a)) {
      if (typeof clientSecret !== "string" || clientSecret === "") {
        throw new OidcError("ERR_OIDC_CONFIG", "config", `${a} needs a client secret (the HMAC key)`);
      }
    } else if (!ASYMMETRIC_ALGS.includes(a)) {
      throw new OidcError("ERR_OIDC_CONFIG", "config", `unknown signing algorithm ${a}`);
    }
  }
  const skew = nonNegative("clockSkewSec", options.clockSkewSec, DEFAULT_CLOCK_SKEW_SEC) as number;
  const iatWindow = nonNegative("iatWindowSec", options.iatWindowSec, DEFAULT_IAT_WINDOW_SEC) as number;
  const defaultMaxAge = nonNegative("maxAgeSec", options.maxAgeSec, undefined);
  const trusted = new Set(options.trustedAudiences ?? []);
  const now = options.now ?? (() => Date.now() / 1000);
  const replay = options.replay ?? createNonceReplayCache(now);
  const secretKey = clientSecret === undefined ? undefined : new TextEncoder().encode(clientSecret);

  // Computed once per validator, not per token (validation is on the hot path of every login).
  const verifyOptions = new Map<string, { algorithms: string[] }>(allowed.map((a) => [a, { algorithms: [a] }]));
  const issDetail = `iss is exactly ${JSON.stringify(issuer)}`;
  const audDetail = `aud is ${JSON.stringify(clientId)}`;
  const audManyDetail = `aud contains ${JSON.stringify(clientId)}, others trusted`;
  const azpDetail = `azp is ${JSON.stringify(clientId)}`;

  async function validate(token: string, opts: ValidateIdTokenOptions): Promise<ValidatedIdToken> {
    const steps: StepResult[] = [];
    let current: OidcStep = "header";
    try {
      if (!isObject(opts) || (opts.nonce !== null && typeof opts.nonce !== "string")) {
        current = "config";
        fail("ERR_OIDC_CONFIG", "validate() needs { nonce: string | null }");
      }
      const maxAge = nonNegative("maxAge", opts.maxAge, defaultMaxAge);

      current = "header";
      const header = headerStep(token);
      pass(steps, "header", `compact JWS, header ${JSON.stringify({ alg: header.alg, kid: header.kid, typ: header.typ })}`);

      current = "alg";
      if (header.alg.toLowerCase() === "none") fail("ERR_OIDC_ALG_NONE", "alg none: an unsigned token");
      if (!allowed.includes(header.alg)) fail("ERR_OIDC_ALG_NOT_ALLOWED", `alg ${header.alg} is not in [${allowed.join(", ")}]`);
      pass(steps, "alg", `${header.alg} is allowed`);

      current = "typ";
      if (header.typ !== undefined && !/^(?:application\/)?jwt$/i.test(header.typ)) {
        fail("ERR_OIDC_TYP", `typ ${header.typ} is not JWT: another kind of token`);
      }
      pass(steps, "typ", header.typ === undefined ? "no typ" : `typ ${header.typ}`);

      current = "jwks";
      let key: CryptoKey | Uint8Array | JWK;
      if (HMAC_ALGS.includes(header.alg)) {
        key = secretKey as Uint8Array;
        pass(steps, "jwks", `${header.alg}: the client secret is the key`);
      } else {
        const selected = await keys.selectKey(header.alg, header.kid);
        key = selected.key;
        pass(steps, "jwks", selected.detail);
      }

      current = "signature";
      let payloadBytes: Uint8Array;
      try {
        payloadBytes = (await compactVerify(token, key as CryptoKey | Uint8Array, verifyOptions.get(header.alg) ?? { algorithms: [header.alg] })).payload;
      } catch (e) {
        fail("ERR_OIDC_SIGNATURE", `${header.alg} signature does not verify (${(e as Error).message})`);
      }
      pass(steps, "signature", `${header.alg} signature verified`);

      current = "claims";
      let text: string;
      let claims: unknown;
      try {
        text = utf8.decode(payloadBytes);
      } catch {
        fail("ERR_OIDC_MALFORMED", "the payload is not UTF-8");
      }
      if (COMPACT_JWS.test(text)) fail("ERR_OIDC_NESTED", "the payload is itself a JWT: a nested token");
      try {
        claims = JSON.parse(text);
      } catch {
        fail("ERR_OIDC_MALFORMED", "the payload is not JSON");
      }
      if (!isObject(claims)) fail("ERR_OIDC_MALFORMED", "the payload is not a JSON object");
      const sub = claims.sub;
      if (typeof sub !== "string") fail("ERR_OIDC_SUB", sub === undefined ? "sub is missing" : "sub is not a string");
      if (sub.length < 1 || sub.length > 255) fail("ERR_OIDC_SUB", `sub has ${sub.length} characters, not 1..255`);
      pass(steps, "claims", `JSON object, sub ${JSON.stringify(sub)}`);

      current = "iss";
      if (claims.iss !== issuer) fail("ERR_OIDC_ISS_MISMATCH", `iss ${JSON.stringify(claims.iss)} is not exactly ${JSON.stringify(issuer)}`);
      pass(steps, "iss", issDetail);

      current = "aud";
      const aud = claims.aud;
      const auds = typeof aud === "string" ? [aud] : Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === "string") ? (aud as string[]) : null;
      if (auds === null) fail("ERR_OIDC_AUD_MISMATCH", aud === undefined ? "aud is missing" : "aud is not a string or a list of strings");
      if (!auds.includes(clientId)) fail("ERR_OIDC_AUD_MISMATCH", `aud ${JSON.stringify(aud)} does not contain ${JSON.stringify(clientId)}`);
      if (auds.length > 1) {
        const untrusted = auds.filter((a) => a !== clientId && !trusted.has(a));
        if (untrusted.length > 0) fail("ERR_OIDC_AUD_UNTRUSTED", `aud also names untrusted ${JSON.stringify(untrusted)}`);
      }
      pass(steps, "aud", auds.length === 1 ? audDetail : audManyDetail);

      current = "azp";
      const azp = claims.azp;
      if (azp !== undefined && typeof azp !== "string") fail("ERR_OIDC_AZP", "azp is not a string");
      if (auds.length > 1 && azp === undefined) fail("ERR_OIDC_AZP", `${auds.length} audiences and no azp`);
      if (azp !== undefined && azp !== clientId) fail("ERR_OIDC_AZP", `azp ${JSON.stringify(azp)} is not ${JSON.stringify(clientId)}`);
      pass(steps, "azp", azp === undefined ? "single audience, no azp needed" : azpDetail);

      const t = now();
      current = "exp";
      const exp = claims.exp;
      if (!isNumber(exp)) fail("ERR_OIDC_EXP", exp === undefined ? "exp is missing" : "exp is not a number");
      if (t >= exp + skew) fail("ERR_OIDC_EXPIRED", `expired: exp was ${relative(exp, t)} (skew ${skew} s)`);
      pass(steps, "exp", `exp is ${relative(exp, t)} (skew ${skew} s)`);

      current = "iat";
      const iat = claims.iat;
      if (!isNumber(iat)) fail("ERR_OIDC_IAT", iat === undefined ? "iat is missing" : "iat is not a number");
      if (iat > t + skew) fail("ERR_OIDC_IAT_FUTURE", `iat is ${relative(iat, t)}, beyond the ${skew} s skew`);
      if (iat < t - iatWindow - skew) fail("ERR_OIDC_IAT_TOO_OLD", `iat is ${relative(iat, t)}, older than the ${iatWindow} s window (skew ${skew} s)`);
      pass(steps, "iat", `iat is ${relative(iat, t)} (window ${iatWindow} s, skew ${skew} s)`);

      current = "nonce";
      const nonce = claims.nonce;
      if (opts.nonce === null) {
        pass(steps, "nonce", "no nonce was sent: not checked");
      } else {
        if (nonce === undefined) fail("ERR_OIDC_NONCE", "nonce is missing");
        if (nonce !== opts.nonce) fail("ERR_OIDC_NONCE", "nonce is not the one sent");
        if (replay.has(nonce)) fail("ERR_OIDC_NONCE_REPLAY", "this nonce was accepted before: a replayed ID token");
        pass(steps, "nonce", "nonce is the one sent, first use");
      }

      current = "at_hash";
      const ah = claims.at_hash;
      if (ah !== undefined && typeof ah !== "string") fail("ERR_OIDC_AT_HASH", "at_hash is not a string");
      if (ah === undefined) {
        pass(steps, "at_hash", "no at_hash (optional in the code flow)");
      } else if (opts.accessToken === undefined) {
        pass(steps, "at_hash", "at_hash present, no access token given: not checked");
      } else {
        if (atHash(opts.accessToken, header.alg) !== ah) fail("ERR_OIDC_AT_HASH", "at_hash does not match the access token");
        pass(steps, "at_hash", "at_hash matches the access token");
      }

      current = "auth_time";
      const rawAuthTime: unknown = claims.auth_time;
      const authTime = rawAuthTime as number | undefined; // checked just below
      if (rawAuthTime !== undefined && !isNumber(rawAuthTime)) fail("ERR_OIDC_AUTH_TIME", "auth_time is not a number");
      if (maxAge === undefined) {
        pass(steps, "auth_time", authTime === undefined ? "no max_age asked" : `no max_age asked; auth_time ${relative(authTime, t)}`);
      } else {
        if (authTime === undefined) fail("ERR_OIDC_AUTH_TIME", `max_age ${maxAge} s was asked and auth_time is missing`);
        if (authTime > t + skew) fail("ERR_OIDC_AUTH_TIME", `auth_time is ${relative(authTime, t)}, in the future`);
        if (authTime + maxAge < t - skew) {
          fail("ERR_OIDC_AUTH_TIME", `authenticated ${relative(authTime, t)}, longer than max_age ${maxAge} s (skew ${skew} s)`);
        }
        pass(steps, "auth_time", `authenticated ${relative(authTime, t)}, within max_age ${maxAge} s`);
      }

      if (typeof nonce === "string" && opts.nonce !== null) replay.add(nonce, exp + skew);
      return { header, claims: claims as IdTokenClaims, steps };
    } catch (e) {
      let err: OidcError;
      if (e instanceof StepFailure) err = new OidcError(e.code, current, e.detail);
      else if (e instanceof OidcError) err = e;
      else err = new OidcError("ERR_OIDC_MALFORMED", current, `unexpected: ${(e as Error).message}`);
      steps.push({ step: err.step, ok: false, detail: err.message });
      err.steps = steps;
      throw err;
    }
  }

  return { validate, replay };
}
