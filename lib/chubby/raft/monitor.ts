/**
 * @module chubby/raft/monitor
 *
 * An incremental checker of Raft's safety properties (the paper's Figure 3)
 * plus lease exclusivity, fed with every node's state after each of its
 * steps. It keeps a registry of every (index, term) entry ever seen and of
 * every committed index, so each observation costs O(new entries + new
 * commits + members), never a scan of whole logs (except after a restart or
 * a truncation, from the cut on).
 *
 * - Election Safety: at most one leader per term, ever.
 * - Leader Append-Only: a leader never cuts or shrinks its log during its term.
 * - Log Matching: entries with the same index and term have the same data and
 *   the same previous term everywhere (so, by induction, identical prefixes).
 * - Leader Completeness: a leader holds every entry committed in a lower term
 *   (by a leader of that term) before it was first observed leading, and every
 *   entry committed in a lower term while it leads.
 * - State Machine Safety: no two nodes commit different entries at one index,
 *   and no node cuts a committed entry or moves its commit index back.
 * - Lease Exclusivity: at no instant do two nodes hold a valid leader lease.
 *   A lease observed valid at `now` is held until `leaseEnd` (global time,
 *   from the caller's clock model: when the node's tick count will reach the
 *   lease's end) or until the node is observed without it; a crash or a pause
 *   does not end it (the old master's lease still binds its successor). A
 *   lease whose `leaseEnd` is not after `now` is not held.
 */
import { RaftError } from "./errors.js";
import type { Entry, RaftState } from "./types.js";

/**
 * What the monitor reads from a node; a RaftNode fits, and so does a hand-built fake.
 *
 * @example
 * const view: RaftView = createRaftNode(config);
 */
export interface RaftView {
  readonly state: RaftState;
  readonly term: number;
  readonly commitIndex: number;
  readonly lastIndex: number;
  /** How many times the node cut its log's suffix (a monotone counter). */
  readonly truncations: number;
  /** Index the latest cut started at. */
  readonly lastTruncatedFrom: number;
  entry(index: number): Entry | undefined;
  leaseValid(): boolean;
  leaseRemainingTicks(): number;
}

/**
 * The property a violation breaks: Figure 3's five, plus lease exclusivity.
 *
 * @example
 * const p: RaftProperty = "lease-exclusivity";
 */
export type RaftProperty =
  | "election-safety"
  | "leader-append-only"
  | "log-matching"
  | "leader-completeness"
  | "state-machine-safety"
  | "lease-exclusivity";

/**
 * One broken property.
 *
 * @example
 * const v: RaftViolation = { property: "election-safety", detail: "term 3 has leaders a and b", at: 41.5 };
 */
export interface RaftViolation {
  readonly property: RaftProperty;
  readonly detail: string;
  /** The `now` of the observation that revealed it. */
  readonly at: number;
}

/**
 * The monitor.
 *
 * @example
 * const mon = createRaftSafetyMonitor(["a", "b", "c"]);
 * mon.observe("a", nodeA, 12.5);
 * mon.violations(); // => []
 */
export interface RaftSafetyMonitor {
  /**
   * Checks node `id` after one of its steps or ticks (call it after every one).
   *
   * @param id - the node's id (one of the monitor's ids)
   * @param node - its current state
   * @param now - global time of the observation (never decreasing across calls)
   * @param leaseEnd - when the node's lease, if valid now, ends in global time;
   *   default `now + node.leaseRemainingTicks()` (one tick = one time unit, no drift)
   * @returns how many new violations this observation found
   * @throws {RaftError} ERR_RAFT_INPUT for an unknown id
   * @example mon.observe("a", nodeA, 12.5, 12.5 + 4 * tickSeconds);
   */
  observe(id: string, node: RaftView, now: number, leaseEnd?: number): number;
  /**
   * Tells the monitor node `id` was restarted (a new node object from
   * persisted state): its log is checked again from the start, its commit
   * index may restart lower.
   *
   * @throws {RaftError} ERR_RAFT_INPUT for an unknown id
   * @example mon.restart("a");
   */
  restart(id: string): void;
  /**
   * Every violation so far (a copy), in the order found.
   * @example mon.violations().length; // => 0
   */
  violations(): RaftViolation[];
  /** Highest index any node has committed. */
  readonly maxCommitted: number;
  /** How many observations were made. */
  readonly observations: number;
}

