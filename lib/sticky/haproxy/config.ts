/**
 * @module sticky/haproxy/config
 *
 * HAProxy's configuration for the Day 6 comparison, as a pure function of
 * its options: one HTTP frontend on 127.0.0.1, one backend `be` balanced
 * round robin, the affinity cookie inserted the way the seed describes
 * (`cookie SERVERID insert indirect nocache httponly`: HAProxy adds
 * `Set-Cookie: SERVERID=A` to the first response, strips the cookie before
 * the request reaches the server, and marks such responses uncacheable),
 * `option redispatch` on or off, health checks on or off, and an admin
 * socket through which servers are drained.
 */
import { isCookieSafeServerId } from "../cookie.js";
import { StickyError } from "../errors.js";

/** One server behind HAProxy. */
export interface HaproxyServer {
  /** Server id, `[A-Za-z0-9_-]{1,64}`: its name in HAProxy and its cookie value. */
  id: string;
  /** TCP port, 1..65535. */
  port: number;
  /** IPv4 address; default "127.0.0.1". */
  host?: string;
}

/** Health checks (`check inter <ms> fall <n> rise <n>`). */
export interface HaproxyHealthCheck {
  /** Milliseconds between checks; default 300. */
  interMs?: number;
  /** Consecutive failures that mark a server down; default 2. */
  fall?: number;
  /** Consecutive successes that mark it up again; default 2. */
  rise?: number;
  /** When set, an HTTP check (`option httpchk GET <path>`); default: a TCP connect check. */
  path?: string;
}

/** Options of {@link haproxyConfig}. */
export interface HaproxyConfigOptions {
  /** The servers, distinct ids, in balancing order; at least one. */
  servers: readonly HaproxyServer[];
  /** The frontend's port on 127.0.0.1 (HAProxy cannot bind port 0). */
  port: number;
  /** Absolute path of the admin socket (`stats socket unix@<path> mode 600 level admin`). */
  adminSocket: string;
  /** `option redispatch` (true, the default) or `no option redispatch`. */
  redispatch?: boolean;
  /** Health checks: true (default: inter 300 fall 2 rise 2), false (none) or settings. */
  healthCheck?: boolean | HaproxyHealthCheck;
  /** `retries`: connection attempts after the first fails; default 2. */
  retries?: number;
  /** `timeout connect` in ms; default 500. */
  timeoutConnectMs?: number;
  /** `timeout client` in ms; default 10000. */
  timeoutClientMs?: number;
  /** `timeout server` in ms; default 10000. */
  timeoutServerMs?: number;
  /** The affinity cookie's name; default "SERVERID". */
  cookieName?: string;
  /** `nbthread`: worker threads; default 1 (a fair peer for one Node process). */
  nbthread?: number;
}

/**
 * The backend's name in the generated configuration (`set server be/<id> ...`).
 * @example
 * await hap.admin(`show servers state ${HAPROXY_BACKEND}`);
 */
export const HAPROXY_BACKEND = "be";

const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
/** A socket path HAProxy reads as one word: absolute, no spaces, quotes, `#` or control characters. */
const SOCKET_PATH = /^\/[A-Za-z0-9._\/+-]+$/;
/** sun_path holds 108 bytes including the final NUL. */
const MAX_SOCKET_PATH = 107;

function int(v: unknown, dflt: number, min: number, max: number, what: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new StickyError("ERR_STICKY_INPUT", `haproxyConfig: ${what} must be an integer in [${min}, ${max}]`);
  }
  return v;
}

