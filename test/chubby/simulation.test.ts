import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { type ChubbyResult, failoverSweep, pausedHolderCase, rpcMix, runChubby, takeoverSweep } from "../../lib/chubby/index.js";

describe("runChubby: the seed's scenario", () => {
  let r: ChubbyResult;
  beforeAll(() => {
    r = runChubby({ seed: 11 });
  });

  it("passes every check (Raft safety, leases, locks, fencing, sessions, caches, linearizability)", () => {
    expect(r.verdict.violations).toEqual([]);
    expect(r.verdict.ok).toBe(true);
    expect(r.verdict.replay).toBeNull();
    const counts = r.verdict.report?.counts ?? {};
    expect(counts.linearizable?.checked ?? 0).toBeGreaterThan(20);
    expect(counts.fencedTokensIncrease?.checked ?? 0).toBeGreaterThan(20);
  });

  it("elects a master, and after the master's crash a new one with a higher epoch", () => {
    expect(r.failovers).toHaveLength(1);
    const f = r.failovers[0];
    expect(f.newMaster).not.toBeNull();
    expect(f.newMaster).not.toBe(f.oldMaster);
    expect(f.electionMs).toBeGreaterThan(2_000);
    expect(f.electionMs).toBeLessThan(10_000);
    expect(f.readyMs as number).toBeGreaterThanOrEqual(f.electionMs as number);
  });

  it("never shows two replicas as master at once in the role timeline", () => {
    const masters = r.timelines.roles.filter((s) => s.state === "master");
    expect(masters.length).toBeGreaterThanOrEqual(2);
    for (const a of masters) for (const b of masters) if (a !== b && a.who !== b.who) expect(a.to <= b.from || b.to <= a.from).toBe(true);
  });

  it("hands the lock to a waiter after the holder crashes, no sooner than the lock-delay", () => {
    expect(r.takeovers).toHaveLength(1);
    const t = r.takeovers[0];
    expect(t.next).not.toBeNull();
    expect(t.next).not.toBe(t.holder);
    expect(t.takeoverMs as number).toBeGreaterThanOrEqual(r.scenario.lockDelayMs);
    const holds = r.timelines.locks.filter((s) => s.state === "holds");
    expect(holds.length).toBeGreaterThanOrEqual(2);
  });

  it("shows clients jeopardy then safe across the fail-over, and a fail-over event", () => {
    const kinds = r.clientEvents.map((e) => e.kind);
    expect(kinds).toContain("jeopardy");
    expect(kinds).toContain("safe");
    expect(kinds).toContain("masterFailover");
    expect(kinds).not.toContain("expired");
    expect(r.timelines.clients.some((s) => s.state === "jeopardy")).toBe(true);
  });

  it("lets the other web servers learn the leader by reading the file", () => {
    const leader = r.webServers.find((w) => w.leader);
    expect(leader).toBeDefined();
    const others = r.webServers.filter((w) => w !== leader && w.status === "ok");
    expect(others.length).toBeGreaterThan(0);
    for (const o of others) expect(o.learned).toBe(leader?.name);
  });

  it("gives the same trace hash for the same seed, and another for another seed", () => {
    const again = runChubby({ seed: 11 });
    expect(again.traceHash).toBe(r.traceHash);
    expect(again.events).toBe(r.events);
    expect(runChubby({ seed: 12 }).traceHash).not.toBe(r.traceHash);
  });
});

describe("determinism (property)", () => {
  it("any seed and small fault script replays to the identical trace hash", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 5_000, max: 25_000 }), (seed, crashAt) => {
        const sc = { seed, durationMs: 40_000, faults: [{ at: crashAt, kind: "crash" as const, target: "master", downMs: 5_000 }] };
        expect(runChubby(sc).traceHash).toBe(runChubby(sc).traceHash);
      }),
      { numRuns: 4 },
    );
  });
});

describe("one-call experiments", () => {
  it("pausedHolderCase: the late write of a holder paused past its lease is rejected by its sequencer", () => {
    const c = pausedHolderCase({ seed: 3 });
    expect(c.holder).not.toBeNull();
    expect(c.next).not.toBeNull();
    expect(c.grantedAt as number).toBeLessThan(c.resumedAt);
    expect(c.lateWrites.length).toBeGreaterThan(0);
    expect(c.lateWrites[0].accepted).toBe(false);
    expect(c.result.verdict.ok).toBe(true);
  });

  it("pausedHolderCase with fencing off: the late write is accepted, and the checker says so", () => {
    const c = pausedHolderCase({ seed: 3, variant: "no-fencing" });
    expect(c.lateWrites[0]?.accepted).toBe(true);
    expect(c.result.verdict.ok).toBe(false);
    expect(c.result.verdict.violations[0].invariant).toBe("fencedTokensIncrease");
    expect(c.result.verdict.replay).toContain("--variant no-fencing");
  });

  it("takeoverSweep: takeover grows with the lock-delay and with the session lease", () => {
    const rows = takeoverSweep({ sessionLeasesMs: [6_000, 12_000], lockDelaysMs: [0, 10_000], seeds: 1 });
    expect(rows).toHaveLength(4);
    const at = (l: number, d: number) => rows.find((x) => x.sessionLeaseMs === l && x.lockDelayMs === d)?.takeoverMs as number;
    expect(at(6_000, 10_000) - at(6_000, 0)).toBeCloseTo(10_000, -3);
    expect(at(12_000, 0)).toBeGreaterThan(at(6_000, 0));
    for (const x of rows) expect(x.takeoverMs as number).toBeLessThanOrEqual(2 * x.sessionLeaseMs + x.lockDelayMs + 1_000);
  });

  it("rpcMix: KeepAlives are about 90% of the RPCs of a quiet cell", () => {
    const m = rpcMix({ seed: 2 });
    expect(m.keepAliveShare).toBeGreaterThan(0.85);
    expect(m.mix[0].kind).toBe("keepAlive");
  });

  it("failoverSweep: the median master election with the default timing is 4-6 simulated seconds", () => {
    const f = failoverSweep(15);
    expect(f.rows.every((x) => x.electionMs !== null)).toBe(true);
    expect(f.medianElectionMs).toBeGreaterThanOrEqual(4_000);
    expect(f.medianElectionMs).toBeLessThanOrEqual(6_000);
  });
});
