/**
 * @module sticky/haproxy/compare
 *
 * Our sticky proxy and HAProxy side by side, on the seed's scenario and the
 * cases that tell sticky designs apart. Every case starts fresh cart
 * backends as child processes (servers A, B, C, each its own PID) and one
 * load balancer in front: ours (`startStickyProxy`, signed `SRV` cookie) or
 * HAProxy (`cookie SERVERID insert indirect nocache httponly`). One user,
 * "abc123" in the seed, puts an iPhone and then an iPad in her cart through
 * it, with a real cookie jar (tough-cookie); then:
 *
 * - **crash**: the backend holding her cart is killed with SIGKILL by PID;
 *   her next request is observed (status, server, cart, new cookie, time),
 *   then she retries until a 200 or `settleMs` (stuck = never).
 * - **tamper**: she edits her affinity cookie to name server B (HAProxy:
 *   `SERVERID=B`; ours: her signed value with the id changed to B), or to
 *   garbage; and `newUsers` fresh users send the same forged cookie.
 * - **drain**: her server is drained (ours: `drain()`, HAProxy: its admin
 *   socket), then put in maintenance; she and `newUsers` new users ask.
 *
 * Everything started is stopped by PID in `finally`, also on failure.
 */
import { randomBytes } from "node:crypto";
import { StickyError } from "../errors.js";
import { spawnBackend } from "../proxy/backend.js";
import { type ClientResponse, type StickyClient, createClient } from "../proxy/client.js";
import { startStickyProxy } from "../proxy/proxy.js";
import { startHaproxy } from "./process.js";

/** Which load balancer a row is about. */
export type ComparedProxy = "ours" | "haproxy";

/** The cases {@link compareWithHaproxy} runs. */
export type ComparisonCase = "seed" | "crash" | "tamper" | "drain";

/**
 * Every {@link ComparisonCase}, in the order they run.
 * @example
 * compareWithHaproxy({ cases: COMPARISON_CASES.filter((c) => c !== "crash") });
 */
export const COMPARISON_CASES: readonly ComparisonCase[] = ["seed", "crash", "tamper", "drain"];

/** One crash variant: `option redispatch` and health checks on or off. */
export interface CrashVariant {
  redispatch: boolean;
  check: boolean;
}

/**
 * The four crash variants, as in the research note's table.
 * @example
 * compareWithHaproxy({ cases: ["crash"], crashVariants: CRASH_VARIANTS.filter((v) => v.redispatch) });
 */
export const CRASH_VARIANTS: readonly CrashVariant[] = [
  { redispatch: true, check: true },
  { redispatch: false, check: true },
  { redispatch: true, check: false },
  { redispatch: false, check: false },
];

/** One outcome: what the user saw on the request after the event. */
export interface ComparisonRow {
  case: ComparisonCase;
  /** What was done, e.g. "redispatch + check", "forged: names B", "drain A". */
  variant: string;
  proxy: ComparedProxy;
  /** HTTP status of the observed request (0: no HTTP answer at all). */
  status: number;
  /** The server that answered (from the cart's JSON), or null. */
  server: string | null;
  /** Her cart still holds [iPhone, iPad]. */
  cartKept: boolean;
  /** That response set a new affinity cookie. */
  newCookie: boolean;
  /** That request's latency in ms. */
  ms: number;
  /** She got no 200 (crash: not even after retrying for `settleMs`). */
  stuck: boolean;
  /** crash: ms from the SIGKILL to her first 200, null if none within `settleMs`; else null. */
  recoverMs: number | null;
  /** tamper: the forged cookie was honoured (sent where it said, no new cookie); else null. */
  steered: boolean | null;
  /** tamper: where the fresh forgers went; drain: where the new users went; else null. */
  spread: Record<string, number> | null;
  /** tamper: how many of the fresh forgers the forged cookie steered; else null. */
  honoured: number | null;
  /** One sentence saying what happened. */
  detail: string;
}

