/**
 * @module sticky/sim/scenario
 *
 * A simulation scenario is a plain object (easy to write in a notebook cell,
 * to copy and to tweak). This module defines its shape, checks it, fills in
 * defaults, and provides two presets: a default mixed workload and the seed's
 * walkthrough (session abc123 on Server A buys an iPhone and an iPad).
 */
import { StickyError } from "../errors.js";
import { isCookieSafeServerId } from "../cookie.js";
import { BALANCER_KINDS, type BalancerKind } from "../strategies/balancer.js";
import type { BalancerOptions } from "../strategies/index.js";
import type { StoreKind } from "./store.js";

/**
 * How the balancer keeps a user on one server.
 * - `none`: no affinity: every request is balanced on its own (key = a per-request id).
 * - `cookie`: the balancer inserts an HMAC-signed cookie naming the server.
 * - `unsigned-cookie`: the same with a plain `SERVERID=A` cookie (forgeable).
 * - `ip`: the client address is the key (ip-hash; NAT makes many users one key).
 * - `app-cookie`: the application's session id is the key.
 */
export type AffinityMode = "none" | "cookie" | "unsigned-cookie" | "ip" | "app-cookie";

/** Every {@link AffinityMode}, in a stable order (for tables and plots). */
export const AFFINITY_MODES: readonly AffinityMode[] = ["none", "cookie", "unsigned-cookie", "ip", "app-cookie"];

/** How many requests a user's session has (the last one is the checkout). */
export type SessionLength =
  | { kind: "fixed"; requests: number }
  | { kind: "uniform"; min: number; max: number }
  | { kind: "geometric"; mean: number };

/** Something that happens to the cluster at virtual time `at` (seconds). */
export type SimEvent =
  | { at: number; type: "crash"; server: string }
  | { at: number; type: "restart"; server: string }
  | { at: number; type: "scaleOut"; server: string }
  | { at: number; type: "scaleIn"; server: string }
  | { at: number; type: "drain"; server: string }
  | { at: number; type: "nat"; enabled: boolean };

/** One request of a scripted user. */
export type CartAction = { type: "add"; item: string } | { type: "view" } | { type: "checkout" };

/** A user whose requests are given, not drawn (e.g. the seed's abc123). */
export interface ScriptedUser {
  /** The application session id (also the user's name in the trace). */
  sessionId: string;
  /** Arrival time in seconds. */
  at: number;
  /** Requests in order; one every `thinkTime` seconds. */
  actions: CartAction[];
}

/** Users who present a cookie they were not given, to try to pick their server. */
export interface Forgery {
  /** Fraction of arriving users who forge, in [0, 1]. */
  fraction: number;
  /** The server they want. */
  target: string;
  /** "forged": an invented value; "expired": a genuine but expired signed cookie (replay). */
  kind: "forged" | "expired";
}

/** The full description of one simulation run. */
export interface Scenario {
  /** Server ids at time 0 (cookie-safe: `[A-Za-z0-9_-]{1,64}`). */
  servers: string[];
  /** How many drawn users arrive (scripted users come on top). */
  users: number;
  /** Mean arrivals per second (Poisson process). */
  arrivalRate: number;
  /** Requests per session. */
  sessionLength: SessionLength;
  /** Mean seconds between a user's requests (exponential). */
  thinkTime: number;
  /** Probability that a non-final request adds an item (else it views the cart). Default 0.6. */
  addProbability?: number;
  /** How stickiness is kept. */
  mode: AffinityMode;
  /** The balancer used for users without (valid) affinity. */
  strategy: BalancerKind;
  /** Options passed to `createBalancer` (vnodes, epsilon, prefix, seed, ...). */
  strategyOptions?: BalancerOptions;
  /** Cluster events, any order (sorted by time). */
  events?: SimEvent[];
  /** On a dead server, retry once on another (HAProxy `option redispatch`). */
  redispatch: boolean;
  /** Where carts live. */
  store: StoreKind;
  /** PRNG seed: same seed, same result. */
  seed: number;
  /** Stop at this virtual time (seconds); default: when every user has left. */
  duration?: number;
  /** The balancer notices a crash this many seconds later; null/absent: never (no health checks). */
  healthCheck?: { detectAfter: number } | null;
  /** Users behind NAT share `addresses` public IPv4s in one /24 while enabled (default off). */
  nat?: { addresses: number; enabled?: boolean };
  /** Lifetime of issued affinity cookies. Default 3600 s. */
  cookieTtlSeconds?: number;
  /** Users with forged or expired cookies. */
  forgery?: Forgery;
  /** Users with fixed scripts. */
  scripted?: ScriptedUser[];
  /** Seconds between load samples. Default: so that about 100 samples cover the run. */
  sampleInterval?: number;
  /** Synthetic keys used to measure keys moved on membership changes. Default 10000. */
  probeKeys?: number;
  /** Record every request in `result.trace`. Default false. */
  trace?: boolean;
}

