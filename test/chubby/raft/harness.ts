/**
 * A tiny seeded network for randomized Raft tests: per-node clocks with
 * drift, message delay, loss, duplication and reordering, crashes and
 * restarts from persisted state, partitions (symmetric splits and one-way
 * link cuts), process pauses (messages wait; on resume the node first gets
 * the ticks its clock produced meanwhile), proposals, and the safety monitor observing every step. After
 * the fault phase everything heals and the harness measures liveness.
 * Deterministic: one seed drives everything.
 */
import { createRng, type Rng } from "../../../lib/random/index.js";
import { EventQueue } from "../../../lib/chubby/world/index.js";
import {
  type Entry,
  type RaftMessage,
  type RaftNode,
  type RaftViolation,
  RaftError,
  createRaftNode,
  createRaftSafetyMonitor,
} from "../../../lib/chubby/raft/index.js";

export interface HarnessOptions {
  seed: number;
  /** Cluster size (default 5). */
  n?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  leaseTicks?: number;
  /** Relative clock-rate error bound: each node's tick period is in [1-drift, 1+drift]. */
  drift?: number;
  /** Length of the fault phase, in time units (one nominal tick = 1). */
  faultTime?: number;
  loss?: number;
  duplicate?: number;
  /** Probability that a message takes a long detour (1..longDelay units). */
  longDelayRate?: number;
  longDelay?: number;
  /** Usual message delay range (time units). */
  minDelay?: number;
  maxDelay?: number;
  /** Per time unit: probability of a crash, of a partition, of a process pause. */
  crashRate?: number;
  partitionRate?: number;
  pauseRate?: number;
  /** Longest pause, in time units (default 3 * electionTicks). */
  pauseMax?: number;
  /**
   * On resume, hand the node the ticks its clock produced during the pause
   * before any message (default true: the driver contract). False models a
   * clock that stops while the process is paused (unbounded drift).
   */
  pauseCatchUp?: boolean;
  /** Proposals per time unit during faults. */
  proposeRate?: number;
  checkQuorum?: boolean;
  preVote?: boolean;
  noLeaseCheck?: boolean;
  /** Give restarted nodes their durable commit index (otherwise they relearn it). */
  restartWithCommit?: boolean;
  /** Most entries per AppendEntries (default: the node's 64). */
  maxAppendEntries?: number;
  /** Turn the monitor off (to time the bare simulation). */
  monitor?: boolean;
  /** Called with a line per event (for debugging a failing seed). */
  trace?: (line: string) => void;
  /** After faults: how many proposals the liveness check makes. */
  livenessProposals?: number;
  /** After faults: time bound to elect a stable leader, and then to commit everywhere. */
  electionBound?: number;
  commitBound?: number;
}

export interface HarnessResult {
  violations: RaftViolation[];
  events: number;
  crashes: number;
  partitions: number;
  pauses: number;
  /** Distinct (term, leader) pairs seen. */
  leaderships: number;
  proposed: number;
  committedMax: number;
  /** Time from the end of faults to a stable leader (Infinity when none within the bound). */
  electionDelay: number;
  /** Time from the liveness proposals to their commit on every node (Infinity when not within the bound). */
  commitDelay: number;
  /** Problems of the liveness phase or of the driver contract (empty when fine). */
  problems: string[];
}

const TICK = 0;
const DELIVER = 1;
const CRASH_END = 2;
const HEAL = 3;
const FAULT = 4;
const PAUSE_END = 5;

interface Ev {
  time: number;
  seq: number;
  kind: number;
  node: number;
  inc: number;
  msg: RaftMessage | null;
}

/** The world's event queue (lib/chubby/world), with the harness's field names. */
class Heap {
  private readonly q = new EventQueue<RaftMessage | null>();
  get size(): number {
    return this.q.size;
  }
  push(time: number, kind: number, node: number, inc: number, msg: RaftMessage | null): void {
    this.q.push(time, msg, kind, node, inc);
  }
  pop(): Ev | undefined {
    const e = this.q.popEvent();
    return e && { time: e.time, seq: e.seq, kind: e.kind, node: e.a, inc: e.b, msg: e.data ?? null };
  }
  peekTime(): number {
    return this.q.peekTime();
  }
}

interface Storage {
  term: number;
  votedFor: string | null;
  commitIndex: number;
  log: Entry[];
}

