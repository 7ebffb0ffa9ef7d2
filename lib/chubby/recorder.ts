/**
 * @module chubby/recorder
 *
 * Everything a simulated run leaves behind, in the plain records the
 * checkers of `lib/chubby/check` read (client operations with invoke and
 * complete times, lock holds in server state, master lease intervals in
 * global time, promised session leases, fenced writes, lock-delays,
 * monotonic numbers, cached reads, FIFO requests and grants), plus the
 * timelines a notebook plots (replica roles, lock holders and waiters,
 * client session states) and the checks that need the simulation's own
 * knowledge (Raft's safety monitor, sessions abandoned by their client while
 * the cell still honoured them, the cell's state invariants).
 */
import {
  type CellState,
  type Command,
  type Outcome,
  findInvariantViolations,
} from "./cell/index.js";
import {
  type CheckReport,
  type CommittedWrite,
  type CachedRead,
  type FencedWrite,
  type History,
  type LeaseInterval,
  type LockDelay,
  type LockGrant,
  type LockHold,
  type LockRequest,
  type Monotonic,
  type Operation,
  type OpStatus,
  checkAll,
  registerModel,
} from "./check/index.js";
import type { RaftSafetyMonitor } from "./raft/index.js";

/** A replica's role in the role timeline. "master" is a leader with a valid lease that finished fail-over. @example const r: ReplicaRole = "master"; */
export type ReplicaRole = "down" | "follower" | "candidate" | "leader" | "master";

/** A client's session state in the timeline (paper figure 2). @example const s: ClientState = "jeopardy"; */
export type ClientState = "no session" | "ok" | "jeopardy" | "expired" | "down" | "paused";

/**
 * One span of a timeline: `who` was in `state` over `[from, to)` (global ms).
 * @example
 * const s: Span = { who: "r1", state: "master", from: 5200, to: 30000 };
 */
export interface Span {
  who: string;
  state: string;
  from: number;
  to: number;
  /** Extra detail (an epoch, a lock generation). */
  detail?: string;
}

/**
 * Something a client saw: a session event (jeopardy, safe, expired,
 * masterFailover) or a cell event, at the global time it was delivered.
 * @example
 * const e: ClientEventRecord = { client: "web-1", at: 17000, kind: "jeopardy" };
 */
export interface ClientEventRecord {
  client: string;
  at: number;
  kind: string;
  detail?: string;
  /** For cell events: when the action happened (delivery must not precede it). */
  actionAt?: number;
}

/**
 * One violation of any checked property (the checkers' names, `raft:<property>`,
 * `sessionsSurvive`, `cellState`, `eventsAfterAction`).
 * @example
 * const v: SimViolation = { invariant: "fencedTokensIncrease", at: 41000, detail: "fs accepted token 5 after 9" };
 */
export interface SimViolation {
  invariant: string;
  detail: string;
  at: number;
}

/**
 * A client declaring its session lost.
 * `why`: "server" (the master said it expired), "grace" (no master within the grace period),
 * "jeopardy" (given up at once: the no-grace variant).
 */
interface SessionLoss {
  client: string;
  session: string;
  at: number;
  why: "server" | "grace" | "jeopardy";
}

/** Options of {@link Recorder}. @example const o: RecorderOptions = { initialValue: "", initialGeneration: 3 }; */
export interface RecorderOptions {
  /** The register's value before any write (every file's initial contents). */
  initialValue: string;
  /** The content generation of the watched files before any write. */
  initialGeneration: number;
  /** The linearizability search budget per key. */
  maxSteps?: number;
}

const INF = Infinity;

/**
 * Collects a run's records; see the module comment.
 * @example
 * const rec = new Recorder({ initialValue: "", initialGeneration: 3 });
 */
export class Recorder {
  readonly operations: Operation[] = [];
  readonly holds: LockHold[] = [];
  readonly leases: LeaseInterval[] = [];
  readonly fencedWrites: FencedWrite[] = [];
  readonly lockDelays: LockDelay[] = [];
  readonly monotonicObs: Monotonic[] = [];
  /**
   * Every read a client answered, in order (from its cache or from the master).
   * A cache hit is one record that is both its operation and its read.
   */
  readonly cachedReads: CachedRead[] = [];
  readonly writes: CommittedWrite[] = [];
  readonly lockRequests: LockRequest[] = [];
  readonly lockGrants: LockGrant[] = [];
  readonly heals: { at: number; bound: number }[] = [];
  readonly roles: Span[] = [];
  readonly clientSpans: Span[] = [];
  readonly clientEvents: ClientEventRecord[] = [];
  /** Client lease ends as promised, for plots: (client, at, leaseEnd in global ms). */
  readonly leasePoints: { client: string; at: number; leaseEnd: number }[] = [];
  readonly rpcCounts: Record<string, number> = {};
  readonly extraViolations: SimViolation[] = [];
  readonly losses: SessionLoss[] = [];
  /** Session id -> client name. */
  readonly owners = new Map<string, string>();
  /** Session id -> promised lease end (global) and end time. */
  readonly sessions = new Map<string, { promisedUntil: number; endedAt?: number }>();
  /** Highest log index recorded (entries are recorded once, by the first replica to apply them). */
  recordedIndex = 0;

