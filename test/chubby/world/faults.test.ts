import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createRng } from "../../../lib/random/index.js";
import {
  type FaultEvent,
  type FaultScheduleOptions,
  WorldError,
  createWorld,
  describeFault,
  faultSchedule,
  formatSchedule,
} from "../../../lib/chubby/world/index.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof WorldError ? e.code : `not a WorldError: ${String(e)}`;
  }
  return undefined;
}

/**
 * Replays a schedule on an independent model and returns the most nodes out at once
 * (crashed, paused, or on the cut side of a partition), checking pairing on the way.
 */
function replayModel(s: readonly FaultEvent[], nodes: readonly string[]): { maxOut: number; endsClean: boolean } {
  const crashed = new Set<string>();
  const pausedUntil = new Map<string, number>();
  let cut: Set<string> | null = null;
  let maxOut = 0;
  let prev = -Infinity;
  for (const f of s) {
    expect(f.at).toBeGreaterThanOrEqual(prev); // sorted
    prev = f.at;
    switch (f.kind) {
      case "crash":
        expect(crashed.has(f.node)).toBe(false);
        crashed.add(f.node);
        break;
      case "restart":
        expect(crashed.has(f.node)).toBe(true);
        crashed.delete(f.node);
        break;
      case "pause":
        expect(f.ms).toBeGreaterThan(0);
        pausedUntil.set(f.node, f.at + f.ms);
        break;
      case "partition": {
        expect(cut).toBeNull();
        expect(f.groups).toHaveLength(2);
        expect([...f.groups[0], ...f.groups[1]].sort()).toEqual([...nodes].sort());
        cut = new Set(f.groups[0]);
        break;
      }
      case "heal":
        expect(cut).not.toBeNull();
        cut = null;
        break;
      default:
        throw new Error(`unexpected fault ${f.kind}`);
    }
    const out = new Set<string>(crashed);
    for (const [n, until] of pausedUntil) if (until > f.at) out.add(n);
    if (cut !== null) for (const n of cut) out.add(n);
    maxOut = Math.max(maxOut, out.size);
  }
  return { maxOut, endsClean: crashed.size === 0 && cut === null };
}

