import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createRoundRobin } from "../../../lib/sticky/strategies/index.js";
import { expectStickyError, serverNames } from "./helpers.js";

describe("round robin", () => {
  it("cycles through the servers in list order, ignoring the key", () => {
    const b = createRoundRobin(["a", "b", "c"]);
    expect(["k", "k", "z", "k", "k", "k", "k"].map((key) => b.pick({ key }))).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
  });

  it("starts at seed mod N (negative seeds too)", () => {
    expect(createRoundRobin(["a", "b", "c"], { seed: 4 }).pick({ key: "" })).toBe("b");
    expect(createRoundRobin(["a", "b", "c"], { seed: -1 }).pick({ key: "" })).toBe("c");
  });

  it("every window of N consecutive picks hits every server exactly once; same seed, same picks", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: -1000, max: 1000 }), (n, seed) => {
        const servers = serverNames(n);
        const a = createRoundRobin(servers, { seed });
        const b = createRoundRobin(servers, { seed });
        const picks = Array.from({ length: 3 * n }, () => a.pick({ key: "x" }));
        expect(Array.from({ length: 3 * n }, () => b.pick({ key: "x" }))).toEqual(picks);
        for (let w = 0; w + n <= picks.length; w++) expect(new Set(picks.slice(w, w + n)).size).toBe(n);
      }),
      { numRuns: 100 },
    );
  });

  it("rejects a non-integer seed; an empty list throws ERR_STICKY_NO_SERVER on pick", () => {
    expectStickyError(() => createRoundRobin(["a"], { seed: 1.5 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createRoundRobin([]).pick({ key: "x" }), "ERR_STICKY_NO_SERVER");
  });
});
