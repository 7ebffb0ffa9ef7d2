import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createLeastConnections } from "../../../lib/sticky/strategies/index.js";
import { expectStickyError, serverNames } from "./helpers.js";

describe("least connections", () => {
  it("picks the lowest load; ties go to the earlier server; missing loads count as 0", () => {
    const b = createLeastConnections(["a", "b", "c"]);
    expect(b.pick({ key: "x", loads: new Map([["a", 3], ["b", 1], ["c", 2]]) })).toBe("b");
    expect(b.pick({ key: "x", loads: new Map([["a", 3], ["b", 1], ["c", 1]]) })).toBe("b");
    expect(b.pick({ key: "x", loads: new Map([["a", 3], ["b", 1]]) })).toBe("c");
    expect(b.pick({ key: "x" })).toBe("a");
  });

  it("always returns a server of minimum load, the first such in list order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 20 }), (ls) => {
        const servers = serverNames(ls.length);
        const loads = new Map(servers.map((s, i) => [s, ls[i]]));
        const min = Math.min(...ls);
        expect(createLeastConnections(servers).pick({ key: "k", loads })).toBe(servers[ls.indexOf(min)]);
      }),
      { numRuns: 300 },
    );
  });

  it("assigning one by one keeps loads within 1 of each other", () => {
    const servers = serverNames(7);
    const b = createLeastConnections(servers);
    const loads = new Map(servers.map((s) => [s, 0]));
    for (let i = 0; i < 1000; i++) {
      const s = b.pick({ key: `u${i}`, loads });
      loads.set(s, loads.get(s)! + 1);
    }
    expect(Math.max(...loads.values()) - Math.min(...loads.values())).toBeLessThanOrEqual(1);
  });

  it("an empty list throws ERR_STICKY_NO_SERVER on pick", () => {
    expectStickyError(() => createLeastConnections([]).pick({ key: "x" }), "ERR_STICKY_NO_SERVER");
  });
});
