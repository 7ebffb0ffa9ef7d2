import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { BitReader, BitWriter, peek32At } from "../../lib/delta/bitstream.js";
import { DeltaError } from "../../lib/delta/errors.js";
import { expectDeltaError } from "./helpers.js";

/** A field to write: a value and its width, the value already masked to the width. */
const field = fc
  .tuple(fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([n, v]) => ({ n, v: n === 32 ? v : n === 0 ? 0 : v % 2 ** n }));

/** The fields as a '0'/'1' string, MSB first: an independent model of the stream. */
function bitString(fields: readonly { n: number; v: number }[]): string {
  return fields.map(({ n, v }) => (n === 0 ? "" : v.toString(2).padStart(n, "0"))).join("");
}

/** Pack a '0'/'1' string into bytes, MSB first, zero-padded. */
function packBits(bits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === "1") out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

describe("BitWriter", () => {
  it("writes MSB first and pads with zeros", () => {
    const w = new BitWriter();
    w.writeBits(0b10, 2);
    w.writeBits(0x7f, 7);
    expect(w.bitLength).toBe(9);
    expect(Array.from(w.finish())).toEqual([0xbf, 0x80]);
  });

  it("a 32-bit word at a byte boundary is big-endian", () => {
    const w = new BitWriter(0);
    w.writeBits(0x12345678, 32);
    w.writeBits(0xdeadbeef, 32);
    expect(Array.from(w.finish())).toEqual([0x12, 0x34, 0x56, 0x78, 0xde, 0xad, 0xbe, 0xef]);
  });

  it("ignores bits above the width, and accepts negative int32 words", () => {
    const w = new BitWriter();
    w.writeBits(0xff, 3); // only 0b111
    w.writeBits(-1, 32); // all ones
    w.writeBits(0, 5);
    expect(Array.from(w.finish())).toEqual([0xff, 0xff, 0xff, 0xff, 0xe0]);
  });

  it("writeBit and zero-width writes", () => {
    const w = new BitWriter();
    w.writeBit(1);
    w.writeBits(12345, 0);
    w.writeBit(0);
    w.writeBit(3); // low bit only
    expect(w.bitLength).toBe(3);
    expect(Array.from(w.finish())).toEqual([0xa0]);
  });

  it("matches an independent bit-string model, growing from no capacity", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 80 }), (fields) => {
        const w = new BitWriter(0);
        for (const { n, v } of fields) w.writeBits(v, n);
        const bits = bitString(fields);
        expect(w.bitLength).toBe(bits.length);
        expect(Array.from(w.finish())).toEqual(Array.from(packBits(bits)));
      }),
      { numRuns: 500 },
    );
  });

  it("an empty writer gives no bytes", () => {
    expect(new BitWriter().finish().length).toBe(0);
  });

  it("validates widths and capacity", () => {
    const w = new BitWriter();
    for (const n of [-1, 33, 1.5, NaN, "3" as unknown as number]) {
      expectDeltaError(() => w.writeBits(1, n), "ERR_DELTA_INPUT");
    }
    for (const c of [-1, 1.5, Infinity, NaN]) {
      expectDeltaError(() => new BitWriter(c), "ERR_DELTA_INPUT");
    }
  });
});

