import { describe, it, expect } from "vitest";
import { runHarness, type HarnessOptions, type HarnessResult } from "./harness.js";

const E = 10;
/** Liveness bounds after faults stop: a stable leader within 10 election timeouts, commits within 2. */
const BOUNDS = { electionBound: 10 * E, commitBound: 2 * E };
const FAST = { minDelay: 0.01, maxDelay: 0.3 };

function sweep(seeds: number, opts: Partial<HarnessOptions>): HarnessResult[] {
  const out: HarnessResult[] = [];
  for (let s = 1; s <= seeds; s++) out.push(runHarness({ seed: s, ...BOUNDS, ...opts }));
  return out;
}

/** Seeds with a violation or a liveness problem, with the one-line replay command. */
function failures(results: HarnessResult[], opts: Partial<HarnessOptions>): string[] {
  return results.flatMap((r, i) =>
    r.violations.length || r.problems.length
      ? [`seed ${i + 1}: ${JSON.stringify([...r.violations.slice(0, 2), ...r.problems.slice(0, 2)])} replay: runHarness(${JSON.stringify({ seed: i + 1, ...BOUNDS, ...opts })})`]
      : [],
  );
}

describe("randomized: faults, then liveness", () => {
  it("500 seeds of delay, loss, duplicates, reordering, crashes, partitions and pauses: no violation, and after healing a leader and every commit within bounds", () => {
    const results = sweep(500, {});
    expect(failures(results, {})).toEqual([]);
    // The faults really happened (the sweep is not vacuous).
    const sum = (f: (r: HarnessResult) => number): number => results.reduce((a, r) => a + f(r), 0);
    expect(sum((r) => r.crashes)).toBeGreaterThan(500);
    expect(sum((r) => r.partitions)).toBeGreaterThan(500);
    expect(sum((r) => r.pauses)).toBeGreaterThan(500);
    expect(sum((r) => r.leaderships)).toBeGreaterThan(1000);
    expect(sum((r) => r.committedMax)).toBeGreaterThan(500 * 50);
    expect(Math.min(...results.map((r) => r.events))).toBeGreaterThan(2000);
  });

  const variants: [string, Partial<HarnessOptions>][] = [
    ["harsher faults", { crashRate: 0.08, partitionRate: 0.08, pauseRate: 0.05, loss: 0.15, duplicate: 0.1, longDelayRate: 0.05 }],
    ["a fast network with many pauses and the tightest lease the drift allows", { ...FAST, leaseTicks: 8, pauseRate: 0.05, crashRate: 0.05, partitionRate: 0.05 }],
    ["a quiet log (few proposals) with many partitions", { ...FAST, partitionRate: 0.1, proposeRate: 0.02 }],
    ["without pre-vote", { preVote: false, crashRate: 0.05, partitionRate: 0.05 }],
    ["without checkQuorum", { checkQuorum: false, crashRate: 0.05, partitionRate: 0.05 }],
    ["3 nodes", { n: 3, crashRate: 0.05, partitionRate: 0.05 }],
    ["7 nodes", { n: 7, crashRate: 0.05, partitionRate: 0.05 }],
    ["one entry per append", { maxAppendEntries: 1, proposeRate: 0.5 }],
  ];
  for (const [name, opts] of variants) {
    it(`50 seeds, ${name}: no violation, liveness within bounds`, () => {
      expect(failures(sweep(50, opts), opts)).toEqual([]);
    });
  }

  it("the same seed gives the identical run", () => {
    const trace = (): string[] => {
      const lines: string[] = [];
      runHarness({ seed: 7, trace: (l) => lines.push(l) });
      return lines;
    };
    const a = trace();
    expect(a.length).toBeGreaterThan(1000);
    expect(trace()).toEqual(a);
  });
});

describe("randomized negative controls: the monitor catches a broken lease", () => {
  it("unsafe.noLeaseCheck: overlapping valid leases in some seeds, and no other kind of violation", () => {
    const results = sweep(100, { ...FAST, noLeaseCheck: true, partitionRate: 0.05 });
    const kinds = new Set(results.flatMap((r) => r.violations.map((v) => v.property)));
    const caught = results.filter((r) => r.violations.length > 0).length;
    expect(caught).toBeGreaterThan(0);
    expect([...kinds]).toEqual(["lease-exclusivity"]);
    expect(results[results.findIndex((r) => r.violations.length > 0)].violations[0].detail).toMatch(/^overlapping valid leases/);
  });

  it("a driver that does not hand a paused node its missed ticks (a clock that stops) breaks the lease in some seeds", () => {
    const results = sweep(100, { ...FAST, pauseRate: 0.05, pauseCatchUp: false });
    const kinds = new Set(results.flatMap((r) => r.violations.map((v) => v.property)));
    expect(results.filter((r) => r.violations.length > 0).length).toBeGreaterThan(0);
    expect([...kinds]).toEqual(["lease-exclusivity"]);
  });
});
