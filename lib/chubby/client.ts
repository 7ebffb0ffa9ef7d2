/**
 * @module chubby/client
 *
 * The Chubby client library as a simulated node (paper §2.6-§2.8): it finds
 * the master by asking replicas, keeps its session alive with KeepAlives,
 * keeps a conservative local lease (the reply's lease, counted from when the
 * KeepAlive was SENT plus the time the master says it held it, shrunk by the
 * worst clock drift), caches file contents until the master invalidates
 * them, and goes into jeopardy when its local lease runs out: the cache is
 * flushed, calls block, and a 45 s grace period ends in `safe` (a master,
 * maybe a new one, answered) or `expired`.
 *
 * Calls take a callback (the simulation is single-threaded and synchronous:
 * promises would resolve only after the run). API misuse surfaces as a
 * ChubbyError with a stable code: a bad path or oversize contents at once,
 * a lock not held, a stale handle, an old epoch from the master.
 */
import { ChubbyError, type ChubbyErrorCode, type LockMode, type NodeStat, type Subscription, checkPath, utf8ByteLength } from "./cell/index.js";
import type { Timing } from "./config.js";
import {
  type ClientCall,
  type ClientCommand,
  type DeliveredEvent,
  type HandleStatus,
  type Msg,
  type Reply,
  type ReplyOk,
  callKind,
  isErr,
} from "./messages.js";
import type { ClientState, Recorder } from "./recorder.js";
import { SimNode, type SimTimer } from "./sim-node.js";
import type { VariantFlags } from "./variants.js";
import type { World } from "./world/index.js";

/**
 * A call's completion: an error, or the result.
 * @example
 * const cb: Callback<{ handle: number }> = (err, r) => { if (err) console.log(err.code); else console.log(r?.handle); };
 */
export type Callback<T> = (err: ChubbyError | null, result?: T) => void;

/** The client's session state (paper figure 2). @example const s: SessionStatus = client.status; // e.g. "jeopardy" */
export type SessionStatus = "none" | "creating" | "ok" | "jeopardy" | "expired";

/**
 * What the client tells its application: session changes (jeopardy, safe,
 * expired, masterFailover), a lock it learned it lost, and the cell's events.
 * @example
 * client.onEvent((e) => { if (e.kind === "expired") restart(); });
 */
export type ClientEvent =
  | { readonly kind: "jeopardy" | "safe" | "expired" }
  | { readonly kind: "masterFailover"; readonly epoch: number }
  | { readonly kind: "lockLost"; readonly handle: number }
  | { readonly kind: "cell"; readonly event: DeliveredEvent };

/**
 * What every client of a cell shares.
 * @example
 * const env: ClientEnv = { world, timing, flags, recorder, replicaIds: ["r1", "r2", "r3"] };
 */
export interface ClientEnv {
  readonly world: World<Msg, SimTimer>;
  readonly timing: Timing;
  readonly flags: VariantFlags;
  readonly recorder: Recorder;
  readonly replicaIds: readonly string[];
}

/** Options of `open`. @example const o: OpenOptions = { mode: "write", create: true, events: ["contentsModified"] }; */
export interface OpenOptions {
  /** "read" (default) or "write" (needed for SetContents, Delete, Acquire). */
  mode?: "read" | "write";
  create?: boolean;
  exclusive?: boolean;
  directory?: boolean;
  ephemeral?: boolean;
  contents?: string;
  events?: readonly Subscription[];
}

/** Options of `acquire` and `tryAcquire`. @example const o: AcquireOptions = { mode: "exclusive", lockDelayMs: 10_000 }; */
export interface AcquireOptions {
  mode?: LockMode;
  /** Lock-delay if this holder fails (default 0, at most 60 000 ms). */
  lockDelayMs?: number;
}

/** A call with no timeout (about 31 years of virtual time: no timer is set for it). */
const NO_TIMEOUT = 1e12;
const MAX_REDIRECTS = 8;

