/**
 * Day 6, sticky sessions: load-balancing strategies (round robin to Maglev and bounded-load
 * consistent hashing), the signed affinity cookie, and a seeded simulation of shoppers behind a
 * load balancer through crashes, scale-out, drains and NAT; a real sticky reverse proxy with
 * cart backends, and HAProxy run beside it on the same cases (`haproxy/`).
 * @module sticky
 */
export { StickyError, type StickyErrorCode } from "./errors.js";
export { hash32, hash64, fmix32 } from "./hash.js";
export * from "./strategies/index.js";
export {
  MIN_COOKIE_KEY_BYTES,
  type IssueCookieOptions,
  type ReadCookieOptions,
  type AffinityCookie,
  type CookieHeaderOptions,
  isCookieSafeServerId,
  issueAffinityCookie,
  readAffinityCookie,
  issueUnsignedAffinityCookie,
  readUnsignedAffinityCookie,
  affinityCookieHeader,
} from "./cookie.js";
export * from "./simulation.js";
export * from "./proxy/index.js";
export * from "./haproxy/index.js";
