import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CellState,
  type Command,
  type LockMode,
  type Outcome,
  applyCommand,
  createCellState,
  findInvariantViolations,
  inspectLock,
  restore,
  snapshot,
  stateDigest,
  statPath,
} from "../../../lib/chubby/cell/index.js";
import { PATHS, commandLogArb } from "./gen.js";

const RUNS = 300;

/** A tick at the same time before each session end, so a session-ending command starts with no due grants. */
function withTicks(log: Command[]): Command[] {
  const out: Command[] = [];
  for (const c of log) {
    if (c.type === "closeSession" || c.type === "expireSession") out.push({ type: "tick", at: c.at });
    out.push(c);
  }
  return out;
}

/** An outcome as plain data (the error as its code). */
function plain(out: Outcome<unknown>): unknown {
  return out.ok ? { ok: true, result: out.result, events: out.events, changed: out.changed } : { ok: false, code: out.error.code, events: out.events };
}

/**
 * Watches outcomes only (events and results), keeping its own model of holders, FIFO queues and
 * lock-delay barriers, and records every violation of the lock rules it sees.
 */
class Observer {
  /** Lock rules: no conflicting grant, FIFO, no barging, lock-delay, release/cancel consistency. */
  readonly lockViolations: string[] = [];
  /** Numbers that decreased: per-name stat numbers, the cell revision, the epoch. */
  readonly numberViolations: string[] = [];
  /** Events tagged for sessions that have ended. */
  readonly deliveryViolations: string[] = [];
  /** Grants of a queued request (checked for FIFO order). */
  queuedGrants = 0;
  /** Grants right after a holder expired with a lock-delay (checked against the barrier). */
  delayedRegrants = 0;
  private readonly pendingDelay = new Set<string>();
  private readonly holders = new Map<string, Map<number, LockMode>>();
  private readonly queues = new Map<string, number[]>();
  private readonly handleSession = new Map<number, string>();
  private readonly requestedDelay = new Map<number, number>();
  private readonly barrier = new Map<string, number>();
  private readonly last = new Map<string, number[]>();
  private revision = 0;
  private epoch = 0;

  observe(state: CellState, cmd: Command, out: Outcome<unknown>): void {
    const v = this.lockViolations;
    if (out.ok && (cmd.type === "closeSession" || cmd.type === "expireSession")) {
      for (const [path, q] of this.queues) this.queues.set(path, q.filter((h) => this.handleSession.get(h) !== cmd.session));
    }
    if (out.ok && cmd.type === "open") {
      const r = out.result as { handle: number };
      this.handleSession.set(r.handle, cmd.session);
    }
    if (out.ok && (cmd.type === "acquire" || cmd.type === "tryAcquire")) {
      this.requestedDelay.set(cmd.handle, cmd.lockDelayMs ?? 0);
      const r = out.result as { granted: boolean };
      if (!r.granted) this.queue(state, cmd.handle).push(cmd.handle);
    }
    for (const e of out.events) {
      for (const s of e.sessions) if (!state.sessions.has(s)) this.deliveryViolations.push(`${e.kind} tagged for ended session ${s}`);
      if (e.kind === "lockGranted") {
        const held = this.holders.get(e.path) ?? new Map<number, LockMode>();
        this.holders.set(e.path, held);
        for (const m of held.values()) {
          if (m === "exclusive" || e.mode === "exclusive") v.push(`${e.path}: ${e.mode} granted to ${e.handle} while held ${m}`);
        }
        held.set(e.handle, e.mode);
        if (e.at < (this.barrier.get(e.path) ?? 0)) v.push(`${e.path}: granted at ${e.at} before lock-delay end ${this.barrier.get(e.path)}`);
        if (this.pendingDelay.delete(e.path)) this.delayedRegrants++;
        const q = this.queues.get(e.path) ?? [];
        const i = q.indexOf(e.handle);
        if (i >= 0) this.queuedGrants++;
        else if (q.length > 0) v.push(`${e.path}: ${e.handle} granted at once while ${q.join(",")} wait`);
        if (i > 0) v.push(`${e.path}: ${e.handle} granted before earlier waiters ${q.slice(0, i).join(",")}`);
        if (i >= 0) q.splice(i, 1);
      } else if (e.kind === "lockReleased") {
        if (this.holders.get(e.path)?.delete(e.handle) !== true) v.push(`${e.path}: release of ${e.handle}, which did not hold`);
        if (e.reason === "sessionExpired") {
          const delay = this.requestedDelay.get(e.handle) ?? 0;
          if (delay > 0) {
            const until = e.at + delay;
            if (e.delayUntil < until) v.push(`${e.path}: lock-delay ends ${e.delayUntil}, expected >= ${until}`);
            this.barrier.set(e.path, Math.max(this.barrier.get(e.path) ?? 0, until));
            this.pendingDelay.add(e.path);
          }
        }
      } else if (e.kind === "lockWaitCancelled") {
        const q = this.queues.get(e.path) ?? [];
        if (!q.includes(e.handle)) v.push(`${e.path}: cancelled ${e.handle}, which was not waiting`);
        this.queues.set(e.path, q.filter((h) => h !== e.handle));
      }
    }
    // Numbers never decrease: per name (across re-creation), the cell revision, the epoch.
    for (const p of PATHS) {
      const s = statPath(state, p);
      if (s === undefined) continue;
      const nums = [s.instance, s.contentGeneration, s.lockGeneration, s.aclGeneration];
      const prev = this.last.get(p);
      if (prev !== undefined && nums.some((n, i) => n < prev[i])) this.numberViolations.push(`${p}: numbers went from ${prev} to ${nums}`);
      this.last.set(p, nums);
    }
    if (state.revision < this.revision || state.epoch < this.epoch) this.numberViolations.push("revision or epoch decreased");
    this.revision = state.revision;
    this.epoch = state.epoch;
  }

