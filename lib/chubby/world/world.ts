/**
 * @module chubby/world/world
 *
 * A deterministic simulated world, FoundationDB / TigerBeetle style: nodes
 * (any code with a message handler) exchange messages over a simulated
 * network, set timers on drifting local clocks, and suffer crashes, restarts,
 * process pauses and partitions, all on one virtual clock driven by one
 * event queue. The only randomness is seeded ({@link streamRng}): the same
 * seed and the same calls give the identical trace, event for event.
 *
 * The world knows nothing about what the nodes do; it is generic over the
 * message type `M` and the timer tag type `T`.
 */
import { type Rng } from "../../random/index.js";
import { WorldError } from "./errors.js";
import { type FaultEvent } from "./faults.js";
import { TraceHash } from "./trace-hash.js";
import { type NetworkModel, type NetworkOptions, checkRate, delaySampler, networkModel } from "./network.js";
import { EventQueue } from "./queue.js";
import { streamRng } from "./streams.js";
import { type DropReason, type TraceMode, type TraceRecord } from "./trace.js";

/** The code of one node, called by the world. Handlers run at the current virtual time. */
export interface NodeHandler<M, T = string> {
  /** A message arrived from node `from`. */
  onMessage(from: string, msg: M): void;
  /** A timer set with `setTimer` fired (late, if the node was paused). */
  onTimer?(tag: T, timerId: number): void;
  /** The node just crashed: forget volatile state (timers are already gone). */
  onCrash?(): void;
  /** The node just restarted: reload persisted state, set timers again. */
  onRestart?(): void;
}

/** Settings for {@link createWorld}. */
export interface WorldOptions<M> {
  /** The seed of every random draw of the run (a safe integer). */
  seed: number;
  /** Delay, loss and duplication of the network (defaults: 0.5 ms min, 1 ms mean, no loss). */
  network?: NetworkOptions;
  /**
   * The largest clock drift, |rate - 1|: each node's clock runs at a rate drawn
   * uniformly in [1 - clockDrift, 1 + clockDrift] (default 1e-4, i.e. 100 ppm).
   */
  clockDrift?: number;
  /** What to record (default "full"; "off" is fastest). */
  trace?: TraceMode;
  /**
   * Folds a message's (or timer tag's) identity into the trace hash (default:
   * its JSON). Feeding a few fields as words beats building a string per message.
   */
  traceFold?: (value: unknown, h: TraceHash) => void;
}

/** Limits for {@link World.run}. */
export interface RunOptions {
  /** Run every event due at or before this virtual time, then set `now` to it. */
  until?: number;
  /** Stop after this many events. */
  maxEvents?: number;
}

/** Counters of one run. */
export interface WorldStats {
  /** Events taken off the queue (deliveries, timers, faults, resumes, calls, stale ones too). */
  events: number;
  /** `send` calls. */
  messagesSent: number;
  /** Messages handed to a handler (duplicates included). */
  messagesDelivered: number;
  /** Extra copies the network made. */
  messagesDuplicated: number;
  /** Messages not delivered, by reason. */
  dropped: Record<DropReason, number>;
  /** Messages and timers that waited for a paused node. */
  deferred: number;
  /** `setTimer` calls. */
  timersSet: number;
  /** Timers that fired. */
  timersFired: number;
  /** Timers cancelled by `cancelTimer`. */
  timersCancelled: number;
  /** Timers dropped because their node crashed. */
  timersDropped: number;
  /** Faults applied (by hand or from a schedule). */
  faults: number;
  /** Scheduled faults that did nothing (crash of a down node, pause of a down node, ...). */
  faultsSkipped: number;
}

// Event kinds on the queue.
const DELIVER = 0;
const TIMER = 1;
const RESUME = 2;
const FAULT = 3;
const CALL = 4;

// Trace modes, as numbers for the hot path.
const OFF = 0;
const HASH = 1;
const FULL = 2;

interface Call {
  fn: () => void;
  label: string;
}

interface Deferred {
  kind: number;
  a: number;
  b: number;
  c: number;
  data: unknown;
}

