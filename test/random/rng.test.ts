import fc from "fast-check";
import { mean, sampleStandardDeviation } from "simple-statistics";
import { describe, expect, it } from "vitest";
import { createRng, randomWalkPrices } from "../../lib/random/index.js";

describe("createRng", () => {
  it("gives the same draws for the same seed and different ones for another", () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(xs);
  });
  it("draws uniforms in [0, 1) and integers within bounds", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.nat(1000), (seed, min, span) => {
        const rng = createRng(seed);
        for (let i = 0; i < 50; i++) {
          const u = rng.uniform();
          expect(u >= 0 && u < 1).toBe(true);
          const k = rng.int(min, min + span);
          expect(k >= min && k <= min + span && Number.isInteger(k)).toBe(true);
        }
      }),
    );
  });
  it("draws normals with mean 0 and standard deviation 1", () => {
    const rng = createRng(1);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    expect(Math.abs(mean(xs))).toBeLessThan(0.03);
    expect(Math.abs(sampleStandardDeviation(xs) - 1)).toBeLessThan(0.03);
  });
  it("spreads small seeds: first draws of seeds 1..100 look uniform", () => {
    const firsts = Array.from({ length: 100 }, (_, s) => createRng(s + 1).uniform());
    expect(mean(firsts)).toBeGreaterThan(0.4);
    expect(mean(firsts)).toBeLessThan(0.6);
  });
  it("refuses a non-integer seed", () => {
    expect(() => createRng(1.5)).toThrow(RangeError);
  });
});

describe("randomWalkPrices", () => {
  it("starts at the seed price, stays in whole cents and above zero, and is reproducible", () => {
    const p = randomWalkPrices({ n: 1000, volatility: 0.05, seed: 3 });
    expect(p[0]).toBe(100.5);
    for (const x of p) {
      expect(Math.round(x * 100) / 100).toBe(x);
      expect(x).toBeGreaterThan(0);
    }
    expect(randomWalkPrices({ n: 1000, volatility: 0.05, seed: 3 })).toEqual(p);
  });
  it("moves by about the volatility each step", () => {
    const p = randomWalkPrices({ n: 5000, volatility: 0.01, seed: 9 });
    const returns = Array.from({ length: p.length - 1 }, (_, i) => p[i + 1] / p[i] - 1);
    expect(sampleStandardDeviation(returns)).toBeGreaterThan(0.009);
    expect(sampleStandardDeviation(returns)).toBeLessThan(0.011);
  });
  it("refuses a negative length or volatility", () => {
    expect(() => randomWalkPrices({ n: -1, volatility: 0.01, seed: 1 })).toThrow(RangeError);
    expect(() => randomWalkPrices({ n: 10, volatility: Number.NaN, seed: 1 })).toThrow(RangeError);
  });
});
