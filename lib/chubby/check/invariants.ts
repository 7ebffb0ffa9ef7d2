/**
 * @module chubby/check/invariants
 *
 * The safety and liveness properties of a Chubby cell, each a pure function
 * from plain records to a list of violations (empty = the property holds).
 * `checkAll` runs every one whose records are present, plus the
 * linearizability checker on the client operations, and `formatSummary`
 * writes the verdict on one line.
 *
 * Intervals are half-open, `[from, to)`: a lease ending at 10 and another
 * starting at 10 do not overlap. Ties in time are judged leniently (no
 * violation on a tie) except where a record says otherwise.
 */
import { CheckError } from "./errors.js";
import {
  type CachedRead,
  type CommittedWrite,
  type FencedWrite,
  type History,
  type LeaseInterval,
  type LockDelay,
  type LockGrant,
  type LockHold,
  type LockRequest,
  type Monotonic,
  type SessionLease,
  requireName,
  requireTime,
  isFiniteTime,
  showValue,
  valueKey,
} from "./history.js";
import { type LinearizabilityOptions, type LinearizabilityResult, checkLinearizable } from "./linearizability.js";

/** The names of the checked properties. */
export type InvariantName =
  | "atMostOneValidLease"
  | "noConflictingLockHolders"
  | "fencedTokensIncrease"
  | "lockDelayRespected"
  | "sessionsOutliveLeases"
  | "monotonic"
  | "noStaleCachedReads"
  | "fifoGrants"
  | "livenessMasterWithin"
  | "linearizable";

/** One broken property: which, what happened, and when (virtual ms). */
export interface Violation {
  invariant: InvariantName;
  detail: string;
  at: number;
}

const fmt = (t: number): string => (t === Infinity ? "end" : String(t));
const interval = (from: number, to: number): string => `[${fmt(from)}, ${fmt(to)})`;
const byAt = (a: Violation, b: Violation): number => a.at - b.at;

function checkInterval(from: unknown, to: unknown, what: string): void {
  const f = requireTime(from, `${what}.from`);
  const t = requireTime(to, `${what}.to`, true);
  if (t < f) throw new CheckError("ERR_CHECK_HISTORY", `${what} ends at ${t}, before it starts at ${f}`);
}

/** Groups records by a string field, keeping their order. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** A stable sort by a numeric field (Array.prototype.sort is stable). */
function sortedBy<T>(items: readonly T[], t: (x: T) => number): T[] {
  return items.slice().sort((a, b) => t(a) - t(b));
}

/**
 * Sweeps intervals per group and reports every overlapping pair `conflict`
 * accepts, at the instant the overlap starts.
 */
function overlaps<T extends { from: number; to: number }>(items: readonly T[], conflict: (a: T, b: T) => boolean, report: (a: T, b: T) => void): void {
  const active: T[] = [];
  for (const b of sortedBy(items, (x) => x.from)) {
    if (b.to <= b.from) continue;
    let w = 0;
    for (let r = 0; r < active.length; r++) if (active[r].to > b.from) active[w++] = active[r];
    active.length = w;
    for (const a of active) if (conflict(a, b)) report(a, b);
    active.push(b);
  }
}

/**
 * At most one master holds a valid lease at any instant: no two lease
 * intervals of different nodes overlap in global time.
 *
 * @param leases - master lease validity intervals
 * @returns one violation per overlapping pair, at the start of the overlap
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed interval
 * @example
 * atMostOneValidLease([
 *   { node: "r1", epoch: 1, from: 0, to: 5000 },
 *   { node: "r2", epoch: 2, from: 4000, to: 9000 },
 * ]).length; // => 1 (both valid over [4000, 5000))
 */