/**
 * Creates a world. Add nodes, then send messages, set timers, inject faults
 * and run it.
 *
 * @param opts - seed, network, clock drift, tracing
 * @returns the world
 * @throws {WorldError} ERR_WORLD_INPUT for a bad seed, network setting, drift or trace mode
 * @example
 * const w = createWorld<string>({ seed: 1 });
 * w.addNode("a", { onMessage: () => {} });
 * w.addNode("b", { onMessage: (from, m) => w.send("b", from, m + "!") });
 * w.send("a", "b", "hi"); w.run(); w.stats().messagesDelivered; // => 2
 */
export function createWorld<M, T = string>(opts: WorldOptions<M>): World<M, T> {
  return new World<M, T>(opts);
}

/**
 * The simulated world; see {@link createWorld}.
 *
 * @example
 * const w = createWorld<number>({ seed: 7, clockDrift: 0.01 });
 * w.addNode("n", { onMessage() {}, onTimer(tag) { console.log(w.now, tag); } });
 * w.setTimer("n", 1000, "tick"); w.run(); // prints about 1000 (1000 local ms / the node's rate)
 */
export class World<M, T = string> {
  /** The seed the world was created with. */
  readonly seed: number;
  /** The largest |rate - 1| of a node's clock. */
  readonly clockDrift: number;

  private t = 0;
  private readonly q = new EventQueue<unknown>();
  private readonly net: NetworkModel;
  private readonly sampleDelay: (rng: Rng) => number;
  private readonly lognormal: boolean;
  private readonly dupRng: Rng;
  private running = false;

  // Nodes, by index.
  private readonly index = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly handlers: NodeHandler<M, T>[] = [];
  private readonly up: boolean[] = [];
  private readonly inc: number[] = [];
  private readonly rate: number[] = [];
  private readonly paused: boolean[] = [];
  private readonly pausedUntil: number[] = [];
  private readonly deferred: Deferred[][] = [];
  private readonly group: number[] = [];
  private readonly isolated: boolean[] = [];
  private readonly links: (Rng | undefined)[][] = [];
  private cut = false;

  // Live timers: timerOwner[id] is the node index + 1 of a pending timer, 0 once it fired,
  // was cancelled or dropped (ids are consecutive, so an array beats a Map here).
  private timerOwner = new Int32Array(1024);
  private timerSeq = 0;

  private readonly mode: number;
  private readonly records: TraceRecord<M, T>[] = [];
  private readonly hash = new TraceHash();
  private readonly traceFold: ((value: unknown, h: TraceHash) => void) | undefined;

  private readonly st: WorldStats = {
    events: 0,
    messagesSent: 0,
    messagesDelivered: 0,
    messagesDuplicated: 0,
    dropped: { loss: 0, partition: 0, down: 0, crash: 0 },
    deferred: 0,
    timersSet: 0,
    timersFired: 0,
    timersCancelled: 0,
    timersDropped: 0,
    faults: 0,
    faultsSkipped: 0,
  };

  constructor(opts: WorldOptions<M>) {
    if (opts === null || typeof opts !== "object") throw new WorldError("ERR_WORLD_INPUT", "createWorld needs options with a seed");
    if (!Number.isSafeInteger(opts.seed)) throw new WorldError("ERR_WORLD_INPUT", `seed must be a safe integer, got ${opts.seed}`);
    this.seed = opts.seed;
    this.net = networkModel(opts.network);
    this.sampleDelay = delaySampler(this.net);
    this.lognormal = this.net.distribution === "lognormal";
    const drift = opts.clockDrift ?? 1e-4;
    if (!(drift >= 0 && drift < 0.5)) throw new WorldError("ERR_WORLD_INPUT", `clockDrift must be in [0, 0.5), got ${drift}`);
    this.clockDrift = drift;
    const mode = opts.trace ?? "full";
    if (mode !== "full" && mode !== "hash" && mode !== "off") {
      throw new WorldError("ERR_WORLD_INPUT", `trace must be "full", "hash" or "off", got ${String(mode)}`);
    }
    this.mode = mode === "full" ? FULL : mode === "hash" ? HASH : OFF;
    this.traceFold = opts.traceFold;
    this.dupRng = streamRng(this.seed, "net:duplicates");
  }

  /**
   * The current virtual time in ms (the world's true time; nodes see `localNow`).
   * @example
   * createWorld({ seed: 1 }).now; // => 0
   */
  get now(): number {
    return this.t;
  }

