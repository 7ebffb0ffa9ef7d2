/**
 * @module sticky/proxy/client
 *
 * A tiny HTTP client with a cookie jar, playing the browser in front of the
 * proxy: it stores what `Set-Cookie` says and sends it back. `tough-cookie`
 * is not installed here, and one origin over plain HTTP needs little: the
 * jar keeps name → value, honours `Max-Age` / `Expires` deletion, and, as a
 * browser does, never stores a `Secure` cookie received over http (so a
 * proxy with `secure: true` loses stickiness on plain HTTP: that is the point
 * of `Secure`). Domain and Path are ignored (one origin, every path).
 */
import * as http from "node:http";
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
 * Applies one Set-Cookie line to a jar (name → value), as a browser would on
 * an http:// origin.
 *
 * @param jar - the jar to update
 * @param line - one Set-Cookie header value
 * @param nowMs - current time in ms, for `Expires` (default Date.now())
 * @returns the jar (updated in place)
 * @throws never: a malformed line is ignored, as browsers do
 * @example
 * const jar = new Map<string, string>();
 * applySetCookie(jar, "SRV=A.1.x; Path=/; HttpOnly"); // jar.get("SRV") === "A.1.x"
 * applySetCookie(jar, "SRV=; Max-Age=0"); // deleted
 */
export function applySetCookie(jar: Map<string, string>, line: string, nowMs: number = Date.now()): Map<string, string> {
  if (typeof line !== "string") return jar;
  const [pair, ...attrs] = line.split(";");
  const eq = pair.indexOf("=");
  if (eq < 1) return jar;
  const name = pair.slice(0, eq).trim();
  let value = pair.slice(eq + 1).trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  if (!TOKEN.test(name) || !VALUE.test(value)) return jar;
  let expired = false;
  let secure = false;
  let maxAgeSeen = false;
  for (const a of attrs) {
    const i = a.indexOf("=");
    const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    const v = i < 0 ? "" : a.slice(i + 1).trim();
    if (k === "secure") secure = true;
    else if (k === "max-age" && /^-?\d+$/.test(v)) {
      maxAgeSeen = true; // Max-Age wins over Expires (RFC 6265 5.3)
      expired = Number(v) <= 0;
    } else if (k === "expires" && !maxAgeSeen) {
      const t = Date.parse(v);
      if (Number.isFinite(t)) expired = t <= nowMs;
    }
  }
  if (secure) return jar; // never stored from an insecure (http) origin
  if (expired) jar.delete(name);
  else jar.set(name, value);
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
  const jar = new Map<string, string>();
  const request = (method: string, path: string, body?: unknown): Promise<ClientResponse> => {
    if (typeof path !== "string" || !path.startsWith("/")) {
      return Promise.reject(new StickyError("ERR_STICKY_INPUT", "request: path must start with /"));
    }
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body), "utf8");
    const headers: http.OutgoingHttpHeaders = {};
    if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
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
            for (const line of setCookies) applySetCookie(jar, line);
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
    baseUrl: url.origin,
    get: (path) => request("GET", path),
    post: (path, body) => request("POST", path, body),
    request,
    cookie: (name) => jar.get(name),
    cookies: () => Object.fromEntries(jar),
    setCookie(name, value) {
      if (typeof name !== "string" || !TOKEN.test(name) || typeof value !== "string" || !VALUE.test(value)) {
        throw new StickyError("ERR_STICKY_COOKIE", "setCookie: name must be a token and value cookie-octets");
      }
      jar.set(name, value);
    },
    deleteCookie(name) {
      jar.delete(name);
    },
  };
}