  private readonly opts: RecorderOptions;
  private nextOp = 1;
  private readonly openOps = new Map<number, Operation>();
  private readonly openHolds = new Map<number, LockHold>();
  private readonly openLeases = new Map<string, LeaseInterval>();
  private readonly openRoles = new Map<string, Span>();
  private readonly openClient = new Map<string, Span>();
  private readonly openRequests = new Map<number, LockRequest>();
  private readonly acquireCount = new Map<number, number>();
  private readonly requestedDelay = new Map<number, number>();
  private readonly lastSeries = new Map<string, number>();

  constructor(opts: RecorderOptions) {
    this.opts = opts;
  }

  // ------------------------------------------------------------- client calls

  /** Counts one RPC of a kind. */
  rpc(kind: string): void {
    this.rpcCounts[kind] = (this.rpcCounts[kind] ?? 0) + 1;
  }

  /** A client invoked a file operation (read, write); returns its id. */
  invoke(client: string, op: string, key: string, input: unknown, at: number): number {
    const id = this.nextOp++;
    const o: Operation = { id, client, op, key, status: "unknown", invokeAt: at };
    if (input !== undefined) o.input = input;
    this.operations.push(o);
    this.openOps.set(id, o);
    return id;
  }

  /** The operation completed (or is given up as unknown). */
  complete(id: number, status: OpStatus, at: number, output?: unknown, error?: string): void {
    const o = this.openOps.get(id);
    if (o === undefined) return;
    this.openOps.delete(id);
    o.status = status;
    if (status !== "unknown") o.completeAt = at;
    if (output !== undefined) o.output = output;
    if (error !== undefined) o.error = error;
  }

  /**
   * A read answered at once (from the client's cache): invoked and completed
   * ok at `at`, as `invoke` then `complete` would record it, in one object.
   * @example
   * recorder.instantRead("web-1", "/ls/cell/lock", "web-2", 1200);
   */
  instantRead(client: string, key: string, output: unknown, at: number): void {
    const o: Operation = { id: this.nextOp++, client, op: "read", key, status: "ok", invokeAt: at, completeAt: at };
    if (output !== undefined) o.output = output;
    this.operations.push(o);
  }

  /** A read a client answered (from its cache or from the master). */
  read(r: CachedRead): void {
    this.cachedReads.push(r);
  }

  /**
   * A read answered from the client's cache: `instantRead` and `read` in one
   * (one record, in both `operations` and `cachedReads`).
   * @example
   * recorder.cacheHit("web-1", "/ls/cell/lock", "web-2", 3, 1200);
   */
  cacheHit(client: string, key: string, value: string, generation: number, at: number): void {
    // One object serves as both records (a cache hit is most of a run's records).
    const o: Operation & CachedRead = { id: this.nextOp++, client, op: "read", key, status: "ok", invokeAt: at, completeAt: at, output: value, value, generation, at };
    this.operations.push(o);
    this.cachedReads.push(o);
  }

  /** The client asked for this lock-delay when acquiring through a handle. */
  acquireRequested(handle: number, lockDelayMs: number): void {
    this.requestedDelay.set(handle, lockDelayMs);
  }

  /** A client now knows its session under this id. */
  sessionOwner(session: string, client: string): void {
    this.owners.set(session, client);
  }

  /** A client computed a (conservative) lease end; `leaseEnd` in global ms. */
  promise(client: string, session: string, at: number, leaseEnd: number): void {
    const s = this.sessions.get(session);
    if (s !== undefined && leaseEnd > s.promisedUntil) s.promisedUntil = leaseEnd;
    this.leasePoints.push({ client, at, leaseEnd });
  }

  /** A client declared its session lost. */
  sessionLost(client: string, session: string, at: number, why: SessionLoss["why"]): void {
    this.losses.push({ client, session, at, why });
  }

  /** A number that must never decrease. */
  observe(series: string, value: number, at: number): void {
    if (this.lastSeries.get(series) === value) return;
    this.lastSeries.set(series, value);
    this.monotonicObs.push({ series, value, at });
  }