  // ---------------------------------------------------------------- nodes

  /**
   * Adds a node, up and running. Its clock rate is drawn from its own stream
   * ("clock:<id>"), so adding other nodes does not change it.
   *
   * @param id - a non-empty, unused id
   * @param handler - the node's code
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_DUPLICATE_NODE, or ERR_WORLD_INPUT for an empty id or no onMessage
   * @example
   * createWorld({ seed: 1 }).addNode("r1", { onMessage() {} });
   */
  addNode(id: string, handler: NodeHandler<M, T>): void {
    if (typeof id !== "string" || id.length === 0) throw new WorldError("ERR_WORLD_INPUT", "a node id must be a non-empty string");
    if (this.index.has(id)) throw new WorldError("ERR_WORLD_DUPLICATE_NODE", `node ${id} already exists`);
    if (handler === null || typeof handler !== "object" || typeof handler.onMessage !== "function") {
      throw new WorldError("ERR_WORLD_INPUT", `node ${id} needs a handler with onMessage`);
    }
    const i = this.names.length;
    this.index.set(id, i);
    this.names.push(id);
    this.handlers.push(handler);
    this.up.push(true);
    this.inc.push(0);
    this.rate.push(1 + this.clockDrift * (2 * streamRng(this.seed, `clock:${id}`).uniform() - 1));
    this.paused.push(false);
    this.pausedUntil.push(0);
    this.deferred.push([]);
    this.group.push(-1);
    this.isolated.push(false);
    this.links.push([]);
  }

  /**
   * The ids of every node, in the order they were added.
   * @returns a fresh array
   * @example
   * createWorld({ seed: 1 }).nodeIds(); // => []
   */
  nodeIds(): string[] {
    return this.names.slice();
  }

  /**
   * Whether a node is up (not crashed). A paused node is up.
   * @param id - the node
   * @returns true when up
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * w.isUp("r1"); // => true
   */
  isUp(id: string): boolean {
    return this.up[this.idx(id)];
  }

  /**
   * Whether a node is in a pause right now.
   * @param id - the node
   * @returns true when paused
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * w.pause("r1", 100); w.isPaused("r1"); // => true
   */
  isPaused(id: string): boolean {
    return this.paused[this.idx(id)];
  }

  /**
   * The rate of a node's clock: local ms per true ms, within 1 ± clockDrift.
   * @param id - the node
   * @returns the rate
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * Math.abs(w.clockRate("r1") - 1) <= w.clockDrift; // => true
   */
  clockRate(id: string): number {
    return this.rate[this.idx(id)];
  }

  /**
   * A node's local clock: `rate * now` (it keeps running through crashes).
   * @param id - the node
   * @returns local ms
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * w.localNow("r1"); // => 0 at the start
   */
  localNow(id: string): number {
    return this.rate[this.idx(id)] * this.t;
  }

  // ---------------------------------------------------------------- messages

  /**
   * Sends a message. It arrives after a sampled delay unless the network
   * loses it, a partition separates the nodes (checked now and at arrival),
   * or the receiver is down at arrival or crashed meanwhile. A message for a
   * paused node waits until the pause ends. Each link (from, to) draws from
   * its own stream, a fixed number of draws per message, so loss and
   * duplicate rates never change the delays of the messages that get through.
   * The same `msg` object is delivered (twice when duplicated): treat it as
   * immutable.
   *
   * @param from - the sender (must be up)
   * @param to - the receiver
   * @param msg - the message
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE, ERR_WORLD_NODE_DOWN when the sender is crashed
   * @example
   * w.send("r1", "r2", { type: "ping" });
   */
  send(from: string, to: string, msg: M): void {
    const f = this.idx(from);
    const d = this.idx(to);
    if (!this.up[f]) throw new WorldError("ERR_WORLD_NODE_DOWN", `node ${from} is crashed and cannot send`);
    this.st.messagesSent++;
    const row = this.links[f];
    const rng = row[d] ?? (row[d] = streamRng(this.seed, `net:${from}>${to}`));
    const delay = this.sampleDelay(rng);
    const uLoss = rng.uniform();
    const uDup = rng.uniform();
    if (this.cut && this.blocked(f, d)) {
      this.drop(f, d, msg, "partition");
      return;
    }
    if (uLoss < this.net.lossRate) {
      this.drop(f, d, msg, "loss");
      return;
    }
    const inc = this.inc[d];
    this.q.push(this.t + delay, msg, DELIVER, f, d, inc);
    if (uDup < this.net.duplicateRate) {
      this.st.messagesDuplicated++;
      this.q.push(this.t + this.sampleDelay(this.dupRng), msg, DELIVER, f, d, inc);
    }
  }

