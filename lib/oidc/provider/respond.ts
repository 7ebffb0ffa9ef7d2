/**
 * @module oidc/provider/respond
 *
 * Small helpers the endpoints share: building responses (JSON, HTML with security headers,
 * redirects, RFC 6749 section 5.2 errors), reading cookies and form bodies, and comparing
 * secrets in constant time.
 */
import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares two strings in constant time (both are hashed first, so lengths do not leak).
 *
 * @param a - a secret as received
 * @param b - the secret as stored
 * @returns whether they are equal
 * @throws never
 * @example
 * safeEqual("s3cret", "s3cret"); // => true
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

/**
 * A JSON response.
 *
 * @param status - HTTP status
 * @param body - any JSON value
 * @param headers - extra headers
 * @returns the response
 * @throws never
 * @example
 * jsonResponse(200, { ok: true }).headers.get("content-type"); // => "application/json; charset=utf-8"
 */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8", ...headers } });
}

/** Headers of every HTML page: no scripts at all, no framing, no caching, no referrer. */
export const HTML_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * An HTML response with {@link HTML_SECURITY_HEADERS}.
 *
 * @param status - HTTP status
 * @param html - the document
 * @param setCookies - Set-Cookie values
 * @returns the response
 * @throws never
 * @example
 * htmlResponse(200, "<p>hi</p>").headers.get("x-frame-options"); // => "DENY"
 */
export function htmlResponse(status: number, html: string, setCookies: string[] = []): Response {
  const headers = new Headers(HTML_SECURITY_HEADERS);
  for (const c of setCookies) headers.append("set-cookie", c);
  return new Response(html, { status, headers });
}

/**
 * A 303 See Other redirect (RFC 9700 section 4.12: never 307 after a credential POST).
 *
 * @param location - the target URL
 * @param setCookies - Set-Cookie values
 * @returns the response
 * @throws never
 * @example
 * redirectResponse("https://rp.example/cb?code=x").status; // => 303
 */
export function redirectResponse(location: string, setCookies: string[] = []): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const c of setCookies) headers.append("set-cookie", c);
  return new Response(null, { status: 303, headers });
}

/**
 * A token-endpoint error (RFC 6749 section 5.2): JSON `{ error, error_description }`, no-store.
 *
 * @param status - 400, or 401 for invalid_client
 * @param error - the OAuth error code
 * @param description - human-readable detail (never a secret)
 * @param headers - extra headers (e.g. WWW-Authenticate)
 * @returns the response
 * @throws never
 * @example
 * oauthErrorResponse(400, "invalid_grant", "code expired").status; // => 400
 */
export function oauthErrorResponse(status: number, error: string, description: string, headers: Record<string, string> = {}): Response {
  return jsonResponse(status, { error, error_description: description }, { "cache-control": "no-store", pragma: "no-cache", ...headers });
}

/**
 * Reads the cookies of a request (the first value of each name wins).
 *
 * @param request - the request
 * @returns name to value
 * @throws never
 * @example
 * readCookies(new Request("http://x/", { headers: { cookie: "a=1; b=2" } })).get("b"); // => "2"
 */
export function readCookies(request: Request): Map<string, string> {
  const out = new Map<string, string>();
  const header = request.headers.get("cookie");
  if (header === null) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** Attributes of the provider's cookies. */
export interface CookieAttributes {
  /** Cookie path. */
  path: string;
  /** Add `Secure` (https issuers). */
  secure: boolean;
  /** Max-Age in seconds; omitted for a session cookie, 0 to delete. */
  maxAge?: number;
}

/**
 * A Set-Cookie value: HttpOnly, SameSite=Lax, the given path, Secure on https.
 *
 * @param name - cookie name
 * @param value - cookie value (base64url, so no escaping is needed)
 * @param attrs - see {@link CookieAttributes}
 * @returns the header value
 * @throws never
 * @example
 * setCookie("op_session", "abc", { path: "/", secure: false }); // => "op_session=abc; Path=/; HttpOnly; SameSite=Lax"
 */
export function setCookie(name: string, value: string, attrs: CookieAttributes): string {
  let s = `${name}=${value}; Path=${attrs.path}`;
  if (attrs.maxAge !== undefined) s += `; Max-Age=${attrs.maxAge}`;
  s += "; HttpOnly; SameSite=Lax";
  if (attrs.secure) s += "; Secure";
  return s;
}

/** Parameters read from a query or form, with duplicates detected. */
export interface Params {
  /** The first value of each name. */
  get(name: string): string | undefined;
  /** Names that occur more than once (RFC 6749 section 3.1 forbids repeats). */
  readonly duplicates: string[];
}

/**
 * Wraps URLSearchParams: the first value per name, the repeated names, and empty values treated
 * as absent (RFC 6749 section 3.1).
 *
 * @param sp - the parameters
 * @returns a {@link Params}
 * @throws never
 * @example
 * toParams(new URLSearchParams("a=1&a=2&b=")).duplicates; // => ["a"]
 */
export function toParams(sp: URLSearchParams): Params {
  const seen = new Map<string, string>();
  const duplicates: string[] = [];
  for (const [k, v] of sp) {
    if (seen.has(k)) {
      if (!duplicates.includes(k)) duplicates.push(k);
    } else seen.set(k, v);
  }
  return {
    get: (name: string) => {
      const v = seen.get(name);
      return v === undefined || v === "" ? undefined : v;
    },
    duplicates,
  };
}

/**
 * Reads an `application/x-www-form-urlencoded` body; undefined when the content type differs.
 *
 * @param request - the request
 * @returns the parameters, or undefined
 * @throws never (a body that cannot be read gives undefined)
 * @example
 * const p = await readForm(new Request("http://x/", { method: "POST", body: new URLSearchParams("a=1") }));
 * p?.get("a"); // => "1"
 */
export async function readForm(request: Request): Promise<Params | undefined> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return undefined;
  try {
    return toParams(new URLSearchParams(await request.text()));
  } catch {
    return undefined;
  }
}