const optionsArb = fc
  .record({
    n: fc.integer({ min: 1, max: 7 }),
    maxDownFrac: fc.double({ min: 0, max: 1, noNaN: true }),
    crashEveryMs: fc.option(fc.integer({ min: 200, max: 20_000 }), { nil: undefined }),
    pauseEveryMs: fc.option(fc.integer({ min: 200, max: 20_000 }), { nil: undefined }),
    partitionEveryMs: fc.option(fc.integer({ min: 200, max: 20_000 }), { nil: undefined }),
    durationMs: fc.integer({ min: 1000, max: 120_000 }),
    quietFrac: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map((r): FaultScheduleOptions => {
    const nodes = Array.from({ length: r.n }, (_, i) => `r${i}`);
    return {
      nodes,
      durationMs: r.durationMs,
      crashEveryMs: r.crashEveryMs,
      pauseEveryMs: r.pauseEveryMs,
      partitionEveryMs: r.partitionEveryMs,
      maxDown: Math.round(r.maxDownFrac * r.n),
      quietAfterMs: Math.round(r.quietFrac * r.durationMs),
    };
  });

describe("faultSchedule", () => {
  it("property: never more than maxDown nodes out at once, and all quiet after quietAfterMs", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), optionsArb, (seed, opts) => {
        const s = faultSchedule(createRng(seed), opts);
        const { maxOut, endsClean } = replayModel(s, opts.nodes);
        expect(maxOut).toBeLessThanOrEqual(opts.maxDown!);
        expect(endsClean).toBe(true);
        for (const f of s) {
          expect(f.at).toBeLessThanOrEqual(opts.quietAfterMs!);
          if (f.kind === "crash" || f.kind === "pause" || f.kind === "partition") expect(f.at).toBeLessThan(opts.quietAfterMs!);
          if (f.kind === "pause") expect(f.at + f.ms).toBeLessThanOrEqual(opts.quietAfterMs! + 1e-9);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("property: a world running the schedule is whole again after quietAfterMs, with nothing skipped", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), optionsArb, (seed, opts) => {
        const s = faultSchedule(createRng(seed), opts);
        const w = createWorld<string>({ seed, trace: "off" });
        for (const id of opts.nodes) w.addNode(id, { onMessage() {} });
        w.applySchedule(s);
        w.run({ until: opts.quietAfterMs! + 1 });
        for (const a of opts.nodes) {
          expect(w.isUp(a)).toBe(true);
          expect(w.isPaused(a)).toBe(false);
          for (const b of opts.nodes) expect(w.canReach(a, b)).toBe(true);
        }
        expect(w.stats().faultsSkipped).toBe(0);
        expect(w.stats().faults).toBe(s.length);
      }),
      { numRuns: 100 },
    );
  });

  it("is deterministic per seed and busy enough to matter", () => {
    const opts: FaultScheduleOptions = {
      durationMs: 600_000,
      nodes: ["r1", "r2", "r3", "r4", "r5"],
      crashEveryMs: 20_000,
      pauseEveryMs: 30_000,
      partitionEveryMs: 40_000,
      quietAfterMs: 500_000,
    };
    const a = faultSchedule(createRng(9), opts);
    expect(faultSchedule(createRng(9), opts)).toEqual(a);
    expect(faultSchedule(createRng(10), opts)).not.toEqual(a);
    const kinds = new Set(a.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(["crash", "heal", "partition", "pause", "restart"]);
    expect(replayModel(a, opts.nodes).maxOut).toBe(2); // the default maxDown: a minority of 5
  });

  it("each fault kind has its own stream: another pause rate leaves crash times alone", () => {
    const base = { durationMs: 300_000, nodes: ["a", "b", "c", "d", "e", "f", "g", "h"], maxDown: 8, crashEveryMs: 30_000, crashDownMs: [100, 200] as const };
    const crashTimes = (pauseEveryMs?: number): number[] =>
      faultSchedule(createRng(4), { ...base, pauseEveryMs, pauseMs: [100, 200] })
        .filter((f) => f.kind === "crash")
        .map((f) => f.at);
    const none = crashTimes(undefined);
    expect(none.length).toBeGreaterThan(3);
    expect(crashTimes(10_000)).toEqual(none);
    expect(crashTimes(3_000)).toEqual(none);
  });

  it("maxDown 0 means no faults at all", () => {
    const s = faultSchedule(createRng(1), { durationMs: 100_000, nodes: ["a", "b", "c"], crashEveryMs: 1000, pauseEveryMs: 1000, partitionEveryMs: 1000, maxDown: 0 });
    expect(s).toEqual([]);
  });

  it("rejects bad options", () => {
    const ok: FaultScheduleOptions = { durationMs: 1000, nodes: ["a", "b", "c"] };
    const bad: Partial<FaultScheduleOptions>[] = [
      { durationMs: 0 },
      { durationMs: Infinity },
      { nodes: [] },
      { nodes: ["a", "a"] },
      { quietAfterMs: 2000 },
      { quietAfterMs: -1 },
      { maxDown: 4 },
      { maxDown: 1.5 },
      { crashEveryMs: 0 },
      { pauseEveryMs: -5 },
      { crashDownMs: [0, 10] },
      { pauseMs: [10, 5] },
    ];
    for (const b of bad) expect(codeOf(() => faultSchedule(createRng(1), { ...ok, ...b }))).toBe("ERR_WORLD_INPUT");
  });

  it("prints one line per fault", () => {
    const s: FaultEvent[] = [
      { at: 1500, kind: "crash", node: "r1" },
      { at: 2000.25, kind: "pause", node: "r2", ms: 300 },
      { at: 2500, kind: "partition", groups: [["r1"], ["r2", "r3"]] },
      { at: 3000, kind: "heal" },
      { at: 3500, kind: "loss", rate: 0.1 },
    ];
    expect(formatSchedule(s).split("\n")).toEqual([
      "    1500.000 ms  crash r1",
      "    2000.250 ms  pause r2 for 300 ms",
      "    2500.000 ms  partition [r1] | [r2 r3]",
      "    3000.000 ms  heal",
      "    3500.000 ms  loss rate 0.1",
    ]);
    expect(describeFault({ at: 0, kind: "isolate", node: "x" })).toBe("isolate x");
  });
});

describe("faultSchedule partitions", () => {
  it("never leaves a side empty, even when maxDown allows every node (one node, or maxDown = n)", () => {
    for (let seed = 0; seed < 200; seed++) {
      for (const nodes of [["r0"], ["r0", "r1"], ["r0", "r1", "r2"]]) {
        const s = faultSchedule(createRng(seed), { nodes, durationMs: 1000, partitionEveryMs: 50, maxDown: nodes.length, quietAfterMs: 900 });
        for (const f of s) if (f.kind === "partition") for (const g of f.groups) expect(g.length).toBeGreaterThan(0);
        const w = createWorld<string>({ seed, trace: "off" });
        for (const id of nodes) w.addNode(id, { onMessage() {} });
        expect(() => w.applySchedule(s)).not.toThrow();
      }
    }
  });
});