  /**
   * Whether a message from `from` to `to` would pass the partitions right now.
   * @param from - the sender
   * @param to - the receiver
   * @returns false when a partition or an isolation separates them
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * w.isolate("r1"); w.canReach("r1", "r2"); // => false
   */
  canReach(from: string, to: string): boolean {
    const f = this.idx(from);
    const d = this.idx(to);
    return !(this.cut && this.blocked(f, d));
  }

  // ---------------------------------------------------------------- timers

  /**
   * Sets a timer in the node's LOCAL time: it fires after `localDelayMs /
   * rate` true ms (later if the node is paused then), unless cancelled or the
   * node crashes first.
   *
   * @param id - the node (must be up)
   * @param localDelayMs - delay on the node's clock, finite and >= 0
   * @param tag - passed back to `onTimer`
   * @returns the timer's id, for `cancelTimer`
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE, ERR_WORLD_NODE_DOWN, ERR_WORLD_INPUT for a negative delay
   * @example
   * const t = w.setTimer("r1", 150, "election");
   */
  setTimer(id: string, localDelayMs: number, tag: T): number {
    const i = this.idx(id);
    if (!(localDelayMs >= 0 && localDelayMs < Infinity)) {
      throw new WorldError("ERR_WORLD_INPUT", `a timer delay must be finite and >= 0, got ${localDelayMs}`);
    }
    if (!this.up[i]) throw new WorldError("ERR_WORLD_NODE_DOWN", `node ${id} is crashed and cannot set a timer`);
    const timerId = ++this.timerSeq;
    if (timerId >= this.timerOwner.length) {
      const grown = new Int32Array(this.timerOwner.length * 2);
      grown.set(this.timerOwner);
      this.timerOwner = grown;
    }
    this.timerOwner[timerId] = i + 1;
    this.st.timersSet++;
    this.q.push(this.t + localDelayMs / this.rate[i], tag, TIMER, i, 0, timerId);
    return timerId;
  }

  /**
   * Cancels a timer.
   * @param timerId - from `setTimer`
   * @param owner - if given, the timer is cancelled only if this node set it
   * @returns true when it was still pending, false when it had fired, been cancelled or dropped (or belongs to another node)
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE for an unknown owner
   * @example
   * w.cancelTimer(w.setTimer("r1", 10, "x")); // => true
   * w.cancelTimer(w.setTimer("r1", 10, "x"), "r2"); // => false (not r2's timer)
   */
  cancelTimer(timerId: number, owner?: string): boolean {
    if (!(Number.isInteger(timerId) && timerId > 0 && timerId <= this.timerSeq && this.timerOwner[timerId] !== 0)) return false;
    if (owner !== undefined && this.timerOwner[timerId] !== this.idx(owner) + 1) return false;
    this.timerOwner[timerId] = 0;
    this.st.timersCancelled++;
    return true;
  }

  /**
   * Schedules an outside action (a client call in a scenario, a check) at a
   * true virtual time. It is recorded in the trace as a "call".
   *
   * @param timeMs - when, >= now
   * @param fn - the action
   * @param label - its name in the trace (default "call")
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_INPUT when timeMs is before now or not finite
   * @example
   * w.at(5000, () => w.crash("r1"), "kill the master");
   */
  at(timeMs: number, fn: () => void, label = "call"): void {
    if (!(timeMs >= this.t && timeMs < Infinity)) {
      throw new WorldError("ERR_WORLD_INPUT", `at() needs a finite time >= now (${this.t}), got ${timeMs}`);
    }
    if (typeof fn !== "function") throw new WorldError("ERR_WORLD_INPUT", "at() needs a function");
    const call: Call = { fn, label: String(label) };
    this.q.push(timeMs, call, CALL, 0, 0, 0);
  }

  // ---------------------------------------------------------------- running