interface PendingCall {
  readonly to: string;
  readonly timer: number;
  /** A locate probe's handler; absent for a call sent by `rpc`, whose reply goes to `rpcReply` with the fields below. */
  readonly cb?: (r: Reply | null) => void;
  readonly call?: ClientCall;
  readonly timeoutMs?: number;
  readonly done?: (r: Reply | null, sentAt: number) => void;
  readonly deadline?: number;
  readonly redirects?: number;
  readonly sentAt?: number;
}

function err(code: ChubbyErrorCode, message: string): ChubbyError {
  return new ChubbyError(code, message);
}

/**
 * A simulated client node running the Chubby client library.
 *
 * @example
 * const c = new ChubbyClient(env, "web-1", "web"); world.addNode("web-1", c);
 * c.startSession((e) => c.open("/ls/cell/web/leader", { mode: "write" }, (e2, r) => console.log(r?.handle)));
 */
export class ChubbyClient extends SimNode {
  /** The user the sessions run as. */
  readonly user: string;
  /** The session id (null before one is created). */
  session: string | null = null;
  /** The session state. */
  status: SessionStatus = "none";
  /** The epoch the client believes current (learned from KeepAlive replies). */
  epoch = 0;
  /** Where the client believes the master is. */
  master: string | null = null;
  /** The local lease end (local ms). */
  leaseEnd = 0;

  private readonly env: ClientEnv;
  private incarnation = 0;
  private seq = 0;
  private readonly pending = new Map<number, PendingCall>();
  private waitingForMaster: (() => void)[] = [];
  private blocked: (() => void)[] = [];
  private locating = false;
  private locateNext = 0;
  private locateMisses = 0;
  private leaseTimer = -1;
  private graceTimer = -1;
  private kaGen = 0;
  private kaPending = false;
  private ack = 0;
  private failoverAck = 0;
  private readonly cache = new Map<string, { contents: string; stat: NodeStat }>();
  private readonly invCount = new Map<string, number>();
  private cacheGen = 0;
  private readonly paths = new Map<number, string>();
  private readonly acquires = new Map<number, Callback<{ generation: number }>>();
  private readonly early = new Map<number, { granted: boolean; generation: number }>();
  private readonly heldLocks = new Map<number, { mode: LockMode; generation: number }>();
  private readonly listeners: ((e: ClientEvent) => void)[] = [];
  private readonly restartHooks: (() => void)[] = [];
  private sessionCb: Callback<{ session: string }> | null = null;

  constructor(env: ClientEnv, id: string, user: string) {
    super(env.world, id);
    this.env = env;
    this.user = user;
    let h = 0;
    for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
    this.locateNext = h % env.replicaIds.length;
  }

  /** Listens to session and cell events. */
  onEvent(fn: (e: ClientEvent) => void): void {
    this.listeners.push(fn);
  }

  /** Runs `fn` when the client node restarts after a crash (its application starts again). @example client.whenRestarted(() => app.start()); */
  whenRestarted(fn: () => void): void {
    this.restartHooks.push(fn);
  }

  /** Whether the local lease is valid now (status ok and not past the lease end). */
  leaseValid(): boolean {
    return this.status === "ok" && this.localNow < this.leaseEnd;
  }

  /** Whether the client believes it holds the lock through `handle` (and its session is in good standing). */
  holds(handle: number): boolean {
    return this.heldLocks.has(handle) && this.leaseValid();
  }

  /** The lock generation the client was granted through `handle`, if it holds it. */
  heldGeneration(handle: number): number | undefined {
    return this.heldLocks.get(handle)?.generation;
  }

  private emit(e: ClientEvent): void {
    const now = this.world.now;
    if (e.kind === "cell") {
      const ev = e.event;
      this.env.recorder.clientEvent({ client: this.id, at: now, kind: ev.kind, detail: "path" in ev ? ev.path : undefined, actionAt: ev.at });
    } else {
      this.env.recorder.clientEvent({ client: this.id, at: now, kind: e.kind, detail: e.kind === "masterFailover" ? `epoch ${e.epoch}` : undefined });
    }
    for (const fn of this.listeners) fn(e);
  }

  private setStatus(s: SessionStatus): void {
    this.status = s;
    const map: Record<SessionStatus, ClientState> = { none: "no session", creating: "no session", ok: "ok", jeopardy: "jeopardy", expired: "expired" };
    this.env.recorder.clientState(this.id, map[s], this.world.now);
  }