/** A scenario with every default filled in and every field checked. */
export type ResolvedScenario = Required<Omit<Scenario, "duration" | "healthCheck" | "forgery" | "sampleInterval">> & {
  duration: number;
  healthCheck: { detectAfter: number } | null;
  forgery: Forgery | null;
  sampleInterval: number;
  nat: { addresses: number; enabled: boolean };
};

function bad(msg: string): StickyError {
  return new StickyError("ERR_STICKY_INPUT", `scenario: ${msg}`);
}

function isNonNegInt(x: unknown): x is number {
  return Number.isSafeInteger(x) && (x as number) >= 0;
}

function isPos(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x) && x > 0;
}

/**
 * Checks a scenario and fills in defaults.
 *
 * @param s - the scenario
 * @returns the resolved scenario (a new object; `s` is not modified)
 * @throws {StickyError} ERR_STICKY_INPUT naming the first bad field
 * @example
 * resolveScenario(defaultScenario()).probeKeys; // => 10000
 */
export function resolveScenario(s: Scenario): ResolvedScenario {
  if (s === null || typeof s !== "object") throw bad("must be an object");
  if (!Array.isArray(s.servers) || s.servers.length === 0) throw bad("servers must be a non-empty array");
  if (new Set(s.servers).size !== s.servers.length) throw bad("server ids must be distinct");
  for (const id of s.servers) if (!isCookieSafeServerId(id)) throw bad(`server id ${JSON.stringify(id)} is not [A-Za-z0-9_-]{1,64}`);
  if (!isNonNegInt(s.users)) throw bad("users must be an integer >= 0");
  if (!isPos(s.arrivalRate)) throw bad("arrivalRate must be > 0");
  if (!isPos(s.thinkTime)) throw bad("thinkTime must be > 0");
  const len = s.sessionLength;
  if (len == null || typeof len !== "object") throw bad("sessionLength is required");
  if (len.kind === "fixed") {
    if (!Number.isSafeInteger(len.requests) || len.requests < 1) throw bad("sessionLength.requests must be an integer >= 1");
  } else if (len.kind === "uniform") {
    if (!Number.isSafeInteger(len.min) || !Number.isSafeInteger(len.max) || len.min < 1 || len.max < len.min) {
      throw bad("sessionLength uniform needs integers 1 <= min <= max");
    }
  } else if (len.kind === "geometric") {
    if (!(typeof len.mean === "number" && len.mean >= 1 && Number.isFinite(len.mean))) throw bad("sessionLength.mean must be >= 1");
  } else {
    throw bad("sessionLength.kind must be fixed, uniform or geometric");
  }
  const addProbability = s.addProbability ?? 0.6;
  if (!(addProbability >= 0 && addProbability <= 1)) throw bad("addProbability must be in [0, 1]");
  if (!AFFINITY_MODES.includes(s.mode)) throw bad(`unknown mode ${JSON.stringify(s.mode)}`);
  if (!BALANCER_KINDS.includes(s.strategy)) throw bad(`unknown strategy ${JSON.stringify(s.strategy)}`);
  if (s.strategy === "ip-hash" && s.mode !== "ip") throw bad("the ip-hash strategy needs mode \"ip\" (its key is an address)");
  if (typeof s.redispatch !== "boolean") throw bad("redispatch must be true or false");
  if (s.store !== "local" && s.store !== "shared" && s.store !== "replicated") throw bad("store must be local, shared or replicated");
  if (!Number.isSafeInteger(s.seed)) throw bad("seed must be an integer");
  const duration = s.duration ?? Infinity;
  if (!(duration > 0)) throw bad("duration must be > 0");
  const healthCheck = s.healthCheck ?? null;
  if (healthCheck !== null && !(healthCheck.detectAfter >= 0 && Number.isFinite(healthCheck.detectAfter))) {
    throw bad("healthCheck.detectAfter must be a finite number >= 0");
  }
  const nat = { addresses: s.nat?.addresses ?? 1, enabled: s.nat?.enabled ?? false };
  if (!Number.isSafeInteger(nat.addresses) || nat.addresses < 1 || nat.addresses > 254) throw bad("nat.addresses must be in 1..254");
  const cookieTtlSeconds = s.cookieTtlSeconds ?? 3600;
  if (!Number.isSafeInteger(cookieTtlSeconds) || cookieTtlSeconds < 1) throw bad("cookieTtlSeconds must be an integer >= 1");
  const forgery = s.forgery ?? null;
  if (forgery !== null) {
    if (!(forgery.fraction >= 0 && forgery.fraction <= 1)) throw bad("forgery.fraction must be in [0, 1]");
    if (!isCookieSafeServerId(forgery.target)) throw bad("forgery.target must be a cookie-safe server id");
    if (forgery.kind !== "forged" && forgery.kind !== "expired") throw bad("forgery.kind must be forged or expired");
  }
  const events = (s.events ?? []).slice();
  for (const e of events) {
    if (e == null || typeof e.at !== "number" || !(e.at >= 0) || !Number.isFinite(e.at)) throw bad("every event needs a finite time at >= 0");
    if (e.type === "nat") {
      if (typeof e.enabled !== "boolean") throw bad("a nat event needs enabled: boolean");
    } else if (["crash", "restart", "scaleOut", "scaleIn", "drain"].includes(e.type)) {
      if (!isCookieSafeServerId(e.server)) throw bad(`${e.type} event needs a cookie-safe server id`);
    } else {
      throw bad(`unknown event type ${JSON.stringify((e as { type: unknown }).type)}`);
    }
  }
  const scripted = (s.scripted ?? []).slice();
  const ids = new Set<string>();
  for (const u of scripted) {
    if (!u || typeof u.sessionId !== "string" || u.sessionId.length === 0 || ids.has(u.sessionId)) {
      throw bad("scripted users need distinct non-empty sessionIds");
    }
    ids.add(u.sessionId);
    if (!(u.at >= 0) || !Number.isFinite(u.at)) throw bad("scripted user arrival at must be >= 0");
    if (!Array.isArray(u.actions) || u.actions.length === 0) throw bad("scripted users need at least one action");
    for (const a of u.actions) {
      if (a.type === "add" ? typeof a.item !== "string" : a.type !== "view" && a.type !== "checkout") {
        throw bad("scripted actions are {type:'add', item}, {type:'view'} or {type:'checkout'}");
      }
    }
  }
  const sampleInterval = s.sampleInterval ?? defaultSampleInterval(s, duration);
  if (!isPos(sampleInterval)) throw bad("sampleInterval must be > 0");
  const probeKeys = s.probeKeys ?? 10000;
  if (!isNonNegInt(probeKeys)) throw bad("probeKeys must be an integer >= 0");
  return {
    servers: s.servers.slice(),
    users: s.users,
    arrivalRate: s.arrivalRate,
    sessionLength: { ...len },
    thinkTime: s.thinkTime,
    addProbability,
    mode: s.mode,
    strategy: s.strategy,
    strategyOptions: { ...(s.strategyOptions ?? {}) },
    events,
    redispatch: s.redispatch,
    store: s.store,
    seed: s.seed,
    duration,
    healthCheck,
    nat,
    cookieTtlSeconds,
    forgery,
    scripted,
    sampleInterval,
    probeKeys,
    trace: s.trace ?? false,
  };
}

