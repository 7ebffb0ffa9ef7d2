/**
 * @module oidc/explain
 *
 * Shows what is inside an ID token, for people: the header, the claims, the times made
 * readable and the signature's size, plus rows for a table. It decodes WITHOUT verifying
 * anything, so nothing it shows is trusted: use the relying party's validation for that.
 */

import { decodeJwt, decodeProtectedHeader } from "jose";
import { OidcError } from "./errors.js";

/** Options of {@link explainIdToken}. */
export interface ExplainOptions {
  /** The time to measure "expires in" from, seconds since the epoch (default: the wall clock). */
  now?: number;
}

/** One row of the explain table. */
export interface ExplainRow {
  /** Which part of the token. */
  part: "header" | "claims" | "signature";
  /** The parameter or claim name. */
  name: string;
  /** Its value, as text (times also as ISO dates). */
  value: string;
  /** What it means. */
  meaning: string;
}

/** An ID token taken apart (untrusted). */
export interface ExplainedIdToken {
  /** The protected header as sent. */
  header: Record<string, unknown>;
  /** The claims as sent. */
  claims: Record<string, unknown>;
  /** exp, iat, auth_time (and nbf) as ISO strings, null when absent or not numbers; `expiresIn` in words. */
  times: {
    exp: string | null;
    iat: string | null;
    auth_time: string | null;
    nbf: string | null;
    /** "expires in N s" or "expired N s ago", null without a numeric exp. */
    expiresIn: string | null;
  };
  /** The signature: algorithm named by the header, and its length in bytes. */
  signature: { alg: string | null; bytes: number };
  /** Rows for a table: header, then claims, then the signature. */
  rows: ExplainRow[];
}

const HEADER_MEANING: Record<string, string> = {
  alg: "signing algorithm (the RP checks it against its allow-list, never trusts it)",
  kid: "which of the provider's keys signed it",
  typ: "token type; JWT or absent for an ID token",
  cty: "content type; JWT would mean a nested token",
  crit: "extensions the reader must understand",
  jku: "a URL of keys chosen by the token: never fetched",
  x5u: "a URL of certificates chosen by the token: never fetched",
  jwk: "a key embedded by the token: never used",
  x5c: "certificates embedded by the token: never used",
};

const CLAIM_MEANING: Record<string, string> = {
  iss: "issuer: who made the token; must equal the provider exactly",
  sub: "subject: the user's stable id at this issuer",
  aud: "audience: the client_id(s) the token is for",
  exp: "expiry: not accepted at or after this time (plus skew)",
  iat: "issued at",
  auth_time: "when the user last logged in",
  nonce: "the value the RP sent; binds the token to that login",
  azp: "authorized party: the client it was issued to",
  at_hash: "half-hash of the access token issued with it",
  c_hash: "half-hash of the authorization code",
  nbf: "not valid before",
  acr: "authentication context class",
  amr: "authentication methods used",
  sid: "session id at the provider",
  email: "email address",
  email_verified: "whether the provider verified the email",
  name: "full name",
};

const TIME_CLAIMS = ["exp", "iat", "auth_time", "nbf"] as const;

function iso(v: unknown): string | null {
  if (typeof v !== "number" || !Number.isFinite(v)) return null;
  const d = new Date(v * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function text(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
}

/**
 * Decodes an ID token for display, without verifying it.
 *
 * @param token - a compact JWT
 * @param options - `now` in seconds for "expires in"
 * @returns header, claims, readable times, signature size and table rows
 * @throws OidcError ERR_OIDC_MALFORMED (step "header" or "claims") when it is not a compact JWS
 *   with a JSON-object header and payload
 * @example
 * const e = explainIdToken(idToken, { now: 1_700_000_000 });
 * e.times.expiresIn; // => "expires in 3600 s"
 * e.signature;       // => { alg: "RS256", bytes: 256 }
 */
export function explainIdToken(token: string, options: ExplainOptions = {}): ExplainedIdToken {
  if (typeof token !== "string") throw new OidcError("ERR_OIDC_MALFORMED", "header", "the token is not a string");
  const parts = token.split(".");
  if (parts.length !== 3) {
    throw new OidcError("ERR_OIDC_MALFORMED", "header", `a signed JWT has 3 parts, this has ${parts.length}`);
  }
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
  } catch (e) {
    throw new OidcError("ERR_OIDC_MALFORMED", "header", `the header does not decode: ${(e as Error).message}`);
  }
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(token) as Record<string, unknown>;
  } catch (e) {
    throw new OidcError("ERR_OIDC_MALFORMED", "claims", `the payload does not decode: ${(e as Error).message}`);
  }
  const sig = parts[2] as string;
  if (!/^[A-Za-z0-9_-]*$/.test(sig) || sig.length % 4 === 1) {
    throw new OidcError("ERR_OIDC_MALFORMED", "header", "the signature is not base64url");
  }
  const bytes = Buffer.from(sig, "base64url").length;
  const now = options.now ?? Date.now() / 1000;
  const exp = claims.exp;
  let expiresIn: string | null = null;
  if (typeof exp === "number" && Number.isFinite(exp)) {
    const d = Math.round(exp - now);
    expiresIn = d > 0 ? `expires in ${d} s` : `expired ${-d} s ago`;
  }
  const rows: ExplainRow[] = [];
  for (const [name, v] of Object.entries(header)) {
    rows.push({ part: "header", name, value: text(v), meaning: HEADER_MEANING[name] ?? "" });
  }
  for (const [name, v] of Object.entries(claims)) {
    const when = (TIME_CLAIMS as readonly string[]).includes(name) ? iso(v) : null;
    const meaning = CLAIM_MEANING[name] ?? "";
    rows.push({
      part: "claims",
      name,
      value: when === null ? text(v) : `${text(v)} (${when})`,
      meaning: name === "exp" && expiresIn !== null ? `${meaning}; ${expiresIn}` : meaning,
    });
  }
  const alg = typeof header.alg === "string" ? header.alg : null;
  rows.push({ part: "signature", name: "signature", value: `${bytes} bytes`, meaning: `${alg ?? "?"} signature over header.payload` });
  return {
    header,
    claims,
    times: { exp: iso(claims.exp), iat: iso(claims.iat), auth_time: iso(claims.auth_time), nbf: iso(claims.nbf), expiresIn },
    signature: { alg, bytes },
    rows,
  };
}