describe("BitReader", () => {
  it("reads back what the writer wrote, then finishes on the padding", () => {
    fc.assert(
      fc.property(fc.array(field, { maxLength: 80 }), (fields) => {
        const w = new BitWriter(0);
        for (const { n, v } of fields) w.writeBits(v, n);
        const bytes = w.finish();
        const r = new BitReader(bytes);
        for (const { n, v } of fields) expect(r.readBits(n)).toBe(v);
        expect(r.pos).toBe(bitString(fields).length);
        r.finish();
        // One more bit than was written is truncated, unless padding is left.
        if (r.remainingBits() === 0) expectDeltaError(() => r.readBit(), "ERR_DELTA_TRUNCATED");
        else expect(r.readBits(r.remainingBits())).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it("readBit, skip and peek32", () => {
    const r = new BitReader(new Uint8Array([0b1010_0000, 0xff, 0x01]));
    expect(r.readBit()).toBe(1);
    expect(r.readBit()).toBe(0);
    expect(r.readBit()).toBe(1);
    r.skip(5);
    expect(r.peek32() >>> 0).toBe(0xff010000);
    expect(r.readBits(12)).toBe(0xff0);
    r.skip(3);
    expect(r.readBit()).toBe(1);
    expect(r.remainingBits()).toBe(0);
    expect(r.peek32()).toBe(0); // past the end: zeros
    expectDeltaError(() => r.readBit(), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => r.skip(1), "ERR_DELTA_TRUNCATED");
    r.skip(0);
  });

  it("peek32At reads any alignment", () => {
    const buf = new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a, 0, 0, 0, 0]);
    expect(peek32At(buf, 0) >>> 0).toBe(0x12345678);
    expect(peek32At(buf, 4) >>> 0).toBe(0x23456789);
    expect(peek32At(buf, 8) >>> 0).toBe(0x3456789a);
    expect(peek32At(buf, 9) >>> 0).toBe(0x68acf134);
  });

  it("reads only its slice: bits after it are zeros, never the neighbours' bytes", () => {
    const big = new Uint8Array([0xff, 0xff, 0x0f, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const r = new BitReader(big, 2, 4, "demo");
    expect(r.bitEnd).toBe(16);
    expect(r.readBits(4)).toBe(0);
    expect(r.peek32() >>> 0).toBe(0xff000000);
    expect(r.readBits(12)).toBe(0xff0);
    expect(r.peek32()).toBe(0);
    const err = expectDeltaError(() => r.readBits(1), "ERR_DELTA_TRUNCATED");
    expect(err.message).toContain("demo");
    // An empty slice at the very end of a buffer.
    const e = new BitReader(big, big.length, big.length);
    expect(e.peek32()).toBe(0);
    e.finish();
    expectDeltaError(() => e.readBits(32), "ERR_DELTA_TRUNCATED");
  });

  it("later writes to the input do not change what the reader sees", () => {
    const bytes = new Uint8Array([0xaa]);
    const r = new BitReader(bytes);
    bytes[0] = 0;
    expect(r.readBits(8)).toBe(0xaa);
  });

  it("readBits never reads past the end, for any width and position", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.array(fc.integer({ min: 0, max: 32 }), { maxLength: 30 }), (bytes, widths) => {
        const r = new BitReader(bytes);
        const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, "0")).join("");
        for (const n of widths) {
          const p = r.pos;
          if (p + n > bits.length) {
            expectDeltaError(() => r.readBits(n), "ERR_DELTA_TRUNCATED");
            expect(r.pos).toBe(p);
          } else {
            expect(r.readBits(n)).toBe(n === 0 ? 0 : parseInt(bits.slice(p, p + n), 2));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("finish rejects a whole byte left over and non-zero padding", () => {
    const r1 = new BitReader(new Uint8Array([0x80, 0x00]));
    r1.readBit();
    expect(expectDeltaError(() => r1.finish(), "ERR_DELTA_CORRUPT").message).toContain("trailing");
    const r2 = new BitReader(new Uint8Array([0x81]));
    r2.readBit();
    expect(expectDeltaError(() => r2.finish(), "ERR_DELTA_CORRUPT").message).toContain("padding");
    const r3 = new BitReader(new Uint8Array([0x80]));
    r3.readBit();
    r3.finish();
  });

  it("validates its arguments", () => {
    const bytes = new Uint8Array(4);
    expectDeltaError(() => new BitReader([1, 2] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BitReader(null as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BitReader(undefined as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BitReader(new Int8Array(2) as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BitReader(bytes, -1), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BitReader(bytes, 3, 2), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BitReader(bytes, 0, 5), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BitReader(bytes, 0.5), "ERR_DELTA_INPUT");
    const r = new BitReader(bytes);
    for (const n of [-1, 33, 2.5]) expectDeltaError(() => r.readBits(n), "ERR_DELTA_INPUT");
    expectDeltaError(() => r.skip(-1), "ERR_DELTA_INPUT");
    expect(r.truncated.bind(r)).toThrow(DeltaError);
    expect(expectDeltaError(() => r.corrupt("why"), "ERR_DELTA_CORRUPT").message).toContain("why");
  });
});