  // ------------------------------------------------------------- RPC

  /**
   * Sends a call to the master, finding it first if needed; follows NOT_MASTER
   * hints and retries calls a not-yet-ready master turned away (both
   * definitely not executed) until `deadline` (local ms). `cb(null)` means no
   * answer in time: the call may or may not have taken effect.
   */
  private rpc(call: ClientCall, timeoutMs: number, cb: (r: Reply | null, sentAt: number) => void, deadline = this.localNow + 10 * this.env.timing.rpcTimeoutMs, redirects = 0): void {
    const inc = this.incarnation;
    if (this.master === null) {
      if (this.localNow > deadline) {
        cb(null, this.localNow);
        return;
      }
      this.waitingForMaster.push(() => {
        if (inc === this.incarnation) this.rpc(call, timeoutMs, cb, deadline, redirects);
      });
      this.locate();
      return;
    }
    const id = ++this.seq;
    const to = this.master;
    const sentAt = this.localNow;
    this.env.recorder.rpc(callKind(call));
    this.world.send(this.id, to, { k: "req", id, call });
    // NO_TIMEOUT (a KeepAlive, held by the master) sets no timer: one that far out could
    // never fire in a run, and left on the event queue it only made the heap deeper.
    const timer =
      timeoutMs >= NO_TIMEOUT
        ? -1
        : this.timer(timeoutMs, "r", () => {
            this.pending.delete(id);
            if (this.master === to) this.master = null;
            cb(null, sentAt);
          });
    this.pending.set(id, { to, timer, call, timeoutMs, done: cb, deadline, redirects, sentAt });
  }

  /** The answer to a call `rpc` sent: retries or redirects it, or hands it to its callback. */
  private rpcReply(p: PendingCall, r: Reply | null): void {
    const call = p.call as ClientCall;
    const timeoutMs = p.timeoutMs as number;
    const cb = p.done as (r: Reply | null, sentAt: number) => void;
    const deadline = p.deadline as number;
    const redirects = p.redirects as number;
    const sentAt = p.sentAt as number;
    const to = p.to;
    if (r === null || !isErr(r)) {
      cb(r, sentAt);
      return;
    }
    const again = this.localNow < deadline && redirects < MAX_REDIRECTS;
    if (r.code === "ERR_CHUBBY_NOT_MASTER" && again) {
      this.master = r.hint !== undefined && r.hint !== null && r.hint !== to ? r.hint : null;
      if (this.master !== null) this.rpc(call, timeoutMs, cb, deadline, redirects + 1);
      else this.timer(this.env.timing.retryDelayMs, "b", () => this.rpc(call, timeoutMs, cb, deadline, redirects + 1));
      return;
    }
    if (r.retry === true && this.localNow < deadline) {
      this.timer(this.env.timing.retryDelayMs, "b", () => this.rpc(call, timeoutMs, cb, deadline, redirects));
      return;
    }
    cb(r, sentAt);
  }

  /** Asks replicas in turn where the master is. */
  private locate(): void {
    if (this.locating) return;
    this.locating = true;
    this.locateStep();
  }

  private locateStep(): void {
    const ids = this.env.replicaIds;
    const to = ids[this.locateNext % ids.length];
    this.locateNext++;
    const id = ++this.seq;
    this.env.recorder.rpc("locate");
    this.world.send(this.id, to, { k: "req", id, call: { type: "locate" } });
    // Back off while no replica knows a master (an election is running): up to 8 retry delays.
    const next = (): void => {
      this.locateMisses++;
      this.timer(this.env.timing.retryDelayMs * Math.min(8, this.locateMisses), "b", () => this.locateStep());
    };
    const timer = this.timer(this.env.timing.probeTimeoutMs, "r", () => {
      this.pending.delete(id);
      this.locateStep();
    });
    this.pending.set(id, {
      to,
      timer,
      cb: (r) => {
        const m = r !== null && !isErr(r) ? (r.result as { master: string | null }).master : null;
        if (m === null) {
          next();
          return;
        }
        this.master = m;
        this.locating = false;
        this.locateMisses = 0;
        const waiting = this.waitingForMaster;
        this.waitingForMaster = [];
        for (const fn of waiting) fn();
      },
    });
  }

