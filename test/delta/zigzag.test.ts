import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  zigzagDecode32,
  zigzagDecode53,
  zigzagEncode32,
  zigzagEncode53,
} from "../../lib/delta/index.js";
import { expectDeltaError, int32Value } from "./helpers.js";

describe("zigzag32", () => {
  it("maps small magnitudes to small unsigned numbers", () => {
    expect([0, -1, 1, -2, 2].map(zigzagEncode32)).toEqual([0, 1, 2, 3, 4]);
    expect([0, 1, 2, 3, 4].map(zigzagDecode32)).toEqual([0, -1, 1, -2, 2]);
  });

  it("handles the int32 extremes", () => {
    expect(zigzagEncode32(2 ** 31 - 1)).toBe(2 ** 32 - 2);
    expect(zigzagEncode32(-(2 ** 31))).toBe(2 ** 32 - 1);
    expect(zigzagDecode32(2 ** 32 - 1)).toBe(-(2 ** 31));
    expect(zigzagDecode32(2 ** 32 - 2)).toBe(2 ** 31 - 1);
  });

  it("round-trips every int32 and matches the arithmetic definition", () => {
    fc.assert(
      fc.property(int32Value, (n) => {
        const z = zigzagEncode32(n);
        expect(z).toBe(n >= 0 ? 2 * n : -2 * n - 1);
        expect(zigzagDecode32(z)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects values outside the 32-bit ranges", () => {
    expectDeltaError(() => zigzagEncode32(2 ** 31), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => zigzagEncode32(1.5), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => zigzagDecode32(-1), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => zigzagDecode32(2 ** 32), "ERR_DELTA_NOT_INTEGER");
  });
});

describe("zigzag53", () => {
  it("agrees with zigzag32 on int32 values", () => {
    fc.assert(
      fc.property(int32Value, (n) => {
        expect(zigzagEncode53(n)).toBe(zigzagEncode32(n));
      }),
      { numRuns: 200 },
    );
  });

  it("handles ±2**52 exactly", () => {
    expect(zigzagEncode53(2 ** 52)).toBe(2 ** 53);
    expect(zigzagEncode53(-(2 ** 52))).toBe(2 ** 53 - 1);
    expect(zigzagDecode53(2 ** 53)).toBe(2 ** 52);
    expect(zigzagDecode53(2 ** 53 - 1)).toBe(-(2 ** 52));
    expect(Object.is(zigzagEncode53(-0), 0)).toBe(true);
  });

  it("round-trips every integer with |n| <= 2**52", () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), (n) => {
        const z = zigzagEncode53(n);
        expect(z).toBeGreaterThanOrEqual(0);
        expect(zigzagDecode53(z)).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects out-of-range input", () => {
    expectDeltaError(() => zigzagEncode53(2 ** 52 + 2), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => zigzagEncode53(0.5), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => zigzagDecode53(2 ** 53 + 2), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => zigzagDecode53(-1), "ERR_DELTA_NOT_INTEGER");
  });
});
