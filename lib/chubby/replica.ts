/**
 * @module chubby/replica
 *
 * One replica of a simulated Chubby cell: a Raft node (ticked from a timer on
 * the replica's own clock), the cell's state machine applying every committed
 * entry, and, while it is the Raft leader, the master (paper §2.9):
 * 1. its epoch is the Raft term (a `newEpoch` entry); calls with an older epoch fail (ERR_CHUBBY_OLD_EPOCH);
 * 2. until ready it answers master-location requests only (others are told to retry);
 * 3. it rebuilds from the applied log (its no-op and the epoch entry committed) and extends
 *    every session's lease conservatively to now + the session lease;
 * 4. it then accepts KeepAlives only;
 * 5. each session gets a master-fail-over event on its first KeepAlive reply;
 * 6. it waits until each session acknowledges it or expires;
 * 7. then it allows all operations.
 * (8: handles live in the replicated state, so they survive a fail-over as they are;
 * 9: ephemeral files of expired sessions are deleted by the expiry itself, so there are no orphans.)
 *
 * Writes are proposed stamped with the master's time and answered when applied; reads are
 * served from the master's state only while its lease holds. KeepAlives are held until shortly
 * before the session's lease ends, then answered with a new lease and any events and cache
 * invalidations, which stay in the session's outbox until acknowledged. A write to a file that
 * sessions cache waits until each has acknowledged the invalidation or expired.
 */
import {
  ChubbyError,
  type CellState,
  type Command,
  type Outcome,
  applyCommand,
  getSequencer,
  nextWakeAt,
  statOf,
} from "./cell/index.js";
import { resolveHandle } from "./cell/handles.js";
import type { Timing } from "./config.js";
import type { ClientCall, DeliveredEvent, Msg, OutboxEntry, ReadCall, Reply } from "./messages.js";
import { type Entry, type RaftNode, type RaftSafetyMonitor, createRaftNode } from "./raft/index.js";
import type { Recorder } from "./recorder.js";
import { SimNode, type SimTimer } from "./sim-node.js";
import type { VariantFlags } from "./variants.js";
import { type World, streamRng } from "./world/index.js";

/**
 * What every replica of a cell shares.
 * @example
 * const env: CellEnv = { world, timing, flags, recorder, monitor, replicaIds, seed: 1, newState: () => createCellState({ cell: "cell" }) };
 */
export interface CellEnv {
  readonly world: World<Msg, SimTimer>;
  readonly timing: Timing;
  readonly flags: VariantFlags;
  readonly recorder: Recorder;
  readonly monitor: RaftSafetyMonitor;
  readonly replicaIds: readonly string[];
  readonly seed: number;
  /** A fresh state as every replica starts (the bootstrap snapshot). */
  readonly newState: () => CellState;
  /** Told when a replica becomes an elected master (lease valid, no-op committed) or a ready one. */
  readonly onMaster?: (id: string, what: "elected" | "ready", epoch: number, at: number) => void;
}

/** A master's view of one session. */
interface MSession {
  readonly id: string;
  /** Lease end on the master's clock. */
  leaseEnd: number;
  expiryTimer: number;
  held: { from: string; reqId: number; recv: number } | null;
  holdTimer: number;
  outbox: OutboxEntry[];
  seq: number;
  /** Sequence number of the fail-over event (0: none due, -1: acknowledged). */
  failoverSeq: number;
  expiring: boolean;
  waits: Set<WriteWait>;
}

/** A write waiting for cache invalidations to be acknowledged. */
interface WriteWait {
  readonly waitFor: Map<string, number>;
  readonly go: () => void;
}

interface PendingReply {
  readonly from: string;
  readonly reqId: number;
  /** A path whose write is in flight (uncacheable until applied). */
  readonly path?: string;
}

type Phase = "rebuild" | "keepalives" | "ready";