  /**
   * Runs the earliest event.
   * @returns true when an event ran, false when the queue was empty
   * @throws {WorldError} ERR_WORLD_REENTRANT from inside a handler; anything a handler throws
   * @example
   * while (w.step()) {}
   */
  step(): boolean {
    if (this.running) throw new WorldError("ERR_WORLD_REENTRANT", "step() called from inside a handler");
    if (!this.q.pop()) return false;
    this.running = true;
    try {
      this.dispatch();
    } finally {
      this.running = false;
    }
    return true;
  }

  /**
   * Runs events in time order until the queue is empty, the next event is
   * after `until`, or `maxEvents` ran. When it stops for `until`, `now`
   * becomes `until`. Without either limit it runs until the queue is empty
   * (forever, if nodes keep setting timers).
   *
   * @param opts - `until` (virtual ms) and/or `maxEvents`
   * @returns how many events ran
   * @throws {WorldError} ERR_WORLD_INPUT when until < now or maxEvents < 0; ERR_WORLD_REENTRANT
   * @example
   * w.run({ until: 60_000 }); w.now; // => 60000
   */
  run(opts: RunOptions = {}): number {
    const until = opts.until ?? Infinity;
    const max = opts.maxEvents ?? Infinity;
    if (!(until >= this.t)) throw new WorldError("ERR_WORLD_INPUT", `until must be >= now (${this.t}), got ${until}`);
    if (!(max >= 0)) throw new WorldError("ERR_WORLD_INPUT", `maxEvents must be >= 0, got ${max}`);
    if (this.running) throw new WorldError("ERR_WORLD_REENTRANT", "run() called from inside a handler");
    const q = this.q;
    let k = 0;
    this.running = true;
    try {
      while (k < max && q.size > 0 && q.peekTime() <= until) {
        q.pop();
        k++;
        this.dispatch();
      }
    } finally {
      this.running = false;
    }
    if (until !== Infinity && (q.size === 0 || q.peekTime() > until)) this.t = until;
    return k;
  }

  /**
   * How many events are waiting (stale ones, e.g. cancelled timers, included).
   * @returns the queue's size
   * @example
   * createWorld({ seed: 1 }).pending(); // => 0
   */
  pending(): number {
    return this.q.size;
  }

  // ---------------------------------------------------------------- faults

  /**
   * Crashes a node now: it stops, its timers are dropped, messages in flight
   * to it (and any waiting at it while paused) are lost; `onCrash` is called.
   * It stays down until `restart`.
   * @param id - the node
   * @returns false when it was already down (nothing happens)
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * w.crash("r1"); w.isUp("r1"); // => false
   */
  crash(id: string): boolean {
    this.idx(id);
    return this.applyFault({ at: this.t, kind: "crash", node: id });
  }

  /**
   * Restarts a crashed node: it is up again and `onRestart` is called (the
   * node's code reloads what it persisted). Its clock kept running.
   * @param id - the node
   * @returns false when it was up (nothing happens)
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * w.crash("r1"); w.restart("r1"); // => true
   */
  restart(id: string): boolean {
    this.idx(id);
    return this.applyFault({ at: this.t, kind: "restart", node: id });
  }

  /**
   * Pauses a node for `ms` (a GC pause): it runs nothing; messages and timers
   * due meanwhile wait and all run, in order, when the pause ends. Pausing a
   * paused node extends the pause to the later end.
   * @param id - the node
   * @param ms - true ms, finite and >= 0
   * @returns false when the node is down (nothing happens)
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE, ERR_WORLD_INPUT for a bad ms
   * @example
   * w.pause("r1", 3000);
   */
  pause(id: string, ms: number): boolean {
    this.idx(id);
    return this.applyFault({ at: this.t, kind: "pause", node: id, ms });
  }

  /**
   * Splits the network: nodes in different groups cannot reach each other
   * (both ways). Nodes named in no group keep reaching everyone. Replaces the
   * previous partition; isolations stay until `heal`.
   * @param groups - disjoint, non-empty lists of known node ids
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_PARTITION for bad groups
   * @example
   * w.partition([["r1", "r2"], ["r3", "r4", "r5"]]);
   */
  partition(groups: string[][]): void {
    this.applyFault({ at: this.t, kind: "partition", groups });
  }

