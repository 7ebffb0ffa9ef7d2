import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  decodeDecimal,
  encodeDecimal,
  inspectDecimal,
  DECIMAL_FORMAT_TAG,
  DECIMAL_FORMAT_VERSION,
} from "../../lib/delta/index.js";
import { bitsOf, bytesOf, doubleBits, expectDeltaError, expectSameBits, fromBits, nanBits } from "./helpers.js";

const PRICES = [100.5, 100.75, 100.6, 101.1, 100.9];

describe("encodeDecimal / decodeDecimal", () => {
  it("seed example: prices are detected as 2-decimal values with no exceptions", () => {
    const enc = encodeDecimal(PRICES);
    const info = inspectDecimal(enc);
    expect(info).toEqual({ count: 5, scale: 2, exceptions: 0, byteLength: enc.length });
    expectSameBits(decodeDecimal(enc), Float64Array.from(PRICES));
    expect(Array.from(decodeDecimal(enc))).toEqual(PRICES);
  });

  it("seed example: divide by 10**e, never multiply by 10**-e", () => {
    expect(10060 * 0.01).not.toBe(100.6);
    expect(10060 * 0.01).toBe(100.60000000000001);
    expect(10060 / 100).toBe(100.6);
  });

  it("round-trips arbitrary Float64Arrays bit for bit", () => {
    fc.assert(
      fc.property(fc.float64Array({ maxLength: 100 }), (xs) => {
        expectSameBits(decodeDecimal(encodeDecimal(xs)), xs);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips mixed doubles, decimals, specials and NaN payloads bit for bit", () => {
    fc.assert(
      fc.property(fc.array(doubleBits, { maxLength: 100 }), (bits) => {
        const xs = fromBits(bits);
        const enc = encodeDecimal(xs);
        expectSameBits(decodeDecimal(enc), xs);
        expect(inspectDecimal(enc).count).toBe(xs.length);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps NaN payloads (copied as bytes, not numbers)", () => {
    fc.assert(
      fc.property(fc.array(nanBits, { minLength: 1, maxLength: 20 }), (bits) => {
        const xs = fromBits(bits);
        const enc = encodeDecimal(xs);
        expect(inspectDecimal(enc).exceptions).toBe(xs.length);
        expectSameBits(decodeDecimal(enc), xs);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps -0, ±Infinity, subnormals, 2**53 + 2 and long decimals as exceptions", () => {
    const xs = Float64Array.from([1.25, -0, Infinity, -Infinity, 5e-324, 2 ** 53 + 2, 0.1 + 0.2, 2.5, 0]);
    const enc = encodeDecimal(xs);
    expect(inspectDecimal(enc)).toMatchObject({ count: 9, scale: 2, exceptions: 6 });
    expectSameBits(decodeDecimal(enc), xs);
    expect(Object.is(decodeDecimal(enc)[1], -0)).toBe(true);
  });

  it("handles the 2**51 bound: inside fits, outside becomes an exception", () => {
    const edge = Float64Array.from([2 ** 51, -(2 ** 51), 2 ** 51, 2 ** 51 + 2]);
    const enc = encodeDecimal(edge);
    expect(inspectDecimal(enc)).toMatchObject({ scale: 0, exceptions: 1 });
    expectSameBits(decodeDecimal(enc), edge);
  });

  it("decodes from a subarray view of a larger Float64Array", () => {
    const big = Float64Array.from([9, 9, 1.5, NaN, -0, 2.25, 9]);
    const view = big.subarray(2, 6);
    expectSameBits(decodeDecimal(encodeDecimal(view)), Float64Array.from(view));
  });

  it("picks the scale with the most fitting values, smallest on ties", () => {
    expect(inspectDecimal(encodeDecimal([1, 2, 3])).scale).toBe(0);
    expect(inspectDecimal(encodeDecimal([1, 2.5, 3])).scale).toBe(1);
    expect(inspectDecimal(encodeDecimal([0.001, 0.002, 1.5])).scale).toBe(3);
    // Nothing fits at any scale: smallest scale wins, all exceptions.
    expect(inspectDecimal(encodeDecimal([NaN, Math.PI]))).toMatchObject({ scale: 0, exceptions: 2 });
    expect(inspectDecimal(encodeDecimal([]))).toEqual({ count: 0, scale: 0, exceptions: 0, byteLength: 9 });
  });

  it("has the documented layout", () => {
    const enc = encodeDecimal([1.5, NaN, 1.25]);
    expect(enc[0]).toBe(DECIMAL_FORMAT_TAG);
    expect(enc[1]).toBe(DECIMAL_FORMAT_VERSION);
    const nan = bytesOf(Float64Array.of(NaN));
    // count 3, scale 2, 1 exception at index 1 with its 8 bytes, then the
    // zigzag deltas of k = 150 and 125: zigzag(150) = 300 = [0xac, 0x02],
    // zigzag(-25) = 49.
    expect(Array.from(enc.subarray(2, enc.length - 4))).toEqual([3, 2, 1, 1, ...nan, 0xac, 0x02, 49]);
  });

  it("compresses a 2-decimal price walk to about 1 byte per value", () => {
    let seed = 7;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    let cents = 10_000;
    const prices = new Float64Array(1000);
    for (let i = 0; i < prices.length; i++) {
      cents += Math.round((rand() - 0.5) * 100); // ±50 cents: zigzag <= 100 < 128
      prices[i] = cents / 100;
    }
    const enc = encodeDecimal(prices);
    expect(inspectDecimal(enc)).toMatchObject({ scale: 2, exceptions: 0 });
    expect(enc.length / prices.length).toBeLessThan(1.5);
    expectSameBits(decodeDecimal(enc), prices);
  });

  it("validates input", () => {
    expectDeltaError(() => encodeDecimal("1.5" as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeDecimal(new Float32Array(2) as unknown as Float64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeDecimal([1, undefined as unknown as number]), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeDecimal(null as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => inspectDecimal({} as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expect(bitsOf(1)).toEqual([0x3ff00000, 0]);
  });
});
