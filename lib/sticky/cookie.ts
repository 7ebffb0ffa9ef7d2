/**
 * @module sticky/cookie
 *
 * The load balancer's affinity cookie: which server a user is pinned to.
 *
 * The signed form is `<serverId>.<expiresAtSeconds>.<base64url HMAC-SHA256>`,
 * the MAC covering the exact text `<serverId>.<expiresAtSeconds>` under a
 * secret only the balancer knows. A user can read it (it names a server id,
 * never an address, so nothing leaks) but cannot invent one, point it at
 * another server, or extend its life. A value that does not verify, is
 * malformed or has expired counts as *absent*: the balancer picks a server
 * as for a new user and issues a fresh cookie. It is never an error, because
 * anything in a request is attacker-controlled input.
 *
 * HMAC does not stop replay of a cookie the user legitimately received; the
 * expiry bounds that. The unsigned form (`SERVERID=A`, as HAProxy's
 * `cookie SERVERID insert`) is here for comparison: whoever edits it picks
 * their server.
 *
 * Only node:crypto is used: no hand-rolled cryptography.
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import { StickyError } from "./errors.js";

/** Server ids that may appear in a cookie: cookie-safe, no `.` (the separator). */
const SERVER_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A canonical non-negative decimal: no sign, no leading zeros, at most 15 digits. */
const DECIMAL = /^(?:0|[1-9][0-9]{0,14})$/;
/** An HMAC-SHA256 tag is 32 bytes: 43 base64url characters without padding. */
const MAC_LENGTH = 43;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** RFC 6265 cookie-name token and cookie-octet sets. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
/** Shortest secret accepted: 32 bytes, the HMAC-SHA256 output length (RFC 2104: keys shorter than that weaken it). */
export const MIN_COOKIE_KEY_BYTES = 32;

/** What {@link issueAffinityCookie} needs. */
export interface IssueCookieOptions {
  /** The balancer's secret, at least 32 bytes. */
  key: Uint8Array;
  /** The current time in seconds since the epoch (a virtual clock in simulations). */
  now: number;
  /** How long the cookie stays valid, in whole seconds (>= 1). */
  ttlSeconds: number;
}

/** What {@link readAffinityCookie} needs. */
export interface ReadCookieOptions {
  /** The balancer's secret, at least 32 bytes. */
  key: Uint8Array;
  /** The current time in seconds since the epoch. */
  now: number;
}

/** A verified affinity cookie. */
export interface AffinityCookie {
  /** The server the user is pinned to. */
  serverId: string;
  /** Expiry, in whole seconds since the epoch; the cookie is invalid from this instant on. */
  expiresAt: number;
}

/** Attributes of the Set-Cookie header built by {@link affinityCookieHeader}. */
export interface CookieHeaderOptions {
  /** Max-Age in whole seconds; omitted gives a session cookie (gone when the browser closes). */
  maxAge?: number;
  /** Add `Secure` (send over HTTPS only). Default false; required with SameSite=None. */
  secure?: boolean;
  /** SameSite attribute. Default "Lax". */
  sameSite?: "Lax" | "Strict" | "None";
  /** Add `HttpOnly` (no access from page scripts). Default true. */
  httpOnly?: boolean;
  /** Path attribute. Default "/". */
  path?: string;
}

/**
 * Checks that a server id can travel in a cookie.
 *
 * @param serverId - the id to check
 * @returns true when it matches `[A-Za-z0-9_-]{1,64}`
 * @throws never
 * @example
 * isCookieSafeServerId("A"); // => true
 * isCookieSafeServerId("10.0.0.1:80"); // => false
 */
export function isCookieSafeServerId(serverId: unknown): serverId is string {
  return typeof serverId === "string" && SERVER_ID.test(serverId);
}

function checkKey(key: unknown, fn: string): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length < MIN_COOKIE_KEY_BYTES) {
    throw new StickyError(
      "ERR_STICKY_INPUT",
      `${fn}: key must be a Buffer or Uint8Array of at least ${MIN_COOKIE_KEY_BYTES} bytes`,
    );
  }
  return key;
}

function checkNow(now: unknown, fn: string): number {
  if (typeof now !== "number" || !Number.isFinite(now) || now < 0) {
    throw new StickyError("ERR_STICKY_INPUT", `${fn}: now must be a finite number of seconds >= 0`);
  }
  return now;
}