function meanRequests(len: SessionLength): number {
  if (len.kind === "fixed") return len.requests;
  if (len.kind === "uniform") return (len.min + len.max) / 2;
  return len.mean;
}

function defaultSampleInterval(s: Scenario, duration: number): number {
  // About 100 samples over the expected run: arrivals plus one average session.
  const span = Number.isFinite(duration)
    ? duration
    : s.users / s.arrivalRate + meanRequests(s.sessionLength) * s.thinkTime;
  return Math.max(span / 100, 1e-3);
}

/**
 * A small mixed workload that runs in a few milliseconds: 3 servers, 300
 * users arriving 2 per second, 3 to 12 requests each, 5 s apart on average,
 * signed-cookie affinity over round robin, local stores, redispatch on.
 *
 * @param overrides - fields to replace
 * @returns a new scenario object
 * @throws never
 * @example
 * runSimulation(defaultScenario({ mode: "ip", strategy: "ip-hash" }));
 */
export function defaultScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    servers: ["A", "B", "C"],
    users: 300,
    arrivalRate: 2,
    sessionLength: { kind: "uniform", min: 3, max: 12 },
    thinkTime: 5,
    mode: "cookie",
    strategy: "round-robin",
    events: [],
    redispatch: true,
    store: "local",
    seed: 42,
    ...overrides,
  };
}

/**
 * The seed's walkthrough: servers A, B and C behind a cookie-inserting
 * balancer; session abc123 arrives first (round robin gives it A), adds an
 * iPhone, then an iPad, and checks out with [iPhone, iPad], all on A.
 *
 * @param overrides - fields to replace (e.g. events: a crash of A at t = 7)
 * @returns a new scenario with one scripted user and no drawn users
 * @throws never
 * @example
 * runSimulation(seedCartScenario()).checkouts[0]; // => { sessionId: "abc123", server: "A", cart: ["iPhone", "iPad"], ... }
 */
export function seedCartScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    servers: ["A", "B", "C"],
    users: 0,
    arrivalRate: 1,
    sessionLength: { kind: "fixed", requests: 3 },
    thinkTime: 5,
    mode: "cookie",
    strategy: "round-robin",
    events: [],
    redispatch: true,
    store: "local",
    seed: 1,
    trace: true,
    scripted: [
      {
        sessionId: "abc123",
        at: 0,
        actions: [{ type: "add", item: "iPhone" }, { type: "add", item: "iPad" }, { type: "checkout" }],
      },
    ],
    ...overrides,
  };
}