export function atMostOneValidLease(leases: readonly LeaseInterval[]): Violation[] {
  leases.forEach((l, i) => {
    (typeof l.node === "string" ? l.node : requireName(l.node, `lease ${i} node`));
    (isFiniteTime(l.epoch) ? l.epoch : requireTime(l.epoch, `lease ${i} epoch`));
    checkInterval(l.from, l.to, `lease ${i}`);
  });
  const out: Violation[] = [];
  overlaps(
    leases,
    (a, b) => a.node !== b.node,
    (a, b) =>
      out.push({
        invariant: "atMostOneValidLease",
        at: b.from,
        detail:
          `${a.node} (epoch ${a.epoch}, ${interval(a.from, a.to)}) and ${b.node} (epoch ${b.epoch}, ` +
          `${interval(b.from, b.to)}) both held a valid master lease over ${interval(b.from, Math.min(a.to, b.to))}`,
      }),
  );
  return out.sort(byAt);
}

/**
 * Never two conflicting holders of a lock in server state: an exclusive hold
 * overlaps no other hold of the same lock; shared holds may overlap each other.
 *
 * @param holds - lock holds as the master granted them
 * @returns one violation per conflicting pair, at the start of the overlap
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed hold or an unknown mode
 * @example
 * noConflictingLockHolders([
 *   { lock: "/ls/cell/leader", holder: "web-1", mode: "exclusive", from: 0, to: 100, generation: 1 },
 *   { lock: "/ls/cell/leader", holder: "web-2", mode: "exclusive", from: 50, to: 200, generation: 2 },
 * ]).length; // => 1
 */
export function noConflictingLockHolders(holds: readonly LockHold[]): Violation[] {
  holds.forEach((h, i) => {
    (typeof h.lock === "string" ? h.lock : requireName(h.lock, `hold ${i} lock`));
    (typeof h.holder === "string" ? h.holder : requireName(h.holder, `hold ${i} holder`));
    if (h.mode !== "exclusive" && h.mode !== "shared") {
      throw new CheckError("ERR_CHECK_HISTORY", `hold ${i} has unknown mode ${String(h.mode)}`);
    }
    (isFiniteTime(h.generation) ? h.generation : requireTime(h.generation, `hold ${i} generation`));
    checkInterval(h.from, h.to, `hold ${i}`);
  });
  const out: Violation[] = [];
  for (const [lock, list] of groupBy(holds, (h) => h.lock)) {
    overlaps(
      list,
      (a, b) => a.mode === "exclusive" || b.mode === "exclusive",
      (a, b) =>
        out.push({
          invariant: "noConflictingLockHolders",
          at: b.from,
          detail:
            `${lock}: ${a.holder} (${a.mode}, generation ${a.generation}, ${interval(a.from, a.to)}) and ` +
            `${b.holder} (${b.mode}, generation ${b.generation}, ${interval(b.from, b.to)}) held it at once`,
        }),
    );
  }
  return out.sort(byAt);
}

/**
 * A fenced resource accepts only non-decreasing sequencers: per resource, no
 * accepted token is below one accepted earlier, and (when writes name their
 * holder) one token is never accepted from two different holders.
 *
 * @param writes - the writes the resource server saw, accepted or not
 * @returns one violation per wrongly accepted write
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed write
 * @example
 * fencedTokensIncrease([
 *   { resource: "db", token: 5, accepted: true, at: 10 },
 *   { resource: "db", token: 4, accepted: true, at: 20 },
 * ]).length; // => 1 (a paused holder's stale token got through)
 */