function mac(key: Uint8Array, payload: string): string {
  return createHmac("sha256", key).update(payload, "utf8").digest("base64url");
}

/**
 * Issues a signed affinity cookie value pinning a user to `serverId` until `now + ttlSeconds`.
 *
 * @param serverId - the server to pin to; `[A-Za-z0-9_-]{1,64}`
 * @param options - `{ key, now, ttlSeconds }`, see {@link IssueCookieOptions}
 * @returns the cookie value `<serverId>.<expiresAtSeconds>.<base64url mac>`
 * @throws {StickyError} ERR_STICKY_INPUT for an unsafe server id, a key under 32 bytes,
 *   a negative or non-finite `now`, or a `ttlSeconds` that is not a positive integer
 * @example
 * const key = Buffer.alloc(32, 7);
 * issueAffinityCookie("A", { key, now: 1000, ttlSeconds: 60 }); // => "A.1060.<43 chars>"
 */
export function issueAffinityCookie(serverId: string, options: IssueCookieOptions): string {
  if (!isCookieSafeServerId(serverId)) {
    throw new StickyError("ERR_STICKY_INPUT", `issueAffinityCookie: server id must match [A-Za-z0-9_-]{1,64}`);
  }
  const o = options ?? ({} as IssueCookieOptions);
  const key = checkKey(o.key, "issueAffinityCookie");
  const now = checkNow(o.now, "issueAffinityCookie");
  const ttl = o.ttlSeconds;
  if (!Number.isSafeInteger(ttl) || ttl < 1) {
    throw new StickyError("ERR_STICKY_INPUT", "issueAffinityCookie: ttlSeconds must be a positive integer");
  }
  const expiresAt = Math.floor(now) + ttl;
  if (!DECIMAL.test(String(expiresAt))) {
    throw new StickyError("ERR_STICKY_INPUT", "issueAffinityCookie: expiry out of range");
  }
  const payload = `${serverId}.${expiresAt}`;
  return `${payload}.${mac(key, payload)}`;
}

/**
 * Verifies an affinity cookie value from a request.
 *
 * Anything that is not exactly a value this key issued, still unexpired,
 * gives null: tampered, forged, truncated, re-encoded or expired values all
 * count as "no cookie". The MAC comparison uses `timingSafeEqual`, so the
 * time taken does not reveal how many leading characters were right.
 *
 * @param value - the cookie value as received (any type: it is untrusted)
 * @param options - `{ key, now }`, see {@link ReadCookieOptions}
 * @returns `{ serverId, expiresAt }` for a valid cookie, else null
 * @throws {StickyError} ERR_STICKY_INPUT for a key under 32 bytes or a bad `now`
 *   (programming errors, not request input)
 * @example
 * const key = Buffer.alloc(32, 7);
 * const v = issueAffinityCookie("A", { key, now: 1000, ttlSeconds: 60 });
 * readAffinityCookie(v, { key, now: 1030 }); // => { serverId: "A", expiresAt: 1060 }
 * readAffinityCookie(v, { key, now: 1060 }); // => null (expired)
 */
export function readAffinityCookie(value: unknown, options: ReadCookieOptions): AffinityCookie | null {
  const o = options ?? ({} as ReadCookieOptions);
  const key = checkKey(o.key, "readAffinityCookie");
  const now = checkNow(o.now, "readAffinityCookie");
  if (typeof value !== "string" || value.length > 64 + 1 + 15 + 1 + MAC_LENGTH) return null;
  const parts = value.split(".");
  if (parts.length !== 3) return null;
  const [serverId, expiryText, tag] = parts;
  if (!SERVER_ID.test(serverId) || !DECIMAL.test(expiryText)) return null;
  if (tag.length !== MAC_LENGTH || !BASE64URL.test(tag)) return null;
  // Compare the canonical base64url text, not decoded bytes: the last of 43
  // characters carries 2 unused bits, so decoding would accept 4 spellings of
  // one tag, and a changed character must never verify.
  const expected = Buffer.from(mac(key, `${serverId}.${expiryText}`), "ascii");
  const given = Buffer.from(tag, "ascii");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  const expiresAt = Number(expiryText);
  if (now >= expiresAt) return null;
  return { serverId, expiresAt };
}

