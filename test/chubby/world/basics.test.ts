import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { TraceHash } from "../../../lib/chubby/world/trace-hash.js";
import { splitSeed, streamRng } from "../../../lib/chubby/world/streams.js";
import { WorldError } from "../../../lib/chubby/world/errors.js";
import { createRng } from "../../../lib/random/index.js";
import { delaySampler, networkModel } from "../../../lib/chubby/world/network.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof WorldError ? e.code : `not a WorldError: ${String(e)}`;
  }
  return undefined;
}

describe("WorldError", () => {
  it("is an Error with a stable code and name", () => {
    const e = new WorldError("ERR_WORLD_NODE_DOWN", "down");
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(WorldError);
    expect([e.code, e.name, e.message]).toEqual(["ERR_WORLD_NODE_DOWN", "WorldError", "down"]);
  });
});

describe("TraceHash", () => {
  const of = (feed: (h: TraceHash) => void): string => {
    const h = new TraceHash();
    feed(h);
    return h.hex();
  };
  it("is 16 hex digits, the same for the same feed", () => {
    expect(of(() => {})).toMatch(/^[0-9a-f]{16}$/);
    expect(of((h) => h.str("deliver"))).toBe(of((h) => h.str("deliver")));
    expect(of((h) => h.word(0))).not.toBe(of(() => {}));
  });
  it("property: changing any one word of a feed changes the hash", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.integer({ min: 1, max: 2 ** 32 - 1 }),
        (words, at, flip) => {
          const other = words.slice();
          const i = at % words.length;
          other[i] = (other[i] ^ flip) >>> 0;
          expect(of((h) => other.forEach((w) => h.word(w)))).not.toBe(of((h) => words.forEach((w) => h.word(w))));
        },
      ),
    );
  });
  it("property: no collisions among 20,000 short random feeds", () => {
    const rng = createRng(7);
    const seen = new Set<string>();
    const feeds = new Set<string>();
    for (let k = 0; k < 20_000; k++) {
      const words = Array.from({ length: rng.int(0, 6) }, () => rng.int(0, 3));
      const key = words.join(",");
      if (feeds.has(key)) continue;
      feeds.add(key);
      seen.add(of((h) => words.forEach((w) => h.word(w))));
    }
    expect(seen.size).toBe(feeds.size);
  });
  it("tells apart numbers that print alike, int32 from wider integers, and strings split differently", () => {
    expect(of((h) => h.num(0.1 + 0.2))).not.toBe(of((h) => h.num(0.3)));
    expect(of((h) => h.int(2 ** 32 + 5))).not.toBe(of((h) => h.int(5)));
    expect(of((h) => h.int(-1))).toBe(of((h) => h.word(0xffffffff)));
    const s = (...xs: string[]): string => of((h) => xs.forEach((x) => h.str(x)));
    expect(s("ab", "c")).not.toBe(s("a", "bc"));
    expect(s("abc")).not.toBe(s("abd"));
    expect(s("")).not.toBe(s());
  });
});

describe("streams", () => {
  it("one seed gives a stable, different stream per purpose", () => {
    expect(splitSeed(42, "faults")).toBe(splitSeed(42, "faults"));
    expect(splitSeed(42, "faults")).not.toBe(splitSeed(42, "clock:a"));
    expect(splitSeed(42, "faults")).not.toBe(splitSeed(43, "faults"));
    expect(Number.isInteger(splitSeed(2 ** 40, "x"))).toBe(true);
    const a = streamRng(5, "x");
    const b = streamRng(5, "x");
    const c = streamRng(5, "y");
    const xs = [a.uniform(), a.uniform()];
    expect([b.uniform(), b.uniform()]).toEqual(xs);
    expect(c.uniform()).not.toBe(xs[0]);
  });
  it("rejects a seed that is not a safe integer", () => {
    expect(codeOf(() => splitSeed(1.5, "x"))).toBe("ERR_WORLD_INPUT");
  });
});

describe("network model", () => {
  it("fills defaults and rejects bad settings", () => {
    expect(networkModel()).toEqual({ minDelayMs: 0.5, meanDelayMs: 1, distribution: "exponential", sigma: 1, lossRate: 0, duplicateRate: 0 });
    expect(codeOf(() => networkModel({ minDelayMs: -1 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => networkModel({ minDelayMs: 5, meanDelayMs: 4 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => networkModel({ lossRate: 1.5 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => networkModel({ duplicateRate: -0.1 }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => networkModel({ meanDelayMs: NaN }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => networkModel({ distribution: "uniform" as "exponential" }))).toBe("ERR_WORLD_INPUT");
    expect(codeOf(() => networkModel({ sigma: 0 }))).toBe("ERR_WORLD_INPUT");
  });
  for (const distribution of ["exponential", "lognormal"] as const) {
    it(`${distribution} delays stay above the minimum and average near the mean`, () => {
      const d = delaySampler(networkModel({ minDelayMs: 2, meanDelayMs: 5, distribution, sigma: 0.5 }));
      const rng = createRng(9);
      const n = 50_000;
      let sum = 0;
      let min = Infinity;
      for (let i = 0; i < n; i++) {
        const x = d(rng);
        sum += x;
        min = Math.min(min, x);
      }
      expect(min).toBeGreaterThanOrEqual(2);
      expect(sum / n).toBeGreaterThan(4.9);
      expect(sum / n).toBeLessThan(5.1);
    });
  }
  it("a zero-jitter model always gives the minimum", () => {
    const d = delaySampler(networkModel({ minDelayMs: 3, meanDelayMs: 3 }));
    const rng = createRng(1);
    expect([d(rng), d(rng), d(rng)]).toEqual([3, 3, 3]);
  });
});