  onMessage(_from: string, msg: Msg): void {
    if (msg.k !== "rep") return;
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    this.cancel(p.timer);
    if (p.cb !== undefined) p.cb(msg.r);
    else this.rpcReply(p, msg.r);
  }

  // ------------------------------------------------------------- session

  /**
   * Creates a session (retrying until a master answers) and starts the KeepAlive loop.
   * @param cb - called with the session id
   */
  startSession(cb: Callback<{ session: string }>): void {
    if (this.status === "ok" || this.status === "jeopardy" || this.status === "creating") {
      cb(err("ERR_CHUBBY_EXISTS", `${this.id} already has a session`));
      return;
    }
    this.setStatus("creating");
    this.sessionCb = cb;
    this.tryCreate();
  }

  private tryCreate(): void {
    const inc = this.incarnation;
    this.rpc({ type: "createSession", user: this.user, epoch: this.epoch }, this.env.timing.rpcTimeoutMs, (r, sent) => {
      if (inc !== this.incarnation || this.status !== "creating") return;
      if (r === null || isErr(r)) {
        this.timer(this.env.timing.retryDelayMs, "b", () => this.tryCreate());
        return;
      }
      const id = (r.result as { session: string }).session;
      this.session = id;
      this.ack = 0;
      this.failoverAck = 0;
      if (r.epoch > this.epoch) this.setEpoch(r.epoch);
      this.env.recorder.sessionOwner(id, this.id);
      const d = this.env.timing.clockDrift;
      this.extendLease(sent + (this.env.timing.sessionLeaseMs * (1 - d)) / (1 + d));
      this.setStatus("ok");
      this.sendKeepAlive();
      const cb = this.sessionCb;
      this.sessionCb = null;
      cb?.(null, { session: id });
    });
  }

  private setEpoch(e: number): void {
    this.epoch = e;
    this.env.recorder.observe(`epoch@${this.id}`, e, this.world.now);
  }

  private extendLease(end: number): void {
    if (end <= this.leaseEnd) return;
    this.leaseEnd = end;
    if (this.session !== null) this.env.recorder.promise(this.id, this.session, this.world.now, end / this.rate);
    this.armLeaseTimer();
  }

  private armLeaseTimer(): void {
    this.cancel(this.leaseTimer);
    this.leaseTimer = this.timer(this.leaseEnd - this.localNow, "l", () => {
      this.leaseTimer = -1;
      // A timer may fire a hair early in floating point: then wait the rest.
      if (this.localNow >= this.leaseEnd - 1e-6) this.jeopardy();
      else this.armLeaseTimer();
    });
  }

  private sendKeepAlive(): void {
    if (this.session === null || (this.status !== "ok" && this.status !== "jeopardy") || this.kaPending) return;
    const gen = this.kaGen;
    const inc = this.incarnation;
    const session = this.session;
    const urgent = this.status === "jeopardy";
    this.kaPending = true;
    const call: ClientCall = { type: "keepAlive", session, epoch: this.epoch, failoverAck: this.failoverAck, invAck: this.ack, urgent };
    this.rpc(
      call,
      urgent ? this.env.timing.probeTimeoutMs : NO_TIMEOUT,
      (r, sent) => {
        if (inc !== this.incarnation || gen !== this.kaGen || this.session !== session) return;
        this.kaPending = false;
        if (this.status !== "ok" && this.status !== "jeopardy") return;
        if (r === null) {
          this.sendKeepAlive();
          return;
        }
        if (isErr(r)) {
          if (r.code === "ERR_CHUBBY_SESSION_EXPIRED") {
            this.expire("server");
            return;
          }
          this.master = null;
          this.timer(this.env.timing.retryDelayMs, "b", () => this.sendKeepAlive());
          return;
        }
        this.keepAliveReply(r, sent);
        this.sendKeepAlive();
      },
      urgent ? this.localNow + this.env.timing.graceMs : NO_TIMEOUT,
    );
  }