  /**
   * Cuts one node off from every other node, both ways, until `heal`.
   * @param id - the node
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_UNKNOWN_NODE
   * @example
   * w.isolate("r1");
   */
  isolate(id: string): void {
    this.idx(id);
    this.applyFault({ at: this.t, kind: "isolate", node: id });
  }

  /**
   * Removes every partition and isolation.
   * @returns nothing
   * @example
   * w.heal();
   */
  heal(): void {
    this.applyFault({ at: this.t, kind: "heal" });
  }

  /**
   * Sets the network's loss rate from now on.
   * @param rate - probability in [0, 1]
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_INPUT when rate is outside [0, 1]
   * @example
   * w.setLoss(0.05);
   */
  setLoss(rate: number): void {
    this.applyFault({ at: this.t, kind: "loss", rate });
  }

  /**
   * Schedules a fault schedule (e.g. from `faultSchedule`, or parsed from
   * JSON to replay one). Everything is checked first: a bad entry schedules
   * nothing. At run time a fault that cannot apply (crash of a down node,
   * restart of an up node, pause of a down node) is skipped and counted.
   *
   * @param schedule - faults with `at` >= now
   * @returns nothing
   * @throws {WorldError} ERR_WORLD_INPUT (bad time, kind, ms or rate), ERR_WORLD_UNKNOWN_NODE, ERR_WORLD_PARTITION
   * @example
   * w.applySchedule([{ at: 1000, kind: "crash", node: "r1" }, { at: 4000, kind: "restart", node: "r1" }]);
   */
  applySchedule(schedule: readonly FaultEvent[]): void {
    if (!Array.isArray(schedule)) throw new WorldError("ERR_WORLD_INPUT", "a schedule is an array of faults");
    for (const f of schedule) {
      if (f === null || typeof f !== "object" || !(f.at >= this.t && f.at < Infinity)) {
        throw new WorldError("ERR_WORLD_INPUT", `a fault needs a finite time >= now (${this.t}): ${JSON.stringify(f)}`);
      }
      this.checkFault(f);
    }
    for (const f of schedule) this.q.push(f.at, copyFault(f), FAULT, 0, 0, 0);
  }

  // ---------------------------------------------------------------- results

  /**
   * The recorded trace (empty unless the trace mode is "full").
   * @returns the records so far, oldest first (do not modify)
   * @example
   * w.trace().filter((r) => r.kind === "fault").length;
   */
  trace(): readonly TraceRecord<M, T>[] {
    return this.records;
  }

  /**
   * A 64-bit hash ({@link TraceHash}) of every trace record so far (time, kind, nodes,
   * message or tag, reason, fault): equal hashes mean identical runs.
   * @returns 16 hex digits
   * @throws {WorldError} ERR_WORLD_INPUT when the trace mode is "off"
   * @example
   * w.traceHash(); // => e.g. "3f1c0b2a9d8e7f60"
   */
  traceHash(): string {
    if (this.mode === OFF) throw new WorldError("ERR_WORLD_INPUT", 'traceHash() needs trace "full" or "hash"');
    return this.hash.hex();
  }

  /**
   * The run's counters.
   * @returns a fresh copy
   * @example
   * w.stats().dropped.partition;
   */
  stats(): WorldStats {
    return { ...this.st, dropped: { ...this.st.dropped } };
  }

  // ---------------------------------------------------------------- internals

  private idx(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new WorldError("ERR_WORLD_UNKNOWN_NODE", `unknown node ${String(id)}`);
    return i;
  }

  private blocked(f: number, d: number): boolean {
    if (f === d) return false;
    if (this.isolated[f] || this.isolated[d]) return true;
    const gf = this.group[f];
    const gd = this.group[d];
    return gf >= 0 && gd >= 0 && gf !== gd;
  }