  /** An event or state change a client saw. */
  clientEvent(e: ClientEventRecord): void {
    this.clientEvents.push(e);
    if (e.actionAt !== undefined && e.actionAt > e.at) {
      this.extraViolations.push({
        invariant: "eventsAfterAction",
        at: e.at,
        detail: `${e.client} got ${e.kind} at ${e.at}, before its action at ${e.actionAt}`,
      });
    }
  }

  /** A fenced resource saw a write. */
  fenced(w: FencedWrite): void {
    this.fencedWrites.push(w);
  }

  // ------------------------------------------------------------- timelines

  /** A replica's role at `at`. */
  role(node: string, role: ReplicaRole, at: number, detail?: string): void {
    this.span(this.openRoles, this.roles, node, role, at, detail);
  }

  /** A client's session state at `at`. */
  clientState(client: string, state: ClientState, at: number): void {
    this.span(this.openClient, this.clientSpans, client, state, at);
  }

  private span(open: Map<string, Span>, list: Span[], who: string, state: string, at: number, detail?: string): void {
    const cur = open.get(who);
    if (cur !== undefined) {
      if (cur.state === state && cur.detail === detail) return;
      cur.to = at;
    }
    const s: Span = detail === undefined ? { who, state, from: at, to: INF } : { who, state, from: at, to: INF, detail };
    list.push(s);
    open.set(who, s);
  }

  /**
   * A replica's master lease as observed at `now`: valid until `leaseEnd`
   * (global), or not valid (the interval, if any, ends now unless its end
   * already passed).
   */
  lease(node: string, epoch: number, valid: boolean, now: number, leaseEnd: number): void {
    const cur = this.openLeases.get(node);
    if (valid && leaseEnd > now) {
      if (cur !== undefined && cur.epoch === epoch && cur.to >= now) {
        if (leaseEnd > cur.to) cur.to = leaseEnd;
        return;
      }
      const l: LeaseInterval = { node, epoch, from: now, to: leaseEnd };
      this.leases.push(l);
      this.openLeases.set(node, l);
    } else if (cur !== undefined) {
      if (cur.to > now) cur.to = now;
      this.openLeases.delete(node);
    }
  }

  /** A replica crashed: its lease still binds until its end, but no longer grows. */
  crashed(node: string): void {
    this.openLeases.delete(node);
  }

  /** Whether `node` holds a master lease at `now` as recorded. */
  leaseHolderAt(now: number): LeaseInterval | undefined {
    for (const l of this.openLeases.values()) if (l.from <= now && l.to > now) return l;
    return undefined;
  }

  // ------------------------------------------------------------- server state

  /**
   * A committed entry applied for the first time (by any replica), with its
   * outcome; `state` is that replica's state right after.
   */
  applied(index: number, cmd: Command, out: Outcome<unknown>, state: CellState, now: number): void {
    if (index <= this.recordedIndex) return;
    this.recordedIndex = index;
    const at = state.now;
    if (cmd.type === "newEpoch" && out.ok) this.observe("epoch:cell", cmd.epoch, now);
    if (cmd.type === "createSession" && out.ok) {
      const id = (out.result as { session: string }).session;
      this.sessions.set(id, { promisedUntil: -INF });
    }
    if ((cmd.type === "expireSession" || cmd.type === "closeSession") && out.ok) {
      const s = this.sessions.get(cmd.session);
      if (s !== undefined && cmd.type === "expireSession") s.endedAt = at;
      if (s !== undefined && cmd.type === "closeSession") s.endedAt = INF; // the client gave it up itself
      for (const [h, q] of this.openRequests) {
        if (this.sessionOfHandle.get(h) === cmd.session) {
          q.cancelledAt = at;
          this.openRequests.delete(h);
        }
      }
    }
    if ((cmd.type === "acquire" || cmd.type === "tryAcquire") && out.ok) {
      const r = out.result as { granted: boolean };
      const h = state.handles.get(cmd.handle);
      if (h !== undefined) {
        const n = (this.acquireCount.get(cmd.handle) ?? 0) + 1;
        this.acquireCount.set(cmd.handle, n);
        this.sessionOfHandle.set(cmd.handle, cmd.session);
        if (cmd.type === "acquire") {
          const q: LockRequest = { lock: h.node.path, client: this.holderName(cmd.session), at, id: `${cmd.handle}.${n}` };
          this.lockRequests.push(q);
          if (!r.granted) this.openRequests.set(cmd.handle, q);
          else this.lockGrants.push({ lock: h.node.path, client: q.client, at, id: q.id });
        }
      }
    }
    if (cmd.type === "setContents" && out.ok) {
      const h = state.handles.get(cmd.handle);
      if (h !== undefined) {
        const g = (out.result as { contentGeneration: number }).contentGeneration;
        this.writes.push({ key: h.node.path, value: cmd.contents, generation: g, at: now });
        this.observe(`contentGeneration:${h.node.path}`, g, now);
      }
    }
    for (const e of out.events) {
      switch (e.kind) {
        case "lockGranted": {
          const hold: LockHold = { lock: e.path, holder: this.holderName(e.session), mode: e.mode, from: e.at, to: INF, generation: e.generation };
          this.holds.push(hold);
          this.openHolds.set(e.handle, hold);
          this.observe(`lockGeneration:${e.path}`, e.generation, now);
          const q = this.openRequests.get(e.handle);
          if (q !== undefined) {
            this.lockGrants.push({ lock: e.path, client: q.client, at: e.at, id: q.id });
            this.openRequests.delete(e.handle);
          }
          break;
        }
        case "lockReleased": {
          const hold = this.openHolds.get(e.handle);
          if (hold !== undefined) {
            hold.to = e.at;
            this.openHolds.delete(e.handle);
          }
          if (e.reason === "sessionExpired") {
            this.lockDelays.push({ lock: e.path, freedByFailureAt: e.at, delayMs: this.requestedDelay.get(e.handle) ?? 0 });
          }
          break;
        }
        case "lockWaitCancelled": {
          const q = this.openRequests.get(e.handle);
          if (q !== undefined) {
            q.cancelledAt = e.at;
            this.openRequests.delete(e.handle);
          }
          break;
        }
        default:
          break;
      }
    }
  }