/** One (index, term) entry as first seen; `other` chains entries of other terms at the same index. */
interface EntryRecord {
  term: number;
  data: unknown;
  prevTerm: number;
  other: EntryRecord | null;
}

interface Committed {
  term: number;
  data: unknown;
  /** The term of the node first seen committing it (the leader that committed it). */
  commitTerm: number;
}

interface Track {
  id: string;
  node: RaftView | null;
  /** Log checked into the registry up to this index. */
  checkedLen: number;
  /** The entry object at checkedLen when checked (to spot unreported rewrites). */
  lastChecked: Entry | undefined;
  truncSeen: number;
  commit: number;
  /** Term in which this node was leader at its previous observation, or -1. */
  leaderTerm: number;
  leaderLast: number;
  /** End (global time) of the lease this node was last seen holding; -Infinity when none. */
  claimEnd: number;
  claimTerm: number;
  /** The lease of the incarnation before the last restart: it binds until it ends. */
  ghostEnd: number;
  ghostTerm: number;
}

/** Same data: identical, or equal as JSON (entries copied through storage). */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

const MAX_VIOLATIONS = 10_000;

class Monitor implements RaftSafetyMonitor {
  maxCommitted = 0;
  observations = 0;
  private readonly tracks = new Map<string, Track>();
  private readonly all: Track[] = [];
  private readonly registry: (EntryRecord | undefined)[] = [];
  private readonly committed: (Committed | undefined)[] = [];
  /** For each term: the highest index first committed by a node of that term. */
  private readonly maxCommittedInTerm = new Map<number, number>();
  private readonly leaders = new Map<number, string>();
  private readonly found: RaftViolation[] = [];
  private readonly leaseReported = new Set<string>();
  private newFound = 0;

  constructor(ids: readonly string[]) {
    if (!Array.isArray(ids) || ids.length === 0) throw new RaftError("ERR_RAFT_INPUT", "ids must be a non-empty array");
    for (const id of ids) {
      if (typeof id !== "string" || this.tracks.has(id)) throw new RaftError("ERR_RAFT_INPUT", `bad or duplicate id ${String(id)}`);
      const t: Track = {
        id,
        node: null,
        checkedLen: 0,
        lastChecked: undefined,
        truncSeen: 0,
        commit: 0,
        leaderTerm: -1,
        leaderLast: 0,
        claimEnd: -Infinity,
        claimTerm: 0,
        ghostEnd: -Infinity,
        ghostTerm: 0,
      };
      this.tracks.set(id, t);
      this.all.push(t);
    }
  }

  private track(id: string): Track {
    const t = this.tracks.get(id);
    if (t === undefined) throw new RaftError("ERR_RAFT_INPUT", `unknown node id ${String(id)}`);
    return t;
  }

  private report(property: RaftProperty, detail: string, at: number): void {
    this.newFound++;
    if (this.found.length < MAX_VIOLATIONS) this.found.push({ property, detail, at });
  }

  violations(): RaftViolation[] {
    return this.found.slice();
  }

  restart(id: string): void {
    const t = this.track(id);
    t.node = null;
    t.checkedLen = 0;
    t.lastChecked = undefined;
    t.truncSeen = 0;
    t.commit = 0;
    t.leaderTerm = -1;
    // A crashed leader's lease still binds until it ends, whatever the new incarnation does.
    if (t.claimEnd > t.ghostEnd) {
      t.ghostEnd = t.claimEnd;
      t.ghostTerm = t.claimTerm;
    }
    t.claimEnd = -Infinity;
  }

