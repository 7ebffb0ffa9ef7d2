import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { fmix32 } from "../../lib/hash/index.js";

describe("fmix32", () => {
  it("matches murmur3's finalizer on known points and stays in 32 bits", () => {
    expect(fmix32(0)).toBe(0);
    // Computed independently with BigInt arithmetic below.
    const ref = (x: number): number => {
      let h = BigInt(x >>> 0);
      const M = 0xffffffffn;
      h ^= h >> 16n;
      h = (h * 0x85ebca6bn) & M;
      h ^= h >> 13n;
      h = (h * 0xc2b2ae35n) & M;
      h ^= h >> 16n;
      return Number(h);
    };
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffffffff }), (x) => fmix32(x) === ref(x)), { numRuns: 500 });
  });

  it("is a bijection on a sample (no collisions among 100k consecutive inputs)", () => {
    const seen = new Set<number>();
    for (let i = 0; i < 100_000; i++) seen.add(fmix32(i));
    expect(seen.size).toBe(100_000);
  });
});