/** The reply for an applied command's outcome. */
function replyOf(out: Outcome<unknown>, epoch: number): Reply {
  if (out.ok) return { ok: true, result: out.result, epoch };
  const e = (out as { error: ChubbyError }).error;
  return { ok: false, code: e.code, message: e.message, epoch };
}

/**
 * A replica; add it to the world as a node.
 *
 * @example
 * const r = new Replica(env, "r1"); world.addNode("r1", r); r.boot();
 */
export class Replica extends SimNode {
  /** The Raft node (a new one after each restart). */
  node!: RaftNode;
  /** The replica's state machine. */
  state!: CellState;
  /** The master, while this replica leads. */
  master: Master | null = null;
  /** False while crashed. */
  up = true;

  readonly env: CellEnv;
  private readonly rng;
  private readonly store: { term: number; votedFor: string | null; commitIndex: number; log: Entry[] } = {
    term: 0,
    votedFor: null,
    commitIndex: 0,
    log: [],
  };
  private base = 0;
  private ticks = 0;
  private booted = false;
  private lastRole = "";
  private lastTerm = -1;

  constructor(env: CellEnv, id: string) {
    super(env.world, id);
    this.env = env;
    this.rng = streamRng(env.seed, `raft:${id}`);
  }

  /** Starts (or restarts) the replica: a Raft node from what it persisted, the state rebuilt from the log. */
  boot(): void {
    const t = this.env.timing;
    const persisted = this.booted
      ? { term: this.store.term, votedFor: this.store.votedFor, log: this.store.log.slice(), commitIndex: this.store.commitIndex }
      : undefined;
    this.booted = true;
    this.state = this.env.newState();
    this.node = createRaftNode(
      {
        id: this.id,
        peers: this.env.replicaIds,
        electionTicks: t.electionTicks,
        heartbeatTicks: t.heartbeatTicks,
        leaseTicks: t.leaseTicks,
        rng: this.rng,
        unsafe: { noLeaseCheck: this.env.flags.noMasterLease },
      },
      persisted,
    );
    this.base = this.localNow;
    this.ticks = 0;
    this.armTick();
    this.after();
  }

  /** The global time at which this leader's lease ends (now when it holds none). */
  leaseEnd(): number {
    const rem = this.node.leaseRemainingTicks();
    return (this.base + (this.ticks + rem) * this.env.timing.tickMs) / this.rate;
  }

  /** This replica's view of the master (itself, the Raft leader it follows, or null). */
  masterHint(): string | null {
    return this.node.state === "leader" ? this.id : this.node.leaderId;
  }

  // ------------------------------------------------------------- clock

  private catchUp(): void {
    const target = Math.floor((this.localNow - this.base) / this.env.timing.tickMs + 1e-9);
    while (this.ticks < target) {
      this.node.tick();
      this.ticks++;
    }
  }

  /** The tick timer's closure, made once (a tick fires every tickMs on every replica). */
  private readonly onTick = (): void => {
    this.catchUp();
    this.after();
    this.armTick();
  };

  private armTick(): void {
    const next = this.base + (this.ticks + 1) * this.env.timing.tickMs;
    this.timer(next - this.localNow, "t", this.onTick);
  }

  // ------------------------------------------------------------- Raft plumbing

  /** Drains Raft's output (persist, send, apply), then checks roles and leases. */
  after(): void {
    const n = this.node;
    const w = this.world;
    while (n.hasReady()) {
      const rd = n.ready();
      if (rd.hardState !== undefined) {
        this.store.term = rd.hardState.term;
        this.store.votedFor = rd.hardState.votedFor;
        this.store.commitIndex = rd.hardState.commitIndex;
      }
      if (rd.truncateFrom !== undefined) this.store.log.length = rd.truncateFrom - 1;
      for (const e of rd.entries) this.store.log[e.index - 1] = e;
      for (const m of rd.messages) w.send(this.id, m.to, { k: "raft", m });
      for (const e of rd.committed) this.apply(e);
    }
    this.observe();
  }

