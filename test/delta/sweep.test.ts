// The promises of the Day 1 notebook's volatility sweep.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stopsPaying, volatilitySweep } from "../../lib/delta/index.js";

const volatilities = [0.0001, 0.001, 0.01, 0.1, 0.2, 0.3, 0.5, 1];

describe("volatilitySweep", () => {
  const sweep = volatilitySweep({ n: 3000, volatilities, seed: 42 });

  it("is deterministic for a seed", () => {
    expect(volatilitySweep({ n: 3000, volatilities, seed: 42 })).toEqual(sweep);
  });
  it("saves about half of the plain varint bytes on a calm walk (one byte against two)", () => {
    expect(sweep[0].deltaVarint).toBeCloseTo(1, 2); // the first delta is the price itself
    expect(sweep[0].plainVarint).toBe(2);
  });
  it("never does worse than 5 % above plain varints on a walk, and shuffling always costs delta bytes", () => {
    for (const p of sweep) {
      expect(p.deltaVarint).toBeLessThanOrEqual(p.plainVarint * 1.05);
      expect(p.shuffledDeltaVarint).toBeGreaterThan(p.deltaVarint);
      expect(p.deltaEntropy).toBeLessThanOrEqual(p.deltaVarint);
    }
  });
  it("stops paying once the walk is so volatile it sinks to the one-cent floor", () => {
    const stop = stopsPaying(sweep);
    expect(stop).not.toBeNull();
    const at = sweep.find((p) => p.volatility === stop);
    expect(at?.medianCents).toBeLessThan(10);
    // And it still pays at a realistic 1 % a day.
    const calm = sweep.find((p) => p.volatility === 0.01);
    expect(calm && calm.deltaVarint < 0.8 * calm.plainVarint).toBe(true);
  });
});

describe("stopsPaying", () => {
  it("returns the first volatility where delta saves less than the margin, else null", () => {
    expect(stopsPaying([{ volatility: 0.01, plainVarint: 3, deltaVarint: 1.7 }, { volatility: 0.5, plainVarint: 1, deltaVarint: 1 }])).toBe(0.5);
    expect(stopsPaying([{ volatility: 0.01, plainVarint: 3, deltaVarint: 1.7 }])).toBeNull();
  });
  it("agrees with a direct check on arbitrary points", () => {
    const point = fc.record({ volatility: fc.double({ min: 0, max: 1, noNaN: true }), plainVarint: fc.double({ min: 1, max: 9, noNaN: true }), deltaVarint: fc.double({ min: 1, max: 9, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(point), (points) => {
        const hit = points.find((p) => p.deltaVarint > 0.95 * p.plainVarint);
        expect(stopsPaying(points)).toBe(hit ? hit.volatility : null);
      }),
    );
  });
});
