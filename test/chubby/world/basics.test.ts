import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { Fnv64 } from "../../../lib/chubby/world/hash.js";
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

describe("Fnv64", () => {
  it("matches the published FNV-1a 64-bit test vectors", () => {
    const of = (s: string): string => {
      const h = new Fnv64();
      for (const c of s) h.byte(c.charCodeAt(0));
      return h.hex();
    };
    expect(of("")).toBe("cbf29ce484222325");
    expect(of("a")).toBe("af63dc4c8601ec8c");
    expect(of("foobar")).toBe("85944171f73967e8");
  });
  it("property: equals a BigInt FNV-1a 64 reference on any bytes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 64 }), (bytes) => {
        let ref = 0xcbf29ce484222325n;
        for (const b of bytes) ref = ((ref ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
        const h = new Fnv64();
        bytes.forEach((b) => h.byte(b));
        expect(h.hex()).toBe(ref.toString(16).padStart(16, "0"));
      }),
    );
  });
  it("tells apart numbers that print alike and strings split differently", () => {
    const n = (x: number): string => {
      const h = new Fnv64();
      h.num(x);
      return h.hex();
    };
    expect(n(0.1 + 0.2)).not.toBe(n(0.3));
    const s = (...xs: string[]): string => {
      const h = new Fnv64();
      xs.forEach((x) => h.str(x));
      return h.hex();
    };
    expect(s("ab", "c")).not.toBe(s("a", "bc"));
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
