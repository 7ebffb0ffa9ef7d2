import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { EventQueue } from "../../../lib/sticky/sim/events.js";
import { idealMovedFraction, summariseLoad } from "../../../lib/sticky/sim/metrics.js";
import { createSessionStore } from "../../../lib/sticky/sim/store.js";

describe("EventQueue", () => {
  it("property: pops in (time, priority, insertion) order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 })), { maxLength: 200 }), (items) => {
        const q = new EventQueue<number>();
        items.forEach(([t, p], i) => q.push(t, p, i));
        const out: number[] = [];
        for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.payload);
        const expected = items.map((x, i) => ({ t: x[0], p: x[1], i })).sort((a, b) => a.t - b.t || a.p - b.p || a.i - b.i).map((x) => x.i);
        expect(out).toEqual(expected);
      }),
    );
  });
  it("rejects non-finite times", () => {
    expect(() => new EventQueue<number>().push(Infinity, 0, 1)).toThrow(RangeError);
  });
});

describe("metrics", () => {
  it("summarises load with max/mean and population standard deviation", () => {
    const s = summariseLoad([10, 10, 40]);
    expect(s.max).toBe(40);
    expect(s.mean).toBe(20);
    expect(s.maxOverMean).toBe(2);
    expect(s.stdDev).toBeCloseTo(Math.sqrt(200), 10);
  });
  it("ideal moved fraction is 1/(N+1) on scale-out and 1/N on scale-in", () => {
    expect(idealMovedFraction(["A", "B", "C"], ["A", "B", "C", "D"])).toBe(0.25);
    expect(idealMovedFraction(["A", "B", "C"], ["A", "B"])).toBeCloseTo(1 / 3, 12);
    expect(idealMovedFraction(["A"], ["A"])).toBe(0);
  });
});

describe("session stores", () => {
  it("local: a crash loses the server's carts; other servers never saw them", () => {
    const s = createSessionStore("local");
    s.put("A", "x", ["iPhone"], undefined);
    expect(s.get("B", "x")).toBeUndefined();
    expect(s.cartsOn("A")).toBe(1);
    expect(s.wipe("A")).toBe(1);
    expect(s.get("A", "x")).toBeUndefined();
  });
  it("shared: any server sees every cart and nothing is lost", () => {
    const s = createSessionStore("shared");
    s.put("A", "x", ["iPhone"], undefined);
    expect(s.wipe("A")).toBe(0);
    expect(s.get("B", "x")).toEqual(["iPhone"]);
  });
  it("replicated: survives losing one holder, not both", () => {
    const s = createSessionStore("replicated");
    s.put("A", "x", ["iPhone"], "B");
    expect(s.wipe("A")).toBe(0);
    expect(s.get("C", "x")).toEqual(["iPhone"]);
    expect(s.wipe("B")).toBe(1);
    expect(s.get("C", "x")).toBeUndefined();
  });
  it("returns copies, so callers cannot change stored carts", () => {
    const s = createSessionStore("local");
    s.put("A", "x", ["iPhone"], undefined);
    s.get("A", "x")!.push("iPad");
    expect(s.get("A", "x")).toEqual(["iPhone"]);
  });
});