/**
 * Runs one seeded scenario: faults for `faultTime`, then heal and check liveness.
 */
export function runHarness(opts: HarnessOptions): HarnessResult {
  const n = opts.n ?? 5;
  const E = opts.electionTicks ?? 10;
  const H = opts.heartbeatTicks ?? 2;
  const L = opts.leaseTicks ?? 7;
  const drift = opts.drift ?? 0.05;
  const faultTime = opts.faultTime ?? 300;
  const loss = opts.loss ?? 0.05;
  const dup = opts.duplicate ?? 0.03;
  const longRate = opts.longDelayRate ?? 0.02;
  const longDelay = opts.longDelay ?? 25;
  const minDelay = opts.minDelay ?? 0.05;
  const maxDelay = opts.maxDelay ?? 1;
  const crashRate = opts.crashRate ?? 0.02;
  const partitionRate = opts.partitionRate ?? 0.02;
  const pauseRate = opts.pauseRate ?? 0.01;
  const pauseMax = opts.pauseMax ?? 3 * E;
  const catchUp = opts.pauseCatchUp ?? true;
  const proposeRate = opts.proposeRate ?? 0.3;
  const useMonitor = opts.monitor ?? true;
  const trace = opts.trace;
  const rng: Rng = createRng(opts.seed);
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  const index = new Map(ids.map((id, i) => [id, i]));
  const period = ids.map(() => 1 + (2 * rng.uniform() - 1) * drift);
  const storage: Storage[] = ids.map(() => ({ term: 0, votedFor: null, commitIndex: 0, log: [] }));
  const applied: number[] = ids.map(() => 0);
  const alive: boolean[] = ids.map(() => true);
  const inc: number[] = ids.map(() => 0);
  /** When the node's clock produces its next tick (global time): the lease forecast uses it. */
  const tickAt: number[] = ids.map(() => 0);
  const paused: boolean[] = ids.map(() => false);
  const missed: number[][] = ids.map(() => []);
  const deferred: RaftMessage[][] = ids.map(() => []);
  const cut: boolean[][] = ids.map(() => ids.map(() => false));
  const monitor = createRaftSafetyMonitor(ids);
  const problems: string[] = [];
  const leaderships = new Set<string>();
  const q = new Heap();
  let now = 0;
  let events = 0;
  let crashes = 0;
  let partitions = 0;
  let pauses = 0;
  let proposed = 0;
  let faults = true;

  const make = (i: number, restart: boolean): RaftNode => {
    const config = {
      id: ids[i],
      peers: ids,
      electionTicks: E,
      heartbeatTicks: H,
      leaseTicks: L,
      rng: createRng(rng.int(0, 2 ** 31 - 1)),
      checkQuorum: opts.checkQuorum ?? true,
      preVote: opts.preVote ?? true,
      unsafe: { noLeaseCheck: opts.noLeaseCheck === true },
      maxAppendEntries: opts.maxAppendEntries,
    };
    if (!restart) return createRaftNode(config);
    const s = storage[i];
    const withCommit = opts.restartWithCommit ?? rng.uniform() < 0.5;
    return createRaftNode(config, { term: s.term, votedFor: s.votedFor, log: s.log, commitIndex: withCommit ? s.commitIndex : 0 });
  };
  const nodes: RaftNode[] = ids.map((_, i) => make(i, false));

  const send = (m: RaftMessage): void => {
    const from = index.get(m.from) as number;
    const to = index.get(m.to) as number;
    if (faults && (rng.uniform() < loss || cut[from][to])) return;
    const copies = faults && rng.uniform() < dup ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      const d = faults && rng.uniform() < longRate ? 1 + rng.uniform() * (longDelay - 1) : minDelay + rng.uniform() * (maxDelay - minDelay);
      q.push(now + d, DELIVER, to, 0, m);
    }
  };

  /** Drains ready(): persist, send, apply; then the monitor looks. */
  const after = (i: number): void => {
    const node = nodes[i];
    if (node.hasReady()) {
      const rd = node.ready();
      const s = storage[i];
      if (rd.hardState) {
        s.term = rd.hardState.term;
        s.votedFor = rd.hardState.votedFor;
        s.commitIndex = rd.hardState.commitIndex;
      }
      if (rd.truncateFrom !== undefined) s.log.length = rd.truncateFrom - 1;
      for (const e of rd.entries) {
        if (e.index !== s.log.length + 1) problems.push(`${ids[i]}: ready entry ${e.index} after stored ${s.log.length}`);
        s.log[e.index - 1] = e;
      }
      for (const m of rd.messages) send(m);
      for (const e of rd.committed) {
        if (e.index !== applied[i] + 1) problems.push(`${ids[i]}: applied ${e.index} after ${applied[i]}`);
        applied[i] = e.index;
      }
    }
    if (node.state === "leader") leaderships.add(`${node.term}/${node.id}`);
    if (trace) {
      trace(
        `${now.toFixed(3)} ${ids[i]} ${node.state} t${node.term} ticks=${node.ticks} lead=${node.leaderId} last=${node.lastIndex} commit=${node.commitIndex} lease=${node.leaseRemainingTicks()} tickAt=${tickAt[i].toFixed(3)}`,
      );
    }
    // The lease ends when the node's tick count reaches its end: at its next tick plus (remaining - 1) periods.
    if (useMonitor) monitor.observe(ids[i], node, now, tickAt[i] + (node.leaseRemainingTicks() - 1) * period[i]);
  };

  for (let i = 0; i < n; i++) {
    tickAt[i] = period[i] * (0.2 + 0.8 * rng.uniform());
    q.push(tickAt[i], TICK, i, 0, null);
  }
  q.push(1, FAULT, 0, 0, null);

  const crash = (i: number): void => {
    alive[i] = false;
    inc[i]++;
    crashes++;
    if (trace) trace(`${now.toFixed(3)} crash ${ids[i]}`);
    paused[i] = false;
    missed[i].length = 0;
    deferred[i].length = 0;
  };
  const restart = (i: number): void => {
    alive[i] = true;
    inc[i]++;
    applied[i] = 0;
    nodes[i] = make(i, true);
    tickAt[i] = now + period[i];
    if (useMonitor) monitor.restart(ids[i]);
    after(i);
    q.push(tickAt[i], TICK, i, inc[i], null);
  };
  const heal = (): void => {
    for (const row of cut) row.fill(false);
  };

  const fault = (): void => {
    if (rng.uniform() < crashRate) {
      const i = rng.int(0, n - 1);
      if (alive[i]) {
        crash(i);
        q.push(now + 1 + rng.uniform() * 4 * E, CRASH_END, i, inc[i], null);
      }
    }
    if (rng.uniform() < partitionRate) {
      partitions++;
      heal();
      const kind = rng.int(0, 2);
      if (kind === 0) {
        // symmetric split into two random groups
        const side = ids.map(() => rng.uniform() < 0.5);
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) cut[a][b] = side[a] !== side[b];
      } else if (kind === 1) {
        // isolate one node
        const x = rng.int(0, n - 1);
        for (let b = 0; b < n; b++) if (b !== x) cut[x][b] = cut[b][x] = true;
      } else {
        // one-way link cuts
        for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) if (a !== b) cut[a][b] = rng.uniform() < 0.3;
      }
      q.push(now + 5 + rng.uniform() * 6 * E, HEAL, 0, partitions, null);
    }
    if (rng.uniform() < pauseRate) {
      const i = rng.int(0, n - 1);
      if (alive[i] && !paused[i]) {
        paused[i] = true;
        pauses++;
        if (trace) trace(`${now.toFixed(3)} pause ${ids[i]}`);
        q.push(now + rng.uniform() * pauseMax, PAUSE_END, i, inc[i], null);
      }
    }
    if (rng.uniform() < proposeRate) proposeToLeader();
  };

  const resume = (i: number): void => {
    paused[i] = false;
    const real = tickAt[i];
    if (catchUp) {
      const m = missed[i];
      for (let k = 0; k < m.length; k++) {
        tickAt[i] = k + 1 < m.length ? m[k + 1] : real;
        nodes[i].tick();
        after(i);
      }
    }
    tickAt[i] = real;
    missed[i] = [];
    const msgs = deferred[i];
    deferred[i] = [];
    for (const m of msgs) {
      nodes[i].step(m);
      after(i);
    }
  };

  const proposeToLeader = (): { index: number; term: number; leader: number } | null => {
    let best = -1;
    for (let i = 0; i < n; i++) if (alive[i] && !paused[i] && nodes[i].state === "leader" && (best < 0 || nodes[i].term > nodes[best].term)) best = i;
    if (best < 0) return null;
    try {
      const r = nodes[best].propose(`${opts.seed}:${proposed++}`);
      after(best);
      return { ...r, leader: best };
    } catch (e) {
      if (!(e instanceof RaftError)) throw e;
      problems.push(`propose on a leader threw ${e.code}`);
      return null;
    }
  };

  const handle = (ev: Ev): void => {
    now = ev.time;
    events++;
    switch (ev.kind) {
      case TICK: {
        const i = ev.node;
        if (!alive[i] || ev.inc !== inc[i]) return;
        tickAt[i] = now + period[i];
        q.push(tickAt[i], TICK, i, inc[i], null);
        if (paused[i]) {
          missed[i].push(now);
          return;
        }
        nodes[i].tick();
        after(i);
        return;
      }
      case DELIVER: {
        const i = ev.node;
        if (trace) trace(`${now.toFixed(3)} deliver ${JSON.stringify({ ...ev.msg, entries: undefined })}${paused[i] ? " (deferred)" : ""}`);
        if (!alive[i]) return;
        if (paused[i]) {
          deferred[i].push(ev.msg as RaftMessage);
          return;
        }
        nodes[i].step(ev.msg as RaftMessage);
        after(i);
        return;
      }
      case CRASH_END:
        if (!alive[ev.node] && ev.inc === inc[ev.node]) restart(ev.node);
        return;
      case PAUSE_END:
        if (trace) trace(`${now.toFixed(3)} resume ${ids[ev.node]} missed ${missed[ev.node].length} ticks`);
        if (alive[ev.node] && paused[ev.node] && ev.inc === inc[ev.node]) resume(ev.node);
        return;
      case HEAL:
        if (ev.inc === partitions) heal();
        return;
      case FAULT:
        if (!faults) return;
        fault();
        q.push(now + 1, FAULT, 0, 0, null);
        return;
    }
  };

  const runUntil = (t: number, stop?: () => boolean): boolean => {
    while (q.size > 0 && q.peekTime() <= t) {
      handle(q.pop() as Ev);
      if (stop && stop()) return true;
    }
    now = t;
    return stop ? stop() : false;
  };

  // ---- fault phase ----
  runUntil(faultTime);
  faults = false;
  heal();
  for (let i = 0; i < n; i++) {
    if (!alive[i]) restart(i);
    else if (paused[i]) resume(i);
  }

  // ---- liveness: a stable leader, then proposals commit everywhere ----
  const electionBound = opts.electionBound ?? 30 * E;
  const commitBound = opts.commitBound ?? 10 * E;
  const healedAt = now;
  let leader = -1;
  const stable = (): boolean => {
    leader = -1;
    for (let i = 0; i < n; i++) if (nodes[i].state === "leader" && nodes[i].leaseValid() && nodes[i].committedCurrentTerm) leader = i;
    if (leader < 0) return false;
    const lt = nodes[leader].term;
    for (let i = 0; i < n; i++) if (nodes[i].term !== lt || nodes[i].leaderId !== ids[leader]) return false;
    return true;
  };
  let electionDelay = Infinity;
  let commitDelay = Infinity;
  if (runUntil(healedAt + electionBound, stable)) {
    electionDelay = now - healedAt;
    const k = opts.livenessProposals ?? 5;
    const made: { index: number; data: unknown }[] = [];
    for (let j = 0; j < k; j++) {
      const data = `live:${opts.seed}:${j}`;
      const r = nodes[leader].propose(data);
      after(leader);
      made.push({ index: r.index, data });
    }
    const start = now;
    const lastMade = made[made.length - 1].index;
    const done = (): boolean => {
      for (let i = 0; i < n; i++) if (nodes[i].commitIndex < lastMade || applied[i] < lastMade) return false;
      return true;
    };
    if (runUntil(start + commitBound, done)) {
      commitDelay = now - start;
      for (let i = 0; i < n; i++) {
        for (const m of made) if (nodes[i].entry(m.index)?.data !== m.data) problems.push(`${ids[i]} lost proposal ${m.index}`);
      }
    } else problems.push(`proposals not committed everywhere within ${commitBound}`);
  } else problems.push(`no stable leader within ${electionBound} after healing`);

  return {
    violations: monitor.violations(),
    events,
    crashes,
    partitions,
    pauses,
    leaderships: leaderships.size,
    proposed,
    committedMax: monitor.maxCommitted,
    electionDelay,
    commitDelay,
    problems,
  };
}