  /** Runs the event `pop()` just put into the queue's fields. */
  private dispatch(): void {
    const q = this.q;
    this.t = q.time;
    this.st.events++;
    switch (q.kind) {
      case DELIVER: {
        const f = q.a;
        const d = q.b;
        const msg = q.data as M;
        if (q.c !== this.inc[d]) {
          this.drop(f, d, msg, "crash");
          return;
        }
        if (!this.up[d]) {
          this.drop(f, d, msg, "down");
          return;
        }
        if (this.paused[d]) {
          this.defer(d, DELIVER, f, d, q.c, msg);
          return;
        }
        if (this.cut && this.blocked(f, d)) {
          this.drop(f, d, msg, "partition");
          return;
        }
        this.st.messagesDelivered++;
        if (this.mode !== OFF) this.traceDeliver(f, d, msg);
        this.handlers[d].onMessage(this.names[f], msg);
        return;
      }
      case TIMER: {
        const id = q.c;
        if (this.timerOwner[id] === 0) return; // cancelled or dropped by a crash
        const i = q.a;
        const tag = q.data as T;
        if (this.paused[i]) {
          this.defer(i, TIMER, i, 0, id, tag);
          return;
        }
        this.timerOwner[id] = 0;
        this.st.timersFired++;
        if (this.mode !== OFF) this.traceTimer(i, id, tag);
        const h = this.handlers[i];
        if (h.onTimer !== undefined) h.onTimer(tag, id);
        return;
      }
      case RESUME: {
        const i = q.a;
        if (this.paused[i] && this.t >= this.pausedUntil[i]) this.resume(i);
        return;
      }
      case FAULT: {
        if (!this.applyFault(q.data as FaultEvent)) this.st.faultsSkipped++;
        return;
      }
      case CALL: {
        const call = q.data as Call;
        if (this.mode !== OFF) this.traceCall(call.label);
        call.fn();
        return;
      }
    }
  }

  private defer(i: number, kind: number, a: number, b: number, c: number, data: unknown): void {
    this.st.deferred++;
    this.deferred[i].push({ kind, a, b, c, data });
  }

  private resume(i: number): void {
    this.paused[i] = false;
    if (this.mode !== OFF) {
      this.hash.word(5);
      this.hash.num(this.t);
      this.hash.word(i);
      if (this.mode === FULL) this.records.push({ t: this.t, kind: "resume", node: this.names[i] });
    }
    // Everything that came due during the pause runs now, in its original order.
    const waiting = this.deferred[i];
    this.deferred[i] = [];
    for (const e of waiting) this.q.push(this.t, e.data, e.kind, e.a, e.b, e.c);
  }

  private drop(f: number, d: number, msg: M, reason: DropReason): void {
    this.st.dropped[reason]++;
    if (this.mode === OFF) return;
    const h = this.hash;
    h.word(1);
    h.num(this.t);
    h.word(f);
    h.word(d);
    this.hashValue(msg);
    h.str(reason);
    if (this.mode === FULL) {
      this.records.push({ t: this.t, kind: "drop", from: this.names[f], to: this.names[d], msg, reason });
    }
  }

  private traceDeliver(f: number, d: number, msg: M): void {
    const h = this.hash;
    h.word(0);
    h.num(this.t);
    h.word(f);
    h.word(d);
    this.hashValue(msg);
    if (this.mode === FULL) this.records.push({ t: this.t, kind: "deliver", from: this.names[f], to: this.names[d], msg });
  }

  private traceTimer(i: number, id: number, tag: T): void {
    const h = this.hash;
    h.word(2);
    h.num(this.t);
    h.word(i);
    h.num(id);
    this.hashValue(tag);
    if (this.mode === FULL) this.records.push({ t: this.t, kind: "timer", node: this.names[i], id, tag });
  }

  private traceCall(label: string): void {
    this.hash.word(4);
    this.hash.num(this.t);
    this.hash.str(label);
    if (this.mode === FULL) this.records.push({ t: this.t, kind: "call", label });
  }

  private traceFault(f: FaultEvent): void {
    if (this.mode === OFF) return;
    this.hash.word(3);
    this.hash.num(this.t);
    this.hash.str(JSON.stringify({ ...f, at: undefined }));
    if (this.mode === FULL) this.records.push({ t: this.t, kind: "fault", fault: { ...copyFault(f), at: this.t } });
  }

  private hashValue(v: unknown): void {
    const h = this.hash;
    if (this.traceFold !== undefined) {
      this.traceFold(v, h);
      return;
    }
    switch (typeof v) {
      case "number":
        h.word(1);
        h.num(v);
        return;
      case "string":
        h.word(2);
        h.str(v);
        return;
      case "undefined":
        h.word(3);
        return;
      default: {
        let s: string | undefined;
        try {
          s = JSON.stringify(v);
        } catch {
          s = undefined;
        }
        h.word(4);
        h.str(s ?? String(v));
      }
    }
  }

