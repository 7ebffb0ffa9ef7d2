/**
 * @module sticky/simulation
 *
 * A deterministic discrete-event simulation of shoppers behind a load
 * balancer. Virtual time only (no wall clock), one seeded PRNG stream for
 * arrivals and one per user, so the same scenario and seed always give the
 * same result, and a user does the same things whatever happens around them
 * (runs with and without a crash stay comparable user by user).
 *
 * Each user arrives (Poisson), makes requests (add an item, view the cart)
 * `thinkTime` seconds apart on average, checks out and leaves. Every request
 * goes through the affinity layer ({@link AffinityMode}), then to a server
 * that keeps carts in a {@link SessionStore}. Events crash, restart, add,
 * remove and drain servers, and switch NAT on or off. The result counts what
 * users feel (failed requests, carts lost, users stuck on a dead server) and
 * what operators watch (load per server, keys moved on a membership change,
 * a drained server's remaining sessions).
 */
import { createHash } from "node:crypto";
import { createRng, type Rng } from "../random/index.js";
import { StickyError } from "./errors.js";
import {
  issueAffinityCookie,
  issueUnsignedAffinityCookie,
  readAffinityCookie,
  readUnsignedAffinityCookie,
} from "./cookie.js";
import { createBalancer, type Balancer } from "./strategies/index.js";
import { EventQueue } from "./sim/events.js";
import { type LoadSummary, idealMovedFraction, summariseLoad } from "./sim/metrics.js";
import { type CartAction, type ResolvedScenario, type Scenario, type SimEvent, resolveScenario } from "./sim/scenario.js";
import { type SessionStore, createSessionStore } from "./sim/store.js";

export {
  type AffinityMode,
  type CartAction,
  type Forgery,
  type ResolvedScenario,
  type Scenario,
  type ScriptedUser,
  type SessionLength,
  type SimEvent,
  AFFINITY_MODES,
  defaultScenario,
  resolveScenario,
  seedCartScenario,
} from "./sim/scenario.js";
export { type StoreKind, type SessionStore, createSessionStore } from "./sim/store.js";
export { type LoadSummary, idealMovedFraction, summariseLoad } from "./sim/metrics.js";

/** Virtual time 0 as Unix seconds, for cookie expiries (any fixed value keeps runs identical). */
export const SIM_EPOCH_SECONDS = 1_700_000_000;

/** One request, as recorded when `scenario.trace` is true. */
export interface TraceEntry {
  /** Virtual time in seconds. */
  t: number;
  /** The user's application session id. */
  sessionId: string;
  /** What the request did. */
  action: "add" | "view" | "checkout";
  /** The item, for "add". */
  item?: string;
  /** The server that answered, or null when the request failed. */
  server: string | null;
  /** How the server was chosen: a valid cookie, the balancer, a redispatch after a dead target, or nothing (failed). */
  via: "cookie" | "balancer" | "redispatch" | "failed";
  /** The cart after the request (empty for a failed request). */
  cart: string[];
  /** True when the request found the user's cart gone. */
  cartLost: boolean;
}

/** What happened when the set of servers taking new users changed. */
export interface MembershipChange {
  /** Virtual time in seconds. */
  t: number;
  /** Why: a scale event, a drain, a restart, or a health check noticing a crash. */
  cause: "scaleOut" | "scaleIn" | "drain" | "restart" | "crash-detected";
  /** Servers the balancer used before and after. */
  before: string[];
  after: string[];
  /** Fraction of `probeKeys` synthetic keys whose balancer pick changed. */
  probeMovedFraction: number;
  /** The least possible moved fraction, 1/(N+1) for N → N+1. */
  ideal: number;
  /** Active users at the change, and how many of their keys the balancer now maps elsewhere. */
  activeUsers: number;
  activeKeysMoved: number;
  /** Active users whose route changes, counting affinity cookies (0 for cookie modes on scale-out). */
  activeRerouted: number;
}

/** A crash and the carts it put at risk. */
export interface CrashRecord {
  t: number;
  server: string;
  /** Active users last served by this server who had a non-empty cart. */
  cartsOnServer: number;
  /** Active users with a non-empty cart, on any server. */
  activeCarts: number;
  /** cartsOnServer / activeCarts (NaN when there are none). */
  share: number;
  /** Carts that became unreachable in the store (0 for shared, single crash 0 for replicated). */
  cartsUnreachable: number;
}

