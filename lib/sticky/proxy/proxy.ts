/**
 * @module sticky/proxy/proxy
 *
 * A real sticky reverse proxy on `node:http`, in front of backends on
 * 127.0.0.1. What it does, and which HAProxy setting each part mirrors:
 *
 * - **Affinity cookie, inserted** (`cookie SRV insert`): a request without a
 *   valid cookie is balanced (round robin by default, any `createBalancer`
 *   kind), and the response carries `Set-Cookie: SRV=<signed value>; Path=/;
 *   HttpOnly; SameSite=Lax` (+ `Secure` on request). A request with a valid
 *   cookie goes to that server, and no cookie is set again.
 * - **Signed**: the value is `<id>.<expiry>.<HMAC>` (see `cookie.ts`). A
 *   forged, tampered or expired value counts as absent: the user is balanced
 *   as new and gets a fresh cookie. The `unsigned` mode (`SERVERID=A`, as
 *   HAProxy) trusts what the client sends, so a forged value steers.
 * - **Stripped before forwarding** (`indirect`): backends never see it.
 * - **Not cached by shared caches** (`nocache`): a response that sets the
 *   cookie gets `Cache-Control: private`, or `no-cache="Set-Cookie"` added to
 *   the backend's own Cache-Control, so a CDN never hands one user's cookie
 *   to another.
 * - **Health checks** (`check inter 200 fall 2 rise 2`): `GET /health` every
 *   interval; `fall` consecutive failures mark a server down, `rise`
 *   successes mark it up again. A request whose cookie names a down server is
 *   balanced elsewhere and re-issued a cookie (HAProxy does the same).
 * - **Redispatch** (`option redispatch`): when connecting to the chosen
 *   server fails (ECONNREFUSED, ECONNRESET), it is marked down at once and
 *   the request is retried once on another server, with a new cookie. The
 *   retry needs the request body again, so bodies are buffered (up to
 *   `maxBodyBytes`). Without redispatch that request gets 503, and the server
 *   stays "up" until health checks notice (again as HAProxy).
 * - **Drain** (`set server be/B state drain`): no new users, sticky users
 *   stay. **Maint**: no traffic at all; its sticky users are rebalanced.
 *
 * Clients are served by node:http. Backends are reached through a small
 * HTTP/1.1 client of its own (`UpstreamPool` below: one write per request,
 * its own response parser, pooled keep-alive connections), which costs far
 * less CPU per request than node:http's client; it is what brings the proxy
 * within reach of HAProxy's throughput (see bench/sticky). A pooled
 * connection the backend closed in the meantime gives ECONNRESET on reuse:
 * that case is retried once on a fresh connection to the same server before
 * counting as a failure. The request head and body are kept for that retry
 * and for redispatch.
 */
import { randomBytes } from "node:crypto";
import * as http from "node:http";
import {
  affinityCookieHeader,
  isCookieSafeServerId,
  issueAffinityCookie,
  issueUnsignedAffinityCookie,
  MIN_COOKIE_KEY_BYTES,
  readAffinityCookie,
  readUnsignedAffinityCookie,
} from "../cookie.js";
import { StickyError } from "../errors.js";
import { type Exchange, UpstreamPool } from "./upstream.js";
import { type Balancer, type BalancerKind, type BalancerOptions, createBalancer } from "../strategies/index.js";

/** One backend the proxy routes to. */
export interface ProxyTarget {
  /** Server id, `[A-Za-z0-9_-]{1,64}`: what the affinity cookie names. */
  id: string;
  /** Host, default "127.0.0.1". */
  host?: string;
  /** TCP port, 1..65535. */
  port: number;
}

/** Health-check settings (HAProxy `check inter fall rise`). */
export interface HealthCheckOptions {
  /** Milliseconds between checks of one server; default 200. */
  intervalMs?: number;
  /** Consecutive failures that mark an up server down; default 2. */
  fall?: number;
  /** Consecutive successes that mark a down server up; default 2. */
  rise?: number;
  /** Path to GET; a 2xx answer is a success. Default "/health". */
  path?: string;
  /** Per-check timeout in ms; default min(intervalMs, 1000). */
  timeoutMs?: number;
}