  private keepAliveReply(r: ReplyOk, sentLocal: number): void {
    const d = this.env.timing.clockDrift;
    const end = sentLocal + (((r.holdMs ?? 0) + (r.leaseMs ?? 0)) * (1 - d)) / (1 + d);
    this.extendLease(end);
    if (r.epoch > this.epoch) this.setEpoch(r.epoch);
    if (r.outbox !== undefined) {
      for (const e of r.outbox) {
        if (e.seq <= this.ack) continue;
        this.ack = e.seq;
        if (e.inv !== undefined) {
          this.cache.delete(e.inv);
          this.invCount.set(e.inv, (this.invCount.get(e.inv) ?? 0) + 1);
        }
        if (e.ev !== undefined) this.deliver(e.ev);
      }
    }
    if (this.status === "jeopardy" && this.localNow < this.leaseEnd) {
      this.cancel(this.graceTimer);
      this.graceTimer = -1;
      this.setStatus("ok");
      this.emit({ kind: "safe" });
      const b = this.blocked;
      this.blocked = [];
      for (const fn of b) fn();
    }
  }

  private deliver(ev: DeliveredEvent): void {
    switch (ev.kind) {
      case "masterFailover":
        // Paper §2.9 step 5: invalidations may have been lost with the old master.
        this.cache.clear();
        this.cacheGen++;
        this.failoverAck = ev.epoch;
        this.emit({ kind: "masterFailover", epoch: ev.epoch });
        this.recheckLocks();
        return;
      case "lockGranted":
        this.granted(ev.handle, true, ev.generation, ev.mode);
        break;
      case "lockWaitCancelled":
        this.granted(ev.handle, false, 0, ev.mode);
        break;
      case "lockReleased":
        if (this.heldLocks.delete(ev.handle) && ev.reason !== "release") this.emit({ kind: "lockLost", handle: ev.handle });
        break;
      default:
        break;
    }
    this.emit({ kind: "cell", event: ev });
  }

  private granted(handle: number, ok: boolean, generation: number, mode: LockMode): void {
    const cb = this.acquires.get(handle);
    if (cb === undefined) {
      this.early.set(handle, { granted: ok, generation });
      if (ok) this.heldLocks.set(handle, { mode, generation });
      return;
    }
    this.acquires.delete(handle);
    if (ok) {
      this.heldLocks.set(handle, { mode, generation });
      cb(null, { generation });
    } else cb(err("ERR_CHUBBY_STALE_HANDLE", `the wait on handle ${handle} was cancelled`));
  }

  /** After a fail-over, events may have been lost: ask the new master about every lock held or awaited. */
  private recheckLocks(): void {
    const handles = new Set<number>([...this.acquires.keys(), ...this.heldLocks.keys()]);
    for (const handle of handles) {
      this.readCall("handleStatus", handle, (e, st?: HandleStatus) => {
        if (e !== null || st === undefined) {
          if (e !== null && (e.code === "ERR_CHUBBY_STALE_HANDLE" || e.code === "ERR_CHUBBY_BAD_HANDLE")) {
            if (this.heldLocks.delete(handle)) this.emit({ kind: "lockLost", handle });
            if (this.acquires.has(handle)) this.granted(handle, false, 0, "exclusive");
          }
          return;
        }
        if (st.held !== null) {
          if (this.acquires.has(handle)) this.granted(handle, true, st.generation, st.held);
        } else {
          if (this.heldLocks.delete(handle)) this.emit({ kind: "lockLost", handle });
          if (st.waiting === null && this.acquires.has(handle)) this.granted(handle, false, 0, "exclusive");
        }
      });
    }
  }

  private jeopardy(): void {
    if (this.status !== "ok") return;
    if (this.env.flags.noGrace) {
      this.expire("jeopardy");
      return;
    }
    this.setStatus("jeopardy");
    this.cache.clear();
    this.cacheGen++;
    this.emit({ kind: "jeopardy" });
    this.graceTimer = this.timer(this.env.timing.graceMs, "g", () => {
      this.graceTimer = -1;
      if (this.status === "jeopardy") this.expire("grace");
    });
    this.kaGen++;
    this.kaPending = false;
    this.sendKeepAlive();
  }

