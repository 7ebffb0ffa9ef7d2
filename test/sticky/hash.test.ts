import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { fmix32, hash32, hash64, hash64Into } from "../../lib/sticky/hash.js";

/** Textbook byte-wise FNV-1a, for ASCII strings. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, "latin1")) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

describe("hash32", () => {
  it("is FNV-1a followed by the length and fmix32 (for ASCII, seed 0)", () => {
    // Seed 0 enters as fmix32(0) = 0, so the core is textbook FNV-1a.
    for (const s of ["", "a", "session-1", "10.0.0.1", "server-42#159"]) {
      expect(hash32(s)).toBe(fmix32(fnv1a(s) ^ s.length));
    }
  });

  it("is deterministic, unsigned 32-bit, and seeds change it", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 0xffffffff }), (s, seed) => {
        const h = hash32(s, seed);
        expect(h).toBe(hash32(s, seed));
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(hash32("x", 1)).not.toBe(hash32("x", 2));
  });

  it("spreads session keys evenly over 16 buckets of its high and low bits", () => {
    const n = 160_000;
    const hi = new Array(16).fill(0);
    const lo = new Array(16).fill(0);
    for (let i = 0; i < n; i++) {
      const h = hash32(`session-${i}`);
      hi[h >>> 28]++;
      lo[h & 15]++;
    }
    // Expected 10,000 per bucket, standard deviation ~97: 5% is > 5 sigma.
    for (const c of [...hi, ...lo]) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  it("avalanches: one changed character flips about half the output bits", () => {
    let flips = 0;
    const trials = 2000;
    for (let i = 0; i < trials; i++) {
      const s = `session-${i}`;
      const x = hash32(s) ^ hash32(`${s.slice(0, -1)}#`); // last character replaced
      let v = x >>> 0;
      while (v) {
        flips += v & 1;
        v >>>= 1;
      }
    }
    const mean = flips / trials;
    expect(mean).toBeGreaterThan(15);
    expect(mean).toBeLessThan(17);
  });
});

describe("hash64", () => {
  it("hash64Into and hash64 agree, and the result is unsigned 64-bit", () => {
    const out = new Uint32Array(2);
    fc.assert(
      fc.property(fc.string(), (s) => {
        hash64Into(s, out);
        const big = hash64(s);
        expect(big).toBe((BigInt(out[0]) << 32n) | BigInt(out[1]));
        expect(big >= 0n && big < 1n << 64n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("has no collisions on 100k session keys and balanced top bits", () => {
    const seen = new Set<bigint>();
    const top = new Array(8).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const h = hash64(`session-${i}`);
      seen.add(h);
      top[Number(h >> 61n)]++;
    }
    expect(seen.size).toBe(100_000);
    // 12,500 expected per bucket, sd ~105.
    for (const c of top) expect(Math.abs(c - 12_500)).toBeLessThan(600);
  });
});