/** Administrative state of a server: `ready` (normal), `drain` (no new users), `maint` (no traffic). */
export type AdminState = "ready" | "drain" | "maint";

/** Why a response carries a new affinity cookie. */
export type IssueReason = "new" | "invalid" | "down" | "redispatch";

/** What the proxy reports through `onEvent` (for logs and notebooks). */
export type ProxyEvent =
  | { type: "route"; server: string; sticky: boolean }
  | { type: "issue"; server: string; reason: IssueReason }
  | { type: "redispatch"; from: string; to: string; code: string }
  | { type: "down"; server: string; cause: "check" | "connect" }
  | { type: "up"; server: string }
  | { type: "unavailable"; server: string | null; status: 502 | 503 | 504 };

/** Options of {@link startStickyProxy}. */
export interface StickyProxyOptions {
  /** The backends, distinct ids; at least one. */
  backends: readonly ProxyTarget[];
  /** "signed" (default): HMAC cookie; "unsigned": the server id in clear, like HAProxy. */
  cookieMode?: "signed" | "unsigned";
  /** Cookie name; default "SRV" (signed) or "SERVERID" (unsigned). */
  cookieName?: string;
  /** HMAC secret (>= 32 bytes) for the signed mode; default 32 random bytes per proxy. */
  key?: Uint8Array;
  /** Lifetime of a signed cookie in seconds; default 3600. */
  ttlSeconds?: number;
  /** Add `Secure` to the cookie (browsers then send it over HTTPS only). Default false. */
  secure?: boolean;
  /** Strategy for users without a valid cookie; default "round-robin" (starts at the first backend). */
  balancer?: BalancerKind;
  /** Options of that strategy. */
  balancerOptions?: BalancerOptions;
  /** Retry once on another server when connecting fails; default true. */
  redispatch?: boolean;
  /** Health checks, or false for none; default `{}` (200 ms, fall 2, rise 2). */
  healthCheck?: HealthCheckOptions | false;
  /** Backend response timeout in ms (then 504); default 10000. */
  timeoutMs?: number;
  /** Largest request body accepted (then 413); default 1 MiB. */
  maxBodyBytes?: number;
  /** Current time in seconds for cookie expiry; default wall-clock time. */
  clock?: () => number;
  /** Port to listen on, on 127.0.0.1; default 0 (ephemeral). */
  port?: number;
  /** Called for every routing decision and state change (must not throw). */
  onEvent?: (event: ProxyEvent) => void;
}

/** One backend as the proxy sees it. */
export interface TargetStatus {
  id: string;
  /** Health: false once health checks or a failed connection marked it down. */
  up: boolean;
  admin: AdminState;
  /** Requests in flight to it now. */
  inFlight: number;
  /** Responses it has served through the proxy. */
  served: number;
}

/** Counters since start. */
export interface ProxyStats {
  /** Requests received. */
  requests: number;
  /** Affinity cookies issued. */
  issued: number;
  /** Requests retried on another server after a connection failure. */
  redispatched: number;
  /** Responses 502/503/504 generated by the proxy itself. */
  unavailable: number;
}

/** A running sticky proxy. */
export interface StickyProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The affinity cookie's name. */
  readonly cookieName: string;
  /** Sets a server's administrative state (drain: no new users; maint: no traffic). */
  setState(id: string, state: AdminState): void;
  /** Shorthand for `setState(id, "drain")`. */
  drain(id: string): void;
  /** Per-backend status, in configuration order. */
  status(): TargetStatus[];
  /** Counters since start. */
  stats(): ProxyStats;
  /** Resolves true once server `id` is up (or down) as asked, false after `timeoutMs`. */
  waitFor(id: string, up: boolean, timeoutMs?: number): Promise<boolean>;
  /** Stops checks, closes the listener and every connection. Idempotent. */
  stop(): Promise<void>;
}

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/** The same, as a set for the per-request header filters. */
const HOP_BY_HOP_SET: ReadonlySet<string> = new Set(HOP_BY_HOP);
/** Verified signed cookies kept (then the cache starts over). */
const VERIFIED_CACHE_SIZE = 10_000;
const EMPTY_BODY = Buffer.alloc(0);