  private expire(why: "server" | "grace" | "jeopardy"): void {
    if (this.session === null) return;
    const s = this.session;
    this.env.recorder.sessionLost(this.id, s, this.world.now, why);
    this.resetSession();
    this.setStatus("expired");
    this.emit({ kind: "expired" });
    const b = this.blocked;
    this.blocked = [];
    for (const fn of b) fn();
    for (const [, cb] of this.acquires) cb(err("ERR_CHUBBY_SESSION_EXPIRED", `session ${s} expired`));
    this.acquires.clear();
  }

  private resetSession(): void {
    this.session = null;
    this.kaGen++;
    this.kaPending = false;
    this.cancel(this.leaseTimer);
    this.cancel(this.graceTimer);
    this.leaseTimer = -1;
    this.graceTimer = -1;
    this.leaseEnd = 0;
    this.cache.clear();
    this.cacheGen++;
    this.heldLocks.clear();
    this.early.clear();
    this.paths.clear();
  }

  protected override crashed(): void {
    this.incarnation++;
    this.pending.clear();
    this.waitingForMaster = [];
    this.blocked = [];
    this.locating = false;
    this.locateMisses = 0;
    this.master = null;
    this.acquires.clear();
    this.sessionCb = null;
    this.resetSession();
    this.status = "none";
    this.env.recorder.clientState(this.id, "down", this.world.now);
  }

  protected override restarted(): void {
    this.setStatus("none");
    for (const fn of this.restartHooks) fn();
  }

  // ------------------------------------------------------------- calls

  /** Runs `fn` now if the session is usable, later if in jeopardy, or fails. */
  private usable<T>(cb: Callback<T>, fn: () => void): void {
    if (this.status === "ok") fn();
    else if (this.status === "jeopardy") {
      const inc = this.incarnation;
      this.blocked.push(() => {
        if (inc !== this.incarnation) return;
        if (this.status === "ok") fn();
        else cb(err("ERR_CHUBBY_SESSION_EXPIRED", `${this.id}: the session expired while the call waited`));
      });
    } else cb(err("ERR_CHUBBY_SESSION_EXPIRED", `${this.id} has no session`));
  }

  private command<T>(command: ClientCommand, cb: Callback<T>, done?: (r: Reply | null) => void): void {
    const inc = this.incarnation;
    this.rpc({ type: "command", command, epoch: this.epoch }, this.env.timing.rpcTimeoutMs, (r) => {
      if (inc !== this.incarnation) return;
      done?.(r);
      if (r === null) cb(err("ERR_CHUBBY_UNAVAILABLE", `${command.type}: no answer from the master in time (it may have taken effect)`));
      else if (isErr(r)) cb(err(r.code, r.message));
      else cb(null, r.result as T);
    });
  }

  private readCall<T>(op: "getContentsAndStat" | "getStat" | "readDir" | "getSequencer" | "handleStatus", handle: number, cb: Callback<T>): void {
    const session = this.session;
    if (session === null) {
      cb(err("ERR_CHUBBY_SESSION_EXPIRED", `${this.id} has no session`));
      return;
    }
    const inc = this.incarnation;
    this.rpc({ type: "read", op, session, handle, epoch: this.epoch }, this.env.timing.rpcTimeoutMs, (r) => {
      if (inc !== this.incarnation) return;
      if (r === null) cb(err("ERR_CHUBBY_UNAVAILABLE", `${op}: no answer from the master in time`));
      else if (isErr(r)) cb(err(r.code, r.message));
      else cb(null, r.result as T);
    });
  }

  /**
   * Opens (and optionally creates) a node.
   * @throws never; a bad path is reported through `cb` (ERR_CHUBBY_BAD_PATH) without any RPC
   */
  open(path: string, opts: OpenOptions, cb: Callback<{ handle: number; created: boolean; stat: NodeStat }>): void {
    try {
      checkPath(path, 1024);
      if (opts.contents !== undefined && utf8ByteLength(opts.contents) > 262144) {
        throw err("ERR_CHUBBY_TOO_LARGE", `contents of ${utf8ByteLength(opts.contents)} bytes exceed 256 KiB`);
      }
    } catch (e) {
      cb(e as ChubbyError);
      return;
    }
    this.usable(cb, () => {
      const session = this.session as string;
      this.command<{ handle: number; created: boolean; stat: NodeStat }>({ type: "open", session, path, ...opts }, (e, r) => {
        if (e === null && r !== undefined) this.paths.set(r.handle, r.stat.path);
        cb(e, r);
      });
    });
  }