/** A drained server's remaining sticky sessions over time. */
export interface DrainRecord {
  server: string;
  at: number;
  /** Samples from the drain on: active users still on the server. */
  timeline: { t: number; sessions: number }[];
  /** Users whose first successful request landed on the server after the drain (should be 0). */
  newUsersAfter: number;
}

/** A completed checkout. */
export interface CheckoutRecord {
  t: number;
  sessionId: string;
  server: string;
  cart: string[];
}

/** Everything a run measured. */
export interface SimulationResult {
  /** The scenario with defaults filled in. */
  scenario: ResolvedScenario;
  /** Virtual time of the last processed event (or the duration). */
  endTime: number;
  /** Users who arrived, and of them how many finished their session. */
  users: number;
  finishedUsers: number;
  /** Requests made, failed, and saved by a redispatch. */
  requests: number;
  failedRequests: number;
  redispatched: number;
  /** Times a user found their non-empty cart gone (a user can lose twice). */
  sessionsLost: number;
  /** Users who lost a cart at least once. */
  usersWithLostCart: number;
  /** Users whose last request failed: they left (or the run ended) unable to reach a server. */
  stuckUsers: number;
  /** Times a user was served by a different server than their previous request. */
  serverSwitches: number;
  checkouts: CheckoutRecord[];
  /** Requests served per server (every server ever in the pool), its summary, and active users per server over time. */
  load: {
    requests: Record<string, number>;
    summary: LoadSummary;
    timeline: { t: number; active: Record<string, number> }[];
  };
  crashes: CrashRecord[];
  membership: MembershipChange[];
  drains: DrainRecord[];
  /** Forging users: how many, how many first landed on their target, and how many requests honoured the forged cookie. */
  forgery: { users: number; onTarget: number; honoured: number } | null;
  /** Every request, when `scenario.trace` is true. */
  trace?: TraceEntry[];
}

const CATALOG = ["iPhone", "iPad", "MacBook", "AirPods", "Watch", "Pencil", "Charger", "Case"];
const P_EVENT = 0;
const P_REQUEST = 1;
const P_SAMPLE = 2;

interface User {
  sessionId: string;
  idx: number;
  rng: Rng;
  ip: string;
  script: CartAction[] | null;
  total: number;
  made: number;
  expected: string[];
  cookie: string | null;
  forgedCookie: string | null;
  lastServer: string | null;
  assignedTo: string | null;
  firstServer: string | null;
  lastOk: boolean;
  lostCart: boolean;
}

type Item =
  | { kind: "arrival"; idx: number }
  | { kind: "scripted"; k: number }
  | { kind: "request"; user: User }
  | { kind: "event"; event: SimEvent }
  | { kind: "detect"; server: string }
  | { kind: "sample" };

function mixSeed(seed: number, i: number): number {
  return (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) | 0;
}

function exponential(rng: Rng, mean: number): number {
  // 1 - u is in (0, 1]: log never sees 0.
  return -Math.log(1 - rng.uniform()) * mean;
}