  private apply(e: Entry): void {
    if (e.data === null) return;
    const cmd = e.data as Command;
    const out = applyCommand(this.state, cmd);
    this.env.recorder.applied(e.index, cmd, out, this.state, this.world.now);
    if (this.master !== null) this.master.onApplied(e, cmd, out);
  }

  private observe(): void {
    const n = this.node;
    const now = this.world.now;
    const isLeader = n.state === "leader";
    const leaseEnd = isLeader ? this.leaseEnd() : now;
    this.env.monitor.observe(this.id, n, now, leaseEnd);
    const valid = isLeader && n.leaseValid();
    this.env.recorder.lease(this.id, n.term, valid, now, leaseEnd);
    if (isLeader && (this.master === null || this.master.term !== n.term)) {
      if (this.master !== null) this.master.stop();
      this.master = new Master(this, n.term);
      this.master.start();
    } else if (!isLeader && this.master !== null) {
      this.master.stop();
      this.master = null;
    }
    if (this.master !== null) this.master.checkElected();
    const role = this.master !== null ? (this.master.phase === "ready" && valid ? "master" : "leader") : n.state === "follower" ? "follower" : "candidate";
    if (role !== this.lastRole || n.term !== this.lastTerm) {
      this.lastRole = role;
      this.lastTerm = n.term;
      this.env.recorder.role(this.id, role, now, `term ${n.term}`);
    }
  }

  // ------------------------------------------------------------- messages

  onMessage(from: string, msg: Msg): void {
    if (!this.up) return;
    this.catchUp();
    if (msg.k === "raft") this.node.step(msg.m);
    else if (msg.k === "req") this.request(from, msg.id, msg.call);
    this.after();
  }

  private request(from: string, reqId: number, call: ClientCall): void {
    if (call.type === "locate") {
      this.reply(from, reqId, { ok: true, result: { master: this.masterHint() }, epoch: this.state.epoch });
      return;
    }
    if (this.master === null) {
      this.reply(from, reqId, { ok: false, code: "ERR_CHUBBY_NOT_MASTER", message: `${this.id} is not the master`, hint: this.node.leaderId });
      return;
    }
    this.master.handle(from, reqId, call);
  }

  /** Sends a reply to a client. */
  reply(to: string, reqId: number, r: Reply): void {
    this.world.send(this.id, to, { k: "rep", id: reqId, r });
  }

  protected override crashed(): void {
    this.up = false;
    if (this.master !== null) this.master.stop();
    this.master = null;
    this.env.recorder.crashed(this.id);
    this.env.recorder.role(this.id, "down", this.world.now);
    this.lastRole = "down";
  }

  protected override restarted(): void {
    this.up = true;
    this.env.monitor.restart(this.id);
    this.boot();
  }
}

/**
 * The master logic of a leading replica for one term; see the module comment.
 * @example
 * replica.master?.phase; // => "ready"
 */
export class Master {
  readonly term: number;
  phase: Phase = "rebuild";
  private readonly r: Replica;
  private active = true;
  private elected = false;
  private epochIndex = -1;
  private readonly sess = new Map<string, MSession>();
  private readonly needAck = new Set<string>();
  private readonly pending = new Map<number, PendingReply>();
  private readonly cachers = new Map<string, Set<string>>();
  private readonly inflight = new Map<string, number>();
  private readonly timers = new Set<number>();
  private wakeTimer = -1;
  private wakeAt = Infinity;

  constructor(r: Replica, term: number) {
    this.r = r;
    this.term = term;
  }

  private get timing(): Timing {
    return this.r.env.timing;
  }

  private timer(ms: number, tag: string, fn: () => void): number {
    const id = this.r.timer(ms, tag, () => {
      this.timers.delete(id);
      if (this.active) fn();
    });
    this.timers.add(id);
    return id;
  }

