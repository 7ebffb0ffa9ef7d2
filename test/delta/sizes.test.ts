// The promises the Day 1 notebook's size comparison makes, checked on the real series.
import { describe, expect, it } from "vitest";
import { loadSp500 } from "../../lib/data/index.js";
import {
  DeltaError,
  compareSizes,
  decimalIntegers,
  encodeDecimal,
  entropyBits,
  inspectDecimal,
  integerDeltas,
  plainVarintBytes,
  zigzagVarintBytes,
} from "../../lib/delta/index.js";

describe("decimalIntegers", () => {
  it("returns the scale and integers of a decimal series", () => {
    expect(decimalIntegers(new Float64Array([100.5, 100.75]))).toEqual({ scale: 2, ints: [10050, 10075] });
  });
  it("refuses a series that does not fit one scale", () => {
    expect(() => decimalIntegers(new Float64Array([1.5, Number.NaN]))).toThrow(DeltaError);
  });
});

describe("varint helpers", () => {
  it("write non-negative integers unsigned and signed ones zigzagged", () => {
    expect(plainVarintBytes([1, 200]).length).toBe(3);
    expect(plainVarintBytes([1, -1, 64]).length).toBe(4);
    expect(zigzagVarintBytes([25, -15, 50]).length).toBe(3);
    expect(Array.from(zigzagVarintBytes([-1, 1]))).toEqual([1, 2]);
  });
  it("integerDeltas are differences from the previous value, the first against 0", () => {
    expect(integerDeltas([10050, 10075, 10060])).toEqual([10050, 25, -15]);
  });
  it("entropyBits is the Shannon entropy in bits", () => {
    expect(entropyBits([0, 0, 1, 1])).toBe(1);
    expect(entropyBits([5, 5, 5])).toBe(0);
    expect(entropyBits([1, 2, 3, 4])).toBe(2);
  });
});

describe("compareSizes on the S&P 500 closes", () => {
  const sp = loadSp500();
  const rows = compareSizes(sp.prices);
  const by = (name: string) => {
    const row = rows.find((r) => r.encoding.startsWith(name));
    if (!row) throw new Error(`no row ${name}`);
    return row;
  };

  it("has raw float64 at 8 bytes a value, and textbook float64 deltas no smaller", () => {
    expect(by("float64, raw").bytesPerValue).toBe(8);
    expect(by("float64, textbook deltas").bytes).toBe(by("float64, raw").bytes);
  });
  it("makes delta + zigzag + varint smaller than plain varints, and both smaller than float64", () => {
    const codec = by("integers, delta");
    const plain = by("integers, varint, no delta");
    expect(codec.bytes).toBe(encodeDecimal(sp.prices).length);
    expect(codec.bytes).toBeLessThan(plain.bytes);
    expect(plain.bytes).toBeLessThan(by("float64, raw").bytes);
    // More than 4x smaller than raw float64 on this series.
    expect(by("float64, raw").bytes / codec.bytes).toBeGreaterThan(4);
  });
  it("beats Gorilla's XOR of doubles by more than 3x, as ALP argues for decimal data", () => {
    expect(by("float64, Gorilla XOR").bytes / by("integers, delta").bytes).toBeGreaterThan(3);
  });
  it("keeps delta varints ahead after brotli too", () => {
    expect(by("integers, delta").brotliBytes).toBeLessThan(by("float64, raw").brotliBytes);
    expect(by("integers, delta").brotliBytes).toBeLessThan(by("integers, varint, no delta").brotliBytes);
  });
  it("pays for the float32 noise: printed closes need scale 6 and about twice the bits of recovered cents", () => {
    const noisy = encodeDecimal(loadSp500({ recover: false }).prices);
    expect(inspectDecimal(noisy).scale).toBe(6);
    expect(inspectDecimal(noisy).exceptions).toBe(0);
    expect(inspectDecimal(encodeDecimal(sp.prices)).scale).toBe(2);
    expect(noisy.length / encodeDecimal(sp.prices).length).toBeGreaterThan(1.8);
  });
});