export function fencedTokensIncrease(writes: readonly FencedWrite[]): Violation[] {
  writes.forEach((w, i) => {
    (typeof w.resource === "string" ? w.resource : requireName(w.resource, `fenced write ${i} resource`));
    (isFiniteTime(w.token) ? w.token : requireTime(w.token, `fenced write ${i} token`));
    (isFiniteTime(w.at) ? w.at : requireTime(w.at, `fenced write ${i} at`));
    if (typeof w.accepted !== "boolean") throw new CheckError("ERR_CHECK_HISTORY", `fenced write ${i} accepted must be a boolean`);
  });
  const out: Violation[] = [];
  for (const [resource, list] of groupBy(writes, (w) => w.resource)) {
    let top: FencedWrite | null = null;
    for (const w of sortedBy(list, (x) => x.at)) {
      if (!w.accepted) continue;
      if (top !== null && w.token < top.token) {
        out.push({
          invariant: "fencedTokensIncrease",
          at: w.at,
          detail: `${resource} accepted token ${w.token}${w.holder ? ` from ${w.holder}` : ""} at ${w.at} after token ${top.token} at ${top.at}`,
        });
      } else if (top !== null && w.token === top.token && w.holder !== undefined && top.holder !== undefined && w.holder !== top.holder) {
        out.push({
          invariant: "fencedTokensIncrease",
          at: w.at,
          detail: `${resource} accepted token ${w.token} from both ${top.holder} (at ${top.at}) and ${w.holder} (at ${w.at})`,
        });
      }
      if (top === null || w.token > top.token) top = w;
    }
  }
  return out.sort(byAt);
}

/**
 * No lock is granted during the lock-delay after its holder failed: no hold
 * of the lock starts in `[freedByFailureAt, freedByFailureAt + delayMs)`, and
 * neither does the recorded `nextGrantAt`.
 *
 * @param delays - locks freed by a holder's failure, with their lock-delay
 * @param holds - lock holds as the master granted them
 * @returns one violation per early grant
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed record or a negative delay
 * @example
 * lockDelayRespected(
 *   [{ lock: "L", freedByFailureAt: 1000, delayMs: 5000 }],
 *   [{ lock: "L", holder: "b", mode: "exclusive", from: 3000, to: 9000, generation: 2 }],
 * ).length; // => 1 (granted 3000 ms before the delay ended)
 */
export function lockDelayRespected(delays: readonly LockDelay[], holds: readonly LockHold[]): Violation[] {
  delays.forEach((d, i) => {
    (typeof d.lock === "string" ? d.lock : requireName(d.lock, `lock delay ${i} lock`));
    (isFiniteTime(d.freedByFailureAt) ? d.freedByFailureAt : requireTime(d.freedByFailureAt, `lock delay ${i} freedByFailureAt`));
    const ms = (isFiniteTime(d.delayMs) ? d.delayMs : requireTime(d.delayMs, `lock delay ${i} delayMs`));
    if (ms < 0) throw new CheckError("ERR_CHECK_HISTORY", `lock delay ${i} delayMs must be >= 0, got ${ms}`);
    if (d.nextGrantAt !== undefined) (isFiniteTime(d.nextGrantAt) ? d.nextGrantAt : requireTime(d.nextGrantAt, `lock delay ${i} nextGrantAt`, true));
  });
  holds.forEach((h, i) => {
    (typeof h.lock === "string" ? h.lock : requireName(h.lock, `hold ${i} lock`));
    checkInterval(h.from, h.to, `hold ${i}`);
  });
  const byLock = groupBy(holds, (h) => h.lock);
  const out: Violation[] = [];
  for (const d of delays) {
    const end = d.freedByFailureAt + d.delayMs;
    const early = new Set<number>();
    const why = `its holder failed at ${d.freedByFailureAt} with lock-delay ${d.delayMs} ms, until ${end}`;
    for (const h of byLock.get(d.lock) ?? []) {
      if (h.from >= d.freedByFailureAt && h.from < end && !early.has(h.from)) {
        early.add(h.from);
        out.push({
          invariant: "lockDelayRespected",
          at: h.from,
          detail: `${d.lock} granted to ${h.holder} at ${h.from}, ${end - h.from} ms early: ${why}`,
        });
      }
    }
    const g = d.nextGrantAt;
    if (g !== undefined && g >= d.freedByFailureAt && g < end && !early.has(g)) {
      out.push({ invariant: "lockDelayRespected", at: g, detail: `${d.lock} granted again at ${g}, ${end - g} ms early: ${why}` });
    }
  }
  return out.sort(byAt);
}