  private cancel(id: number): void {
    if (id < 0) return;
    this.timers.delete(id);
    this.r.cancel(id);
  }

  /** Step 1: propose the new epoch (after Raft's own no-op). */
  start(): void {
    const { index } = this.r.node.propose({ type: "newEpoch", epoch: this.term, at: this.r.env.world.now });
    this.epochIndex = index;
  }

  /** Leadership lost or the node crashed: forget everything volatile. */
  stop(): void {
    this.active = false;
    for (const id of this.timers) this.r.cancel(id);
    this.timers.clear();
  }

  private leaseOk(): boolean {
    const n = this.r.node;
    return n.state === "leader" && (this.r.env.flags.noMasterLease || n.leaseValid()) && n.committedCurrentTerm;
  }

  /** Tells the simulation once when this master first holds a valid lease with its no-op committed. */
  checkElected(): void {
    if (!this.elected && this.leaseOk()) {
      this.elected = true;
      this.r.env.onMaster?.(this.r.id, "elected", this.term, this.r.env.world.now);
    }
  }

  // ------------------------------------------------------------- applying

  /** A committed entry was applied on this replica. */
  onApplied(e: Entry, cmd: Command, out: Outcome<unknown>): void {
    if (!this.active) return;
    const p = this.pending.get(e.index);
    if (p !== undefined) {
      this.pending.delete(e.index);
      if (p.path !== undefined) this.doneInflight(p.path);
      if (e.term === this.term) {
        this.r.reply(
          p.from,
          p.reqId,
          replyOf(out, this.term),
        );
      }
    }
    if (e.index === this.epochIndex) this.rebuild();
    if (this.phase === "rebuild") return;
    if (cmd.type === "createSession" && out.ok) {
      this.addSession((out.result as { session: string }).session, this.r.localNow + this.timing.sessionLeaseMs);
    }
    for (const ev of out.events) {
      for (const s of ev.sessions) {
        const ms = this.sess.get(s);
        if (ms !== undefined) this.push(ms, { ev });
      }
    }
    if ((cmd.type === "expireSession" || cmd.type === "closeSession") && out.ok) this.dropSession(cmd.session);
    if (out.ok && cmd.type !== "setContents" && cmd.type !== "delete") {
      // Names deleted as a side effect (ephemeral files of an ended session): invalidate after the fact.
      for (const path of out.changed) {
        if (!this.r.state.nodes.has(path)) {
          const cs = this.cachers.get(path);
          if (cs !== undefined) {
            this.cachers.delete(path);
            for (const s of cs) {
              const ms = this.sess.get(s);
              if (ms !== undefined) this.push(ms, { inv: path });
            }
          }
        }
      }
    }
    this.scheduleWake();
  }

  /** Step 3: rebuild from the applied state; extend every session's lease. */
  private rebuild(): void {
    const now = this.r.localNow;
    for (const id of this.r.state.sessions.keys()) {
      const ms = this.addSession(id, now + this.timing.sessionLeaseMs);
      ms.failoverSeq = ++ms.seq;
      ms.outbox.push({ seq: ms.failoverSeq, ev: { kind: "masterFailover", at: this.r.env.world.now, epoch: this.term } });
      this.needAck.add(id);
    }
    this.phase = "keepalives";
    this.maybeReady();
    this.scheduleWake();
  }

  private maybeReady(): void {
    if (this.phase === "keepalives" && this.needAck.size === 0) {
      this.phase = "ready";
      this.r.env.onMaster?.(this.r.id, "ready", this.term, this.r.env.world.now);
    }
  }

  private addSession(id: string, leaseEnd: number): MSession {
    const ms: MSession = {
      id,
      leaseEnd,
      expiryTimer: -1,
      held: null,
      holdTimer: -1,
      outbox: [],
      // Sequence numbers grow across masters (the term is the high part), so a client's
      // acknowledgement from an old master never covers a new master's entries.
      seq: this.term * 1e9,
      failoverSeq: 0,
      expiring: false,
      waits: new Set(),
    };
    this.sess.set(id, ms);
    this.armExpiry(ms);
    return ms;
  }