interface Target {
  id: string;
  host: string;
  port: number;
  up: boolean;
  admin: AdminState;
  inFlight: number;
  served: number;
  okRun: number;
  failRun: number;
  timer: NodeJS.Timeout | undefined;
  check: http.ClientRequest | undefined;
  pool: UpstreamPool;
}

function positiveInt(v: unknown, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw new StickyError("ERR_STICKY_INPUT", `startStickyProxy: ${what} must be a positive integer`);
  }
  return v;
}

/**
 * Splits our cookie out of a Cookie header: returns its first value and the
 * header without any occurrence of it (what the backend gets).
 */
function takeCookie(header: string | undefined, name: string): { value: string | undefined; rest: string } {
  if (header === undefined || header === "") return { value: undefined, rest: "" };
  let value: string | undefined;
  const kept: string[] = [];
  for (const raw of header.split(";")) {
    const part = raw.trim();
    if (part === "") continue;
    const eq = part.indexOf("=");
    const n = eq < 0 ? part : part.slice(0, eq).trim();
    if (n === name) {
      if (value === undefined && eq >= 0) value = part.slice(eq + 1).trim();
      continue;
    }
    kept.push(part);
  }
  return { value, rest: kept.join("; ") };
}

/** True if raw request headers announce a body (Transfer-Encoding, or a Content-Length other than 0). */
function announcesBody(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i].length;
    if (n !== 14 && n !== 17) continue; // "content-length", "transfer-encoding"
    const lower = raw[i].toLowerCase();
    if (lower === "transfer-encoding") return true;
    if (lower === "content-length" && raw[i + 1].trim() !== "0") return true;
  }
  return false;
}

function isConnectFailure(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ECONNREFUSED" || code === "ECONNRESET" ? code : undefined;
}



/**
 * Starts a sticky reverse proxy on 127.0.0.1.
 *
 * @param options - see {@link StickyProxyOptions}; only `backends` is required
 * @returns the running proxy; call `stop()` when done
 * @throws {StickyError} ERR_STICKY_INPUT for no backends, a bad or duplicate
 *   id, a bad port, a key under 32 bytes, non-positive counts or times, an
 *   unknown balancer kind; ERR_STICKY_COOKIE for a bad cookie name. The
 *   promise rejects with the listen error if it cannot listen.
 * @example
 * const proxy = await startStickyProxy({
 *   backends: [{ id: "A", port: 9001 }, { id: "B", port: 9002 }],
 *   redispatch: true,
 *   healthCheck: { intervalMs: 200, fall: 2, rise: 2 },
 * });
 * // first GET proxy.url + "/cart" -> server A, Set-Cookie: SRV=A.<exp>.<mac>; Path=/; ...
 * proxy.drain("A"); // A keeps its users, new ones go to B
 * await proxy.stop();
 */