/**
 * No session ends before the lease the cell promised it (across fail-overs:
 * `promisedUntil` is the latest promise ever made).
 *
 * @param sessions - session leases with their end
 * @returns one violation per session ended early
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed record
 * @example
 * sessionsOutliveLeases([{ session: "s1", promisedUntil: 12000, endedAt: 9000 }]).length; // => 1
 */
export function sessionsOutliveLeases(sessions: readonly SessionLease[]): Violation[] {
  const out: Violation[] = [];
  sessions.forEach((s, i) => {
    (typeof s.session === "string" ? s.session : requireName(s.session, `session ${i} session`));
    const until = (isFiniteTime(s.promisedUntil) ? s.promisedUntil : requireTime(s.promisedUntil, `session ${i} promisedUntil`, true));
    if (s.endedAt === undefined) return;
    const ended = (isFiniteTime(s.endedAt) ? s.endedAt : requireTime(s.endedAt, `session ${i} endedAt`, true));
    if (ended < until) {
      out.push({
        invariant: "sessionsOutliveLeases",
        at: ended,
        detail: `session ${s.session} ended at ${ended}, ${until - ended} ms before its promised lease end ${fmt(until)}`,
      });
    }
  });
  return out.sort(byAt);
}

/**
 * Numbers that must never decrease (epochs, generations, terms): per series,
 * in time order, no value is below an earlier one.
 *
 * @param observations - values seen, per series, at their times
 * @returns one violation per decrease
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed observation
 * @example
 * monotonic([
 *   { series: "epoch", value: 3, at: 0 },
 *   { series: "epoch", value: 2, at: 5 },
 * ]).length; // => 1
 */
export function monotonic(observations: readonly Monotonic[]): Violation[] {
  observations.forEach((o, i) => {
    (typeof o.series === "string" ? o.series : requireName(o.series, `observation ${i} series`));
    (isFiniteTime(o.value) ? o.value : requireTime(o.value, `observation ${i} value`, true));
    (isFiniteTime(o.at) ? o.at : requireTime(o.at, `observation ${i} at`));
  });
  const out: Violation[] = [];
  for (const [series, list] of groupBy(observations, (o) => o.series)) {
    let top: Monotonic | null = null;
    for (const o of sortedBy(list, (x) => x.at)) {
      if (top !== null && o.value < top.value) {
        out.push({ invariant: "monotonic", at: o.at, detail: `${series} fell to ${o.value} at ${o.at} after ${top.value} at ${top.at}` });
      }
      if (top === null || o.value > top.value) top = o;
    }
  }
  return out.sort(byAt);
}

/** Options of {@link noStaleCachedReads}. */
export interface StaleReadOptions {
  /** Every key's value before any write (default `null`: absent). */
  initial?: unknown;
  /** Every key's content generation before any write (default 0). */
  initialGeneration?: number;
}

/**
 * No read (a cached one above all) returns a superseded value. A read in
 * flight over `[invokeAt, completeAt]` that returned the value of write `w`
 * is fine when `w` took effect by `completeAt` and no later write had
 * COMPLETED before `invokeAt` (Chubby completes a write only after every
 * cache is invalidated, so a cache may serve a value until then). Values are
 * matched by content generation when both records carry one, else by value.
 *
 * @param reads - the reads to judge
 * @param writes - the authoritative write history (every key's writes, in any order)
 * @param options - the initial value and generation of every key
 * @returns one violation per stale read
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed record
 * @example
 * noStaleCachedReads(
 *   [{ client: "c2", key: "f", value: "old", at: 50 }],
 *   [{ key: "f", value: "old", at: 0 }, { key: "f", value: "new", at: 10, completeAt: 20 }],
 * ).length; // => 1 ("new" completed at 20, before the read at 50)
 */
