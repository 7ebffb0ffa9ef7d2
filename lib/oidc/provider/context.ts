/**
 * @module oidc/provider/context
 *
 * The provider's state (interactions, sessions, codes, access tokens, all in memory) and what
 * the endpoints share: the resolved configuration, the key ring, the clock, the misbehavior in
 * force, and the scope-to-claims mapping (OIDC Core section 5.4).
 */
import { randomBytes } from "node:crypto";
import type { ResolvedConfig, UserConfig } from "./config.js";
import type { KeyRing } from "./keys.js";
import type { Misbehavior } from "./misbehaviors.js";

/** A pending authorization request, from /authorize to the code. */
export interface Interaction {
  readonly id: string;
  /** The CSRF token of its forms. */
  readonly csrf: string;
  /** The browser it belongs to (the `op_browser` cookie). */
  readonly browser: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly state?: string;
  readonly nonce?: string;
  readonly codeChallenge: string;
  /** True until the user logs in within it (no session, prompt=login, or max_age exceeded). */
  needLogin: boolean;
  /** The session that may consent (set when no login is needed, or after the login). */
  sessionId?: string;
  readonly misbehave?: Misbehavior;
  readonly expiresAt: number;
}

/** A login session (the `op_session` cookie). */
export interface Session {
  readonly id: string;
  readonly sub: string;
  /** When the user authenticated (ms). */
  readonly authTime: number;
  readonly expiresAt: number;
  /** Consents given: `client_id` + space + sorted scopes. */
  readonly grants: Set<string>;
}

/** An authorization code. */
export interface CodeRecord {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly sub: string;
  readonly scopes: readonly string[];
  readonly nonce?: string;
  readonly codeChallenge: string;
  readonly authTime: number;
  readonly expiresAt: number;
  /** When it was redeemed (ms), if it was. */
  usedAt?: number;
  /** Access tokens issued from it (revoked if the code is replayed). */
  readonly accessTokens: string[];
  readonly misbehave?: Misbehavior;
}

/** An access token. */
export interface AccessTokenRecord {
  readonly clientId: string;
  readonly sub: string;
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  revoked: boolean;
  readonly misbehave?: Misbehavior;
}

/** What the endpoints share. */
export interface OpContext {
  readonly config: ResolvedConfig;
  readonly keys: KeyRing;
  readonly interactions: Map<string, Interaction>;
  readonly sessions: Map<string, Session>;
  readonly codes: Map<string, CodeRecord>;
  readonly accessTokens: Map<string, AccessTokenRecord>;
  /** The provider-wide misbehavior, if any. */
  misbehavior(): Misbehavior | undefined;
  /** The absolute URL of an endpoint path such as "/token". */
  url(path: string): string;
  /** The issuer-relative path of an endpoint as a URL path (with the issuer's path prefix). */
  path(path: string): string;
}

/** Cookie names. */
export const SESSION_COOKIE = "op_session";
/** The cookie that binds interactions to one browser. */
export const BROWSER_COOKIE = "op_browser";

/**
 * A fresh random identifier (256 bits from the CSPRNG, base64url).
 *
 * @returns 43 base64url characters
 * @throws never
 * @example
 * randomId().length; // => 43
 */
export function randomId(): string {
  return randomBytes(32).toString("base64url");
}

/** The claims each scope releases (OIDC Core section 5.4), and the words on the consent page. */
export const SCOPES: Readonly<Record<string, { claims: readonly string[]; description: string }>> = {
  openid: { claims: [], description: "know who you are (your subject identifier)" },
  profile: {
    claims: ["name", "family_name", "given_name", "middle_name", "nickname", "preferred_username", "profile", "picture", "website", "gender", "birthdate", "zoneinfo", "locale", "updated_at"],
    description: "see your name and profile",
  },
  email: { claims: ["email", "email_verified"], description: "see your email address" },
  address: { claims: ["address"], description: "see your postal address" },
  phone: { claims: ["phone_number", "phone_number_verified"], description: "see your phone number" },
};

/**
 * The user's claims released by a set of scopes (`sub` excluded; only configured values).
 *
 * @param user - the user
 * @param scopes - the granted scopes
 * @returns claim name to value
 * @throws never
 * @example
 * claimsForScopes({ sub: "1", username: "a", password: "p", claims: { email: "a@x", name: "A" } }, ["openid", "email"]);
 * // => { email: "a@x" }
 */
export function claimsForScopes(user: UserConfig, scopes: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const claims = user.claims ?? {};
  for (const s of scopes) {
    const def = Object.prototype.hasOwnProperty.call(SCOPES, s) ? SCOPES[s] : undefined;
    if (def === undefined) continue;
    for (const c of def.claims) if (Object.prototype.hasOwnProperty.call(claims, c)) out[c] = claims[c];
  }
  return out;
}

/**
 * Drops expired interactions, sessions and access tokens, and codes whose tokens have expired
 * too (a used code is kept that long so that a replay can still revoke its tokens).
 *
 * @param ctx - the provider context
 * @param now - now (ms)
 * @returns nothing
 * @throws never
 * @example
 * sweep(ctx, Date.now());
 */
export function sweep(ctx: OpContext, now: number): void {
  for (const [k, v] of ctx.interactions) if (now >= v.expiresAt) ctx.interactions.delete(k);
  for (const [k, v] of ctx.sessions) if (now >= v.expiresAt) ctx.sessions.delete(k);
  for (const [k, v] of ctx.accessTokens) if (now >= v.expiresAt) ctx.accessTokens.delete(k);
  const keep = ctx.config.lifetimes.accessToken * 1000;
  for (const [k, v] of ctx.codes) if (now >= v.expiresAt + keep) ctx.codes.delete(k);
}