/**
 * Builds the unsigned cookie value of HAProxy-style `SERVERID=A` persistence.
 * Shown for comparison only: anyone can write any server id into it.
 *
 * @param serverId - the server to pin to; `[A-Za-z0-9_-]{1,64}`
 * @returns the value, which is the server id itself
 * @throws {StickyError} ERR_STICKY_INPUT for an unsafe server id
 * @example
 * issueUnsignedAffinityCookie("A"); // => "A"
 */
export function issueUnsignedAffinityCookie(serverId: string): string {
  if (!isCookieSafeServerId(serverId)) {
    throw new StickyError("ERR_STICKY_INPUT", "issueUnsignedAffinityCookie: server id must match [A-Za-z0-9_-]{1,64}");
  }
  return serverId;
}

/**
 * Reads an unsigned `SERVERID`-style cookie value: it trusts whatever the
 * client sent, which is why a forged value steers the balancer.
 *
 * @param value - the cookie value as received
 * @returns `{ serverId }` when the value is a cookie-safe id, else null
 * @throws never
 * @example
 * readUnsignedAffinityCookie("B"); // => { serverId: "B" } (even if the user typed it)
 * readUnsignedAffinityCookie("a b"); // => null
 */
export function readUnsignedAffinityCookie(value: unknown): { serverId: string } | null {
  return isCookieSafeServerId(value) ? { serverId: value } : null;
}

/**
 * Builds a Set-Cookie header value for an affinity cookie.
 *
 * HttpOnly and SameSite=Lax by default: page scripts cannot read it and it is
 * not sent on cross-site subresource requests. SameSite=None requires Secure
 * (browsers drop it otherwise), so that combination is refused.
 *
 * @param name - the cookie name, an RFC 6265 token (e.g. "SRV")
 * @param value - the cookie value, RFC 6265 cookie-octets
 * @param options - see {@link CookieHeaderOptions}
 * @returns e.g. `SRV=<value>; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax`
 * @throws {StickyError} ERR_STICKY_COOKIE for a bad name, value or path;
 *   ERR_STICKY_INPUT for a bad maxAge, or SameSite=None without Secure
 * @example
 * affinityCookieHeader("SRV", "A", { maxAge: 60, secure: true });
 * // => "SRV=A; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure"
 */
export function affinityCookieHeader(name: string, value: string, options: CookieHeaderOptions = {}): string {
  if (typeof name !== "string" || !COOKIE_NAME.test(name)) {
    throw new StickyError("ERR_STICKY_COOKIE", "affinityCookieHeader: name must be an RFC 6265 token");
  }
  if (typeof value !== "string" || !COOKIE_VALUE.test(value)) {
    throw new StickyError("ERR_STICKY_COOKIE", "affinityCookieHeader: value has characters not allowed in a cookie");
  }
  const path = options.path ?? "/";
  if (typeof path !== "string" || !path.startsWith("/") || /[\x00-\x1f\x7f;]/.test(path)) {
    throw new StickyError("ERR_STICKY_COOKIE", "affinityCookieHeader: path must start with / and contain no ; or controls");
  }
  const sameSite = options.sameSite ?? "Lax";
  if (sameSite !== "Lax" && sameSite !== "Strict" && sameSite !== "None") {
    throw new StickyError("ERR_STICKY_INPUT", "affinityCookieHeader: sameSite must be Lax, Strict or None");
  }
  const secure = options.secure ?? false;
  if (sameSite === "None" && !secure) {
    throw new StickyError("ERR_STICKY_INPUT", "affinityCookieHeader: SameSite=None requires secure: true");
  }
  const parts = [`${name}=${value}`, `Path=${path}`];
  if (options.maxAge !== undefined) {
    if (!Number.isSafeInteger(options.maxAge) || options.maxAge < 0) {
      throw new StickyError("ERR_STICKY_INPUT", "affinityCookieHeader: maxAge must be an integer >= 0");
    }
    parts.push(`Max-Age=${options.maxAge}`);
  }
  if (options.httpOnly ?? true) parts.push("HttpOnly");
  parts.push(`SameSite=${sameSite}`);
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