  /** Closes a handle (a lock held through it is released, a wait cancelled). */
  close(handle: number, cb: Callback<Record<string, never>>): void {
    this.usable(cb, () => {
      this.heldLocks.delete(handle);
      const a = this.acquires.get(handle);
      this.acquires.delete(handle);
      a?.(err("ERR_CHUBBY_STALE_HANDLE", `handle ${handle} was closed`));
      this.command({ type: "close", session: this.session as string, handle }, cb);
    });
  }

  /**
   * GetContentsAndStat: from the cache when it holds the file and the lease
   * is valid, else from the master (and cached if the master allows).
   */
  getContentsAndStat(handle: number, cb: Callback<{ contents: string; stat: NodeStat; cached: boolean }>): void {
    // The usable session's common case without a closure per call (as usable would run it now).
    if (this.status === "ok") this.contentsNow(handle, cb);
    else this.usable(cb, () => this.contentsNow(handle, cb));
  }

  /** GetContentsAndStat on a usable session: a cache hit at once, else a read RPC. */
  private contentsNow(handle: number, cb: Callback<{ contents: string; stat: NodeStat; cached: boolean }>): void {
    const rec = this.env.recorder;
    const path = this.paths.get(handle) ?? `#${handle}`;
    const now = this.world.now;
    const c = this.cache.get(path);
    if (c !== undefined && this.leaseValid()) {
      rec.cacheHit(this.id, path, c.contents, c.stat.contentGeneration, now);
      cb(null, { contents: c.contents, stat: c.stat, cached: true });
      return;
    }
    const opId = rec.invoke(this.id, "read", path, undefined, now);
    const invBefore = this.invCount.get(path) ?? 0;
    const genBefore = this.cacheGen;
    const session = this.session as string;
    const inc = this.incarnation;
    this.rpc({ type: "read", op: "getContentsAndStat", session, handle, epoch: this.epoch }, this.env.timing.rpcTimeoutMs, (r) => {
      if (inc !== this.incarnation) return;
      const t = this.world.now;
      if (r === null) {
        rec.complete(opId, "unknown", t);
        cb(err("ERR_CHUBBY_UNAVAILABLE", "getContentsAndStat: no answer from the master in time"));
        return;
      }
      if (isErr(r)) {
        rec.complete(opId, "fail", t, undefined, r.code);
        cb(err(r.code, r.message));
        return;
      }
      const res = r.result as { contents: string; stat: NodeStat };
      rec.complete(opId, "ok", t, res.contents);
      rec.read({ client: this.id, key: path, value: res.contents, generation: res.stat.contentGeneration, at: t, invokeAt: now, completeAt: t });
      if (r.cacheable === true && this.status === "ok" && this.session === session && genBefore === this.cacheGen && invBefore === (this.invCount.get(path) ?? 0)) {
        this.cache.set(path, { contents: res.contents, stat: res.stat });
      }
      cb(null, { contents: res.contents, stat: res.stat, cached: false });
    });
  }

  /** GetStat from the master. */
  getStat(handle: number, cb: Callback<{ stat: NodeStat }>): void {
    this.usable(cb, () => this.readCall("getStat", handle, cb));
  }

  /** ReadDir from the master. */
  readDir(handle: number, cb: Callback<{ children: readonly string[] }>): void {
    this.usable(cb, () => this.readCall("readDir", handle, cb));
  }

