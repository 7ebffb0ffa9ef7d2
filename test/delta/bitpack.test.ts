import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  bitWidth32,
  MAX_BIT_WIDTH,
  PACK32,
  packBits,
  packBitsInto,
  packedByteLength,
  packTail,
  UNPACK32,
  UNPACK_DELTA128,
  UNPACK_DELTA32,
  UNPACK_DELTA_MUL128,
  UNPACK_DELTA_MUL32,
  UNPACK_DELTA_MUL_PATCH128,
  UNPACK_DELTA_PATCH128,
  unpackBits,
  unpackBitsInto,
  unpackTail,
} from "../../lib/delta/bitpack.js";
import { DeltaError } from "../../lib/delta/errors.js";
import { expectDeltaError } from "./helpers.js";

// ---------------------------------------------------------------------------
// Reference: the LSB-first order written bit by bit, straight from Parquet's
// Encodings.md ("packed from the least significant bit of each byte").

function refPack(values: readonly number[], width: number): Uint8Array {
  const out = new Uint8Array(Math.ceil((values.length * width) / 8));
  let bit = 0;
  for (const v of values) {
    for (let b = 0; b < width; b++) {
      if (Math.floor(v / 2 ** b) % 2 === 1) out[(bit + b) >> 3] |= 1 << ((bit + b) & 7);
    }
    bit += width;
  }
  return out;
}

function refUnpack(bytes: Uint8Array, offset: number, width: number, count: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    let v = 0;
    for (let b = 0; b < width; b++) {
      const bit = k * width + b;
      if ((bytes[offset + (bit >> 3)] >> (bit & 7)) & 1) v += 2 ** b;
    }
    out.push(v);
  }
  return out;
}

/** Values that fit in `width` bits, with the extremes well represented. */
function valuesOf(width: number, maxLength = 200): fc.Arbitrary<number[]> {
  const max = width === 0 ? 0 : 2 ** width - 1;
  return fc.array(fc.oneof(fc.integer({ min: 0, max }), fc.constantFrom(0, max)), { maxLength });
}

const width = fc.integer({ min: 0, max: 32 });

describe("bitWidth32", () => {
  it("counts the bits of a uint32", () => {
    expect(bitWidth32(0)).toBe(0);
    expect(bitWidth32(1)).toBe(1);
    expect(bitWidth32(5)).toBe(3);
    expect(bitWidth32(255)).toBe(8);
    expect(bitWidth32(256)).toBe(9);
    expect(bitWidth32(2 ** 31 - 1)).toBe(31);
    expect(bitWidth32(2 ** 31)).toBe(32);
    expect(bitWidth32(0xffffffff)).toBe(32);
    expect(bitWidth32(-1)).toBe(32); // an int32 bit pattern
    for (let w = 1; w <= 32; w++) {
      expect(bitWidth32(2 ** (w - 1))).toBe(w);
      expect(bitWidth32(2 ** w - 1)).toBe(w);
    }
  });
});

