import { describe, expect, it } from "vitest";
import { DataError, loadSp500, loadStock, projectRoot, recoverCents } from "../../lib/data/index.js";

describe("recoverCents", () => {
  it("recovers cents from float32 noise printed with 6 decimals", () => {
    expect(recoverCents("1455.219971")).toBe(145522);
    expect(recoverCents("39.81")).toBe(3981);
  });
  it("refuses what is not a whole number of cents", () => {
    for (const bad of ["1455.2234", "", "abc", "Infinity"]) {
      expect(() => recoverCents(bad)).toThrow(DataError);
    }
  });
});

describe("loadSp500", () => {
  it("loads all 5,105 closes as exact cents, each giving back its float32 source", () => {
    const s = loadSp500();
    expect(s.prices.length).toBe(5105);
    expect(s.dates[0]).toBe("2000-01-03");
    expect(s.prices[0]).toBe(1455.22);
    for (const p of s.prices) expect(Math.round(p * 100) / 100).toBe(p);
  });
});

describe("loadStock", () => {
  it("loads one symbol's monthly prices with ISO dates", () => {
    const s = loadStock("MSFT");
    expect(s.prices[0]).toBe(39.81);
    expect(s.dates[0]).toBe("2000-01-01");
    expect(s.dates.length).toBe(s.prices.length);
  });
  it("names the symbols it has when asked for another", () => {
    try {
      loadStock("NOPE");
      expect.unreachable();
    } catch (e) {
      expect((e as DataError).code).toBe("ERR_DATA_UNKNOWN_SERIES");
      expect((e as Error).message).toContain("MSFT");
    }
  });
});

describe("projectRoot", () => {
  it("is found from a notebook's folder as from the root", () => {
    const root = projectRoot();
    expect(projectRoot(`${root}/notebooks`)).toBe(root);
    expect(() => projectRoot("/")).toThrow(DataError);
  });
});

describe("loadSp500({ recover: false })", () => {
  it("keeps the closes as printed, float32 noise and all", () => {
    const raw = loadSp500({ recover: false });
    const exact = loadSp500();
    expect(raw.prices[0]).toBe(1455.219971);
    let differ = 0;
    raw.prices.forEach((p, i) => {
      expect(Math.fround(p)).toBe(Math.fround(exact.prices[i]));
      if (p !== exact.prices[i]) differ++;
    });
    expect(differ).toBeGreaterThan(4000);
  });
});