  private dropSession(id: string): void {
    const ms = this.sess.get(id);
    if (ms === undefined) return;
    this.sess.delete(id);
    this.cancel(ms.expiryTimer);
    this.cancel(ms.holdTimer);
    if (ms.held !== null) {
      this.r.reply(ms.held.from, ms.held.reqId, { ok: false, code: "ERR_CHUBBY_SESSION_EXPIRED", message: `session ${id} has ended` });
    }
    for (const w of ms.waits) this.unblock(w, id);
    this.needAck.delete(id);
    this.maybeReady();
  }

  private armExpiry(ms: MSession): void {
    this.cancel(ms.expiryTimer);
    ms.expiryTimer = this.timer(ms.leaseEnd - this.r.localNow, "x", () => {
      ms.expiryTimer = -1;
      if (this.sess.get(ms.id) !== ms || ms.expiring) return;
      if (this.r.localNow < ms.leaseEnd) {
        this.armExpiry(ms);
        return;
      }
      if (!this.leaseOk()) {
        ms.expiryTimer = this.timer(this.timing.tickMs, "x", () => {
          ms.expiryTimer = -1;
          this.armExpiry(ms);
        });
        return;
      }
      ms.expiring = true;
      this.r.node.propose({ type: "expireSession", session: ms.id, at: this.r.env.world.now });
      this.r.after();
    });
  }

  /** Proposes a tick when a lock-delay with waiters ends. */
  private scheduleWake(): void {
    const w = nextWakeAt(this.r.state);
    const at = w === undefined ? Infinity : w;
    if (at === this.wakeAt) return;
    this.cancel(this.wakeTimer);
    this.wakeTimer = -1;
    this.wakeAt = at;
    if (at === Infinity) return;
    const world = this.r.env.world;
    const delayLocal = (at - world.now) * world.clockRate(this.r.id) * (1 + 1e-6) + 0.001;
    this.wakeTimer = this.timer(delayLocal, "w", () => {
      this.wakeTimer = -1;
      this.wakeAt = Infinity;
      if (world.now >= at && this.leaseOk()) {
        this.r.node.propose({ type: "tick", at: world.now });
        this.r.after();
      } else {
        // Early (clock), or no lease right now: look again a tick later.
        this.wakeAt = Infinity;
        this.wakeTimer = this.timer(this.timing.tickMs, "w", () => {
          this.wakeTimer = -1;
          this.wakeAt = Infinity;
          this.scheduleWake();
        });
        this.wakeAt = at;
      }
    });
  }

  // ------------------------------------------------------------- calls

  /** Handles a client call other than a master-location request. */
  handle(from: string, reqId: number, call: ClientCall): void {
    if (call.type === "locate") return;
    if (this.phase === "rebuild" || (this.phase === "keepalives" && call.type !== "keepAlive")) {
      this.r.reply(from, reqId, {
        ok: false,
        code: "ERR_CHUBBY_UNAVAILABLE",
        message: `master ${this.r.id} is not ready (${this.phase})`,
        retry: true,
        hint: this.r.id,
      });
      return;
    }
    if (!this.leaseOk()) {
      this.r.reply(from, reqId, { ok: false, code: "ERR_CHUBBY_NOT_MASTER", message: `${this.r.id} holds no master lease`, hint: null });
      return;
    }
    if (call.type === "keepAlive") {
      this.keepAlive(from, reqId, call);
      return;
    }
    if (call.type !== "createSession" && call.epoch < this.term) {
      this.r.reply(from, reqId, {
        ok: false,
        code: "ERR_CHUBBY_OLD_EPOCH",
        message: `epoch ${call.epoch} is older than the master's ${this.term}`,
        epoch: this.term,
      });
      return;
    }
    const at = this.r.env.world.now;
    if (call.type === "createSession") {
      this.propose({ type: "createSession", user: call.user, at }, from, reqId);
      return;
    }
    if (call.type === "read") {
      this.read(from, reqId, call);
      return;
    }
    let cmd = { ...call.command, at, epoch: call.epoch } as Command;
    if (this.r.env.flags.noLockDelay && (cmd.type === "acquire" || cmd.type === "tryAcquire")) cmd = { ...cmd, lockDelayMs: 0 };
    if (cmd.type === "setContents" || cmd.type === "delete") {
      const h = this.r.state.handles.get(cmd.handle);
      if (h !== undefined && h.session.id === cmd.session) {
        this.writeAfterInvalidation(h.node.path, cmd.session, cmd, from, reqId);
        return;
      }
    }
    this.propose(cmd, from, reqId);
  }

