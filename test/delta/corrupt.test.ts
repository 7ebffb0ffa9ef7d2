/**
 * Fuzzed and hand-forged corrupt input for both binary codecs. Decoders must
 * throw a DeltaError (never anything else, never return garbage) and must
 * reject forged sizes before allocating for them.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  DeltaError,
  decodeDecimal,
  decodeInt32,
  encodeDecimal,
  encodeInt32,
  encodeVarint,
  inspectDecimal,
  zigzagEncode53,
  DECIMAL_FORMAT_TAG,
  INT32_FORMAT_TAG,
} from "../../lib/delta/index.js";
import { bodyOf, doubleBits, expectDeltaError, expectSameBits, fromBits, int32Value, withCrc } from "./helpers.js";

interface Codec {
  name: string;
  tag: number;
  encoded: fc.Arbitrary<Uint8Array>;
  decode: (bytes: Uint8Array) => unknown;
}

const codecs: Codec[] = [
  {
    name: "int32",
    tag: INT32_FORMAT_TAG,
    encoded: fc.array(int32Value, { maxLength: 40 }).map((xs) => encodeInt32(xs)),
    decode: decodeInt32,
  },
  {
    name: "decimal",
    tag: DECIMAL_FORMAT_TAG,
    encoded: fc.array(doubleBits, { maxLength: 25 }).map((bits) => encodeDecimal(fromBits(bits))),
    decode: decodeDecimal,
  },
  {
    name: "inspectDecimal",
    tag: DECIMAL_FORMAT_TAG,
    encoded: fc.array(doubleBits, { maxLength: 10 }).map((bits) => encodeDecimal(fromBits(bits))),
    decode: inspectDecimal,
  },
];

/** Decode, allowing only success or a DeltaError. */
function decodeOrDeltaError(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: decode(bytes) };
  } catch (e) {
    expect(e).toBeInstanceOf(DeltaError);
    return { ok: false };
  }
}

for (const codec of codecs) {
  describe(codec.name + ": fuzzed corrupt input", () => {
    it("(a) every truncation throws a DeltaError", () => {
      fc.assert(
        fc.property(codec.encoded, (enc) => {
          for (let len = 0; len < enc.length; len++) {
            expectDeltaError(() => codec.decode(enc.slice(0, len)));
          }
        }),
        { numRuns: 40 },
      );
    });

    it("(b) flipping any single bit throws a DeltaError", () => {
      fc.assert(
        fc.property(codec.encoded, (enc) => {
          const copy = enc.slice();
          for (let i = 0; i < copy.length; i++) {
            for (let bit = 0; bit < 8; bit++) {
              copy[i] ^= 1 << bit;
              expectDeltaError(() => codec.decode(copy));
              copy[i] ^= 1 << bit;
            }
          }
        }),
        { numRuns: 20 },
      );
    });

    it("(c) random bytes decode or throw a DeltaError, nothing else", () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
          decodeOrDeltaError(codec.decode, bytes);
        }),
        { numRuns: 300 },
      );
    });

    it("(c') random bodies behind a valid header and CRC decode or throw a DeltaError", () => {
      const body = fc
        .tuple(fc.integer({ min: 0, max: 12 }), fc.uint8Array({ maxLength: 40 }))
        .map(([count, rest]) => [codec.tag, 1, count, ...rest]);
      fc.assert(
        fc.property(body, (b) => {
          decodeOrDeltaError(codec.decode, withCrc(b));
        }),
        { numRuns: 500 },
      );
    });
  });
}

describe("structural fuzz with valid CRCs", () => {
  it("int32: whatever decodes re-encodes to the same bytes (one encoding per array)", () => {
    const body = fc
      .tuple(fc.integer({ min: 0, max: 8 }), fc.uint8Array({ maxLength: 24 }))
      .map(([count, rest]) => [INT32_FORMAT_TAG, 1, count, ...rest]);
    let decoded = 0;
    fc.assert(
      fc.property(body, (b) => {
        const bytes = withCrc(b);
        const r = decodeOrDeltaError(decodeInt32, bytes);
        if (r.ok) {
          decoded++;
          expect(Array.from(encodeInt32(r.value as Int32Array))).toEqual(Array.from(bytes));
        }
      }),
      { numRuns: 1000 },
    );
    expect(decoded).toBeGreaterThan(0);
  });

  it("decimal: whatever decodes round-trips bit for bit", () => {
    const body = fc
      .tuple(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 16 }),
        fc.integer({ min: 0, max: 2 }),
        fc.uint8Array({ maxLength: 30 }),
      )
      .map(([count, scale, exc, rest]) => [DECIMAL_FORMAT_TAG, 1, count, scale, exc, ...rest]);
    let decoded = 0;
    fc.assert(
      fc.property(body, (b) => {
        const r = decodeOrDeltaError(decodeDecimal, withCrc(b));
        if (r.ok) {
          decoded++;
          const xs = r.value as Float64Array;
          expectSameBits(decodeDecimal(encodeDecimal(xs)), xs);
        }
      }),
      { numRuns: 1000 },
    );
    expect(decoded).toBeGreaterThan(0);
  });
});