  private readonly sessionOfHandle = new Map<number, string>();

  private holderName(session: string): string {
    const c = this.owners.get(session);
    return c === undefined ? session : `${c}/${session}`;
  }

  // ------------------------------------------------------------- checking

  /** The history in the checkers' format. */
  history(): History {
    const sessions = Array.from(this.sessions, ([session, s]) => ({
      session,
      promisedUntil: s.promisedUntil === -INF ? 0 : s.promisedUntil,
      ...(s.endedAt !== undefined && s.endedAt !== INF ? { endedAt: s.endedAt } : {}),
    }));
    return {
      operations: this.operations,
      holds: this.holds,
      leases: this.leases,
      sessions,
      fencedWrites: this.fencedWrites,
      lockDelays: this.lockDelays,
      monotonic: this.monotonicObs,
      cachedReads: this.cachedReads,
      writes: this.writes,
      lockRequests: this.lockRequests,
      lockGrants: this.lockGrants,
      heals: this.heals,
    };
  }

  /**
   * Runs every check: the `lib/chubby/check` checkers on the history, Raft's
   * monitor, sessions given up while the cell still honoured them, the
   * replicas' state invariants, events delivered before their action.
   * @param monitor - the run's Raft safety monitor
   * @param states - every replica's final state
   * @returns the checkers' report and every violation by time
   */
  check(monitor: RaftSafetyMonitor, states: readonly { id: string; state: CellState }[]): { report: CheckReport; violations: SimViolation[] } {
    const h = this.history();
    const report = checkAll(h, {
      staleReads: { initial: this.opts.initialValue, initialGeneration: this.opts.initialGeneration },
      linearizability: {
        model: registerModel({ initial: this.opts.initialValue }),
        maxSteps: this.opts.maxSteps ?? 2_000_000,
        minimize: true,
      },
    });
    const out: SimViolation[] = report.violations.map((v) => ({ invariant: v.invariant, detail: v.detail, at: v.at }));
    for (const v of monitor.violations()) out.push({ invariant: `raft:${v.property}`, detail: v.detail, at: v.at });
    for (const l of this.losses) {
      if (l.why === "server") continue;
      const s = this.sessions.get(l.session);
      const ended = s?.endedAt;
      if (ended === undefined || ended > l.at) {
        out.push({
          invariant: "sessionsSurvive",
          at: l.at,
          detail: `${l.client} gave session ${l.session} up at ${l.at} (${l.why === "grace" ? "grace period over" : "at jeopardy"}) while the cell still held it${ended === undefined ? "" : ` until ${ended}`}`,
        });
      }
    }
    for (const { id, state } of states) {
      for (const line of findInvariantViolations(state)) out.push({ invariant: "cellState", at: state.now, detail: `${id}: ${line}` });
    }
    for (const v of this.extraViolations) out.push(v);
    out.sort((a, b) => a.at - b.at);
    return { report, violations: out };
  }
}