export function noStaleCachedReads(reads: readonly CachedRead[], writes: readonly CommittedWrite[], options: StaleReadOptions = {}): Violation[] {
  writes.forEach((w, i) => {
    (typeof w.key === "string" ? w.key : requireName(w.key, `write ${i} key`));
    const at = (isFiniteTime(w.at) ? w.at : requireTime(w.at, `write ${i} at`));
    if (w.completeAt !== undefined && (isFiniteTime(w.completeAt) ? w.completeAt : requireTime(w.completeAt, `write ${i} completeAt`, true)) < at) {
      throw new CheckError("ERR_CHECK_HISTORY", `write ${i} completes at ${w.completeAt}, before it took effect at ${at}`);
    }
    if (w.generation !== undefined) (isFiniteTime(w.generation) ? w.generation : requireTime(w.generation, `write ${i} generation`));
  });
  reads.forEach((r, i) => {
    (typeof r.key === "string" ? r.key : requireName(r.key, `read ${i} key`));
    (typeof r.client === "string" ? r.client : requireName(r.client, `read ${i} client`));
    (isFiniteTime(r.at) ? r.at : requireTime(r.at, `read ${i} at`));
    const inv = r.invokeAt === undefined ? r.at : (isFiniteTime(r.invokeAt) ? r.invokeAt : requireTime(r.invokeAt, `read ${i} invokeAt`));
    const done = r.completeAt === undefined ? r.at : (isFiniteTime(r.completeAt) ? r.completeAt : requireTime(r.completeAt, `read ${i} completeAt`));
    if (done < inv) throw new CheckError("ERR_CHECK_HISTORY", `read ${i} completes at ${done}, before its invocation at ${inv}`);
    if (r.generation !== undefined) (isFiniteTime(r.generation) ? r.generation : requireTime(r.generation, `read ${i} generation`));
  });
  const initial: CommittedWrite = { key: "", value: options.initial ?? null, generation: options.initialGeneration ?? 0, at: -Infinity, completeAt: -Infinity };
  const perKey = new Map<string, { ws: CommittedWrite[]; vks: string[]; done: number[]; suffixMinDone: number[] }>();
  for (const [key, list] of groupBy(writes, (w) => w.key)) {
    const ws = [initial].concat(sortedBy(list, (w) => w.at));
    const done = ws.map((w) => w.completeAt ?? w.at);
    const suffixMinDone = new Array<number>(ws.length + 1);
    suffixMinDone[ws.length] = Infinity;
    for (let k = ws.length - 1; k >= 0; k--) suffixMinDone[k] = Math.min(done[k], suffixMinDone[k + 1]);
    perKey.set(key, { ws, vks: ws.map((w) => valueKey(w.value)), done, suffixMinDone });
  }
  const initialOnly = { ws: [initial], vks: [valueKey(initial.value)], done: [-Infinity], suffixMinDone: [-Infinity, Infinity] };
  const out: Violation[] = [];
  for (const r of reads) {
    const inv = r.invokeAt ?? r.at;
    const done = r.completeAt ?? r.at;
    const h = perKey.get(r.key) ?? initialOnly;
    // Matching write k: by generation when both carry one, else by value (the value key is computed only then).
    const gen = r.generation;
    let vk: string | undefined;
    let w: CommittedWrite;
    // Write k may be returned iff it took effect by `done` and no later write completed
    // before `inv`. The second holds from some k0 on (suffix minima only grow with k).
    let lo = 0;
    let hi = h.ws.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (h.suffixMinDone[mid + 1] >= inv) hi = mid;
      else lo = mid + 1;
    }
    let fine = false;
    for (let k = lo; k < h.ws.length && h.ws[k].at <= done; k++) {
      w = h.ws[k];
      if (gen !== undefined && w.generation !== undefined ? w.generation === gen : h.vks[k] === (vk ??= valueKey(r.value))) {
        fine = true;
        break;
      }
    }
    if (fine) continue;
    // The latest matching write before k0, if any: the read returned a superseded value.
    let stale = -1;
    for (let k = lo - 1; k >= 0 && stale < 0; k--) {
      w = h.ws[k];
      if (w.at <= done && (gen !== undefined && w.generation !== undefined ? w.generation === gen : h.vks[k] === (vk ??= valueKey(r.value)))) stale = k;
    }
    const what = `${r.client} read ${r.key} = ${showValue(r.value)}${r.generation !== undefined ? ` (generation ${r.generation})` : ""} over [${inv}, ${done}]`;
    let detail: string;
    if (stale >= 0) {
      let k = stale + 1;
      while (h.done[k] >= inv) k++;
      const w = h.ws[k];
      detail = `${what}, but ${showValue(w.value)} had replaced it (took effect at ${w.at}, completed at ${h.done[k]})`;
    } else {
      detail = `${what}, a value no write had produced by then`;
    }
    out.push({ invariant: "noStaleCachedReads", at: inv, detail });
  }
  return out.sort(byAt);
}