describe("hand-forged encodings with valid CRCs", () => {
  const I = INT32_FORMAT_TAG;
  const D = DECIMAL_FORMAT_TAG;

  it("(d) a forged count of 2**31 is rejected without allocating", () => {
    expectDeltaError(() => decodeInt32(withCrc([I, 1, ...encodeVarint(2 ** 31), 2, 4, 6])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeInt32(withCrc([I, 1, ...encodeVarint(2 ** 53)])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, ...encodeVarint(2 ** 31), 2, 0, 2, 4])), "ERR_DELTA_CORRUPT");
    // A plausible count but a forged exception count.
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 3, 2, ...encodeVarint(2 ** 31), 2, 4, 6])), "ERR_DELTA_CORRUPT");
    // Exception count <= count, but 3 exceptions need >= 27 bytes.
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 20, 2, 3, ...new Array(20).fill(2)])), "ERR_DELTA_CORRUPT");
  });

  it("(e) over-long, non-minimal or out-of-range varints are corrupt", () => {
    // 6-byte varint32 value (5th byte has its continuation bit set)
    expectDeltaError(() => decodeInt32(withCrc([I, 1, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])), "ERR_DELTA_CORRUPT");
    // 5-byte varint32 with bits beyond 32
    expectDeltaError(() => decodeInt32(withCrc([I, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x1f])), "ERR_DELTA_CORRUPT");
    // non-minimal: 1 written on two bytes
    expectDeltaError(() => decodeInt32(withCrc([I, 1, 1, 0x81, 0x00])), "ERR_DELTA_CORRUPT");
    // 9-byte count varint
    expectDeltaError(() => decodeInt32(withCrc([I, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])), "ERR_DELTA_CORRUPT");
    // 9-byte varint53 value in the decimal codec
    expectDeltaError(
      () => decodeDecimal(withCrc([D, 1, 1, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])),
      "ERR_DELTA_CORRUPT",
    );
    // The largest legal 5-byte varint32 still decodes: zigzag 2**32 - 1 = INT32_MIN.
    expect(Array.from(decodeInt32(withCrc([I, 1, 1, 0xff, 0xff, 0xff, 0xff, 0x0f])))).toEqual([-(2 ** 31)]);
  });

  it("(f) trailing bytes after the last value are corrupt", () => {
    expectDeltaError(() => decodeInt32(withCrc([...bodyOf(encodeInt32([1, 2, 3])), 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDecimal(withCrc([...bodyOf(encodeDecimal([1.5, 2.5])), 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDecimal(withCrc([...bodyOf(encodeDecimal([])), 7])), "ERR_DELTA_CORRUPT");
  });

  it("a value running past the end of the body is truncated", () => {
    expectDeltaError(() => decodeInt32(withCrc([I, 1, 2, 0x02, 0x80])), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 2, 0, 0, 0x02, 0x80])), "ERR_DELTA_TRUNCATED");
  });

  it("buffers shorter than header + CRC are truncated", () => {
    for (const b of [[], [I], [I, 1], [I, 1, 0, 0, 0, 0]]) {
      expectDeltaError(() => decodeInt32(new Uint8Array(b)), "ERR_DELTA_TRUNCATED");
    }
    for (const b of [[], [D], [D, 1, 0, 0, 0, 0, 0, 0]]) {
      expectDeltaError(() => decodeDecimal(new Uint8Array(b)), "ERR_DELTA_TRUNCATED");
    }
  });

  it("a CRC mismatch is corrupt", () => {
    const enc = encodeInt32([1, 2, 3]);
    enc[enc.length - 1] ^= 0x40;
    expect(expectDeltaError(() => decodeInt32(enc), "ERR_DELTA_CORRUPT").message).toContain("checksum");
    const dec = encodeDecimal([1.5]);
    dec[3] ^= 1;
    expectDeltaError(() => decodeDecimal(dec), "ERR_DELTA_CORRUPT");
  });

  it("the wrong format or version is corrupt, not garbage", () => {
    expectDeltaError(() => decodeInt32(encodeDecimal([1, 2, 3])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDecimal(encodeInt32([1, 2, 3])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeInt32(withCrc([I, 2, 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDecimal(withCrc([D, 0, 0, 0, 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeInt32(new Uint8Array([0])), "ERR_DELTA_CORRUPT");
  });

  it("decimal: bad scale, exception counts and indices are corrupt", () => {
    const raw = [0, 0, 0, 0, 0, 0, 0xf8, 0x7f]; // NaN
    // scale 16
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 1, 16, 0, 2])), "ERR_DELTA_CORRUPT");
    // more exceptions than values
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 1, 0, 2, 0, ...raw, 1, ...raw])), "ERR_DELTA_CORRUPT");
    // indices not strictly increasing (second step is 0)
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 3, 0, 2, 1, ...raw, 0, ...raw, 2])), "ERR_DELTA_CORRUPT");
    // index out of range
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 2, 0, 1, 2, ...raw, 2])), "ERR_DELTA_CORRUPT");
    // the same layouts with valid indices decode
    expectSameBits(decodeDecimal(withCrc([D, 1, 3, 0, 2, 1, ...raw, 1, ...raw, 2])), Float64Array.from([1, NaN, NaN]));
    expectSameBits(decodeDecimal(withCrc([D, 1, 2, 0, 1, 1, ...raw, 2])), Float64Array.from([1, NaN]));
  });

  it("decimal: a decoded |k| above 2**51 is corrupt", () => {
    const over = [...encodeVarint(zigzagEncode53(2 ** 51 + 1))];
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 1, 0, 0, ...over])), "ERR_DELTA_CORRUPT");
    // 2**51, then +1: the running sum leaves the range
    const edge = [...encodeVarint(zigzagEncode53(2 ** 51))];
    expect(Array.from(decodeDecimal(withCrc([D, 1, 1, 0, 0, ...edge])))).toEqual([2 ** 51]);
    expectDeltaError(() => decodeDecimal(withCrc([D, 1, 2, 0, 0, ...edge, 2])), "ERR_DELTA_CORRUPT");
    // the largest delta, -2**52, from 2**51 to -2**51, is fine
    const down = [...encodeVarint(zigzagEncode53(-(2 ** 52)))];
    expect(Array.from(decodeDecimal(withCrc([D, 1, 2, 0, 0, ...edge, ...down])))).toEqual([2 ** 51, -(2 ** 51)]);
  });
});
