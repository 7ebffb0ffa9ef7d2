import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DeltaError, encodeInt32 } from "../../lib/delta/index.js";
import { deflate, inflate } from "../../lib/delta/deflate.js";

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DeltaError)) throw e;
    return e.code;
  }
  return "returned";
}

describe("deflate stage", () => {
  it("round-trips any bytes at every level", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.integer({ min: 1, max: 9 }), (bytes, level) => {
        expect(Array.from(inflate(deflate(bytes, { level })))).toEqual(Array.from(bytes));
      }),
      { numRuns: 300 },
    );
  });
  it("shrinks a codec's output on repetitive data", () => {
    const ramp = Int32Array.from({ length: 10000 }, (_, i) => i * 60);
    const plain = encodeInt32(ramp);
    expect(deflate(plain, { level: 9 }).length).toBeLessThan(plain.length / 20);
  });
  it("refuses bad input with stable codes", () => {
    expect(codeOf(() => deflate([1, 2] as unknown as Uint8Array))).toBe("ERR_DELTA_INPUT");
    expect(codeOf(() => deflate(new Uint8Array(1), { level: 0 }))).toBe("ERR_DELTA_INPUT");
    expect(codeOf(() => inflate(new Uint8Array(1)))).toBe("ERR_DELTA_TRUNCATED");
    expect(codeOf(() => inflate(Uint8Array.of(0x49, 1, 0)))).toBe("ERR_DELTA_CORRUPT");
    const z = deflate(new Uint8Array(100000));
    expect(codeOf(() => inflate(z, { maxBytes: 1000 }))).toBe("ERR_DELTA_CORRUPT");
  });
  it("detects every truncation and any damage (Adler-32), fuzzed", () => {
    const z = deflate(encodeInt32(Int32Array.from({ length: 500 }, (_, i) => i * i)));
    for (let n = 0; n < z.length; n++) {
      expect(["ERR_DELTA_TRUNCATED", "ERR_DELTA_CORRUPT"]).toContain(codeOf(() => inflate(z.subarray(0, n))));
    }
    const original = Array.from(inflate(z));
    fc.assert(
      fc.property(fc.nat(z.length * 8 - 1), (bit) => {
        const bad = z.slice();
        bad[bit >> 3] ^= 1 << (bit & 7);
        try {
          expect(Array.from(inflate(bad))).toEqual(original);
        } catch (e) {
          expect(e).toBeInstanceOf(DeltaError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
