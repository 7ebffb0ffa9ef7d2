import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { boundedCapacity, createBoundedLoad, createRing } from "../../../lib/sticky/strategies/index.js";
import { expectStickyError, serverNames, sessionKeys } from "./helpers.js";

/** Assign keys one by one through `b`, the caller incrementing the load map. */
function assign(b: ReturnType<typeof createBoundedLoad>, keys: { key: string }[]): Map<string, number> {
  const loads = new Map(b.servers.map((s) => [s, 0]));
  for (const k of keys) {
    const s = b.pick({ key: k.key, loads });
    loads.set(s, loads.get(s)! + 1);
  }
  return loads;
}

describe("boundedCapacity", () => {
  it("is ceil((1 + eps) * total / n), immune to floating-point noise at integers", () => {
    expect(boundedCapacity(100, 10, 0.25)).toBe(13);
    expect(boundedCapacity(100_000, 10, 0.1)).toBe(11_000); // 1.1 * 100000 / 10 = 11000.000000000002
    expect(boundedCapacity(1, 10, 0.25)).toBe(1);
  });
});

describe("bounded-load consistent hashing", () => {
  const keys = sessionKeys(100_000);
  for (const epsilon of [0.1, 0.25, 0.5]) {
    it(`keys assigned one by one (100k, N = 10): max/mean <= 1 + ${epsilon}`, () => {
      const loads = assign(createBoundedLoad(serverNames(10), { epsilon }), keys);
      const maxOverMean = Math.max(...loads.values()) / (keys.length / 10);
      expect(maxOverMean).toBeLessThanOrEqual(1 + epsilon);
    });
  }

  it("on random N, key counts and epsilon no server exceeds the cap ceil((1 + eps) * m / n)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 1500 }),
        fc.double({ min: 0.01, max: 2, noNaN: true }),
        (n, m, epsilon) => {
          const loads = assign(createBoundedLoad(serverNames(n), { epsilon, vnodes: 40 }), sessionKeys(m));
          expect(Math.max(...loads.values())).toBeLessThanOrEqual(boundedCapacity(m, n, epsilon));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("is a plain ring when no server is at its cap (or without loads)", () => {
    const servers = serverNames(6);
    const ring = createRing(servers, { vnodes: 160 });
    const bounded = createBoundedLoad(servers, { epsilon: 0.25 });
    const even = new Map(servers.map((s) => [s, 10]));
    for (const k of sessionKeys(1000)) {
      expect(bounded.pick(k)).toBe(ring.pick(k));
      expect(bounded.pick({ key: k.key, loads: even })).toBe(ring.pick(k));
    }
  });

  it("walks clockwise past a full server to the next one on the ring", () => {
    const servers = ["a", "b"];
    const b = createBoundedLoad(servers, { epsilon: 0.1 });
    // cap = ceil(1.1 * 11 / 2) = 7: "a" at 10 is full, "b" takes everything.
    const loads = new Map([["a", 10], ["b", 0]]);
    for (const k of sessionKeys(100)) expect(b.pick({ key: k.key, loads })).toBe("b");
  });

  it("keys mostly stay on their ring owner at epsilon 0.25 (consistency kept)", () => {
    const servers = serverNames(10);
    const ring = createRing(servers);
    const bounded = createBoundedLoad(servers, { epsilon: 0.25 });
    const loads = new Map(servers.map((s) => [s, 0]));
    let same = 0;
    const ks = sessionKeys(20_000);
    for (const k of ks) {
      const s = bounded.pick({ key: k.key, loads });
      loads.set(s, loads.get(s)! + 1);
      if (s === ring.pick(k)) same++;
    }
    expect(same / ks.length).toBeGreaterThan(0.9);
  });

  it("rejects epsilon <= 0 or not finite, vnodes < 1, bad loads; empty list: ERR_STICKY_NO_SERVER", () => {
    for (const epsilon of [0, -0.1, NaN, Infinity]) expectStickyError(() => createBoundedLoad(["a"], { epsilon }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBoundedLoad(["a"], { vnodes: 0 }), "ERR_STICKY_INPUT");
    const b = createBoundedLoad(["a", "b"]);
    for (const bad of [-1, NaN, Infinity]) {
      expectStickyError(() => b.pick({ key: "k", loads: new Map([["a", bad]]) }), "ERR_STICKY_INPUT");
    }
    expectStickyError(() => createBoundedLoad([]).pick({ key: "x" }), "ERR_STICKY_NO_SERVER");
  });
});
