import { describe, expect, it } from "vitest";
import { type BenchCase, copy, hyparquet32, jitteredTimestamps, runCases, sameBits, sameValues } from "../../lib/bench/index.js";

describe("runCases", () => {
  const values = jitteredTimestamps(10_000);

  it("reports sizes, bits per value and speeds for every case, the reference marked", () => {
    const rows = runCases([hyparquet32(values), copy(values, (o) => sameValues(values, o as Int32Array))], values.length, 3, 1);
    expect(rows.map((r) => r.name)).toEqual(["hyparquet DELTA_BINARY_PACKED", "typed-array copy (ceiling)"]);
    expect(rows[0].reference).toBe(true);
    expect(rows[1].bytes).toBe(40_000);
    expect(rows[1].bitsPerValue).toBe(32);
    for (const r of rows) expect(r.decodeMvps).toBeGreaterThan(0);
  });

  it("refuses a codec whose decode is not an exact round trip", () => {
    const broken: BenchCase = { name: "off by one", by: "test", encode: () => new Uint8Array(1), decode: () => values.map((v) => v + 1), verify: (o) => sameValues(values, o as Int32Array) };
    expect(() => runCases([broken], values.length, 1, 0)).toThrow(/not an exact round trip/);
  });
});

describe("sameValues and sameBits", () => {
  it("compare exactly, NaN payloads and -0 included", () => {
    expect(sameValues([1, Number.NaN], [1, Number.NaN])).toBe(true);
    expect(sameValues([0], [-0])).toBe(true);
    const a = Float64Array.of(0, Number.NaN);
    const b = Float64Array.of(-0, Number.NaN);
    expect(sameBits(a, b)).toBe(false);
    expect(sameBits(a, a.slice())).toBe(true);
  });
});

describe("jitteredTimestamps", () => {
  it("is a 1 s cadence in ms with at most 10 ms of jitter, the same for a seed", () => {
    const t = jitteredTimestamps(1000, 5);
    for (let i = 0; i < t.length; i++) expect(Math.abs(t[i] - i * 1000)).toBeLessThanOrEqual(10);
    expect(jitteredTimestamps(1000, 5)).toEqual(t);
  });
});