/**
 * Waiters are granted in FIFO order per lock: if A requested before B and B
 * was granted at `g`, A was granted by `g` too (or had given up by then).
 * A request pairs with the grant of the same `id`; without ids, each
 * client's requests on a lock pair in order with its grants at or after them.
 * Grants without a request (TryAcquire) are ignored; equal request times are
 * unordered.
 *
 * @param requests - blocking Acquire calls
 * @param grants - their grants
 * @returns one violation per grant that overtook an earlier waiter
 * @throws {CheckError} `ERR_CHECK_HISTORY` on a malformed record
 * @example
 * fifoGrants(
 *   [{ lock: "L", client: "a", at: 10 }, { lock: "L", client: "b", at: 20 }],
 *   [{ lock: "L", client: "b", at: 30 }, { lock: "L", client: "a", at: 40 }],
 * ).length; // => 1 (b overtook a)
 */
export function fifoGrants(requests: readonly LockRequest[], grants: readonly LockGrant[]): Violation[] {
  requests.forEach((q, i) => {
    (typeof q.lock === "string" ? q.lock : requireName(q.lock, `request ${i} lock`));
    (typeof q.client === "string" ? q.client : requireName(q.client, `request ${i} client`));
    (isFiniteTime(q.at) ? q.at : requireTime(q.at, `request ${i} at`));
    if (q.cancelledAt !== undefined) (isFiniteTime(q.cancelledAt) ? q.cancelledAt : requireTime(q.cancelledAt, `request ${i} cancelledAt`, true));
  });
  grants.forEach((g, i) => {
    (typeof g.lock === "string" ? g.lock : requireName(g.lock, `grant ${i} lock`));
    (typeof g.client === "string" ? g.client : requireName(g.client, `grant ${i} client`));
    (isFiniteTime(g.at) ? g.at : requireTime(g.at, `grant ${i} at`));
  });
  const out: Violation[] = [];
  const grantsByLock = groupBy(grants, (g) => g.lock);
  for (const [lock, reqs] of groupBy(requests, (q) => q.lock)) {
    const gs = grantsByLock.get(lock) ?? [];
    const byId = new Map<string | number, LockGrant>();
    for (const g of gs) if (g.id !== undefined && !byId.has(g.id)) byId.set(g.id, g);
    const queues = groupBy(sortedBy(gs.filter((g) => g.id === undefined), (g) => g.at), (g) => g.client);
    const used = new Set<LockGrant>();
    const sorted = sortedBy(reqs, (q) => q.at);
    const grantOf = new Map<LockRequest, LockGrant>();
    for (const q of sorted) {
      let g: LockGrant | undefined;
      if (q.id !== undefined) g = byId.get(q.id);
      else g = (queues.get(q.client) ?? []).find((x) => !used.has(x) && x.at >= q.at);
      if (g !== undefined) {
        used.add(g);
        grantOf.set(q, g);
      }
    }
    // Scan in request order; `worst` is the earlier waiter that stopped waiting last.
    let worst: { q: LockRequest; until: number } | null = null;
    let pending: { q: LockRequest; until: number } | null = null;
    for (let i = 0; i < sorted.length; i++) {
      const q = sorted[i];
      if (i > 0 && q.at > sorted[i - 1].at && pending !== null) {
        if (worst === null || pending.until > worst.until) worst = pending;
        pending = null;
      }
      const g = grantOf.get(q);
      if (g !== undefined && worst !== null && worst.until > g.at) {
        const wg = grantOf.get(worst.q);
        out.push({
          invariant: "fifoGrants",
          at: g.at,
          detail:
            `${lock}: ${q.client} (requested at ${q.at}) was granted at ${g.at} while ${worst.q.client} ` +
            `(requested at ${worst.q.at}) still waited (${wg ? `granted at ${wg.at}` : "never granted"})`,
        });
      }
      const until = g !== undefined ? g.at : q.cancelledAt ?? Infinity;
      if (pending === null || until > pending.until) pending = { q, until };
    }
  }
  return out.sort(byAt);
}