  private queue(state: CellState, handle: number): number[] {
    const path = state.handles.get(handle)!.node.path;
    const q = this.queues.get(path) ?? [];
    this.queues.set(path, q);
    return q;
  }

  /** The model's holders of a lock, sorted. */
  holdersOf(path: string): number[] {
    return Array.from(this.holders.get(path)?.keys() ?? []).sort((a, b) => a - b);
  }
}

describe("properties over random command logs", () => {
  it("the state's invariants hold after every command (never two conflicting holders in server state)", () => {
    fc.assert(
      fc.property(commandLogArb(), (log) => {
        const st = createCellState();
        for (const cmd of log) {
          applyCommand(st, cmd);
          const v = findInvariantViolations(st);
          if (v.length > 0) throw new Error(`after ${JSON.stringify(cmd)}: ${v.join("; ")}`);
        }
      }),
      { numRuns: RUNS },
    );
  });

  /** Runs the observer over RUNS random logs; returns it for each log to `check`. */
  function observeLogs(check: (obs: Observer, st: CellState) => void): void {
    fc.assert(
      fc.property(commandLogArb(), (raw) => {
        const st = createCellState();
        const obs = new Observer();
        for (const cmd of withTicks(raw)) obs.observe(st, cmd, applyCommand(st, cmd));
        check(obs, st);
      }),
      { numRuns: RUNS },
    );
  }

  it("model check from the events alone: never two conflicting holders, FIFO grants, no barging, no grant before lock-delay ends; the model's holders match the state's", () => {
    let queuedGrants = 0;
    let delayedRegrants = 0;
    observeLogs((obs, st) => {
      expect(obs.lockViolations).toEqual([]);
      for (const p of PATHS) {
        const lock = inspectLock(st, p);
        expect(lock === undefined ? [] : lock.holders.map((h) => h.handle).sort((a, b) => a - b)).toEqual(obs.holdersOf(p));
      }
      queuedGrants += obs.queuedGrants;
      delayedRegrants += obs.delayedRegrants;
    });
    // The logs must exercise what is checked.
    expect(queuedGrants).toBeGreaterThan(30);
    expect(delayedRegrants).toBeGreaterThan(8);
    console.log(`model check: ${queuedGrants} FIFO grants, ${delayedRegrants} grants after a lock-delay in ${RUNS} logs`);
  });

  it("generation numbers only increase: per name (across deletion and re-creation), the cell revision and the epoch", () => {
    observeLogs((obs) => expect(obs.numberViolations).toEqual([]));
  });

  it("events are tagged only for sessions that are live after the command", () => {
    observeLogs((obs) => expect(obs.deliveryViolations).toEqual([]));
  });

  it("determinism: two states applying the same log give identical outcomes and equal digests", () => {
    fc.assert(
      fc.property(commandLogArb(), (log) => {
        const a = createCellState();
        const b = createCellState();
        for (const cmd of log) expect(plain(applyCommand(b, cmd))).toEqual(plain(applyCommand(a, cmd)));
        expect(stateDigest(a)).toBe(stateDigest(b));
      }),
      { numRuns: RUNS },
    );
  });

  it("snapshot/restore mid-log (through JSON): the restored replica continues exactly as the original", () => {
    fc.assert(
      fc.property(commandLogArb(), fc.nat(), (log, cut) => {
        const k = cut % (log.length + 1);
        const a = createCellState();
        for (const cmd of log.slice(0, k)) applyCommand(a, cmd);
        const b = restore(JSON.parse(JSON.stringify(snapshot(a))));
        expect(stateDigest(b)).toBe(stateDigest(a));
        expect(findInvariantViolations(b)).toEqual([]);
        for (const cmd of log.slice(k)) expect(plain(applyCommand(b, cmd))).toEqual(plain(applyCommand(a, cmd)));
        expect(stateDigest(b)).toBe(stateDigest(a));
      }),
      { numRuns: RUNS },
    );
  });

  it("a failed command changes nothing but the time", () => {
    let failures = 0;
    fc.assert(
      fc.property(commandLogArb(), (log) => {
        const st = createCellState();
        for (const cmd of log) {
          applyCommand(st, { type: "tick", at: cmd.at });
          const before = JSON.stringify(snapshot(st));
          const out = applyCommand(st, cmd);
          if (out.ok) continue;
          failures++;
          expect(out.events).toEqual([]);
          expect(JSON.stringify(snapshot(st))).toBe(before);
        }
      }),
      { numRuns: RUNS },
    );
    expect(failures).toBeGreaterThan(1000);
  });
});
