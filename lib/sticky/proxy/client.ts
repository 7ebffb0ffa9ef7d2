/**
 * @module sticky/proxy/client
 *
 * A tiny HTTP client with a cookie jar, playing the browser in front of the
 * proxy: it stores what `Set-Cookie` says and sends it back. The jar is
 * tough-cookie's `CookieJar` (RFC 6265: Path, Max-Age / Expires, HttpOnly,
 * host-only cookies), set up as a browser treats a plain-http origin:
 * a `Secure` cookie received over http:// is not stored and never sent back,
 * even on 127.0.0.1 (tough-cookie's `allowSecureOnLocal` is turned off), so
 * a proxy with `secure: true` loses stickiness on plain HTTP: that is the
 * point of `Secure`.
 */
import * as http from "node:http";
import { Cookie, CookieJar } from "tough-cookie";
import { StickyError } from "../errors.js";

/** One response, fully read. */
export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The raw Set-Cookie header lines of this response. */
  setCookies: string[];
  /** The body as text. */
  text: string;
  /** The body parsed as JSON, or undefined if it is not JSON. */
  json: any;
}

/** A client bound to one base URL, with its own cookie jar. */
export interface StickyClient {
  readonly baseUrl: string;
  /** The tough-cookie jar behind it (e.g. `jar.getCookiesSync(baseUrl + "/")`). */
  readonly jar: CookieJar;
  /** GET `path`. */
  get(path: string): Promise<ClientResponse>;
  /** POST `body` as JSON to `path`. */
  post(path: string, body: unknown): Promise<ClientResponse>;
  /** Any method; `body` is sent as JSON when given. */
  request(method: string, path: string, body?: unknown): Promise<ClientResponse>;
  /** The jar's value of cookie `name`, or undefined. */
  cookie(name: string): string | undefined;
  /** A copy of the whole jar. */
  cookies(): Record<string, string>;
  /** Writes a cookie into the jar by hand (to forge or replay one). */
  setCookie(name: string, value: string): void;
  /** Removes a cookie from the jar. */
  deleteCookie(name: string): void;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Per-request timeout in ms (the promise rejects after it); default 10000. */
  timeoutMs?: number;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/**
 * Applies one Set-Cookie line to a plain name → value map, as a browser would
 * on an http:// origin (parsed by tough-cookie's `Cookie.parse`; Domain and
 * Path are ignored). For notebooks and tests that want a jar they can print;
 * {@link createClient} keeps a full tough-cookie `CookieJar`.
 *
 * @param jar - the jar to update
 * @param line - one Set-Cookie header value
 * @param nowMs - current time in ms, for `Expires` / `Max-Age` (default Date.now())
 * @returns the jar (updated in place)
 * @throws never: a malformed line is ignored, as browsers do
 * @example
 * const jar = new Map<string, string>();
 * applySetCookie(jar, "SRV=A.1.x; Path=/; HttpOnly"); // jar.get("SRV") === "A.1.x"
 * applySetCookie(jar, "SRV=; Max-Age=0"); // deleted
 */
export function applySetCookie(jar: Map<string, string>, line: string, nowMs: number = Date.now()): Map<string, string> {
  if (typeof line !== "string") return jar;
  const c = Cookie.parse(line, { loose: false });
  if (c === undefined || !TOKEN.test(c.key)) return jar;
  let value = c.value;
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!VALUE.test(value)) return jar;
  if (c.secure) return jar; // never stored from an insecure (http) origin
  // Max-Age wins over Expires (RFC 6265 5.3); a session cookie never expires here.
  const expiry = c.expiryTime(new Date(nowMs));
  if (expiry !== undefined && expiry <= nowMs) jar.delete(c.key);
  else jar.set(c.key, value);
  return jar;
}

/**
 * Creates a client with an empty cookie jar for `baseUrl` (http only).
 *
 * @param baseUrl - e.g. `http://127.0.0.1:8080`
 * @param options - see {@link ClientOptions}
 * @returns the client
 * @throws {StickyError} ERR_STICKY_INPUT for a URL that is not http:// or a bad timeout
 * @example
 * const alice = createClient(cluster.url);
 * await alice.get("/cart");                       // jar now holds SRV and sid
 * await alice.post("/cart/items", { item: "iPhone" });
 * (await alice.get("/cart")).json; // => { server: "A", sid: "...", items: ["iPhone"] }
 */
export function createClient(baseUrl: string, options: ClientOptions = {}): StickyClient {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new StickyError("ERR_STICKY_INPUT", `createClient: not a URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== "http:") throw new StickyError("ERR_STICKY_INPUT", "createClient: only http:// URLs");
  const timeoutMs = (options ?? {}).timeoutMs ?? 10_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) {
    throw new StickyError("ERR_STICKY_INPUT", "createClient: timeoutMs must be a positive integer");
  }
  const origin = url.origin;
  const root = `${origin}/`;
  // A browser's rules for http://: Secure cookies are neither stored nor sent.
  const jar = new CookieJar(undefined, { allowSecureOnLocal: false, looseMode: false });
  // ignoreError: a cookie the jar refuses (Secure over http, a foreign
  // Domain) is dropped silently, as browsers do, instead of throwing.
  const store = (line: string, at: string): void => {
    jar.setCookieSync(line, at, { ignoreError: true });
  };
  const current = (): Cookie[] => jar.getCookiesSync(root, { allPaths: true, sort: true });
  const request = (method: string, path: string, body?: unknown): Promise<ClientResponse> => {
    if (typeof path !== "string" || !path.startsWith("/")) {
      return Promise.reject(new StickyError("ERR_STICKY_INPUT", "request: path must start with /"));
    }
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
    const headers: http.OutgoingHttpHeaders = {};
    const cookieHeader = jar.getCookieStringSync(origin + path);
    if (cookieHeader !== "") headers.cookie = cookieHeader;
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = payload.length;
    }
    return new Promise<ClientResponse>((resolve, reject) => {
      // agent: false = one connection per request, closed after it: nothing
      // stays open to keep a test or notebook process alive.
      const req = http.request(
        { host: url.hostname, port: url.port || 80, method, path, headers, agent: false, timeout: timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const setCookies = res.headers["set-cookie"] ?? [];
            for (const line of setCookies) store(line, origin + path);
            const text = Buffer.concat(chunks).toString("utf8");
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, setCookies, text, json });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  };
  return {
    baseUrl: origin,
    jar,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body),
    request,
    cookie: (name) => current().find((c) => c.key === name)?.value,
    cookies() {
      const out: Record<string, string> = {};
      // Longest path first (RFC 6265 5.4 order): the first value per name wins.
      for (const c of current()) if (!(c.key in out)) out[c.key] = c.value;
      return out;
    },
    setCookie(name, value) {
      if (typeof name !== "string" || !TOKEN.test(name) || typeof value !== "string" || !VALUE.test(value)) {
        throw new StickyError("ERR_STICKY_COOKIE", "setCookie: name must be a token and value cookie-octets");
      }
      store(`${name}=${value}; Path=/`, root);
    },
    deleteCookie(name) {
      for (const c of current()) {
        if (c.key === name) store(`${name}=; Max-Age=0; Path=${c.path ?? "/"}`, root);
      }
    },
  };
}