export async function startStickyProxy(options: StickyProxyOptions): Promise<StickyProxy> {
  const o = options ?? ({} as StickyProxyOptions);
  if (!Array.isArray(o.backends) || o.backends.length === 0) {
    throw new StickyError("ERR_STICKY_INPUT", "startStickyProxy: backends must be a non-empty array");
  }
  // Needed by each backend's connection pool, so read before the list.
  const timeoutMs = positiveInt(o.timeoutMs, 10_000, "timeoutMs");
  const targets: Target[] = [];
  const byId = new Map<string, Target>();
  for (const b of o.backends) {
    if (b == null || !isCookieSafeServerId(b.id)) {
      throw new StickyError("ERR_STICKY_INPUT", "startStickyProxy: every backend id must match [A-Za-z0-9_-]{1,64}");
    }
    if (byId.has(b.id)) throw new StickyError("ERR_STICKY_INPUT", `startStickyProxy: duplicate backend id ${b.id}`);
    if (!Number.isSafeInteger(b.port) || b.port < 1 || b.port > 65535) {
      throw new StickyError("ERR_STICKY_INPUT", `startStickyProxy: backend ${b.id} needs a port in [1, 65535]`);
    }
    const host = b.host ?? "127.0.0.1";
    if (typeof host !== "string" || host === "") {
      throw new StickyError("ERR_STICKY_INPUT", `startStickyProxy: backend ${b.id} host must be a non-empty string`);
    }
    const t: Target = {
      id: b.id, host, port: b.port, up: true, admin: "ready", inFlight: 0, served: 0,
      okRun: 0, failRun: 0, timer: undefined, check: undefined, pool: new UpstreamPool(host, b.port, timeoutMs),
    };
    targets.push(t);
    byId.set(b.id, t);
  }
  const mode = o.cookieMode ?? "signed";
  if (mode !== "signed" && mode !== "unsigned") {
    throw new StickyError("ERR_STICKY_INPUT", 'startStickyProxy: cookieMode must be "signed" or "unsigned"');
  }
  const cookieName = o.cookieName ?? (mode === "signed" ? "SRV" : "SERVERID");
  const secure = o.secure ?? false;
  // Validates the name now (throws ERR_STICKY_COOKIE) rather than on the first request.
  affinityCookieHeader(cookieName, "x", { secure });
  // A per-proxy random key is the safe default: cookies then stop verifying
  // when the proxy restarts, which only costs users their server, never lets
  // anyone pick one. Pass `key` to keep cookies valid across restarts.
  const key = o.key ?? randomBytes(MIN_COOKIE_KEY_BYTES);
  if (!(key instanceof Uint8Array) || key.length < MIN_COOKIE_KEY_BYTES) {
    throw new StickyError("ERR_STICKY_INPUT", `startStickyProxy: key must be at least ${MIN_COOKIE_KEY_BYTES} bytes`);
  }
  const ttlSeconds = positiveInt(o.ttlSeconds, 3600, "ttlSeconds");
  const kind: BalancerKind = o.balancer ?? "round-robin";
  const balancerOptions = o.balancerOptions ?? {};
  createBalancer(kind, targets.map((t) => t.id), balancerOptions); // validates kind and options now
  const redispatch = o.redispatch ?? true;
  const hc = o.healthCheck === undefined ? {} : o.healthCheck;
  const interval = hc === false ? 0 : positiveInt(hc.intervalMs, 200, "healthCheck.intervalMs");
  const fall = hc === false ? 1 : positiveInt(hc.fall, 2, "healthCheck.fall");
  const rise = hc === false ? 1 : positiveInt(hc.rise, 2, "healthCheck.rise");
  const checkTimeout = hc === false ? 0 : positiveInt(hc.timeoutMs, Math.min(interval, 1000), "healthCheck.timeoutMs");
  const checkPath = hc === false ? "/health" : hc.path ?? "/health";
  if (typeof checkPath !== "string" || !checkPath.startsWith("/")) {
    throw new StickyError("ERR_STICKY_INPUT", "startStickyProxy: healthCheck.path must start with /");
  }
  const maxBodyBytes = positiveInt(o.maxBodyBytes, 1024 * 1024, "maxBodyBytes");
  const clock = o.clock ?? (() => Date.now() / 1000);
  if (typeof clock !== "function") throw new StickyError("ERR_STICKY_INPUT", "startStickyProxy: clock must be a function");
  const listenPort = o.port ?? 0;
  if (!Number.isSafeInteger(listenPort) || listenPort < 0 || listenPort > 65535) {
    throw new StickyError("ERR_STICKY_INPUT", "startStickyProxy: port must be an integer in [0, 65535]");
  }
  const emit = (e: ProxyEvent): void => {
    if (o.onEvent) {
      try {
        o.onEvent(e);
      } catch {
        // A logging callback must not break routing.
      }
    }
  };

  const stats: ProxyStats = { requests: 0, issued: 0, redispatched: 0, unavailable: 0 };
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  let stopping = false;

  const markDown = (t: Target, cause: "check" | "connect"): void => {
    t.okRun = 0;
    if (!t.up) return;
    t.up = false;
    emit({ type: "down", server: t.id, cause });
    notify();
  };
  const markUp = (t: Target): void => {
    t.failRun = 0;
    if (t.up) return;
    t.up = true;
    emit({ type: "up", server: t.id });
    notify();
  };

  // The balancer is built for a fixed list, so it is rebuilt whenever the
  // set of servers open to new users changes (round robin then restarts at
  // the first of them: deterministic).
  let balancer: Balancer | undefined;
  let balancerFor = "";
  const pickNew = (clientKey: string, exclude: string | undefined): Target | undefined => {
    const open = targets.filter((t) => t.up && t.admin === "ready" && t.id !== exclude);
    if (open.length === 0) return undefined;
    const sig = open.map((t) => t.id).join(",");
    if (balancer === undefined || sig !== balancerFor) {
      balancer = createBalancer(kind, open.map((t) => t.id), balancerOptions);
      balancerFor = sig;
    }
    const loads = new Map(open.map((t) => [t.id, t.inFlight] as [string, number]));
    return byId.get(balancer.pick({ key: clientKey, loads }));
  };

  // Values this proxy has verified (HMAC checked), so a returning user's
  // cookie costs a map lookup, not an HMAC: only exact strings that verified
  // are cached, and expiry is still checked against the clock every time.
  const verified = new Map<string, { serverId: string; expiresAt: number }>();
  const readCookie = (value: string | undefined): string | null => {
    if (value === undefined) return null;
    if (mode === "unsigned") {
      const u = readUnsignedAffinityCookie(value);
      return u === null ? null : u.serverId;
    }
    const now = clock();
    const hit = verified.get(value);
    if (hit !== undefined) return now < hit.expiresAt ? hit.serverId : null;
    const c = readAffinityCookie(value, { key, now });
    if (c === null) return null;
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.clear();
    verified.set(value, c);
    return c.serverId;
  };
  const newCookie = (serverId: string): string => {
    const value = mode === "signed"
      ? issueAffinityCookie(serverId, { key, now: clock(), ttlSeconds })
      : issueUnsignedAffinityCookie(serverId);
    // Max-Age is left out: a session cookie, as HAProxy inserts; the signed
    // value carries its own expiry, which is what the proxy trusts.
    return affinityCookieHeader(cookieName, value, { secure });
  };

  const fail = (res: http.ServerResponse, status: 502 | 503 | 504, server: string | null, message: string): void => {
    stats.unavailable++;
    emit({ type: "unavailable", server, status });
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const text = JSON.stringify({ error: message });
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    });
    res.end(text);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void => {
    // Raw headers in, raw headers out: `req.headers` would build an object
    // per request only to be copied and edited; this is the hot path.
    const raw = req.rawHeaders;
    let cookieHeader: string | undefined;
    let xff: string | undefined;
    const headers: string[] = [];
    let hasHost = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i];
      const lower = name.toLowerCase();
      if (lower === "host") hasHost = true;
      if (lower === "cookie") cookieHeader = cookieHeader === undefined ? raw[i + 1] : `${cookieHeader}; ${raw[i + 1]}`;
      else if (lower === "x-forwarded-for") xff = xff === undefined ? raw[i + 1] : `${xff}, ${raw[i + 1]}`;
      else if (lower !== "content-length" && !HOP_BY_HOP_SET.has(lower)) headers.push(name, raw[i + 1]);
    }
    const { value, rest } = takeCookie(cookieHeader, cookieName);
    const boundId = readCookie(value);
    const bound = boundId === null ? undefined : byId.get(boundId);
    const clientKey = req.socket.remoteAddress ?? "";
    let target: Target | undefined;
    let reason: IssueReason | undefined;
    if (bound !== undefined && bound.up && bound.admin !== "maint") {
      target = bound; // sticky, even while draining
    } else {
      reason = bound !== undefined ? "down" : value === undefined ? "new" : "invalid";
      target = pickNew(clientKey, undefined);
    }
    if (target === undefined) {
      fail(res, 503, null, "no server available");
      return;
    }
    if (!hasHost) headers.push("Host", `${target.host}:${target.port}`); // HTTP/1.0 clients may omit it
    if (rest !== "") headers.push("Cookie", rest); // our cookie never reaches the backend (indirect)
    // A bodyless GET or HEAD goes without Content-Length, as clients send it.
    if (body.length > 0 || (req.method !== "GET" && req.method !== "HEAD")) headers.push("Content-Length", String(body.length));
    headers.push("X-Forwarded-For", xff === undefined ? clientKey : `${xff}, ${clientKey}`);
    let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
    head += "\r\n";
    const isHeadRequest = req.method === "HEAD";

    const attempt = (t: Target, issueReason: IssueReason | undefined, sameRetried: boolean, redispatched: boolean): void => {
      t.inFlight++;
      let done = false;
      const finish = (): void => {
        if (!done) {
          done = true;
          t.inFlight--;
        }
      };
      let exchange: Exchange | undefined;
      const onClientGone = (): void => {
        if (!res.writableFinished) exchange?.abort();
        finish();
      };
      res.once("close", onClientGone);
      exchange = t.pool.request(head, body, isHeadRequest, {
        head(status, rawOut) {
          const out: string[] = [];
          let cacheControl: string | undefined;
          for (let i = 0; i < rawOut.length; i += 2) {
            const lower = rawOut[i].toLowerCase();
            if (HOP_BY_HOP_SET.has(lower)) continue;
            if (issueReason !== undefined && lower === "cache-control") {
              cacheControl = cacheControl === undefined ? rawOut[i + 1] : `${cacheControl}, ${rawOut[i + 1]}`;
              continue;
            }
            out.push(rawOut[i], rawOut[i + 1]);
          }
          if (issueReason !== undefined) {
            // After the backend's own Set-Cookie lines.
            out.push("Set-Cookie", newCookie(t.id));
            // nocache: a shared cache must not store one user's affinity cookie.
            out.push("Cache-Control", cacheControl === undefined || cacheControl === "" ? "private" : `${cacheControl}, no-cache="Set-Cookie"`);
            stats.issued++;
            emit({ type: "issue", server: t.id, reason: issueReason });
          }
          if (o.onEvent) emit({ type: "route", server: t.id, sticky: issueReason === undefined });
          if (!res.destroyed) res.writeHead(status, out);
        },
        data(chunk) {
          if (res.destroyed) return true; // the client left; the exchange is being aborted
          if (res.write(chunk)) return true;
          const resume = (): void => {
            res.off("drain", resume);
            exchange?.resume();
          };
          res.on("drain", resume);
          return false;
        },
        end() {
          res.off("close", onClientGone);
          if (!res.destroyed) res.end();
          t.served++;
          finish();
        },
        error(err, reused, gotHead) {
          res.off("close", onClientGone);
          finish();
          if (gotHead || res.headersSent || res.destroyed || stopping) {
            res.destroy();
            return;
          }
          const code = isConnectFailure(err);
          if (code === "ECONNRESET" && reused && !sameRetried) {
            // A pooled keep-alive connection the backend closed meanwhile: not
            // a sign of a dead server. Retry once on a fresh connection.
            attempt(t, issueReason, true, redispatched);
            return;
          }
          if (code !== undefined && redispatch && !redispatched) {
            markDown(t, "connect");
            const next = pickNew(clientKey, t.id);
            if (next === undefined) {
              fail(res, 503, t.id, "no server available");
              return;
            }
            stats.redispatched++;
            emit({ type: "redispatch", from: t.id, to: next.id, code });
            attempt(next, "redispatch", true, true);
            return;
          }
          if (err.code === "ETIMEDOUT") fail(res, 504, t.id, "backend timeout");
          else if (code !== undefined) fail(res, 503, t.id, "server unavailable");
          else fail(res, 502, t.id, "bad gateway");
        },
      });
    };
    attempt(target, reason, false, false);
  };

  const server = http.createServer((req, res) => {
    stats.requests++;
    if (!announcesBody(req.rawHeaders)) {
      // No body (a GET, most of the time): route at once, nothing to buffer.
      req.on("error", () => res.destroy());
      req.resume();
      handle(req, res, EMPTY_BODY);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on("data", (c: Buffer) => {
      if (tooBig) return;
      size += c.length;
      if (size > maxBodyBytes) {
        tooBig = true;
        chunks.length = 0;
        res.writeHead(413, { "content-type": "text/plain", connection: "close" });
        res.end("request body too large");
      } else chunks.push(c);
    });
    req.on("end", () => {
      if (!tooBig) handle(req, res, Buffer.concat(chunks));
    });
    req.on("error", () => res.destroy());
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  // Health checks: one at a time per server, the next one `interval` after
  // the previous one ended, so a slow server never has checks piling up.
  const scheduleCheck = (t: Target): void => {
    if (stopping || interval === 0) return;
    t.timer = setTimeout(() => runCheck(t), interval);
    t.timer.unref();
  };
  const runCheck = (t: Target): void => {
    t.timer = undefined;
    if (stopping) return;
    let settled = false;
    const settle = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      t.check = undefined;
      if (stopping) return;
      if (ok) {
        t.okRun++;
        t.failRun = 0;
        if (!t.up && t.okRun >= rise) markUp(t);
      } else {
        t.failRun++;
        t.okRun = 0;
        if (t.up && t.failRun >= fall) markDown(t, "check");
      }
      scheduleCheck(t);
    };
    const req = http.request({ host: t.host, port: t.port, method: "GET", path: checkPath, agent: false, timeout: checkTimeout });
    t.check = req;
    req.on("response", (r) => {
      r.resume();
      const ok = (r.statusCode ?? 0) >= 200 && (r.statusCode ?? 0) < 300;
      r.on("end", () => settle(ok));
      r.on("error", () => settle(false));
      r.on("aborted", () => settle(false));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => settle(false));
    req.end();
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  for (const t of targets) scheduleCheck(t);

  let stopped: Promise<void> | undefined;
  const target = (id: string, fn: string): Target => {
    const t = typeof id === "string" ? byId.get(id) : undefined;
    if (t === undefined) throw new StickyError("ERR_STICKY_INPUT", `${fn}: unknown server id ${JSON.stringify(id)}`);
    return t;
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    cookieName,
    setState(id: string, state: AdminState): void {
      const t = target(id, "setState");
      if (state !== "ready" && state !== "drain" && state !== "maint") {
        throw new StickyError("ERR_STICKY_INPUT", 'setState: state must be "ready", "drain" or "maint"');
      }
      t.admin = state;
    },
    drain(id: string): void {
      target(id, "drain").admin = "drain";
    },
    status(): TargetStatus[] {
      return targets.map((t) => ({ id: t.id, up: t.up, admin: t.admin, inFlight: t.inFlight, served: t.served }));
    },
    stats(): ProxyStats {
      return { ...stats };
    },
    waitFor(id: string, up: boolean, waitMs = 5000): Promise<boolean> {
      const t = target(id, "waitFor");
      if (!Number.isSafeInteger(waitMs) || waitMs < 0) {
        throw new StickyError("ERR_STICKY_INPUT", "waitFor: timeoutMs must be an integer >= 0");
      }
      if (t.up === up) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const check = (): void => {
          if (t.up === up) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(true);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(false);
        }, waitMs);
        waiters.add(check);
      });
    },
    stop(): Promise<void> {
      if (stopped) return stopped;
      stopping = true;
      for (const t of targets) {
        if (t.timer) clearTimeout(t.timer);
        t.check?.destroy();
      }
      stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const t of targets) t.pool.destroy();
      return stopped;
    },
  };
}
