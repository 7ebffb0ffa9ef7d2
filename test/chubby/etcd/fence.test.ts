import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EtcdLabError, FENCE_WIDTH, fenceValue, parseFenceValue } from "../../../lib/chubby/etcd/index.js";

const token = fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.maxSafeInteger().filter((n) => n >= 0));

describe("fence values", () => {
  it("property: byte order of the stored strings is the order of the tokens", () => {
    fc.assert(
      fc.property(token, token, (a, b) => {
        const sa = fenceValue(a);
        const sb = fenceValue(b);
        expect(sa.length).toBe(FENCE_WIDTH);
        expect(sa < sb).toBe(a < b);
        expect(sa === sb).toBe(a === b);
        // The fenced write's check: stored < fenceValue(mine + 1)  <=>  stored <= mine.
        if (b < Number.MAX_SAFE_INTEGER) expect(sa < fenceValue(b + 1)).toBe(a <= b);
      }),
    );
  });

  it("property: parseFenceValue inverts fenceValue", () => {
    fc.assert(
      fc.property(token, (t) => {
        expect(parseFenceValue(fenceValue(t))).toBe(t);
      }),
    );
  });

  it("rejects what is not a token, with ERR_ETCD_INPUT", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => fenceValue(bad)).toThrow(EtcdLabError);
      try {
        fenceValue(bad);
      } catch (e) {
        expect((e as EtcdLabError).code).toBe("ERR_ETCD_INPUT");
      }
    }
    for (const bad of ["42", "0000000000000000004x", "-0000000000000000001", ""]) {
      expect(() => parseFenceValue(bad)).toThrow(/not a 20-digit token/);
    }
  });
});