/**
 * Liveness after faults heal: some node holds a valid master lease within
 * `bound` ms of `healAt` (a lease that starts by `healAt + bound` and is still
 * valid after `healAt`).
 *
 * @param leases - master lease validity intervals
 * @param healAt - when the faults healed
 * @param bound - how long a master may take to appear (ms, >= 0)
 * @returns one violation (at `healAt + bound`) or none
 * @throws {CheckError} `ERR_CHECK_INPUT` on a negative bound, `ERR_CHECK_HISTORY` on a malformed interval
 * @example
 * livenessMasterWithin([{ node: "r1", epoch: 2, from: 7000, to: 12000 }], 5000, 1000).length; // => 1
 */
export function livenessMasterWithin(leases: readonly LeaseInterval[], healAt: number, bound: number): Violation[] {
  if (typeof healAt !== "number" || !Number.isFinite(healAt)) throw new CheckError("ERR_CHECK_INPUT", `healAt must be a finite number, got ${healAt}`);
  if (typeof bound !== "number" || !Number.isFinite(bound) || bound < 0) {
    throw new CheckError("ERR_CHECK_INPUT", `bound must be a finite number >= 0, got ${bound}`);
  }
  leases.forEach((l, i) => checkInterval(l.from, l.to, `lease ${i}`));
  const deadline = healAt + bound;
  if (leases.some((l) => l.to > l.from && l.from <= deadline && l.to > healAt)) return [];
  return [{ invariant: "livenessMasterWithin", at: deadline, detail: `no master lease within ${bound} ms of the heal at ${healAt}` }];
}

/** Options of {@link checkAll}. */
export interface CheckAllOptions {
  /** Options of the linearizability check, or `false` to skip it. */
  linearizability?: LinearizabilityOptions | false;
  /** The initial value and generation of every key, for {@link noStaleCachedReads}. */
  staleReads?: StaleReadOptions;
}

/** How many records an invariant looked at and how many violations it found. */
export interface InvariantCount {
  checked: number;
  violations: number;
}

/** What {@link checkAll} found. */
export interface CheckReport {
  /** Every violation, by time. */
  violations: Violation[];
  /** Per invariant that ran: records checked and violations found. */
  counts: Partial<Record<InvariantName, InvariantCount>>;
  /** The linearizability check's full result, when operations were present and it ran. */
  linearizability?: LinearizabilityResult;
}

