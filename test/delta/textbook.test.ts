import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { deltaDecode, deltaEncode } from "../../lib/delta/index.js";
import { expectDeltaError } from "./helpers.js";

const PRICES = [100.5, 100.75, 100.6, 101.1, 100.9];

describe("textbook delta (floating point)", () => {
  it("seed example: deltas carry floating-point residue", () => {
    const d = deltaEncode(PRICES);
    expect(d.length).toBe(5);
    expect(d[0]).toBe(100.5);
    expect(d[1]).toBe(0.25);
    expect(d[2]).toBe(-0.15000000000000568);
    expect(d[2]).not.toBe(-0.15);
    expect(d[3]).toBe(0.5);
    expect(d[4]).toBe(-0.19999999999998863);
  });

  it("seed example: rebuilding from the printed deltas drifts", () => {
    const rebuilt = deltaDecode([100.5, 0.25, -0.15, 0.5, -0.2]);
    expect(rebuilt[4]).toBe(100.89999999999999);
    expect(rebuilt[4]).not.toBe(100.9);
  });

  it("empty in, empty out", () => {
    expect(deltaEncode([])).toEqual([]);
    expect(deltaDecode([])).toEqual([]);
  });

  it("deltaDecode(deltaEncode(x)) is close to x (not necessarily equal)", () => {
    const value = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(fc.array(value, { maxLength: 50 }), (xs) => {
        const back = deltaDecode(deltaEncode(xs));
        expect(back.length).toBe(xs.length);
        for (let i = 0; i < xs.length; i++) {
          // Each step rounds at most twice, each time by <= half an ulp of
          // numbers below ~2e6 in magnitude.
          expect(Math.abs(back[i] - xs[i])).toBeLessThanOrEqual(1e-9 * (i + 1));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("is exact for small integers", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { maxLength: 50 }), (xs) => {
        expect(deltaDecode(deltaEncode(xs))).toEqual(xs);
      }),
      { numRuns: 100 },
    );
  });

  it("validates input", () => {
    expectDeltaError(() => deltaEncode("1,2" as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => deltaEncode([1, "2" as unknown as number]), "ERR_DELTA_INPUT");
    expectDeltaError(() => deltaDecode(new Float64Array(2) as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => deltaEncode([1, Infinity]), "ERR_DELTA_NOT_FINITE");
    expectDeltaError(() => deltaDecode([NaN]), "ERR_DELTA_NOT_FINITE");
    expectDeltaError(() => deltaDecode([1, -Infinity]), "ERR_DELTA_NOT_FINITE");
  });

  it("reports overflowing differences and sums instead of returning Infinity", () => {
    expectDeltaError(() => deltaEncode([-1e308, 1e308]), "ERR_DELTA_NOT_FINITE");
    expectDeltaError(() => deltaDecode([1e308, 1e308]), "ERR_DELTA_NOT_FINITE");
  });
});