  private propose(cmd: Command, from: string, reqId: number, path?: string): void {
    const { index } = this.r.node.propose(cmd);
    this.pending.set(index, path === undefined ? { from, reqId } : { from, reqId, path });
  }

  /** §2.7: invalidate every cache of `path` (but the writer's) first; propose when all acknowledged or expired. */
  private writeAfterInvalidation(path: string, writer: string, cmd: Command, from: string, reqId: number): void {
    this.inflight.set(path, (this.inflight.get(path) ?? 0) + 1);
    const cs = this.cachers.get(path);
    this.cachers.delete(path);
    const wait: WriteWait = {
      waitFor: new Map(),
      go: () => {
        if (!this.active) return;
        if (this.r.node.state !== "leader") return;
        this.propose(cmd, from, reqId, path);
        this.r.after();
      },
    };
    if (cs !== undefined) {
      for (const s of cs) {
        if (s === writer) continue;
        const ms = this.sess.get(s);
        if (ms === undefined) continue;
        const seq = this.push(ms, { inv: path });
        wait.waitFor.set(s, seq);
        ms.waits.add(wait);
      }
    }
    if (wait.waitFor.size === 0) this.propose(cmd, from, reqId, path);
  }

  private unblock(w: WriteWait, session: string): void {
    if (!w.waitFor.delete(session)) return;
    if (w.waitFor.size === 0) w.go();
  }

  private doneInflight(path: string): void {
    const n = (this.inflight.get(path) ?? 1) - 1;
    if (n <= 0) this.inflight.delete(path);
    else this.inflight.set(path, n);
  }

  private read(from: string, reqId: number, call: ReadCall): void {
    const ms = this.sess.get(call.session);
    if (ms === undefined || ms.expiring) {
      this.r.reply(from, reqId, { ok: false, code: "ERR_CHUBBY_SESSION_EXPIRED", message: `session ${call.session} has ended` });
      return;
    }
    const state = this.r.state;
    try {
      const h = resolveHandle(state, call.session, call.handle);
      const node = h.node;
      let result: unknown;
      let cacheable = false;
      switch (call.op) {
        case "getContentsAndStat":
          if (!h.canRead) throw new ChubbyError("ERR_CHUBBY_PERMISSION", `handle ${h.id} may not read ${node.path}`);
          if (node.isDirectory) throw new ChubbyError("ERR_CHUBBY_IS_DIRECTORY", `${node.path} is a directory`);
          result = { contents: node.contents, stat: statOf(node) };
          cacheable = !this.inflight.has(node.path);
          if (cacheable) {
            let cs = this.cachers.get(node.path);
            if (cs === undefined) this.cachers.set(node.path, (cs = new Set()));
            cs.add(call.session);
          }
          break;
        case "getStat":
          if (!h.canRead) throw new ChubbyError("ERR_CHUBBY_PERMISSION", `handle ${h.id} may not read ${node.path}`);
          result = { stat: statOf(node) };
          break;
        case "readDir":
          if (!h.canRead) throw new ChubbyError("ERR_CHUBBY_PERMISSION", `handle ${h.id} may not read ${node.path}`);
          if (node.children === null) throw new ChubbyError("ERR_CHUBBY_NOT_DIRECTORY", `${node.path} is a file`);
          result = { children: Array.from(node.children.keys()).sort() };
          break;
        case "getSequencer":
          result = { sequencer: getSequencer(state, call.session, call.handle) };
          break;
        case "handleStatus":
          result = { held: h.held, waiting: h.waiting, generation: node.lockGeneration };
          break;
      }
      this.r.reply(from, reqId, { ok: true, result, epoch: this.term, cacheable });
    } catch (e) {
      if (!(e instanceof ChubbyError)) throw e;
      this.r.reply(from, reqId, { ok: false, code: e.code, message: e.message, epoch: this.term });
    }
  }