/** Options of {@link compareWithHaproxy}. */
export interface CompareOptions {
  /** Which load balancers; default ["ours", "haproxy"]. */
  proxies?: readonly ComparedProxy[];
  /** Which cases; default all ({@link COMPARISON_CASES}). */
  cases?: readonly ComparisonCase[];
  /** Crash variants; default {@link CRASH_VARIANTS}. */
  crashVariants?: readonly CrashVariant[];
  /** Fresh users in the tamper and drain cases; default 6. */
  newUsers?: number;
  /** crash: how long she keeps retrying before she counts as stuck, ms; default 2000. */
  settleMs?: number;
  /** Health-check interval of both balancers, ms (fall 2, rise 2); default 300. */
  checkIntervalMs?: number;
  /** HAProxy binary; default found by `haproxyAvailable()`. */
  haproxyPath?: string;
  /** Our proxy's HMAC key (>= 32 bytes); default random per run. */
  key?: Uint8Array;
  /** Called with a short progress line before each case runs. */
  onProgress?: (message: string) => void;
}

/** The seed's servers. */
const SERVER_IDS = ["A", "B", "C"] as const;
/** The seed's cart. */
const SEED_ITEMS = ["iPhone", "iPad"];

type Spawned = Awaited<ReturnType<typeof spawnBackend>>;

interface Rig {
  proxy: ComparedProxy;
  url: string;
  cookieName: string;
  backends: Map<string, Spawned>;
  setState(id: string, state: "drain" | "maint"): Promise<void>;
  stop(): Promise<void>;
}

interface Resolved {
  newUsers: number;
  settleMs: number;
  checkIntervalMs: number;
  haproxyPath: string | undefined;
  key: Uint8Array;
}