/**
 * Runs every check whose records are present in the history: each
 * invariant, the liveness bound for each heal, and linearizability of the
 * client operations (a non-linearizable history is one `linearizable`
 * violation; a search over budget is no violation, but `linearizability.ok`
 * is then `"unknown"`).
 *
 * @param history - whatever the run recorded
 * @param options - linearizability options (or `false`), initial values for stale reads
 * @returns the violations by time, counts per invariant, the linearizability result
 * @throws {CheckError} on a malformed record (see each invariant)
 * @example
 * const report = checkAll({ leases, holds, operations });
 * report.violations.length === 0; // => true when the run was safe
 */
export function checkAll(history: History, options: CheckAllOptions = {}): CheckReport {
  const violations: Violation[] = [];
  const counts: Partial<Record<InvariantName, InvariantCount>> = {};
  const run = (name: InvariantName, checked: number, found: Violation[]): void => {
    counts[name] = { checked, violations: found.length };
    for (const v of found) violations.push(v);
  };
  const h = history;
  if (h.leases) run("atMostOneValidLease", h.leases.length, atMostOneValidLease(h.leases));
  if (h.holds) run("noConflictingLockHolders", h.holds.length, noConflictingLockHolders(h.holds));
  if (h.fencedWrites) run("fencedTokensIncrease", h.fencedWrites.length, fencedTokensIncrease(h.fencedWrites));
  if (h.lockDelays) run("lockDelayRespected", h.lockDelays.length, lockDelayRespected(h.lockDelays, h.holds ?? []));
  if (h.sessions) run("sessionsOutliveLeases", h.sessions.length, sessionsOutliveLeases(h.sessions));
  if (h.monotonic) run("monotonic", h.monotonic.length, monotonic(h.monotonic));
  if (h.cachedReads) run("noStaleCachedReads", h.cachedReads.length, noStaleCachedReads(h.cachedReads, h.writes ?? [], options.staleReads));
  if (h.lockRequests) run("fifoGrants", h.lockRequests.length, fifoGrants(h.lockRequests, h.lockGrants ?? []));
  if (h.heals) {
    const found: Violation[] = [];
    for (const heal of h.heals) for (const v of livenessMasterWithin(h.leases ?? [], heal.at, heal.bound)) found.push(v);
    run("livenessMasterWithin", h.heals.length, found);
  }
  let linearizability: LinearizabilityResult | undefined;
  if (h.operations && options.linearizability !== false) {
    linearizability = checkLinearizable(h.operations, options.linearizability || {});
    const found: Violation[] = [];
    if (linearizability.ok === false) {
      found.push({ invariant: "linearizable", at: linearizability.culprit.invokeAt, detail: linearizability.message.split("\n")[0] });
    }
    run("linearizable", h.operations.length, found);
  }
  violations.sort(byAt);
  return linearizability === undefined ? { violations, counts } : { violations, counts, linearizability };
}

/**
 * One line for a report: `ok` with what was checked, or `FAIL` with the
 * violations per invariant and the first one in full.
 *
 * @param report - what {@link checkAll} returned
 * @returns a single line (no newline)
 * @throws never
 * @example
 * formatSummary(checkAll({ leases: [] })); // => "ok: 0 violations (atMostOneValidLease 0 checked)"
 */
export function formatSummary(report: CheckReport): string {
  const names = Object.keys(report.counts) as InvariantName[];
  const lin = report.linearizability;
  const linNote = lin && lin.ok === "unknown" ? `; linearizability unknown on key ${JSON.stringify(lin.key)} (${lin.reason})` : "";
  if (report.violations.length === 0) {
    const what = names.map((n) => `${n} ${report.counts[n]?.checked ?? 0} checked`).join(", ");
    return `ok: 0 violations (${what})${linNote}`;
  }
  const per = names
    .filter((n) => (report.counts[n]?.violations ?? 0) > 0)
    .map((n) => `${n} ${report.counts[n]?.violations}`)
    .join(", ");
  const first = report.violations[0];
  const n = report.violations.length;
  return `FAIL: ${n} violation${n === 1 ? "" : "s"} (${per}); first at ${first.at}: ${first.invariant}: ${first.detail}${linNote}`;
}
