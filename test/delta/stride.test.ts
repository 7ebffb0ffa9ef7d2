import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { gcdOfDeltas } from "../../lib/delta/stride.js";
import { expectDeltaError } from "./helpers.js";

const MIN = -(2 ** 31);
const MAX = 2 ** 31 - 1;

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

describe("gcdOfDeltas", () => {
  it("finds the cadence of regular timestamps", () => {
    expect(gcdOfDeltas(Int32Array.of(0, 60, 60, 180, 240))).toBe(60);
    expect(gcdOfDeltas(Int32Array.of(978307260, 978307260, 978307320, 978307500))).toBe(60);
    expect(gcdOfDeltas(Int32Array.of(10, 4, 16))).toBe(6); // negative deltas count by magnitude
    expect(gcdOfDeltas(Int32Array.of(0, 12, 30))).toBe(6);
    expect(gcdOfDeltas(Int32Array.of(1, 2, 4, 7))).toBe(1);
    expect(gcdOfDeltas([100, 300, 1300])).toBe(200); // plain arrays too
  });

  it("is 1 when there is no difference to divide", () => {
    expect(gcdOfDeltas(new Int32Array(0))).toBe(1);
    expect(gcdOfDeltas(Int32Array.of(5))).toBe(1);
    expect(gcdOfDeltas(Int32Array.of(5, 5, 5))).toBe(1);
  });

  it("is 1 when a difference overflows int32", () => {
    expect(gcdOfDeltas(Int32Array.of(MIN, MAX))).toBe(1);
    expect(gcdOfDeltas(Int32Array.of(0, 2 ** 30, -(2 ** 30) - 1))).toBe(1); // -2**31 - 1
    expect(gcdOfDeltas(Int32Array.of(MAX, -2))).toBe(1);
    // The last difference, 2**31, overflows although every delta is even.
    expect(gcdOfDeltas(Int32Array.of(-2, 0, -2, MAX - 1))).toBe(1);
  });

  it("handles the largest exact differences", () => {
    expect(gcdOfDeltas(Int32Array.of(0, MIN))).toBe(2 ** 31); // -2**31 fits int32
    expect(gcdOfDeltas(Int32Array.of(MAX, -1, -1))).toBe(2 ** 31);
    expect(gcdOfDeltas(Int32Array.of(-1, MAX))).toBe(1); // +2**31 does not fit
    expect(gcdOfDeltas(Int32Array.of(MIN, 0, MIN))).toBe(1); // neither does 0 - MIN
    expect(gcdOfDeltas(Int32Array.of(MIN, MAX - 1))).toBe(1); // 2**32 - 2: overflow
    expect(gcdOfDeltas(Int32Array.of(MIN, -1))).toBe(MAX);
  });

  it("divides every delta, and is the largest such number", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }), // keeps every value inside int32
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.array(fc.integer({ min: -200, max: 200 }), { maxLength: 200 }),
        (stride, start, steps) => {
          const v = new Int32Array(steps.length + 1);
          v[0] = start;
          for (let i = 0; i < steps.length; i++) v[i + 1] = v[i] + steps[i] * stride;
          let expected = 0;
          for (let i = 1; i < v.length; i++) expected = gcd(expected, v[i] - v[i - 1]);
          const g = gcdOfDeltas(v);
          expect(g).toBe(expected === 0 ? 1 : expected);
          for (let i = 1; i < v.length; i++) expect((v[i] - v[i - 1]) % g === 0).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("is exact on arbitrary int32 arrays (1 on overflow)", () => {
    fc.assert(
      fc.property(fc.int32Array({ maxLength: 50 }), (v) => {
        let overflow = false;
        let expected = 0;
        for (let i = 1; i < v.length; i++) {
          const d = v[i] - v[i - 1];
          if (d < MIN || d > MAX) overflow = true;
          expected = gcd(expected, d);
        }
        expect(gcdOfDeltas(v)).toBe(overflow || expected === 0 ? 1 : expected);
      }),
      { numRuns: 500 },
    );
  });

  it("validates its input", () => {
    expectDeltaError(() => gcdOfDeltas("12" as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => gcdOfDeltas(new Float64Array(3) as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => gcdOfDeltas([1, 2.5]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => gcdOfDeltas([1, "2" as unknown as number]), "ERR_DELTA_INPUT");
  });
});
