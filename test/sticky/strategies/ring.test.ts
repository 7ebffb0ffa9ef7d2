import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { buildRing, createRing, indexRing, successor, successorIndexed } from "../../../lib/sticky/strategies/index.js";
import { hash32 } from "../../../lib/sticky/hash.js";
import { expectStickyError, serverNames, sessionKeys } from "./helpers.js";

describe("successor", () => {
  it("is the first point >= h, wrapping to 0 past the end", () => {
    const pts = new Uint32Array([10, 20, 30]);
    expect([0, 10, 11, 20, 30, 31, 0xffffffff].map((h) => successor(pts, h))).toEqual([0, 0, 1, 1, 2, 0, 0]);
  });

  it("agrees with a linear scan on random sorted rings", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (raw, h) => {
          const pts = Uint32Array.from(raw).sort();
          const linear = pts.findIndex((p) => p >= h);
          expect(successor(pts, h)).toBe(linear === -1 ? 0 : linear);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("successorIndexed", () => {
  it("agrees with successor on random rings, including clustered points and bucket edges", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 300 }), fc.constant(0xffffffff)), {
          minLength: 1,
          maxLength: 80,
        }),
        fc.array(fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(0, 1, 2 ** 31, 0xffffffff)), { minLength: 1, maxLength: 20 }),
        (raw, hs) => {
          const pts = Uint32Array.from(raw).sort();
          const index = indexRing(pts);
          for (const h of [...hs, ...pts]) expect(successorIndexed(pts, index, h)).toBe(successor(pts, h));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("ring", () => {
  it("has vnodes points per server, sorted, at hash32(`${name}#${j}`)", () => {
    const servers = ["a", "b", "c"];
    const { points, owners } = buildRing(servers, 5);
    expect(points.length).toBe(15);
    for (let i = 1; i < points.length; i++) expect(points[i]).toBeGreaterThanOrEqual(points[i - 1]);
    const expected = servers.flatMap((s) => Array.from({ length: 5 }, (_, j) => hash32(`${s}#${j}`))).sort((x, y) => x - y);
    expect(Array.from(points)).toEqual(expected);
    for (let i = 0; i < points.length; i++) {
      const s = servers[owners[i]];
      expect(Array.from({ length: 5 }, (_, j) => hash32(`${s}#${j}`))).toContain(points[i]);
    }
  });

  it("a key goes to the owner of the first point clockwise from hash32(key)", () => {
    const servers = serverNames(4);
    const ring = createRing(servers, { vnodes: 8 });
    const { points, owners } = buildRing(servers, 8);
    for (const k of sessionKeys(300)) {
      const h = hash32(k.key);
      let i = points.findIndex((p) => p >= h);
      if (i === -1) i = 0;
      expect(ring.pick(k)).toBe(servers[owners[i]]);
    }
  });

  it("defaults to 160 vnodes; rejects vnodes < 1 or not an integer", () => {
    expect(createRing(["a"]).vnodes).toBe(160);
    for (const vnodes of [0, -3, 1.5, NaN]) expectStickyError(() => createRing(["a"], { vnodes }), "ERR_STICKY_INPUT");
    expectStickyError(() => createRing([]).pick({ key: "x" }), "ERR_STICKY_NO_SERVER");
  });
});