  observe(id: string, node: RaftView, now: number, leaseEnd?: number): number {
    const t = this.track(id);
    this.observations++;
    this.newFound = 0;
    t.node = node;
    const isLeader = node.state === "leader";
    const term = node.term;
    const wasLeaderSameTerm = isLeader && t.leaderTerm === term;

    // --- log changes since the previous observation (Log Matching, Append-Only) ---
    const last = node.lastIndex;
    let from = t.checkedLen + 1; // first index to (re)check
    if (node.truncations !== t.truncSeen) {
      const cut = node.truncations === t.truncSeen + 1 ? node.lastTruncatedFrom : 1;
      if (wasLeaderSameTerm) this.report("leader-append-only", `${id}, leader of term ${term}, cut its log from index ${cut}`, now);
      if (cut <= t.commit) {
        this.report("state-machine-safety", `${id} cut committed entries from index ${cut} (commit index ${t.commit})`, now);
      }
      t.truncSeen = node.truncations;
      if (cut < from) from = cut;
    } else if (t.checkedLen > 0 && (last < t.checkedLen || node.entry(t.checkedLen) !== t.lastChecked)) {
      // Changed without a reported cut: recheck all of it.
      if (wasLeaderSameTerm) this.report("leader-append-only", `${id}, leader of term ${term}, rewrote its log`, now);
      else if (t.commit > 0 && node.entry(t.commit) === undefined) {
        this.report("state-machine-safety", `${id} lost committed entry ${t.commit}`, now);
      }
      from = 1;
    }
    if (wasLeaderSameTerm && last < t.leaderLast) {
      this.report("leader-append-only", `${id}, leader of term ${term}, shrank its log from ${t.leaderLast} to ${last}`, now);
    }
    for (let i = from; i <= last; i++) this.checkEntry(id, node, i, now);
    t.checkedLen = last;
    t.lastChecked = last > 0 ? node.entry(last) : undefined;

    // --- leadership (Election Safety, Leader Completeness at election) ---
    if (isLeader) {
      if (t.leaderTerm !== term) {
        const other = this.leaders.get(term);
        if (other !== undefined && other !== id) this.report("election-safety", `term ${term} has two leaders: ${other} and ${id}`, now);
        else this.leaders.set(term, id);
        // The highest entry committed in a lower term must be here (Log
        // Matching, checked separately, then covers everything before it).
        let c = 0;
        for (const [ct, idx] of this.maxCommittedInTerm) if (ct < term && idx > c) c = idx;
        if (c > 0) {
          const e = node.entry(c);
          const rec = this.committed[c] as Committed;
          if (e === undefined || e.term !== rec.term) {
            this.report(
              "leader-completeness",
              `${id}, new leader of term ${term}, lacks entry ${c} (term ${rec.term}) committed in term ${rec.commitTerm}`,
              now,
            );
          }
        }
      }
      t.leaderTerm = term;
      t.leaderLast = last;
    } else {
      t.leaderTerm = -1;
    }

    // --- commits (State Machine Safety, Leader Completeness for later commits) ---
    const c = node.commitIndex;
    if (c < t.commit) this.report("state-machine-safety", `${id} moved its commit index back from ${t.commit} to ${c}`, now);
    else {
      for (let i = t.commit + 1; i <= c; i++) {
        const e = node.entry(i);
        if (e === undefined) {
          this.report("state-machine-safety", `${id} commits index ${i} beyond its log (last ${last})`, now);
          break;
        }
        const rec = this.committed[i];
        if (rec === undefined) {
          this.committed[i] = { term: e.term, data: e.data, commitTerm: term };
          if (i > this.maxCommitted) this.maxCommitted = i;
          if (i > (this.maxCommittedInTerm.get(term) ?? 0)) this.maxCommittedInTerm.set(term, i);
          this.checkLeadersHold(id, term, i, e, now);
        } else if (rec.term !== e.term || !sameData(rec.data, e.data)) {
          this.report("state-machine-safety", `${id} commits a different entry at index ${i} (term ${e.term}, was ${rec.term})`, now);
        }
      }
    }
    t.commit = c;

    // --- lease exclusivity ---
    // A lease the caller's clock model ends at or before `now` is not held
    // (e.g. a paused node catching up on ticks it missed).
    const end = isLeader && node.leaseValid() ? (leaseEnd ?? now + node.leaseRemainingTicks()) : -Infinity;
    if (end > now) {
      for (let k = 0; k < this.all.length; k++) {
        const o = this.all[k];
        if (o !== t && o.claimEnd > now) this.leaseOverlap(id, term, o.id, o.claimTerm, o.claimEnd, "", now);
        if (o.ghostEnd > now) this.leaseOverlap(id, term, o.id, o.ghostTerm, o.ghostEnd, ", from before its restart", now);
      }
      t.claimEnd = end;
      t.claimTerm = term;
    } else if (t.claimEnd > now) {
      t.claimEnd = now;
    }
    return this.newFound;
  }

