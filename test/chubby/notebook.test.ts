// Promises the Day 2 notebook's prose makes about the simulated cell that the library's own
// tests do not pin down: the takeover bounds drawn in the sweep figure, the lock surviving a
// master fail-over, jeopardy starting exactly when the client's lease runs out, the new master
// serving only after its sessions heard of the fail-over, and one KeepAlive per session per lease.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ChubbyResult, check, runChubby } from "../../lib/chubby/index.js";

const MARGIN_MS = 1_000; // DEFAULT_TIMING.keepAliveMarginMs: a held KeepAlive is answered this long before the lease ends

describe("the Day 2 notebook's claims about the simulated cell", () => {
  it("a holder crash is taken over no sooner than lease + lock-delay and no later than 2 x lease - margin + lock-delay", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.constantFrom(3_000, 6_000, 12_000),
        fc.constantFrom(0, 5_000, 20_000),
        (seed, lease, delay) => {
          const r = runChubby({
            seed, lockDelayMs: delay, timing: { sessionLeaseMs: lease }, check: false,
            durationMs: 20_000 + 2 * lease + delay + 20_000, faults: [{ at: 20_000, kind: "crash", target: "holder" }],
          });
          const t = r.takeovers[0];
          expect(t).toBeDefined();
          expect(t.takeoverMs).not.toBeNull();
          const ms = t.takeoverMs as number;
          // Drift is 1e-3 by default: allow that much of the lease on either side.
          expect(ms).toBeGreaterThanOrEqual(lease + delay - 0.002 * lease - 1);
          expect(ms).toBeLessThanOrEqual(2 * lease - MARGIN_MS + delay + 0.004 * lease + 1);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("the web server holding the lock when the master crashes keeps it, same generation, unbroken, through the fail-over", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), (seed) => {
        const r = runChubby({ seed, durationMs: 70_000, faults: [{ at: 30_000, kind: "crash", target: "master", downMs: 20_000 }] });
        expect(r.verdict.ok).toBe(true);
        expect(r.failovers).toHaveLength(1);
        const ready = r.failovers[0].readyAt as number;
        const holds = (r.history.holds ?? []).filter((h) => h.from <= 30_000 && h.to > 30_000);
        expect(holds).toHaveLength(1);
        // The same hold (same holder session, same generation) is still going after the new master serves.
        expect(holds[0].to).toBeGreaterThan(ready);
        const later = (r.history.holds ?? []).filter((h) => h.from > 30_000);
        expect(later).toEqual([]);
      }),
      { numRuns: 8 },
    );
  });

  it("a client enters jeopardy exactly when the last lease it was granted runs out", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), (seed) => {
        const r: ChubbyResult = runChubby({ seed, durationMs: 60_000, check: false, faults: [{ at: 25_000, kind: "crash", target: "master" }] });
        const jeopardies = r.timelines.clients.filter((s) => s.state === "jeopardy");
        expect(jeopardies.length).toBeGreaterThan(0);
        for (const j of jeopardies) {
          const granted = r.timelines.leasePoints.filter((p) => p.client === j.who && p.at <= j.from);
          expect(granted.length).toBeGreaterThan(0);
          const end = Math.max(...granted.map((p) => p.leaseEnd));
          expect(Math.abs(j.from - end)).toBeLessThan(1);
        }
      }),
      { numRuns: 8 },
    );
  });

  it("a new master serves every call only after each live session was told of the fail-over", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), (seed) => {
        const r = runChubby({ seed, durationMs: 60_000, check: false, faults: [{ at: 25_000, kind: "crash", target: "master" }] });
        const f = r.failovers[0];
        expect(f.readyAt).not.toBeNull();
        const told = r.clientEvents.filter((e) => e.kind === "masterFailover" && e.at >= f.lostAt);
        // Every web server (none crashed) heard of it, and the master was ready no earlier than the last of them.
        expect(new Set(told.map((e) => e.client)).size).toBe(r.scenario.webServers);
        expect(f.readyAt as number).toBeGreaterThanOrEqual(Math.max(...told.map((e) => e.at)));
      }),
      { numRuns: 8 },
    );
  });

  it("a quiet cell answers about one KeepAlive per session per (lease - margin)", () => {
    for (const lease of [6_000, 12_000]) {
      const minutes = 20;
      const r = runChubby({ seed: 3, durationMs: minutes * 60_000, faults: [], check: false, timing: { sessionLeaseMs: lease } });
      const expected = (r.scenario.webServers * minutes * 60_000) / (lease - MARGIN_MS);
      const keepAlives = r.rpcCounts.keepAlive ?? 0;
      expect(keepAlives).toBeGreaterThan(0.9 * expected);
      expect(keepAlives).toBeLessThan(1.1 * expected);
    }
  });

  it("leaving out repeated cache hits gives the same linearizability verdict on a busy run, searching under 5% of its operations", () => {
    const r = runChubby({ webServers: 100, durationMs: 600_000, check: false, faults: [{ at: 200_000, kind: "crash", target: "master", downMs: 30_000 }] });
    const ops = r.history.operations ?? [];
    const model = () => check.registerModel({ initial: "" });
    const skip = check.checkLinearizable(ops, { model: model() });
    const all = check.checkLinearizable(ops, { model: model(), dropRedundantReads: false });
    expect(skip.ok).toBe(true);
    expect(all.ok).toBe(true);
    if (skip.ok !== true) return;
    expect(ops.length).toBeGreaterThan(20_000);
    expect(ops.length - skip.redundantReads).toBeLessThan(0.05 * ops.length);
  });
});