describe("packBits / unpackBits", () => {
  it("packs the spec's example (1..7 at width 3) like Encodings.md", () => {
    // "bit value: 10001000 11000110 11111010" for 0, 1, ..., 7.
    expect(Array.from(packBits([0, 1, 2, 3, 4, 5, 6, 7], 3))).toEqual([0b10001000, 0b11000110, 0b11111010]);
    expect(Array.from(unpackBits(new Uint8Array([0x88, 0xc6, 0xfa]), 3, 8))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("matches the bit-by-bit reference for every width and count", () => {
    fc.assert(
      fc.property(
        width.chain((w) => fc.tuple(fc.constant(w), valuesOf(w))),
        ([w, values]) => {
          const packed = packBits(values, w);
          expect(Array.from(packed)).toEqual(Array.from(refPack(values, w)));
          expect(Array.from(unpackBits(packed, w, values.length))).toEqual(values);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("round-trips every width at the group boundaries", () => {
    for (let w = 0; w <= MAX_BIT_WIDTH; w++) {
      for (const n of [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 96, 127, 128, 129]) {
        const max = w === 0 ? 0 : 2 ** w - 1;
        const values = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? max : Math.floor((max * i) / (n + 1))));
        const packed = packBits(values, w);
        expect(packed.length).toBe(packedByteLength(n, w));
        expect(Array.from(packed)).toEqual(Array.from(refPack(values, w)));
        expect(Array.from(unpackBits(packed, w, n))).toEqual(values);
      }
    }
  });

  it("accepts Uint32Array and Int32Array (bit patterns) input", () => {
    const u = Uint32Array.of(0xffffffff, 0x80000000, 1, 0);
    const i = new Int32Array(u.buffer);
    expect(Array.from(packBits(u, 32))).toEqual(Array.from(packBits(i, 32)));
    expect(Array.from(unpackBits(packBits(i, 32), 32, 4))).toEqual(Array.from(u));
    // -1 as an Int32Array element is 0xffffffff: it needs all 32 bits.
    expectDeltaError(() => packBits(Int32Array.of(-1), 31), "ERR_DELTA_INPUT");
  });

  it("reads and writes at any byte offset", () => {
    fc.assert(
      fc.property(
        width.chain((w) => fc.tuple(fc.constant(w), valuesOf(w, 100))),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        ([w, values], before, after) => {
          const n = packedByteLength(values.length, w);
          const buf = new Uint8Array(before + n + after).fill(0xa5);
          expect(packBitsInto(values, w, buf, before)).toBe(before + n);
          // Bytes outside the packed range are untouched.
          expect(buf.subarray(0, before).every((b) => b === 0xa5)).toBe(true);
          expect(buf.subarray(before + n).every((b) => b === 0xa5)).toBe(true);
          const out = new Uint32Array(values.length + 3);
          expect(unpackBitsInto(buf, before, w, values.length, out, 2)).toBe(before + n);
          expect(Array.from(out.subarray(2, 2 + values.length))).toEqual(values);
          expect(out[0]).toBe(0);
          // From a view that starts mid-buffer (unaligned DataView reads).
          const view = buf.subarray(before);
          expect(Array.from(unpackBits(view, w, values.length))).toEqual(values);
          const asInt = new Int32Array(values.length);
          unpackBitsInto(view, 0, w, values.length, asInt);
          expect(Array.from(asInt, (x) => x >>> 0)).toEqual(values);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("validates its arguments", () => {
    for (const bad of [-1, 33, 1.5, NaN, "3"]) {
      expectDeltaError(() => packBits([1], bad as number), "ERR_DELTA_INPUT");
      expectDeltaError(() => unpackBits(new Uint8Array(8), bad as number, 1), "ERR_DELTA_INPUT");
      expectDeltaError(() => packedByteLength(1, bad as number), "ERR_DELTA_INPUT");
    }
    expectDeltaError(() => packedByteLength(-1, 3), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits([8], 3), "ERR_DELTA_INPUT"); // 8 needs 4 bits
    expectDeltaError(() => packBits([-1], 3), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => packBits([0.5], 3), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => packBits([2 ** 32], 32), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => packBits(["1" as unknown as number], 3), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits("abc" as unknown as number[], 3), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBits(new Float64Array(2) as unknown as number[], 3), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBitsInto([1, 2], 8, new Uint8Array(1), 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBitsInto([1], 8, new Uint8Array(1), 2), "ERR_DELTA_INPUT");
    expectDeltaError(() => packBitsInto([1], 8, [0] as unknown as Uint8Array, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBits([1, 2] as unknown as Uint8Array, 8, 1), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBits(new Uint8Array(4), 8, 5), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => unpackBits(new Uint8Array(4), 8, 1, 4), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => unpackBits(new Uint8Array(4), 8, 1, 5), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBits(new Uint8Array(4), 8, -1), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBitsInto(new Uint8Array(4), 0, 8, 4, new Uint32Array(3)), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBitsInto(new Uint8Array(4), 0, 8, 4, new Uint32Array(4), 1), "ERR_DELTA_INPUT");
    expectDeltaError(() => unpackBitsInto(new Uint8Array(4), 0, 8, 1, new Float64Array(4) as unknown as Uint32Array), "ERR_DELTA_INPUT");
  });

  it("fuzz: unpacking any bytes either works or is ERR_DELTA_TRUNCATED, never a read past the end", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), width, fc.integer({ min: 0, max: 200 }), (bytes, w, n) => {
        // Place the bytes in a larger buffer full of garbage: reading past
        // the view would change the result or not throw.
        const big = new Uint8Array(bytes.length + 300).fill(0xff);
        big.set(bytes, 100);
        const view = big.subarray(100, 100 + bytes.length);
        const fits = Math.ceil((n * w) / 8) <= bytes.length;
        try {
          const out = unpackBits(view, w, n);
          expect(fits).toBe(true);
          expect(Array.from(out)).toEqual(refUnpack(bytes, 0, w, n));
        } catch (e) {
          expect(e).toBeInstanceOf(DeltaError);
          expect((e as DeltaError).code).toBe("ERR_DELTA_TRUNCATED");
          expect(fits).toBe(false);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

const MIN_SUB = [0, -(2 ** 31), 123456789];

describe("kernels", () => {
  function randomWords(w: number, groups: number, seed: number): Uint8Array {
    const bytes = new Uint8Array(4 * w * groups + 3);
    let s = seed >>> 0 || 1;
    for (let i = 0; i < bytes.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      bytes[i] = s >>> 24;
    }
    return bytes;
  }

  it("UNPACK32 and PACK32 agree with the reference for every width", () => {
    for (let w = 0; w <= 32; w++) {
      for (const seed of [1, 2, 3]) {
        const bytes = randomWords(w, 1, seed * 100 + w);
        const pos = 3; // an unaligned start
        const dv = new DataView(bytes.buffer);
        const out = new Int32Array(40).fill(7);
        UNPACK32[w](dv, pos, out, 4);
        const expected = refUnpack(bytes, pos, w, 32);
        expect(Array.from(out.subarray(4, 36), (x) => x >>> 0)).toEqual(expected);
        expect(out[3]).toBe(7);
        expect(out[36]).toBe(7);
        // Packing the values back gives the same 4w bytes.
        const back = new Uint8Array(4 * w + 2).fill(0xee);
        PACK32[w](Int32Array.from(expected), 0, new DataView(back.buffer), 1, 0);
        expect(Array.from(back.subarray(1, 1 + 4 * w))).toEqual(Array.from(bytes.subarray(pos, pos + 4 * w)));
        expect(back[0]).toBe(0xee);
        expect(back[1 + 4 * w]).toBe(0xee);
        // With a frame of reference subtracted on the fly (wrapping).
        const sub = MIN_SUB[seed - 1];
        const shifted = Int32Array.from(expected, (x) => (x + sub) | 0);
        const back2 = new Uint8Array(4 * w);
        PACK32[w](shifted, 0, new DataView(back2.buffer), 0, sub);
        expect(Array.from(back2)).toEqual(Array.from(bytes.subarray(pos, pos + 4 * w)));
      }
    }
  });

  it("the fused delta kernels equal unpack + running sum (with wrap-around)", () => {
    fc.assert(
      fc.property(
        width,
        fc.integer(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        (w, seed, start, add, mul) => {
          const bytes = randomWords(w, 4, seed);
          const dv = new DataView(bytes.buffer);
          const x = refUnpack(bytes, 1, w, 128);
          const expect32 = (withMul: boolean): number[] => {
            const out: number[] = [];
            let p = start;
            for (let k = 0; k < 128; k++) {
              p = (p + add + (withMul ? Math.imul(x[k], mul) : x[k] | 0)) | 0;
              out.push(p);
            }
            return out;
          };
          const plain = expect32(false);
          const scaled = expect32(true);
          const a = new Int32Array(128);
          let p = start;
          for (let g = 0; g < 4; g++) p = UNPACK_DELTA32[w](dv, 1 + 4 * w * g, a, 32 * g, p, add);
          expect(Array.from(a)).toEqual(plain);
          expect(p).toBe(plain[127]);
          const b = new Int32Array(128);
          expect(UNPACK_DELTA128[w](dv, 1, b, 0, start, add)).toBe(plain[127]);
          expect(Array.from(b)).toEqual(plain);
          const c = new Int32Array(128);
          p = start;
          for (let g = 0; g < 4; g++) p = UNPACK_DELTA_MUL32[w](dv, 1 + 4 * w * g, c, 32 * g, p, add, mul);
          expect(Array.from(c)).toEqual(scaled);
          const d = new Int32Array(128);
          expect(UNPACK_DELTA_MUL128[w](dv, 1, d, 0, start, add, mul)).toBe(scaled[127]);
          expect(Array.from(d)).toEqual(scaled);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("the patch kernels add a patch array to the unpacked values, modulo 2**32", () => {
    fc.assert(
      fc.property(
        width,
        fc.integer(),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.array(fc.tuple(fc.nat({ max: 127 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })), { maxLength: 20 }),
        (w, seed, start, add, mul, entries) => {
          const bytes = randomWords(w, 4, seed);
          const dv = new DataView(bytes.buffer);
          const x = refUnpack(bytes, 1, w, 128);
          const patch = new Int32Array(128);
          for (const [k, v] of entries) patch[k] = v;
          const before = patch.slice();
          const expected = (withMul: boolean): number[] => {
            const out: number[] = [];
            let p = start;
            for (let k = 0; k < 128; k++) {
              const r = (x[k] + patch[k]) | 0;
              p = (p + add + (withMul ? Math.imul(r, mul) : r)) | 0;
              out.push(p);
            }
            return out;
          };
          const plain = expected(false);
          const scaled = expected(true);
          const a = new Int32Array(130).fill(7);
          expect(UNPACK_DELTA_PATCH128[w](dv, 1, a, 1, start, add, patch)).toBe(plain[127]);
          expect(Array.from(a.subarray(1, 129))).toEqual(plain);
          expect([a[0], a[129]]).toEqual([7, 7]);
          const b = new Int32Array(128);
          expect(UNPACK_DELTA_MUL_PATCH128[w](dv, 1, b, 0, start, add, mul, patch)).toBe(scaled[127]);
          expect(Array.from(b)).toEqual(scaled);
          // An all-zero patch gives the plain kernels' result; the patch is only read.
          const c = new Int32Array(128);
          UNPACK_DELTA_PATCH128[w](dv, 1, c, 0, start, add, new Int32Array(128));
          const d = new Int32Array(128);
          UNPACK_DELTA128[w](dv, 1, d, 0, start, add);
          expect(c).toEqual(d);
          expect(patch).toEqual(before);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("the tail loops handle partial groups and touch only their bytes", () => {
    fc.assert(
      fc.property(
        width.chain((w) => fc.tuple(fc.constant(w), valuesOf(w, 40))),
        ([w, values]) => {
          const n = values.length;
          const bytes = new Uint8Array(packedByteLength(n, w) + 4).fill(0xff);
          const end = packTail(Int32Array.from(values, (v) => v | 0), 0, n, w, bytes, 2);
          expect(end).toBe(2 + packedByteLength(n, w));
          const again = new Uint8Array(packedByteLength(n, w));
          packTail(Int32Array.from(values, (v) => (v - 77) | 0), 0, n, w, again, 0, -77);
          expect(Array.from(again)).toEqual(Array.from(bytes.subarray(2, end)));
          expect(bytes[0]).toBe(0xff);
          expect(bytes[end]).toBe(0xff);
          expect(Array.from(bytes.subarray(2, end))).toEqual(Array.from(refPack(values, w)));
          const out = new Int32Array(n);
          unpackTail(bytes, 2, w, n, out, 0);
          expect(Array.from(out, (x) => x >>> 0)).toEqual(values);
        },
      ),
      { numRuns: 800 },
    );
  });
});