  /** Validates a fault (throws) without applying it. */
  private checkFault(f: FaultEvent): void {
    switch (f.kind) {
      case "crash":
      case "restart":
      case "isolate":
        this.idx(f.node);
        return;
      case "pause":
        this.idx(f.node);
        if (!(f.ms >= 0 && f.ms < Infinity)) throw new WorldError("ERR_WORLD_INPUT", `a pause needs finite ms >= 0, got ${f.ms}`);
        return;
      case "partition":
        this.groupsOf(f.groups);
        return;
      case "heal":
        return;
      case "loss":
        checkRate("loss rate", f.rate);
        return;
      default:
        throw new WorldError("ERR_WORLD_INPUT", `unknown fault kind ${JSON.stringify((f as { kind?: unknown }).kind)}`);
    }
  }

  /** Checks partition groups; returns the group index of every node (-1: in none). */
  private groupsOf(groups: string[][]): number[] {
    if (!Array.isArray(groups) || groups.length === 0) {
      throw new WorldError("ERR_WORLD_PARTITION", "a partition needs at least one group");
    }
    const g = new Array<number>(this.names.length).fill(-1);
    groups.forEach((grp, k) => {
      if (!Array.isArray(grp) || grp.length === 0) throw new WorldError("ERR_WORLD_PARTITION", `partition group ${k} is empty`);
      for (const id of grp) {
        const i = this.index.get(id);
        if (i === undefined) throw new WorldError("ERR_WORLD_PARTITION", `partition group ${k} names unknown node ${String(id)}`);
        if (g[i] !== -1) throw new WorldError("ERR_WORLD_PARTITION", `node ${id} is in more than one partition group`);
        g[i] = k;
      }
    });
    return g;
  }

  /** Applies a fault now; false when it could not apply. */
  private applyFault(f: FaultEvent): boolean {
    this.checkFault(f);
    switch (f.kind) {
      case "crash": {
        const i = this.idx(f.node);
        if (!this.up[i]) return false;
        this.up[i] = false;
        this.inc[i]++;
        const owner = this.timerOwner;
        for (let id = 1; id <= this.timerSeq; id++) {
          if (owner[id] === i + 1) {
            owner[id] = 0;
            this.st.timersDropped++;
          }
        }
        for (const e of this.deferred[i]) if (e.kind === DELIVER) this.st.dropped.crash++;
        this.deferred[i] = [];
        this.paused[i] = false;
        this.done(f);
        const h = this.handlers[i];
        if (h.onCrash !== undefined) h.onCrash();
        return true;
      }
      case "restart": {
        const i = this.idx(f.node);
        if (this.up[i]) return false;
        this.up[i] = true;
        this.done(f);
        const h = this.handlers[i];
        if (h.onRestart !== undefined) h.onRestart();
        return true;
      }
      case "pause": {
        const i = this.idx(f.node);
        if (!this.up[i]) return false;
        const end = this.t + f.ms;
        if (!this.paused[i] || end > this.pausedUntil[i]) this.pausedUntil[i] = end;
        this.paused[i] = true;
        this.q.push(this.pausedUntil[i], undefined, RESUME, i, 0, 0);
        this.done(f);
        return true;
      }
      case "partition": {
        const g = this.groupsOf(f.groups);
        for (let i = 0; i < g.length; i++) this.group[i] = g[i];
        this.cut = true;
        this.done(f);
        return true;
      }
      case "isolate": {
        this.isolated[this.idx(f.node)] = true;
        this.cut = true;
        this.done(f);
        return true;
      }
      case "heal": {
        this.group.fill(-1);
        this.isolated.fill(false);
        this.cut = false;
        this.done(f);
        return true;
      }
      case "loss": {
        this.net.lossRate = f.rate;
        this.done(f);
        return true;
      }
    }
  }

  private done(f: FaultEvent): void {
    this.st.faults++;
    this.traceFault(f);
  }
}

function copyFault(f: FaultEvent): FaultEvent {
  return f.kind === "partition" ? { ...f, groups: f.groups.map((g) => g.slice()) } : { ...f };
}
