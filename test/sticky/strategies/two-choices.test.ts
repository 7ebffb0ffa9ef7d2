import { describe, it, expect } from "vitest";
import { createRng } from "../../../lib/random/index.js";
import { createTwoChoices } from "../../../lib/sticky/strategies/index.js";
import { expectStickyError, serverNames } from "./helpers.js";

/** Assign `count` requests one by one, the caller updating loads; returns the max load. */
function maxLoad(pick: (loads: Map<string, number>) => string, servers: string[], count: number): number {
  const loads = new Map(servers.map((s) => [s, 0]));
  for (let i = 0; i < count; i++) {
    const s = pick(loads);
    loads.set(s, loads.get(s)! + 1);
  }
  return Math.max(...loads.values());
}

describe("power of two choices", () => {
  it("beats one random choice: lower max load over 100k assignments (seeded)", () => {
    const servers = serverNames(100);
    const two = createTwoChoices(servers, { seed: 1 });
    const rng = createRng(1);
    const twoMax = maxLoad((loads) => two.pick({ key: "", loads }), servers, 100_000);
    const oneMax = maxLoad(() => servers[rng.int(0, servers.length - 1)], servers, 100_000);
    // Mean 1000: one choice overshoots by ~ sqrt(2 ln n) sigma (~ +90), two choices by ~1-2.
    expect(twoMax).toBeLessThan(oneMax);
    expect(twoMax).toBeLessThanOrEqual(1003);
  });

  it("is deterministic: same seed, same picks; a different seed differs", () => {
    const servers = serverNames(10);
    const run = (seed: number): string[] => {
      const b = createTwoChoices(servers, { seed });
      const loads = new Map<string, number>();
      return Array.from({ length: 200 }, (_, i) => {
        const s = b.pick({ key: `k${i}`, loads });
        loads.set(s, (loads.get(s) ?? 0) + 1);
        return s;
      });
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it("samples two DISTINCT servers: with 2 servers it always takes the less loaded one", () => {
    const b = createTwoChoices(["a", "b"], { seed: 3 });
    const loads = new Map([["a", 5], ["b", 2]]);
    for (let i = 0; i < 100; i++) expect(b.pick({ key: "x", loads })).toBe("b");
  });

  it("an idle server among busy ones wins whenever it is sampled (about 2/N of picks)", () => {
    const servers = serverNames(10);
    const b = createTwoChoices(servers, { seed: 9 });
    const loads = new Map(servers.map((s) => [s, s === "server-3" ? 0 : 100]));
    let hits = 0;
    for (let i = 0; i < 10_000; i++) if (b.pick({ key: "x", loads }) === "server-3") hits++;
    expect(hits / 10_000).toBeGreaterThan(0.18);
    expect(hits / 10_000).toBeLessThan(0.22);
  });

  it("one server: always it; none: ERR_STICKY_NO_SERVER; bad seed: ERR_STICKY_INPUT", () => {
    expect(createTwoChoices(["only"]).pick({ key: "x" })).toBe("only");
    expectStickyError(() => createTwoChoices([]).pick({ key: "x" }), "ERR_STICKY_NO_SERVER");
    expectStickyError(() => createTwoChoices(["a"], { seed: Number.NaN }), "ERR_STICKY_INPUT");
  });
});
