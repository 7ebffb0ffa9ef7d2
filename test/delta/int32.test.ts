import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vm from "node:vm";
import {
  decodeInt32,
  encodeInt32,
  INT32_FORMAT_TAG,
  INT32_FORMAT_VERSION,
  varintLength,
  zigzagEncode32,
} from "../../lib/delta/index.js";
import { expectDeltaError, int32Value } from "./helpers.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

describe("encodeInt32 / decodeInt32", () => {
  it("round-trips arbitrary Int32Arrays", () => {
    fc.assert(
      fc.property(fc.int32Array({ maxLength: 300 }), (xs) => {
        expect(decodeInt32(encodeInt32(xs))).toEqual(xs);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips number arrays biased towards the extremes", () => {
    fc.assert(
      fc.property(fc.array(int32Value, { maxLength: 100 }), (xs) => {
        const enc = encodeInt32(xs);
        expect(Array.from(decodeInt32(enc))).toEqual(xs);
        // Same bytes whether given as an array or an Int32Array.
        expect(Array.from(encodeInt32(Int32Array.from(xs)))).toEqual(Array.from(enc));
      }),
      { numRuns: 300 },
    );
  });

  it("survives the largest jumps (wrapping arithmetic)", () => {
    const xs = [INT32_MIN, INT32_MAX, INT32_MIN, 0, INT32_MAX, -1, INT32_MIN];
    expect(Array.from(decodeInt32(encodeInt32(xs)))).toEqual(xs);
  });

  it("has the documented layout", () => {
    const enc = encodeInt32([100, 101, 103]);
    expect(enc[0]).toBe(INT32_FORMAT_TAG);
    expect(enc[1]).toBe(INT32_FORMAT_VERSION);
    // count 3, zigzag(100) = 200 = [0xc8, 0x01], zigzag(1) = 2, zigzag(2) = 4
    expect(Array.from(enc.subarray(2, enc.length - 4))).toEqual([3, 0xc8, 0x01, 2, 4]);
    expect(enc.length).toBe(11);
  });

  it("empty in, empty out", () => {
    const enc = encodeInt32([]);
    expect(enc.length).toBe(7);
    expect(decodeInt32(enc)).toEqual(new Int32Array(0));
  });

  it("compresses a smooth series to well under 4 bytes per value", () => {
    // Slow ramp + small noise: every delta after the first is 3 + (noise
    // difference in [-40, 40]), within [-37, 43], so its zigzag is < 128 and
    // takes one varint byte. Only the first value (~1e6) needs more.
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const xs = new Int32Array(1000);
    for (let i = 0; i < xs.length; i++) xs[i] = 1_000_000 + 3 * i + Math.round((rand() - 0.5) * 40);
    const enc = encodeInt32(xs);
    const bytesPerValue = enc.length / xs.length;
    const expected = 2 + varintLength(1000) + varintLength(zigzagEncode32(xs[0])) + 999 + 4;
    expect(enc.length).toBe(expected);
    expect(bytesPerValue).toBeLessThan(1.5);
    expect(bytesPerValue).toBeLessThan(xs.byteLength / xs.length / 2);
    expect(decodeInt32(enc)).toEqual(xs);
  });

  it("worst case is 5 bytes per value", () => {
    const xs = [];
    for (let i = 0; i < 100; i++) xs.push(i % 2 === 0 ? INT32_MIN : INT32_MAX);
    expect(encodeInt32(xs).length).toBeLessThanOrEqual(2 + 1 + 5 * 100 + 4);
  });

  it("accepts a Buffer and bytes from another realm", () => {
    const enc = encodeInt32([5, -5, 7]);
    expect(Array.from(decodeInt32(Buffer.from(enc)))).toEqual([5, -5, 7]);
    const foreign = vm.runInNewContext("new Uint8Array(arr)", { arr: Array.from(enc) }) as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(Array.from(decodeInt32(foreign))).toEqual([5, -5, 7]);
  });

  it("decodes from a view with an offset", () => {
    const enc = encodeInt32([1, 2, 3]);
    const big = new Uint8Array(enc.length + 10);
    big.set(enc, 5);
    expect(Array.from(decodeInt32(big.subarray(5, 5 + enc.length)))).toEqual([1, 2, 3]);
  });

  it("stores -0 as 0", () => {
    expect(Array.from(decodeInt32(encodeInt32([-0, 1])))).toEqual([0, 1]);
  });

  it("validates input", () => {
    expectDeltaError(() => encodeInt32("123" as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeInt32(new Uint32Array(2) as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeInt32([1, null as unknown as number]), "ERR_DELTA_INPUT");
    expect(expectDeltaError(() => encodeInt32([0.5]), "ERR_DELTA_NOT_INTEGER").message).toContain("index 0");
    expect(expectDeltaError(() => encodeInt32([1, 2, INT32_MIN - 1]), "ERR_DELTA_NOT_INTEGER").message).toContain(
      "index 2",
    );
    expectDeltaError(() => encodeInt32([NaN]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeInt32([Infinity]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => decodeInt32([0x49, 1, 0, 0, 0, 0, 0] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeInt32(new Int8Array(7) as unknown as Uint8Array), "ERR_DELTA_INPUT");
  });
});