function randomIp(rng: Rng): string {
  return `${rng.int(1, 197)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function startsWith(cart: readonly string[], prefix: readonly string[]): boolean {
  return cart.length >= prefix.length && prefix.every((x, i) => cart[i] === x);
}

/**
 * Runs one scenario to completion in virtual time.
 *
 * @param scenario - see {@link Scenario}; presets: `defaultScenario()`, `seedCartScenario()`
 * @returns the metrics (and the trace when `scenario.trace` is true); the
 *   same scenario always gives a deep-equal result
 * @throws {StickyError} ERR_STICKY_INPUT for a bad scenario or an impossible
 *   event (crash of an unknown server, scale-out of an existing one, ...)
 * @example
 * const r = runSimulation(seedCartScenario());
 * r.checkouts[0]; // => { t: 10, sessionId: "abc123", server: "A", cart: ["iPhone", "iPad"] }
 * runSimulation(defaultScenario({ events: [{ at: 60, type: "crash", server: "A" }] })).stuckUsers; // => 0
 */
export function runSimulation(scenario: Scenario): SimulationResult {
  const sc = resolveScenario(scenario);
  return new Simulation(sc).run();
}

class Simulation {
  private readonly q = new EventQueue<Item>();
  private readonly arrivals: Rng;
  private readonly store: SessionStore;
  private readonly key: Buffer;
  private readonly attackerKey: Buffer;
  private readonly probe: string[];
  private readonly pool: string[];
  private readonly up = new Set<string>();
  private readonly lbDown = new Set<string>();
  /** Servers draining now (no new users), with the record each drain writes to. */
  private readonly draining = new Map<string, DrainRecord>();
  /** Every drain of the run, in order, for the result. */
  private readonly drainRecords: DrainRecord[] = [];
  private readonly assigned = new Map<string, number>();
  private readonly active = new Set<User>();
  private readonly allUsers: User[] = [];
  private readonly requestsPer: Record<string, number> = {};
  private live: Balancer;
  private candidates: string[];
  private readonly redispatchCache = new Map<string, Balancer>();
  private natEnabled: boolean;
  private pending = 0;
  private now = 0;
  // counters
  private requests = 0;
  private failed = 0;
  private redispatched = 0;
  private sessionsLost = 0;
  private switches = 0;
  private finished = 0;
  private forgers = 0;
  private forgersOnTarget = 0;
  private forgedHonoured = 0;
  private readonly checkouts: CheckoutRecord[] = [];
  private readonly timeline: { t: number; active: Record<string, number> }[] = [];
  private readonly crashes: CrashRecord[] = [];
  private readonly membership: MembershipChange[] = [];
  private readonly trace: TraceEntry[] | null;

  constructor(private readonly sc: ResolvedScenario) {
    this.arrivals = createRng(sc.seed);
    this.store = createSessionStore(sc.store);
    // A fixed secret per seed: a simulation needs determinism, not secrecy.
    this.key = createHash("sha256").update(`sticky-sim-key:${sc.seed}`).digest();
    this.attackerKey = createHash("sha256").update(`attacker-guess:${sc.seed}`).digest();
    this.pool = sc.servers.slice();
    for (const s of this.pool) {
      this.up.add(s);
      this.requestsPer[s] = 0;
    }
    this.natEnabled = sc.nat.enabled;
    this.trace = sc.trace ? [] : null;
    const probeRng = createRng(mixSeed(sc.seed, -7));
    this.probe = [];
    for (let i = 0; i < sc.probeKeys; i++) this.probe.push(sc.mode === "ip" ? randomIp(probeRng) : `probe-${i}`);
    this.candidates = this.computeCandidates();
    this.live = this.build(this.candidates);
  }

  private build(servers: readonly string[]): Balancer {
    return createBalancer(this.sc.strategy, servers, this.sc.strategyOptions);
  }

  private computeCandidates(): string[] {
    return this.pool.filter((s) => !this.lbDown.has(s) && !this.draining.has(s));
  }

  private schedule(time: number, priority: number, item: Item): void {
    if (item.kind !== "sample") this.pending++;
    this.q.push(time, priority, item);
  }

  run(): SimulationResult {
    const sc = this.sc;
    for (const e of sc.events) this.schedule(e.at, P_EVENT, { kind: "event", event: e });
    sc.scripted.forEach((u, k) => this.schedule(u.at, P_REQUEST, { kind: "scripted", k }));
    if (sc.users > 0) this.schedule(exponential(this.arrivals, 1 / sc.arrivalRate), P_REQUEST, { kind: "arrival", idx: 0 });
    this.q.push(0, P_SAMPLE, { kind: "sample" });
    let end = 0;
    for (;;) {
      const ev = this.q.pop();
      if (ev === undefined) break;
      if (ev.time > sc.duration) {
        end = sc.duration;
        break;
      }
      this.now = end = ev.time;
      const it = ev.payload;
      if (it.kind !== "sample") this.pending--;
      switch (it.kind) {
        case "arrival":
          this.arrive(it.idx);
          break;
        case "scripted":
          this.arriveScripted(it.k);
          break;
        case "request":
          this.request(it.user);
          break;
        case "event":
          this.apply(it.event);
          break;
        case "detect":
          if (!this.up.has(it.server) && this.pool.includes(it.server)) {
            this.lbDown.add(it.server);
            this.refresh("crash-detected");
          }
          break;
        case "sample":
          this.sample();
          if (this.pending > 0) this.q.push(this.now + sc.sampleInterval, P_SAMPLE, { kind: "sample" });
          break;
      }
    }
    return this.result(end);
  }

  // ---- users -------------------------------------------------------------

  private newUser(sessionId: string, idx: number, rng: Rng, script: CartAction[] | null): User {
    const sc = this.sc;
    let total: number;
    if (script !== null) total = script.length;
    else if (sc.sessionLength.kind === "fixed") total = sc.sessionLength.requests;
    else if (sc.sessionLength.kind === "uniform") total = rng.int(sc.sessionLength.min, sc.sessionLength.max);
    else {
      // Geometric on {1, 2, ...} with the given mean: success probability 1/mean.
      const p = 1 / sc.sessionLength.mean;
      total = p >= 1 ? 1 : 1 + Math.floor(Math.log(1 - rng.uniform()) / Math.log(1 - p));
    }
    const u: User = {
      sessionId,
      idx,
      rng,
      ip: randomIp(rng),
      script,
      total,
      made: 0,
      expected: [],
      cookie: null,
      forgedCookie: null,
      lastServer: null,
      assignedTo: null,
      firstServer: null,
      lastOk: true,
      lostCart: false,
    };
    const f = sc.forgery;
    if (f !== null && rng.uniform() < f.fraction) {
      const nowS = SIM_EPOCH_SECONDS + this.now;
      let forged: string | null = null;
      if (sc.mode === "unsigned-cookie") forged = issueUnsignedAffinityCookie(f.target);
      else if (sc.mode === "cookie") {
        forged =
          f.kind === "forged"
            ? issueAffinityCookie(f.target, { key: this.attackerKey, now: nowS, ttlSeconds: 86400 })
            : issueAffinityCookie(f.target, { key: this.key, now: nowS - 2 * sc.cookieTtlSeconds, ttlSeconds: sc.cookieTtlSeconds });
      }
      if (forged !== null) {
        u.cookie = u.forgedCookie = forged;
        this.forgers++;
      }
    }
    this.active.add(u);
    this.allUsers.push(u);
    return u;
  }

  private arrive(idx: number): void {
    const sc = this.sc;
    const u = this.newUser(`sess${idx}`, idx, createRng(mixSeed(sc.seed, idx)), null);
    if (idx + 1 < sc.users) {
      this.schedule(this.now + exponential(this.arrivals, 1 / sc.arrivalRate), P_REQUEST, { kind: "arrival", idx: idx + 1 });
    }
    this.request(u);
  }

  private arriveScripted(k: number): void {
    const s = this.sc.scripted[k];
    const idx = this.sc.users + k;
    const u = this.newUser(s.sessionId, idx, createRng(mixSeed(this.sc.seed, idx)), s.actions.slice());
    this.request(u);
  }

  private nextAction(u: User): CartAction {
    if (u.script !== null) return u.script[u.made];
    if (u.made === u.total - 1) return { type: "checkout" };
    if (u.rng.uniform() < this.sc.addProbability) return { type: "add", item: CATALOG[u.rng.int(0, CATALOG.length - 1)] };
    return { type: "view" };
  }

  private routingKey(u: User): string {
    const mode = this.sc.mode;
    if (mode === "ip") return this.natEnabled ? `198.51.100.${1 + (u.idx % this.sc.nat.addresses)}` : u.ip;
    // No affinity: every request is its own key, so even a hash strategy scatters a session.
    if (mode === "none") return `${u.sessionId}#${u.made}`;
    return u.sessionId;
  }

  /** The server a cookie pins to, if the cookie is valid and the balancer would honour it. */
  private cookieServer(cookie: string | null, honour: (s: string) => boolean): string | null {
    if (cookie === null) return null;
    const mode = this.sc.mode;
    let id: string | null = null;
    if (mode === "cookie") {
      id = readAffinityCookie(cookie, { key: this.key, now: SIM_EPOCH_SECONDS + this.now })?.serverId ?? null;
    } else if (mode === "unsigned-cookie") {
      id = readUnsignedAffinityCookie(cookie)?.serverId ?? null;
    }
    // A cookie naming a server that left the pool, or that health checks
    // marked down, counts as absent (HAProxy's SERVERID=ZZZ case).
    return id !== null && honour(id) ? id : null;
  }

  private honourNow = (s: string): boolean => this.pool.includes(s) && !this.lbDown.has(s);

  private pickOrNull(b: Balancer, key: string): string | null {
    try {
      return b.pick({ key, loads: this.assigned });
    } catch (e) {
      if (e instanceof StickyError && e.code === "ERR_STICKY_NO_SERVER") return null;
      throw e;
    }
  }

  private redispatchTarget(dead: string, key: string): string | null {
    let b = this.redispatchCache.get(dead);
    if (b === undefined) {
      b = this.build(this.candidates.filter((s) => s !== dead));
      this.redispatchCache.set(dead, b);
    }
    return this.pickOrNull(b, key);
  }

  private peerOf(server: string): string | undefined {
    const n = this.pool.length;
    const i = this.pool.indexOf(server);
    for (let k = 1; k < n; k++) {
      const s = this.pool[(i + k) % n];
      if (this.up.has(s)) return s;
    }
    return undefined;
  }

  private request(u: User): void {
    const action = this.nextAction(u);
    this.requests++;
    const key = this.routingKey(u);
    let target = this.cookieServer(u.cookie, this.honourNow);
    let via: TraceEntry["via"] = "cookie";
    if (target !== null && u.forgedCookie !== null && u.cookie === u.forgedCookie) this.forgedHonoured++;
    if (target === null) {
      via = "balancer";
      // Load-aware strategies must not count the user's own session against
      // the server that holds it, or bounded-load would evict users by itself.
      const own = u.assignedTo;
      if (own !== null) this.assigned.set(own, (this.assigned.get(own) ?? 1) - 1);
      target = this.pickOrNull(this.live, key);
      if (own !== null) this.assigned.set(own, (this.assigned.get(own) ?? 0) + 1);
    }
    let server: string | null = null;
    if (target !== null && this.up.has(target)) server = target;
    else if (target !== null && this.sc.redispatch) {
      // One retry elsewhere, as HAProxy's option redispatch: the user lands
      // on a server that does not have their cart.
      const alt = this.redispatchTarget(target, key);
      if (alt !== null && this.up.has(alt)) {
        server = alt;
        via = "redispatch";
        this.redispatched++;
      }
    }
    if (server === null) {
      this.failed++;
      u.lastOk = false;
      this.record(u, action, null, "failed", [], false);
    } else {
      this.serve(u, action, server, via);
    }
    u.made++;
    if (u.made >= u.total) this.leave(u);
    else {
      const gap = u.script !== null ? this.sc.thinkTime : exponential(u.rng, this.sc.thinkTime);
      this.schedule(this.now + gap, P_REQUEST, { kind: "request", user: u });
    }
  }

  private serve(u: User, action: CartAction, server: string, via: TraceEntry["via"]): void {
    this.requestsPer[server] = (this.requestsPer[server] ?? 0) + 1;
    if (u.lastServer !== null && u.lastServer !== server) this.switches++;
    u.lastServer = server;
    u.lastOk = true;
    if (u.firstServer === null) {
      u.firstServer = server;
      const d = this.draining.get(server);
      if (d !== undefined) d.newUsersAfter++;
      if (u.forgedCookie !== null && server === this.sc.forgery?.target) this.forgersOnTarget++;
    }
    if (u.assignedTo !== server) {
      if (u.assignedTo !== null) this.assigned.set(u.assignedTo, (this.assigned.get(u.assignedTo) ?? 1) - 1);
      this.assigned.set(server, (this.assigned.get(server) ?? 0) + 1);
      u.assignedTo = server;
    }
    const stored = this.store.get(server, u.sessionId);
    const cart = stored ?? [];
    // The cart is lost when the server's copy no longer holds what the user put in.
    const lost = u.expected.length > 0 && !startsWith(cart, u.expected);
    if (lost) {
      this.sessionsLost++;
      u.lostCart = true;
    }
    if (action.type === "add") cart.push(action.item);
    if (action.type === "checkout") {
      this.checkouts.push({ t: this.now, sessionId: u.sessionId, server, cart: cart.slice() });
      this.store.delete(u.sessionId);
      u.expected = [];
    } else {
      this.store.put(server, u.sessionId, cart, this.sc.store === "replicated" ? this.peerOf(server) : undefined);
      u.expected = cart.slice();
    }
    if ((this.sc.mode === "cookie" || this.sc.mode === "unsigned-cookie") && via !== "cookie") {
      // Insert (or re-issue) the affinity cookie on the response.
      u.cookie =
        this.sc.mode === "cookie"
          ? issueAffinityCookie(server, { key: this.key, now: SIM_EPOCH_SECONDS + this.now, ttlSeconds: this.sc.cookieTtlSeconds })
          : issueUnsignedAffinityCookie(server);
    }
    this.record(u, action, server, via, action.type === "checkout" ? this.checkouts[this.checkouts.length - 1].cart : cart, lost);
  }

  private record(u: User, action: CartAction, server: string | null, via: TraceEntry["via"], cart: string[], lost: boolean): void {
    if (this.trace === null) return;
    const e: TraceEntry = { t: this.now, sessionId: u.sessionId, action: action.type, server, via, cart: cart.slice(), cartLost: lost };
    if (action.type === "add") e.item = action.item;
    this.trace.push(e);
  }

  private leave(u: User): void {
    this.active.delete(u);
    this.finished++;
    if (u.assignedTo !== null) this.assigned.set(u.assignedTo, (this.assigned.get(u.assignedTo) ?? 1) - 1);
    u.assignedTo = null;
    this.store.delete(u.sessionId);
  }

  // ---- cluster events ------------------------------------------------------

  private bad(msg: string): StickyError {
    return new StickyError("ERR_STICKY_INPUT", `event at t=${this.now}: ${msg}`);
  }

  private apply(e: SimEvent): void {
    if (e.type === "nat") {
      this.natEnabled = e.enabled;
      return;
    }
    const s = e.server;
    const inPool = this.pool.includes(s);
    switch (e.type) {
      case "crash": {
        if (!inPool || !this.up.has(s)) throw this.bad(`crash of ${s}, which is not a running server`);
        let onServer = 0;
        let carts = 0;
        for (const u of this.active) {
          if (u.expected.length === 0) continue;
          carts++;
          if (u.assignedTo === s) onServer++;
        }
        this.up.delete(s);
        this.unassign(s);
        const unreachable = this.store.wipe(s);
        this.crashes.push({ t: this.now, server: s, cartsOnServer: onServer, activeCarts: carts, share: carts === 0 ? NaN : onServer / carts, cartsUnreachable: unreachable });
        if (this.sc.healthCheck !== null) this.schedule(this.now + this.sc.healthCheck.detectAfter, P_EVENT, { kind: "detect", server: s });
        return;
      }
      case "restart":
        if (!inPool || this.up.has(s)) throw this.bad(`restart of ${s}, which is not a crashed server`);
        this.up.add(s);
        this.lbDown.delete(s);
        this.refresh("restart");
        return;
      case "scaleOut":
        if (inPool) throw this.bad(`scale-out of ${s}, which is already in the pool`);
        this.pool.push(s);
        this.up.add(s);
        if (this.requestsPer[s] === undefined) this.requestsPer[s] = 0;
        this.refresh("scaleOut");
        return;
      case "scaleIn":
        if (!inPool) throw this.bad(`scale-in of ${s}, which is not in the pool`);
        this.pool.splice(this.pool.indexOf(s), 1);
        this.up.delete(s);
        this.lbDown.delete(s);
        this.unassign(s);
        this.store.wipe(s);
        // A server taken out of the pool ends its drain: if the same id is scaled out again
        // later, it is a fresh server that takes new users.
        this.draining.delete(s);
        this.refresh("scaleIn");
        return;
      case "drain":
        if (!inPool) throw this.bad(`drain of ${s}, which is not in the pool`);
        if (!this.draining.has(s)) {
          const rec: DrainRecord = { server: s, at: this.now, timeline: [], newUsersAfter: 0 };
          this.draining.set(s, rec);
          this.drainRecords.push(rec);
          rec.timeline.push({ t: this.now, sessions: this.up.has(s) ? this.assigned.get(s) ?? 0 : 0 });
          this.refresh("drain");
        }
        return;
    }
  }

  private unassign(server: string): void {
    for (const u of this.active) if (u.assignedTo === server) u.assignedTo = null;
    this.assigned.set(server, 0);
  }

  /** Rebuilds the balancer after a membership change and measures how many keys moved. */
  private refresh(cause: MembershipChange["cause"]): void {
    const before = this.candidates;
    const after = this.computeCandidates();
    this.redispatchCache.clear();
    if (sameList(before, after)) return;
    // Fresh balancers on both sides, so stateful strategies (round robin)
    // compare like with like and the live one's state is not disturbed.
    const oldB = this.build(before);
    const newB = this.build(after);
    let moved = 0;
    for (const k of this.probe) if (this.pickOrNull(oldB, k) !== this.pickOrNull(newB, k)) moved++;
    let activeMoved = 0;
    let rerouted = 0;
    const honourAfter = (s: string): boolean => this.honourNow(s);
    for (const u of this.active) {
      const key = this.sc.mode === "none" ? u.sessionId : this.routingKey(u);
      const a = this.pickOrNull(oldB, key);
      const b = this.pickOrNull(newB, key);
      if (a !== b) activeMoved++;
      // Where the user's next request goes: their current server if the cookie
      // still holds, else wherever the new balancer sends them.
      const pinned = this.cookieServer(u.cookie, honourAfter);
      const next = pinned ?? b;
      if (u.assignedTo !== null && next !== u.assignedTo) rerouted++;
    }
    this.membership.push({
      t: this.now,
      cause,
      before: before.slice(),
      after: after.slice(),
      probeMovedFraction: this.probe.length === 0 ? NaN : moved / this.probe.length,
      ideal: idealMovedFraction(before, after),
      activeUsers: this.active.size,
      activeKeysMoved: activeMoved,
      activeRerouted: rerouted,
    });
    this.candidates = after;
    this.live = newB;
  }

  private sample(): void {
    const active: Record<string, number> = {};
    for (const s of this.pool) active[s] = this.up.has(s) ? this.assigned.get(s) ?? 0 : 0;
    this.timeline.push({ t: this.now, active });
    for (const d of this.drainRecords) {
      if (d.at === this.now && d.timeline.length > 0 && d.timeline[d.timeline.length - 1].t === this.now) continue;
      d.timeline.push({ t: this.now, sessions: this.up.has(d.server) && this.pool.includes(d.server) ? this.assigned.get(d.server) ?? 0 : 0 });
    }
  }

  private result(end: number): SimulationResult {
    let stuck = 0;
    let lostUsers = 0;
    for (const u of this.allUsers) {
      if (u.made > 0 && !u.lastOk) stuck++;
      if (u.lostCart) lostUsers++;
    }
    const servers = Object.keys(this.requestsPer);
    const r: SimulationResult = {
      scenario: this.sc,
      endTime: end,
      users: this.allUsers.length,
      finishedUsers: this.finished,
      requests: this.requests,
      failedRequests: this.failed,
      redispatched: this.redispatched,
      sessionsLost: this.sessionsLost,
      usersWithLostCart: lostUsers,
      stuckUsers: stuck,
      serverSwitches: this.switches,
      checkouts: this.checkouts,
      load: {
        requests: { ...this.requestsPer },
        summary: summariseLoad(servers.map((s) => this.requestsPer[s])),
        timeline: this.timeline,
      },
      crashes: this.crashes,
      membership: this.membership,
      drains: this.drainRecords,
      forgery: this.sc.forgery === null ? null : { users: this.forgers, onTarget: this.forgersOnTarget, honoured: this.forgedHonoured },
    };
    if (this.trace !== null) r.trace = this.trace;
    return r;
  }
}
