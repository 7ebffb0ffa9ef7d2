/**
 * A hand-driven cluster for unit tests: nodes with storage, a pending-message
 * pool the test delivers (all, or only what a filter lets through), link cuts,
 * crashes and restarts from storage, and a safety monitor watching each step.
 */
import { createRng } from "../../../lib/random/index.js";
import {
  type Entry,
  type RaftConfig,
  type RaftMessage,
  type RaftNode,
  type RaftSafetyMonitor,
  createRaftNode,
  createRaftSafetyMonitor,
} from "../../../lib/chubby/raft/index.js";

export interface Stored {
  term: number;
  votedFor: string | null;
  commitIndex: number;
  log: Entry[];
}

export const BASE = { electionTicks: 10, heartbeatTicks: 2, leaseTicks: 7 } as const;

export class Cluster {
  readonly ids: string[];
  readonly nodes: Record<string, RaftNode> = {};
  readonly storage: Record<string, Stored> = {};
  readonly applied: Record<string, Entry[]> = {};
  readonly down = new Set<string>();
  readonly monitor: RaftSafetyMonitor;
  /** Messages sent and not yet delivered or dropped. */
  pending: RaftMessage[] = [];
  /** Every message ever sent, in order. */
  readonly sent: RaftMessage[] = [];
  private readonly cuts = new Set<string>();
  private seed: number;
  private readonly extra: Partial<RaftConfig>;
  private time = 0;

  /**
   * Ticks here are not coupled to a global clock (tests tick nodes one by
   * one), so the monitor's lease check is off: every lease is reported as
   * already ended. Lease tests check leases directly.
   */
  constructor(ids: string[], extra: Partial<RaftConfig> = {}, seed = 1) {
    this.ids = ids;
    this.extra = extra;
    this.seed = seed;
    this.monitor = createRaftSafetyMonitor(ids);
    for (const id of ids) {
      this.storage[id] = { term: 0, votedFor: null, commitIndex: 0, log: [] };
      this.applied[id] = [];
      this.nodes[id] = createRaftNode(this.config(id));
    }
  }

  config(id: string): RaftConfig {
    return { id, peers: this.ids, ...BASE, rng: createRng(this.seed++), ...this.extra };
  }

  /** Persist, send (dropping cut links and down nodes) and apply what `id` produced; the monitor looks. */
  flush(id: string): void {
    const node = this.nodes[id];
    const rd = node.ready();
    const s = this.storage[id];
    if (rd.hardState) Object.assign(s, rd.hardState);
    if (rd.truncateFrom !== undefined) s.log.length = rd.truncateFrom - 1;
    for (const e of rd.entries) s.log[e.index - 1] = e;
    for (const m of rd.messages) {
      this.sent.push(m);
      if (!this.cuts.has(`${m.from}>${m.to}`) && !this.down.has(m.to)) this.pending.push(m);
    }
    this.applied[id].push(...rd.committed);
    this.time += 0.001;
    this.monitor.observe(id, node, this.time, -Infinity);
  }

  flushAll(): void {
    for (const id of this.ids) if (!this.down.has(id)) this.flush(id);
  }

  /** Delivers pending messages that `allow` accepts (dropping the rest when `drop`), until none is left. */
  deliver(allow: (m: RaftMessage) => boolean = () => true, drop = false, limit = 100_000): number {
    let n = 0;
    this.flushAll();
    for (;;) {
      const batch = this.pending;
      this.pending = [];
      let any = false;
      for (const m of batch) {
        if (this.down.has(m.to) || this.cuts.has(`${m.from}>${m.to}`)) continue;
        if (!allow(m)) {
          if (!drop) this.pending.push(m);
          continue;
        }
        any = true;
        n++;
        this.nodes[m.to].step(m);
        this.flush(m.to);
      }
      if (!any || n > limit) return n;
    }
  }

  /** Ticks node `id` k times (flushing each time; messages stay pending). */
  tick(id: string, k = 1): void {
    for (let i = 0; i < k; i++) {
      this.nodes[id].tick();
      this.flush(id);
    }
  }

  /** Ticks every live node k times, in lock step, delivering everything after each round. */
  tickAll(k = 1, deliver = true): void {
    for (let i = 0; i < k; i++) {
      for (const id of this.ids) if (!this.down.has(id)) this.tick(id);
      if (deliver) this.deliver();
    }
  }

  /** Lets time pass for `ids` with the network down: ticks them k times and drops what they send. */
  idle(ids: string[], k: number): void {
    for (let i = 0; i < k; i++) for (const id of ids) this.tick(id);
    this.pending = this.pending.filter((m) => !ids.includes(m.from));
  }

  /**
   * Makes `id` campaign (up to `tries` times: a first pre-vote may only teach
   * it a newer term) delivering only election messages, appends stay pending.
   */
  win(id: string, tries = 3): RaftNode {
    for (let i = 0; i < tries && this.nodes[id].state !== "leader"; i++) {
      this.nodes[id].campaign();
      this.deliver((m) => m.type !== "append" && m.type !== "append-resp");
    }
    return this.nodes[id];
  }

  /** Makes `id` campaign and delivers everything; returns the node. */
  elect(id: string): RaftNode {
    this.nodes[id].campaign();
    this.deliver();
    return this.nodes[id];
  }

  cut(a: string, b: string): void {
    this.cuts.add(`${a}>${b}`);
    this.cuts.add(`${b}>${a}`);
  }
  cutOneWay(from: string, to: string): void {
    this.cuts.add(`${from}>${to}`);
  }
  isolate(id: string): void {
    for (const o of this.ids) if (o !== id) this.cut(id, o);
  }
  heal(): void {
    this.cuts.clear();
  }

  crash(id: string): void {
    this.down.add(id);
    this.pending = this.pending.filter((m) => m.from !== id && m.to !== id);
  }
  restart(id: string, withCommit = false): RaftNode {
    this.down.delete(id);
    const s = this.storage[id];
    this.nodes[id] = createRaftNode(this.config(id), {
      term: s.term,
      votedFor: s.votedFor,
      log: s.log,
      commitIndex: withCommit ? s.commitIndex : 0,
    });
    this.applied[id] = [];
    this.monitor.restart(id);
    this.flush(id);
    return this.nodes[id];
  }

  leaders(): string[] {
    return this.ids.filter((id) => !this.down.has(id) && this.nodes[id].state === "leader");
  }
}
