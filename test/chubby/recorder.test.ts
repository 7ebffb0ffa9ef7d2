import { describe, expect, it } from "vitest";
import { Recorder } from "../../lib/chubby/index.js";

describe("Recorder", () => {
  it("a cache hit records the operation and the read of instantRead plus read, as one object", () => {
    const a = new Recorder({ initialValue: "", initialGeneration: 1 });
    const b = new Recorder({ initialValue: "", initialGeneration: 1 });
    a.instantRead("web-1", "/ls/cell/web/leader", "web-2", 1200);
    a.read({ client: "web-1", key: "/ls/cell/web/leader", value: "web-2", generation: 3, at: 1200 });
    b.cacheHit("web-1", "/ls/cell/web/leader", "web-2", 3, 1200);
    expect(b.operations[0]).toMatchObject(a.operations[0]);
    expect(b.cachedReads[0]).toMatchObject(a.cachedReads[0]);
    expect(b.cachedReads[0]).toBe(b.operations[0]);
    // The read's own instant: a record with both shapes must not read as a longer interval.
    expect([b.operations[0].invokeAt, b.operations[0].completeAt, b.cachedReads[0].invokeAt, b.cachedReads[0].completeAt]).toEqual([1200, 1200, 1200, 1200]);
  });

  it("keeps reads in the order they happened, cache hits and master reads mixed, also when read twice", () => {
    const r = new Recorder({ initialValue: "", initialGeneration: 1 });
    r.cacheHit("c1", "/k", "x", 2, 10);
    r.read({ client: "c2", key: "/k", value: "y", generation: 3, at: 20 });
    expect(r.cachedReads.map((x) => x.client)).toEqual(["c1", "c2"]);
    r.cacheHit("c3", "/k", "y", 3, 30);
    expect(r.cachedReads.map((x) => [x.client, x.value, x.generation, x.at])).toEqual([
      ["c1", "x", 2, 10],
      ["c2", "y", 3, 20],
      ["c3", "y", 3, 30],
    ]);
  });
});