  // ------------------------------------------------------------- sessions

  private push(ms: MSession, entry: { ev?: DeliveredEvent; inv?: string }): number {
    const seq = ++ms.seq;
    ms.outbox.push({ seq, ...entry });
    if (ms.held !== null) this.answer(ms);
    return seq;
  }

  private keepAlive(from: string, reqId: number, call: Extract<ClientCall, { type: "keepAlive" }>): void {
    const ms = this.sess.get(call.session);
    if (ms === undefined) {
      this.r.reply(from, reqId, { ok: false, code: "ERR_CHUBBY_SESSION_EXPIRED", message: `session ${call.session} has ended` });
      return;
    }
    // Acknowledgements: drop what the client has seen; release writes waiting for it.
    if (call.invAck > 0 && ms.outbox.length > 0) {
      let k = 0;
      while (k < ms.outbox.length && ms.outbox[k].seq <= call.invAck) k++;
      if (k > 0) ms.outbox.splice(0, k);
    }
    if (ms.waits.size > 0) {
      for (const w of Array.from(ms.waits)) {
        const seq = w.waitFor.get(ms.id);
        if (seq !== undefined && seq <= call.invAck) {
          ms.waits.delete(w);
          this.unblock(w, ms.id);
        }
      }
    }
    if (ms.failoverSeq > 0 && call.invAck >= ms.failoverSeq) {
      ms.failoverSeq = -1;
      this.needAck.delete(ms.id);
      this.maybeReady();
    }
    if (ms.held !== null) this.cancel(ms.holdTimer);
    ms.held = { from, reqId, recv: this.r.localNow };
    if (ms.expiring) return; // answered (session expired) when the expiry applies
    if (call.urgent || ms.outbox.length > 0) {
      this.answer(ms);
      return;
    }
    const wait = ms.leaseEnd - this.timing.keepAliveMarginMs - this.r.localNow;
    if (wait <= 0) {
      this.answer(ms);
      return;
    }
    ms.holdTimer = this.timer(wait, "h", () => {
      ms.holdTimer = -1;
      this.answer(ms);
    });
  }

  /** Answers the session's held KeepAlive: a new lease plus the outbox. */
  private answer(ms: MSession): void {
    const held = ms.held;
    if (held === null || ms.expiring) return;
    this.cancel(ms.holdTimer);
    ms.holdTimer = -1;
    ms.held = null;
    if (!this.leaseOk()) {
      this.r.reply(held.from, held.reqId, { ok: false, code: "ERR_CHUBBY_NOT_MASTER", message: `${this.r.id} holds no master lease`, hint: null });
      return;
    }
    const now = this.r.localNow;
    const D = this.timing.sessionLeaseMs;
    if (now + D > ms.leaseEnd) {
      ms.leaseEnd = now + D;
      this.armExpiry(ms);
    }
    this.r.reply(held.from, held.reqId, {
      ok: true,
      result: null,
      epoch: this.term,
      leaseMs: ms.leaseEnd - now,
      holdMs: now - held.recv,
      outbox: ms.outbox.length > 0 ? ms.outbox.slice() : undefined,
    });
  }
}