  private leaseOverlap(id: string, term: number, other: string, otherTerm: number, otherEnd: number, how: string, now: number): void {
    const a = `${other}/${otherTerm}`;
    const b = `${id}/${term}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (this.leaseReported.has(key)) return;
    this.leaseReported.add(key);
    this.report(
      "lease-exclusivity",
      `overlapping valid leases: ${id} (term ${term}) holds a lease while ${other}'s lease (term ${otherTerm}${how}) runs until ${otherEnd}`,
      now,
    );
  }

  /** Log Matching: (index, term) determines data and the previous entry's term. */
  private checkEntry(id: string, node: RaftView, i: number, now: number): void {
    const e = node.entry(i);
    if (e === undefined || e.index !== i) {
      this.report("log-matching", `${id} has ${e === undefined ? "no entry" : `entry with index ${e.index}`} at index ${i}`, now);
      return;
    }
    const prevTerm = i === 1 ? 0 : (node.entry(i - 1)?.term ?? -1);
    let rec = this.registry[i];
    while (rec !== undefined && rec !== null && rec.term !== e.term) rec = rec.other ?? undefined;
    if (rec === undefined || rec === null) {
      this.registry[i] = { term: e.term, data: e.data, prevTerm, other: this.registry[i] ?? null };
    } else if (rec.prevTerm !== prevTerm || !sameData(rec.data, e.data)) {
      this.report(
        "log-matching",
        `${id}: entry ${i} of term ${e.term} differs from another log's (${rec.prevTerm !== prevTerm ? `previous term ${prevTerm} vs ${rec.prevTerm}` : "data"})`,
        now,
      );
    }
  }

  /** A newly committed entry must be in the log of every current leader of a higher term. */
  private checkLeadersHold(committer: string, commitTerm: number, i: number, e: Entry, now: number): void {
    for (let k = 0; k < this.all.length; k++) {
      const o = this.all[k];
      const n = o.node;
      if (o.id === committer || n === null || o.leaderTerm <= commitTerm || n.state !== "leader" || n.term !== o.leaderTerm) continue;
      const have = n.entry(i);
      if (have === undefined || have.term !== e.term) {
        this.report("leader-completeness", `${o.id}, leader of term ${o.leaderTerm}, lacks entry ${i} committed in term ${commitTerm}`, now);
      }
    }
  }
}

/**
 * Creates a safety monitor for a cluster.
 *
 * @param ids - every node id of the cluster
 * @returns the monitor
 * @throws {RaftError} ERR_RAFT_INPUT for an empty or duplicated id list
 * @example
 * const mon = createRaftSafetyMonitor(["a", "b", "c"]);
 * // after every node.step(m) or node.tick():
 * mon.observe(node.id, node, now);
 */
export function createRaftSafetyMonitor(ids: readonly string[]): RaftSafetyMonitor {
  return new Monitor(ids);
}
