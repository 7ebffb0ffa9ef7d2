import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DeltaError,
  decode,
  decodeInto,
  deflate,
  encodeBlocks,
  encodeDecimal,
  encodeDod,
  encodeGorilla,
  encodeInt32,
} from "../../lib/delta/index.js";

const encoders = { encodeInt32, encodeBlocks, encodeDod } as const;

describe("decode and decodeInto dispatch on the format tag", () => {
  it("round-trip every integer codec, bare and deflated", () => {
    fc.assert(
      fc.property(fc.int32Array({ maxLength: 600 }), fc.constantFrom(...Object.keys(encoders)), fc.boolean(), (values, name, z) => {
        const enc = encoders[name as keyof typeof encoders](values);
        const bytes = z ? deflate(enc) : enc;
        expect(decode(bytes)).toEqual(values);
        const out = new Int32Array(values.length + 3);
        expect(decodeInto(bytes, out)).toBe(values.length);
        expect(out.subarray(0, values.length)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });
  it("round-trip the float codecs bit for bit", () => {
    const prices = Float64Array.of(100.5, 100.75, Number.NaN, -0, 1e300);
    for (const bytes of [encodeDecimal(prices), encodeGorilla(prices)]) {
      const out = new Float64Array(5);
      expect(decodeInto(bytes, out)).toBe(5);
      expect(new Uint8Array(out.buffer)).toEqual(new Uint8Array(prices.buffer));
      expect(new Uint8Array((decode(bytes) as Float64Array).buffer)).toEqual(new Uint8Array(prices.buffer));
    }
  });
  it("refuse an unknown tag, an empty input, a wrong or short output array", () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(DeltaError);
        return (e as DeltaError).code;
      }
      return "returned";
    };
    expect(code(() => decode(Uint8Array.of(0x01, 1, 0)))).toBe("ERR_DELTA_CORRUPT");
    expect(code(() => decode(new Uint8Array(0)))).toBe("ERR_DELTA_TRUNCATED");
    expect(code(() => decodeInto(encodeBlocks(Int32Array.of(1, 2)), new Float64Array(2)))).toBe("ERR_DELTA_INPUT");
    expect(code(() => decodeInto(encodeInt32(Int32Array.of(1, 2, 3)), new Int32Array(2)))).toBe("ERR_DELTA_INPUT");
    expect(code(() => decodeInto(encodeGorilla([1.5]), new Int32Array(1)))).toBe("ERR_DELTA_INPUT");
  });
});