/**
 * Builds HAProxy's configuration text. Pure: the same options give the same
 * text, and every option is checked (nothing reaches HAProxy unquoted).
 *
 * @param options - see {@link HaproxyConfigOptions}
 * @returns the configuration file's text (ends with a newline)
 * @throws {StickyError} ERR_STICKY_INPUT for no servers, a bad or duplicate
 *   id, a bad port or host, a socket path that is not absolute or has spaces,
 *   quotes or `#`, a bad cookie name, or a number out of range
 * @example
 * haproxyConfig({ servers: [{ id: "A", port: 9001 }], port: 8081, adminSocket: "/tmp/x/admin.sock" });
 * // => "global\n    stats socket unix@/tmp/x/admin.sock mode 600 level admin\n ...
 * //     server A 127.0.0.1:9001 cookie A check inter 300 fall 2 rise 2\n"
 */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const o = options ?? ({} as HaproxyConfigOptions);
  if (!Array.isArray(o.servers) || o.servers.length === 0) {
    throw new StickyError("ERR_STICKY_INPUT", "haproxyConfig: servers must be a non-empty array");
  }
  const seen = new Set<string>();
  for (const s of o.servers) {
    if (s == null || !isCookieSafeServerId(s.id)) {
      throw new StickyError("ERR_STICKY_INPUT", "haproxyConfig: server ids must match [A-Za-z0-9_-]{1,64}");
    }
    if (seen.has(s.id)) throw new StickyError("ERR_STICKY_INPUT", `haproxyConfig: duplicate server id ${s.id}`);
    seen.add(s.id);
    if (s.port === undefined) throw new StickyError("ERR_STICKY_INPUT", `haproxyConfig: server ${s.id} needs a port`);
    int(s.port, 0, 1, 65535, `port of server ${s.id}`);
    if (s.host !== undefined && (typeof s.host !== "string" || !IPV4.test(s.host))) {
      throw new StickyError("ERR_STICKY_INPUT", `haproxyConfig: host of server ${s.id} must be an IPv4 address`);
    }
  }
  if (o.port === undefined) throw new StickyError("ERR_STICKY_INPUT", "haproxyConfig: port is required");
  const port = int(o.port, 0, 1, 65535, "port");
  const sock = o.adminSocket;
  if (typeof sock !== "string" || !SOCKET_PATH.test(sock) || sock.length > MAX_SOCKET_PATH) {
    throw new StickyError(
      "ERR_STICKY_INPUT",
      `haproxyConfig: adminSocket must be an absolute path of at most ${MAX_SOCKET_PATH} characters from [A-Za-z0-9._/+-]`,
    );
  }
  const redispatch = o.redispatch ?? true;
  if (typeof redispatch !== "boolean") throw new StickyError("ERR_STICKY_INPUT", "haproxyConfig: redispatch must be a boolean");
  const hc = o.healthCheck ?? true;
  if (typeof hc !== "boolean" && (typeof hc !== "object" || hc === null)) {
    throw new StickyError("ERR_STICKY_INPUT", "haproxyConfig: healthCheck must be a boolean or an object");
  }
  const check = hc === false ? null : hc === true ? {} : hc;
  const inter = check === null ? 0 : int(check.interMs, 300, 10, 3_600_000, "healthCheck.interMs");
  const fall = check === null ? 0 : int(check.fall, 2, 1, 100, "healthCheck.fall");
  const rise = check === null ? 0 : int(check.rise, 2, 1, 100, "healthCheck.rise");
  const checkPath = check === null ? undefined : check.path;
  if (checkPath !== undefined && (typeof checkPath !== "string" || !/^\/[A-Za-z0-9._~\/?=&%-]*$/.test(checkPath))) {
    throw new StickyError("ERR_STICKY_INPUT", "haproxyConfig: healthCheck.path must start with / and have no spaces");
  }
  const retries = int(o.retries, 2, 0, 100, "retries");
  const tConnect = int(o.timeoutConnectMs, 500, 1, 3_600_000, "timeoutConnectMs");
  const tClient = int(o.timeoutClientMs, 10_000, 1, 3_600_000, "timeoutClientMs");
  const tServer = int(o.timeoutServerMs, 10_000, 1, 3_600_000, "timeoutServerMs");
  const nbthread = int(o.nbthread, 1, 1, 64, "nbthread");
  const cookieName = o.cookieName ?? "SERVERID";
  if (typeof cookieName !== "string" || !COOKIE_NAME.test(cookieName)) {
    throw new StickyError("ERR_STICKY_INPUT", "haproxyConfig: cookieName must be a cookie token");
  }
  const checkWords = check === null ? "" : ` check inter ${inter} fall ${fall} rise ${rise}`;
  const lines = [
    "# Generated by lib/sticky/haproxy/config.ts for the Day 6 comparison.",
    "global",
    `    stats socket unix@${sock} mode 600 level admin`,
    `    nbthread ${nbthread}`,
    "defaults",
    "    mode http",
    `    timeout connect ${tConnect}ms`,
    `    timeout client ${tClient}ms`,
    `    timeout server ${tServer}ms`,
    `    retries ${retries}`,
    redispatch ? "    option redispatch" : "    no option redispatch",
    "frontend fe",
    `    bind 127.0.0.1:${port}`,
    `    default_backend ${HAPROXY_BACKEND}`,
    `backend ${HAPROXY_BACKEND}`,
    "    balance roundrobin",
    `    cookie ${cookieName} insert indirect nocache httponly`,
    ...(checkPath !== undefined ? [`    option httpchk GET ${checkPath}`] : []),
    ...o.servers.map((s) => `    server ${s.id} ${s.host ?? "127.0.0.1"}:${s.port} cookie ${s.id}${checkWords}`),
  ];
  return lines.join("\n") + "\n";
}