async function startRig(proxy: ComparedProxy, v: CrashVariant, o: Resolved): Promise<Rig> {
  const backends = new Map<string, Spawned>();
  let stopLb: (() => Promise<void>) | undefined;
  const stopAll = async (): Promise<void> => {
    await Promise.allSettled([stopLb?.(), ...[...backends.values()].map((b) => b.stop())]);
  };
  try {
    const started = await Promise.allSettled(SERVER_IDS.map((id) => spawnBackend({ id })));
    started.forEach((r, i) => {
      if (r.status === "fulfilled") backends.set(SERVER_IDS[i], r.value);
    });
    const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const list = SERVER_IDS.map((id) => ({ id, port: backends.get(id)!.port }));
    if (proxy === "ours") {
      const p = await startStickyProxy({
        backends: list,
        redispatch: v.redispatch,
        healthCheck: v.check ? { intervalMs: o.checkIntervalMs, fall: 2, rise: 2 } : false,
        key: o.key,
      });
      stopLb = () => p.stop();
      return {
        proxy,
        url: p.url,
        cookieName: p.cookieName,
        backends,
        setState: async (id, state) => p.setState(id, state),
        stop: stopAll,
      };
    }
    const h = await startHaproxy({
      servers: list,
      redispatch: v.redispatch,
      healthCheck: v.check ? { interMs: o.checkIntervalMs, fall: 2, rise: 2 } : false,
      haproxyPath: o.haproxyPath,
    });
    stopLb = () => h.stop();
    return {
      proxy,
      url: h.url,
      cookieName: h.cookieName,
      backends,
      setState: (id, state) => (state === "drain" ? h.drain(id) : h.maint(id)),
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function withRig<T>(proxy: ComparedProxy, v: CrashVariant, o: Resolved, fn: (rig: Rig) => Promise<T>): Promise<T> {
  const rig = await startRig(proxy, v, o);
  try {
    return await fn(rig);
  } finally {
    await rig.stop();
  }
}

interface Timed {
  r: ClientResponse | null;
  ms: number;
  end: number;
  error: string;
}

async function timed(call: () => Promise<ClientResponse>): Promise<Timed> {
  const t0 = performance.now();
  try {
    const r = await call();
    const end = performance.now();
    return { r, ms: end - t0, end, error: "" };
  } catch (e) {
    const end = performance.now();
    return { r: null, ms: end - t0, end, error: e instanceof Error ? e.message : String(e) };
  }
}

const serverOf = (t: Timed): string | null =>
  t.r !== null && t.r.json !== undefined && typeof t.r.json.server === "string" ? t.r.json.server : null;
const statusOf = (t: Timed): number => (t.r === null ? 0 : t.r.status);
const setsCookie = (t: Timed, name: string): boolean =>
  t.r !== null && t.r.setCookies.some((l) => l.startsWith(`${name}=`));
const hasSeedCart = (t: Timed): boolean =>
  t.r !== null && t.r.status === 200 && Array.isArray(t.r.json?.items) &&
  JSON.stringify(t.r.json.items) === JSON.stringify(SEED_ITEMS);
const round1 = (x: number): number => Math.round(x * 10) / 10;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The same counts with keys in sorted order (stable output). */
const sorted = (s: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const k of Object.keys(s).sort()) out[k] = s[k];
  return out;
};
const spreadText = (s: Record<string, number>): string =>
  Object.keys(s).sort().map((k) => `${k}×${s[k]}`).join(" ") || "none";

/** The seed's four requests; throws if she does not end with [iPhone, iPad] on one server. */
async function seedUser(client: StickyClient, cookieName: string): Promise<{ home: string; last: Timed; servers: string[]; cookieSets: number }> {
  const steps: Timed[] = [];
  steps.push(await timed(() => client.get("/cart")));
  for (const item of SEED_ITEMS) steps.push(await timed(() => client.post("/cart/items", { item })));
  steps.push(await timed(() => client.get("/cart")));
  const servers = steps.map(serverOf);
  const last = steps[steps.length - 1];
  const home = servers[0];
  if (home === null || servers.some((s) => s !== home) || !hasSeedCart(last)) {
    throw new StickyError(
      "ERR_STICKY_NO_SERVER",
      `compareWithHaproxy: the seed's cart did not stay on one server (servers ${JSON.stringify(servers)}, statuses ${steps.map(statusOf).join(",")})`,
    );
  }
  return { home, last, servers: servers as string[], cookieSets: steps.filter((s) => setsCookie(s, cookieName)).length };
}

function row(base: Pick<ComparisonRow, "case" | "variant" | "proxy">, t: Timed, cookieName: string, extra: Partial<ComparisonRow>): ComparisonRow {
  return {
    ...base,
    status: statusOf(t),
    server: serverOf(t),
    cartKept: hasSeedCart(t),
    newCookie: setsCookie(t, cookieName),
    ms: round1(t.ms),
    stuck: statusOf(t) !== 200,
    recoverMs: null,
    steered: null,
    spread: null,
    honoured: null,
    detail: "",
    ...extra,
  };
}

async function seedCase(proxy: ComparedProxy, o: Resolved): Promise<ComparisonRow[]> {
  return withRig(proxy, { redispatch: true, check: true }, o, async (rig) => {
    const alice = createClient(rig.url);
    const s = await seedUser(alice, rig.cookieName);
    return [
      row({ case: "seed", variant: "GET, add iPhone, add iPad, GET", proxy }, s.last, rig.cookieName, {
        detail: `all 4 requests on ${s.home}; ${rig.cookieName} set ${s.cookieSets === 1 ? "once" : `${s.cookieSets} times`} (${rig.cookieName}=${alice.cookie(rig.cookieName)})`,
      }),
    ];
  });
}

function variantName(v: CrashVariant): string {
  return `${v.redispatch ? "redispatch" : "no redispatch"}, ${v.check ? "check" : "no check"}`;
}

async function crashCase(proxy: ComparedProxy, v: CrashVariant, o: Resolved): Promise<ComparisonRow> {
  return withRig(proxy, v, o, async (rig) => {
    const alice = createClient(rig.url);
    const { home } = await seedUser(alice, rig.cookieName);
    const victim = rig.backends.get(home)!;
    const tKill = performance.now();
    process.kill(victim.pid!, "SIGKILL");
    await victim.exited; // the OS has closed its sockets
    const first = await timed(() => alice.get("/cart"));
    let recoverMs: number | null = statusOf(first) === 200 ? first.end - tKill : null;
    let later: Timed | undefined;
    while (recoverMs === null && performance.now() - tKill < o.settleMs) {
      await sleep(50);
      later = await timed(() => alice.get("/cart"));
      if (statusOf(later) === 200) recoverMs = later.end - tKill;
    }
    const what = statusOf(first) === 0 ? `no answer (${first.error})` : `${statusOf(first)}${serverOf(first) ? ` from ${serverOf(first)}` : ""}`;
    const after =
      recoverMs === null
        ? `; still ${later ? statusOf(later) : statusOf(first)} ${Math.round(o.settleMs)} ms after the kill: stuck`
        : statusOf(first) === 200
          ? ""
          : `; 200 from ${serverOf(later!)} ${Math.round(recoverMs)} ms after the kill`;
    return row({ case: "crash", variant: variantName(v), proxy }, first, rig.cookieName, {
      stuck: recoverMs === null,
      recoverMs: recoverMs === null ? null : round1(recoverMs),
      detail: `${home} killed (SIGKILL, pid ${victim.pid}); next request: ${what} in ${Math.round(first.ms)} ms${
        statusOf(first) === 200 ? (hasSeedCart(first) ? ", cart kept" : ", cart lost") : ""
      }${after}`,
    });
  });
}

async function tamperCase(proxy: ComparedProxy, o: Resolved): Promise<ComparisonRow[]> {
  return withRig(proxy, { redispatch: true, check: true }, o, async (rig) => {
    const name = rig.cookieName;
    const alice = createClient(rig.url);
    const { home } = await seedUser(alice, name);
    const saved = alice.cookies();
    const genuine = saved[name];
    const target = SERVER_IDS.find((id) => id !== home)!;
    // HAProxy's value is the server id itself; ours is "<id>.<expiry>.<mac>":
    // the forger keeps her genuine expiry and MAC and changes only the id.
    const forged = proxy === "haproxy" ? target : `${target}${genuine.slice(genuine.indexOf("."))}`;
    const variants: Array<{ label: string; value: string; names: string | null }> = [
      { label: `forged: names ${target}`, value: forged, names: target },
      { label: "garbage: ZZZ", value: "ZZZ", names: null },
    ];
    const rows: ComparisonRow[] = [];
    for (const v of variants) {
      for (const [k, val] of Object.entries(saved)) alice.setCookie(k, val); // her real jar again
      alice.setCookie(name, v.value);
      const t = await timed(() => alice.get("/cart"));
      const steered = v.names !== null && serverOf(t) === v.names && !setsCookie(t, name);
      const spread: Record<string, number> = {};
      let honoured = 0;
      for (let i = 0; i < o.newUsers; i++) {
        const f = createClient(rig.url);
        f.setCookie(name, v.value);
        const ft = await timed(() => f.get("/cart"));
        const s = serverOf(ft) ?? `status ${statusOf(ft)}`;
        spread[s] = (spread[s] ?? 0) + 1;
        if (v.names !== null && s === v.names && !setsCookie(ft, name)) honoured++;
      }
      const how = steered
        ? `honoured: sent to ${serverOf(t)}, no new cookie`
        : setsCookie(t, name)
          ? `rejected: balanced as new (${serverOf(t)}), new cookie ${name}=${alice.cookie(name)}`
          : `ignored: ${statusOf(t)} from ${serverOf(t)}`;
      rows.push(
        row({ case: "tamper", variant: v.label, proxy }, t, name, {
          steered: v.names === null ? false : steered,
          spread: sorted(spread),
          honoured,
          detail: `${name}=${v.value} ${how}; ${o.newUsers} fresh users with it: ${spreadText(spread)}`,
        }),
      );
    }
    return rows;
  });
}

async function drainCase(proxy: ComparedProxy, o: Resolved): Promise<ComparisonRow[]> {
  return withRig(proxy, { redispatch: true, check: true }, o, async (rig) => {
    const name = rig.cookieName;
    const alice = createClient(rig.url);
    const { home } = await seedUser(alice, name);
    const rows: ComparisonRow[] = [];
    for (const state of ["drain", "maint"] as const) {
      await rig.setState(home, state);
      const t = await timed(() => alice.get("/cart"));
      const spread: Record<string, number> = {};
      for (let i = 0; i < o.newUsers; i++) {
        const s = serverOf(await timed(() => createClient(rig.url).get("/cart"))) ?? "none";
        spread[s] = (spread[s] ?? 0) + 1;
      }
      const her = statusOf(t) === 200 ? `she is on ${serverOf(t)}, cart ${hasSeedCart(t) ? "kept" : "lost"}` : `she gets ${statusOf(t)}`;
      rows.push(
        row({ case: "drain", variant: `${state} ${home}`, proxy }, t, name, {
          spread: sorted(spread),
          detail: `${state} ${home}: ${her}${setsCookie(t, name) ? ", new cookie" : ""}; ${o.newUsers} new users: ${spreadText(spread)}`,
        }),
      );
    }
    return rows;
  });
}

/**
 * Runs the seed's scenario and the crash, tamper and drain cases through our
 * sticky proxy and through HAProxy, each on fresh child-process backends,
 * and returns one row per (case, variant, proxy), ready for a table.
 *
 * @param options - see {@link CompareOptions}
 * @returns the rows, grouped by case and variant, ours before HAProxy
 * @throws {StickyError} ERR_STICKY_INPUT for an unknown proxy, case or a bad
 *   number; the promise rejects with `HaproxyError` ERR_HAPROXY_MISSING when
 *   HAProxy is asked for and not installed (ask for `proxies: ["ours"]`
 *   then), or with the error of whatever failed to start; every process
 *   started is stopped first
 * @example
 * const rows = await compareWithHaproxy({ cases: ["tamper"] });
 * // [{ case: "tamper", variant: "forged: names B", proxy: "ours", steered: false, ... },
 * //  { case: "tamper", variant: "forged: names B", proxy: "haproxy", steered: true, server: "B", ... }, ...]
 */
export async function compareWithHaproxy(options: CompareOptions = {}): Promise<ComparisonRow[]> {
  const o = options ?? {};
  const proxies = o.proxies ?? (["ours", "haproxy"] as const);
  const cases = o.cases ?? COMPARISON_CASES;
  const variants = o.crashVariants ?? CRASH_VARIANTS;
  if (!Array.isArray(proxies) || proxies.length === 0 || proxies.some((p) => p !== "ours" && p !== "haproxy")) {
    throw new StickyError("ERR_STICKY_INPUT", 'compareWithHaproxy: proxies must be a non-empty list of "ours" and "haproxy"');
  }
  if (!Array.isArray(cases) || cases.length === 0 || cases.some((c) => !COMPARISON_CASES.includes(c))) {
    throw new StickyError("ERR_STICKY_INPUT", `compareWithHaproxy: cases must be a non-empty list of ${COMPARISON_CASES.join(", ")}`);
  }
  if (!Array.isArray(variants) || variants.some((v) => v == null || typeof v.redispatch !== "boolean" || typeof v.check !== "boolean")) {
    throw new StickyError("ERR_STICKY_INPUT", "compareWithHaproxy: crashVariants must be a list of { redispatch, check } booleans");
  }
  const posInt = (v: unknown, dflt: number, max: number, what: string): number => {
    if (v === undefined) return dflt;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1 || v > max) {
      throw new StickyError("ERR_STICKY_INPUT", `compareWithHaproxy: ${what} must be an integer in [1, ${max}]`);
    }
    return v;
  };
  const resolved: Resolved = {
    newUsers: posInt(o.newUsers, 6, 1000, "newUsers"),
    settleMs: posInt(o.settleMs, 2000, 600_000, "settleMs"),
    checkIntervalMs: posInt(o.checkIntervalMs, 300, 60_000, "checkIntervalMs"),
    haproxyPath: o.haproxyPath,
    key: o.key ?? randomBytes(32),
  };
  const progress = (m: string): void => {
    try {
      o.onProgress?.(m);
    } catch {
      // a progress callback must not break the run
    }
  };
  const rows: ComparisonRow[] = [];
  for (const c of COMPARISON_CASES) {
    if (!cases.includes(c)) continue;
    if (c === "crash") {
      for (const v of variants) {
        for (const p of proxies) {
          progress(`crash (${variantName(v)}) through ${p}`);
          rows.push(await crashCase(p, v, resolved));
        }
      }
      continue;
    }
    const byProxy: ComparisonRow[][] = [];
    for (const p of proxies) {
      progress(`${c} through ${p}`);
      byProxy.push(c === "seed" ? await seedCase(p, resolved) : c === "tamper" ? await tamperCase(p, resolved) : await drainCase(p, resolved));
    }
    // Interleave so each variant's rows sit together: ours, then HAProxy.
    for (let i = 0; i < byProxy[0].length; i++) for (const list of byProxy) if (list[i]) rows.push(list[i]);
  }
  return rows;
}
