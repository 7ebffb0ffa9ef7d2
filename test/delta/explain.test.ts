// The promises of explain(): every candidate measured, smallest first, a sensible pick for each
// kind of data the Day 1 notebook shows.
import { describe, expect, it } from "vitest";
import { jitteredTimestamps } from "../../lib/bench/index.js";
import { loadSp500 } from "../../lib/data/index.js";
import { DeltaError, explain } from "../../lib/delta/index.js";
import { createRng } from "../../lib/random/index.js";

describe("explain", () => {
  it("lists candidates smallest first and picks the first", () => {
    const e = explain(jitteredTimestamps(100_000));
    expect(e.kind).toBe("int32");
    expect(e.count).toBe(100_000);
    expect(e.sampled).toBe(65_536);
    const bits = e.candidates.map((c) => c.bitsPerValue);
    expect(bits).toEqual([...bits].sort((a, b) => a - b));
    expect(e.pick).toBe(e.candidates[0].codec);
    expect(e.candidates.map((c) => c.codec)).toEqual(expect.arrayContaining(["encodeInt32", "encodeDod", "encodeParquetDelta", "encodeBlocks", "plain int32"]));
  });
  it("picks block bit-packing for a regular minute cadence, at about a bit a value or less", () => {
    const e = explain(Int32Array.from({ length: 100_000 }, (_, i) => 978_307_200 + 60 * i));
    expect(e.pick.startsWith("encode")).toBe(true);
    expect(e.candidates[0].bitsPerValue).toBeLessThan(1.1);
    expect(e.deltaOfDeltaEntropy).toBeLessThan(0.01);
  });
  it("picks plain int32 for random data, where every delta codec costs more", () => {
    const rng = createRng(11);
    const noise = Int32Array.from({ length: 50_000 }, () => rng.int(-2147483648, 2147483647));
    expect(explain(noise).pick).toBe("plain int32");
  });
  it("scales decimal prices to integers and beats Gorilla XOR on them", () => {
    const e = explain(loadSp500().prices);
    expect(e.kind).toBe("float64");
    const gorilla = e.candidates.find((c) => c.codec === "encodeGorilla")!;
    expect(e.candidates[0].bitsPerValue * 3).toBeLessThan(gorilla.bitsPerValue);
    expect(e.pick).not.toBe("plain float64");
    expect(e.deltaEntropy).toBeGreaterThan(0);
  });
  it("takes arrays of numbers, and refuses other input", () => {
    expect(explain([1, 2, 3, 4]).kind).toBe("int32");
    expect(explain([1.5, 2.25]).kind).toBe("float64");
    expect(() => explain("abc" as unknown as number[])).toThrow(DeltaError);
    expect(() => explain([1, 2], { sample: 3 })).toThrow(DeltaError);
  });
});