  /**
   * SetContents (whole file); with `ifGeneration`, compare-and-swap on the content generation.
   * Oversize contents fail at once with ERR_CHUBBY_TOO_LARGE.
   */
  setContents(handle: number, contents: string, opts: { ifGeneration?: number }, cb: Callback<{ contentGeneration: number }>): void {
    const bytes = utf8ByteLength(contents);
    if (bytes > 262144) {
      cb(err("ERR_CHUBBY_TOO_LARGE", `contents of ${bytes} bytes exceed 256 KiB`));
      return;
    }
    this.usable(cb, () => {
      const rec = this.env.recorder;
      const path = this.paths.get(handle) ?? `#${handle}`;
      const opId = rec.invoke(this.id, "write", path, contents, this.world.now);
      this.cache.delete(path);
      this.invCount.set(path, (this.invCount.get(path) ?? 0) + 1);
      const command: ClientCommand =
        opts.ifGeneration === undefined
          ? { type: "setContents", session: this.session as string, handle, contents }
          : { type: "setContents", session: this.session as string, handle, contents, ifGeneration: opts.ifGeneration };
      this.command<{ contentGeneration: number }>(command, cb, (r) => {
        const t = this.world.now;
        if (r === null) rec.complete(opId, "unknown", t);
        else if (isErr(r)) rec.complete(opId, "fail", t, undefined, r.code);
        else rec.complete(opId, "ok", t);
      });
    });
  }

  /** Deletes the handle's node. */
  delete(handle: number, cb: Callback<Record<string, never>>): void {
    this.usable(cb, () => this.command({ type: "delete", session: this.session as string, handle }, cb));
  }

  /**
   * Blocking Acquire: `cb` runs when the lock is granted (maybe much later),
   * or with an error (ERR_CHUBBY_LOCK_ALREADY_HELD, ERR_CHUBBY_SESSION_EXPIRED, ...).
   */
  acquire(handle: number, opts: AcquireOptions, cb: Callback<{ generation: number }>): void {
    this.lock("acquire", handle, opts, cb);
  }

  /** TryAcquire: granted now, or ERR_CHUBBY_LOCK_BUSY. */
  tryAcquire(handle: number, opts: AcquireOptions, cb: Callback<{ generation: number }>): void {
    this.lock("tryAcquire", handle, opts, cb);
  }

  private lock(type: "acquire" | "tryAcquire", handle: number, opts: AcquireOptions, cb: Callback<{ generation: number }>): void {
    this.usable(cb, () => {
      const lockDelayMs = opts.lockDelayMs ?? 0;
      this.env.recorder.acquireRequested(handle, lockDelayMs);
      this.early.delete(handle);
      const command: ClientCommand = { type, session: this.session as string, handle, mode: opts.mode ?? "exclusive", lockDelayMs };
      this.command<{ granted: boolean; generation?: number; mode?: LockMode }>(command, (e, r) => {
        if (e !== null || r === undefined) {
          cb(e);
          return;
        }
        if (r.granted) {
          this.heldLocks.set(handle, { mode: r.mode ?? "exclusive", generation: r.generation ?? 0 });
          cb(null, { generation: r.generation ?? 0 });
          return;
        }
        const early = this.early.get(handle);
        if (early !== undefined) {
          this.early.delete(handle);
          if (early.granted) cb(null, { generation: early.generation });
          else cb(err("ERR_CHUBBY_STALE_HANDLE", `the wait on handle ${handle} was cancelled`));
          return;
        }
        this.acquires.set(handle, cb);
      });
    });
  }

  /** Releases the lock held through `handle` (ERR_CHUBBY_LOCK_NOT_HELD if it holds none). */
  release(handle: number, cb: Callback<Record<string, never>>): void {
    this.usable(cb, () =>
      this.command<Record<string, never>>({ type: "release", session: this.session as string, handle }, (e, r) => {
        if (e === null) this.heldLocks.delete(handle);
        cb(e, r);
      }),
    );
  }

  /** GetSequencer of the lock held through `handle`. */
  getSequencer(handle: number, cb: Callback<{ sequencer: string }>): void {
    this.usable(cb, () => this.readCall("getSequencer", handle, cb));
  }

  /** Ends the session cleanly (locks released without lock-delay). */
  closeSession(cb: Callback<Record<string, never>>): void {
    this.usable(cb, () =>
      this.command<Record<string, never>>({ type: "closeSession", session: this.session as string }, (e, r) => {
        if (e === null) {
          this.resetSession();
          this.setStatus("none");
        }
        cb(e, r);
      }),
    );
  }
}
