import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vm from "node:vm";
import {
  decodeDod,
  decodeDodInto,
  deltaOfDelta,
  dodBits,
  DOD_FORMAT_TAG,
  DOD_FORMAT_VERSION,
  encodeDod,
  inverseDeltaOfDelta,
} from "../../lib/delta/dod.js";
import { BitReader, BitWriter } from "../../lib/delta/bitstream.js";
import { DeltaError } from "../../lib/delta/errors.js";
import { encodeVarint } from "../../lib/delta/varint.js";
import { bodyOf, expectDeltaError, int32Value, withCrc } from "./helpers.js";

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const T = DOD_FORMAT_TAG;

/**
 * Reference delta-of-delta with exact BigInt arithmetic, wrapped to int32
 * only at the end: independent of the codec's `| 0` tricks.
 */
function refDod(xs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const v = BigInt(xs[i]);
    if (i === 0) out.push(Number(v));
    else if (i === 1) out.push(Number(BigInt.asIntN(32, v - BigInt(xs[0]))));
    else out.push(Number(BigInt.asIntN(32, v - 2n * BigInt(xs[i - 1]) + BigInt(xs[i - 2]))));
  }
  return out;
}

/** Reference body bits of the paper's bucket code, as a '0'/'1' string. */
function refBits(xs: ArrayLike<number>): string {
  const bin = (v: number, n: number) => (BigInt(v) & ((1n << BigInt(n)) - 1n)).toString(2).padStart(n, "0");
  const dods = refDod(xs);
  let s = "";
  for (let i = 0; i < dods.length; i++) {
    const d = dods[i];
    if (i === 0) s += bin(d, 32);
    else if (d === 0) s += "0";
    else if (d >= -63 && d <= 64) s += "10" + bin(d + 63, 7);
    else if (d >= -255 && d <= 256) s += "110" + bin(d + 255, 9);
    else if (d >= -2047 && d <= 2048) s += "1110" + bin(d + 2047, 12);
    else s += "1111" + bin(d, 32);
  }
  return s;
}

function packBits(bits: string): number[] {
  const out = new Array<number>(Math.ceil(bits.length / 8)).fill(0);
  for (let i = 0; i < bits.length; i++) if (bits[i] === "1") out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

/** The whole encoding per the documented format, built independently of the codec. */
function refEncoding(xs: ArrayLike<number>): Uint8Array {
  return withCrc([T, DOD_FORMAT_VERSION, ...encodeVarint(xs.length), ...packBits(refBits(xs))]);
}

/** Hand-built encoding: header + count + the bits written by `fill` + CRC. */
function forged(count: number, fill: (w: BitWriter) => void): Uint8Array {
  const w = new BitWriter();
  fill(w);
  return withCrc([T, DOD_FORMAT_VERSION, ...encodeVarint(count), ...w.finish()]);
}

/** Timestamps with a constant cadence, in seconds (fit int32 until 2038). */
function regular(n: number, start = 1_700_000_000, step = 60): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => start + step * i);
}

const extremes = [INT32_MIN, INT32_MAX, 0, -1, 1];

describe("deltaOfDelta / inverseDeltaOfDelta", () => {
  it("follows the documented definition", () => {
    expect(Array.from(deltaOfDelta(Int32Array.from([100, 160, 220, 281])))).toEqual([100, 60, 0, 1]);
    expect(Array.from(inverseDeltaOfDelta(Int32Array.from([100, 60, 0, 1])))).toEqual([100, 160, 220, 281]);
    expect(deltaOfDelta(new Int32Array(0)).length).toBe(0);
    expect(inverseDeltaOfDelta(new Int32Array(0)).length).toBe(0);
  });

  it("matches exact BigInt arithmetic wrapped to int32, and inverts", () => {
    fc.assert(
      fc.property(fc.array(int32Value, { maxLength: 60 }), (xs) => {
        const v = Int32Array.from(xs);
        const d = deltaOfDelta(v);
        expect(Array.from(d)).toEqual(refDod(xs));
        expect(inverseDeltaOfDelta(d)).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it("wraps a 33-bit delta-of-delta: deltas INT32_MAX then INT32_MIN", () => {
    // v: 0, MAX (delta MAX), -1 (delta MIN after wrapping): true DoD = MIN - MAX = -(2**32 - 1), wraps to 1.
    const v = Int32Array.from([0, INT32_MAX, -1]);
    expect(Array.from(deltaOfDelta(v))).toEqual([0, INT32_MAX, 1]);
    expect(Array.from(inverseDeltaOfDelta(deltaOfDelta(v)))).toEqual([0, INT32_MAX, -1]);
  });

  it("requires Int32Arrays", () => {
    expectDeltaError(() => deltaOfDelta([1, 2] as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => inverseDeltaOfDelta(new Uint32Array(2) as unknown as Int32Array), "ERR_DELTA_INPUT");
  });
});

describe("dodBits", () => {
  it("gives the bucket sizes at every boundary", () => {
    const cases: [number, number][] = [
      [0, 1],
      [1, 9],
      [-1, 9],
      [-63, 9],
      [64, 9],
      [-64, 12],
      [65, 12],
      [-255, 12],
      [256, 12],
      [-256, 16],
      [257, 16],
      [-2047, 16],
      [2048, 16],
      [-2048, 36],
      [2049, 36],
      [INT32_MIN, 36],
      [INT32_MAX, 36],
    ];
    for (const [d, bits] of cases) expect([d, dodBits(d)]).toEqual([d, bits]);
    expectDeltaError(() => dodBits(0.5), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => dodBits(2 ** 31), "ERR_DELTA_NOT_INTEGER");
  });
});

describe("encodeDod / decodeDod", () => {
  it("round-trips arbitrary Int32Arrays", () => {
    fc.assert(
      fc.property(fc.int32Array({ maxLength: 300 }), (xs) => {
        expect(decodeDod(encodeDod(xs))).toEqual(xs);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips series biased to extremes, small steps and steady cadences, as arrays too", () => {
    const series = fc.oneof(
      fc.array(int32Value, { maxLength: 100 }),
      fc
        .tuple(int32Value, fc.integer({ min: -5000, max: 5000 }), fc.array(fc.integer({ min: -3000, max: 3000 }), { maxLength: 100 }))
        .map(([start, step, jitter]) => jitter.map((j, i) => (start + step * i + (i % 3 === 0 ? j : 0)) | 0)),
    );
    fc.assert(
      fc.property(series, (xs) => {
        const enc = encodeDod(xs);
        expect(Array.from(decodeDod(enc))).toEqual(xs);
        expect(Array.from(encodeDod(Int32Array.from(xs)))).toEqual(Array.from(enc));
      }),
      { numRuns: 500 },
    );
  });

  it("produces exactly the documented bytes (independent reference encoder)", () => {
    fc.assert(
      fc.property(fc.array(int32Value, { maxLength: 60 }), (xs) => {
        expect(Array.from(encodeDod(xs))).toEqual(Array.from(refEncoding(xs)));
      }),
      { numRuns: 300 },
    );
  });

  it("every sequence of 4 extremes round-trips (INT32_MIN/MAX jumps)", () => {
    let n = 0;
    for (const a of extremes)
      for (const b of extremes)
        for (const c of extremes)
          for (const d of extremes) {
            const xs = [a, b, c, d];
            const enc = encodeDod(xs);
            expect(Array.from(enc)).toEqual(Array.from(refEncoding(xs)));
            expect(Array.from(decodeDod(enc))).toEqual(xs);
            n++;
          }
    expect(n).toBe(625);
    const wild = [INT32_MIN, INT32_MAX, INT32_MIN, 0, INT32_MAX, -1, INT32_MIN, INT32_MAX, INT32_MAX, INT32_MIN];
    expect(Array.from(decodeDod(encodeDod(wild)))).toEqual(wild);
  });

  it("codes every bucket boundary in the documented bucket, for D_1 and for later D_i", () => {
    const boundaries = [0, 1, -1, -63, 64, -64, 65, -255, 256, -256, 257, -2047, 2048, -2048, 2049, 1e9, -1e9, INT32_MIN, INT32_MAX];
    for (const D of boundaries) {
      // [0, 0, D]: D_1 = 0, D_2 = D.
      const later = encodeDod([0, 0, D]);
      expect(later.length).toBe(2 + 1 + Math.ceil((32 + 1 + dodBits(D)) / 8) + 4);
      expect(Array.from(decodeDod(later))).toEqual([0, 0, D]);
      // [5, 5 + D]: D_1 = D (wrapped).
      const first = [5, (5 + D) | 0];
      const enc = encodeDod(first);
      expect(enc.length).toBe(2 + 1 + Math.ceil((32 + dodBits((first[1] - 5) | 0)) / 8) + 4);
      expect(Array.from(decodeDod(enc))).toEqual(first);
      // The exact prefix and payload bits.
      const r = new BitReader(later, 3, later.length - 4);
      expect(r.readBits(32)).toBe(0);
      expect(r.readBit()).toBe(0);
      if (D === 0) expect(r.readBit()).toBe(0);
      else if (dodBits(D) === 9) expect([r.readBits(2), r.readBits(7)]).toEqual([0b10, D + 63]);
      else if (dodBits(D) === 12) expect([r.readBits(3), r.readBits(9)]).toEqual([0b110, D + 255]);
      else if (dodBits(D) === 16) expect([r.readBits(4), r.readBits(12)]).toEqual([0b1110, D + 2047]);
      else expect([r.readBits(4), r.readBits(32) | 0]).toEqual([0b1111, D]);
    }
  });

  it("has the documented layout", () => {
    const xs = [1_700_000_000, 1_700_000_060, 1_700_000_120, 1_700_000_180];
    const enc = encodeDod(xs);
    expect(enc[0]).toBe(DOD_FORMAT_TAG);
    expect(enc[1]).toBe(DOD_FORMAT_VERSION);
    expect(enc[2]).toBe(4);
    // 32 bits of v0, '10' + (60 + 63), '0', '0' = 43 bits -> 6 bytes.
    const v0 = 1_700_000_000;
    expect(bodyOf(enc).slice(3)).toEqual([v0 >>> 24, (v0 >>> 16) & 0xff, (v0 >>> 8) & 0xff, v0 & 0xff, 0b1011_1101, 0b1000_0000]);
    expect(enc.length).toBe(13);
  });

  it("empty and single-value series", () => {
    const empty = encodeDod([]);
    expect(Array.from(empty.subarray(0, 3))).toEqual([T, 1, 0]);
    expect(empty.length).toBe(7);
    expect(decodeDod(empty)).toEqual(new Int32Array(0));
    expect(Array.from(decodeDod(encodeDod([INT32_MIN])))).toEqual([INT32_MIN]);
    expect(encodeDod([7]).length).toBe(2 + 1 + 4 + 4);
  });

  it("stores -0 as 0 and accepts Buffers, foreign realms and offset views", () => {
    expect(Array.from(decodeDod(encodeDod([-0, 1])))).toEqual([0, 1]);
    const enc = encodeDod([5, -5, 7]);
    expect(Array.from(decodeDod(Buffer.from(enc)))).toEqual([5, -5, 7]);
    const foreign = vm.runInNewContext("new Uint8Array(arr)", { arr: Array.from(enc) }) as Uint8Array;
    expect(Array.from(decodeDod(foreign))).toEqual([5, -5, 7]);
    const big = new Uint8Array(enc.length + 10).fill(0xff);
    big.set(enc, 5);
    expect(Array.from(decodeDod(big.subarray(5, 5 + enc.length)))).toEqual([5, -5, 7]);
    const foreignValues = vm.runInNewContext("new Int32Array([1, 2, 4])") as Int32Array;
    expect(Array.from(decodeDod(encodeDod(foreignValues)))).toEqual([1, 2, 4]);
  });

  it("validates input", () => {
    expectDeltaError(() => encodeDod("123" as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeDod(new Uint32Array(2) as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeDod(new Float64Array(2) as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeDod([1, null as unknown as number]), "ERR_DELTA_INPUT");
    expect(expectDeltaError(() => encodeDod([0.5]), "ERR_DELTA_NOT_INTEGER").message).toContain("index 0");
    expect(expectDeltaError(() => encodeDod([1, 2, INT32_MAX + 1]), "ERR_DELTA_NOT_INTEGER").message).toContain("index 2");
    expectDeltaError(() => encodeDod([NaN]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeDod([-Infinity]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => decodeDod([T, 1, 0, 0, 0, 0, 0] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeDod(new Int8Array(7) as unknown as Uint8Array), "ERR_DELTA_INPUT");
  });
});

describe("decodeDodInto", () => {
  it("fills a prefix of the caller's array and returns the count", () => {
    const out = new Int32Array(6).fill(99);
    expect(decodeDodInto(encodeDod([10, 20, 30]), out)).toBe(3);
    expect(Array.from(out)).toEqual([10, 20, 30, 99, 99, 99]);
    expect(decodeDodInto(encodeDod([]), out)).toBe(0);
    const exact = new Int32Array(3);
    expect(decodeDodInto(encodeDod([INT32_MIN, INT32_MAX, 0]), exact)).toBe(3);
    expect(Array.from(exact)).toEqual([INT32_MIN, INT32_MAX, 0]);
    // Decoding into a view writes through to the underlying buffer.
    const backing = new Int32Array(5);
    expect(decodeDodInto(encodeDod([7, 8]), backing.subarray(2))).toBe(2);
    expect(Array.from(backing)).toEqual([0, 0, 7, 8, 0]);
  });

  it("agrees with decodeDod on random series", () => {
    fc.assert(
      fc.property(fc.int32Array({ maxLength: 100 }), fc.integer({ min: 0, max: 5 }), (xs, extra) => {
        const out = new Int32Array(xs.length + extra);
        expect(decodeDodInto(encodeDod(xs), out)).toBe(xs.length);
        expect(out.subarray(0, xs.length)).toEqual(xs);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects a destination that is too small or not an Int32Array", () => {
    expect(expectDeltaError(() => decodeDodInto(encodeDod([1, 2, 3]), new Int32Array(2)), "ERR_DELTA_INPUT").message).toContain(
      "3 values",
    );
    expectDeltaError(() => decodeDodInto(encodeDod([1]), new Float64Array(4) as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeDodInto(encodeDod([1]), [0, 0] as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeDodInto("x" as unknown as Uint8Array, new Int32Array(1)), "ERR_DELTA_INPUT");
    // A forged count is corrupt even with a large enough destination.
    expectDeltaError(() => decodeDodInto(withCrc([T, 1, ...encodeVarint(2 ** 31), 0, 0, 0, 0]), new Int32Array(8)), "ERR_DELTA_CORRUPT");
  });
});

describe("hand-forged encodings with valid CRCs", () => {
  it("rejects a D written in a larger bucket than needed", () => {
    const v0 = (w: BitWriter) => w.writeBits(0, 32);
    const cases: [string, (w: BitWriter) => void][] = [
      ["D=0 as '10'", (w) => w.writeBits((0b10 << 7) | 63, 9)],
      ["D=64 as '110'", (w) => w.writeBits((0b110 << 9) | (64 + 255), 12)],
      ["D=-63 as '110'", (w) => w.writeBits((0b110 << 9) | (-63 + 255), 12)],
      ["D=256 as '1110'", (w) => w.writeBits((0b1110 << 12) | (256 + 2047), 16)],
      ["D=0 as '1110'", (w) => w.writeBits((0b1110 << 12) | 2047, 16)],
      ["D=2048 as '1111'", (w) => (w.writeBits(0b1111, 4), w.writeBits(2048, 32))],
      ["D=-2047 as '1111'", (w) => (w.writeBits(0b1111, 4), w.writeBits(-2047, 32))],
      ["D=0 as '1111'", (w) => (w.writeBits(0b1111, 4), w.writeBits(0, 32))],
    ];
    for (const [name, fill] of cases) {
      const err = expectDeltaError(() => decodeDod(forged(2, (w) => (v0(w), fill(w)))), "ERR_DELTA_CORRUPT");
      expect([name, err.message]).toEqual([name, expect.stringMatching(/bucket|coded as/)]);
    }
    // The smallest D of each bucket, coded canonically, decodes.
    expect(Array.from(decodeDod(forged(2, (w) => (v0(w), w.writeBits((0b110 << 9) | (65 + 255), 12)))))).toEqual([0, 65]);
    expect(Array.from(decodeDod(forged(2, (w) => (v0(w), w.writeBits(0b1111, 4), w.writeBits(2049, 32)))))).toEqual([0, 2049]);
    expect(Array.from(decodeDod(forged(2, (w) => (v0(w), w.writeBits(0b1111, 4), w.writeBits(-2048, 32)))))).toEqual([0, -2048]);
  });

  it("a code running past the end is truncated", () => {
    // v0, then '1111' + 20 of its 32 bits: 56 bits = 7 bytes, but 68 needed.
    expectDeltaError(() => decodeDod(forged(2, (w) => (w.writeBits(0, 32), w.writeBits(0b1111, 4), w.writeBits(0, 20)))), "ERR_DELTA_TRUNCATED");
    // '10' + 7 needs 9 bits; only 8 left.
    expectDeltaError(() => decodeDod(forged(2, (w) => (w.writeBits(0, 32), w.writeBits(0b10111111, 8)))), "ERR_DELTA_TRUNCATED");
    // '1110' with its 12 bits cut to 4.
    expectDeltaError(() => decodeDod(forged(2, (w) => (w.writeBits(0, 32), w.writeBits(0b1110_1111, 8)))), "ERR_DELTA_TRUNCATED");
    // Count 5 passes the count check (32 + 4 bits <= 40), but '110' needs 12 bits and 8 are left.
    expectDeltaError(() => decodeDod(forged(5, (w) => (w.writeBits(0, 32), w.writeBits(0b110_11111, 8)))), "ERR_DELTA_TRUNCATED");
    // Count 10 with only 8 zero bits after v0 is caught earlier, by the count check.
    expectDeltaError(() => decodeDod(forged(10, (w) => (w.writeBits(0, 32), w.writeBits(0, 8)))), "ERR_DELTA_CORRUPT");
    // Count 1 and only 3 bytes for v0.
    expectDeltaError(() => decodeDod(withCrc([T, 1, 1, 0, 0, 0])), "ERR_DELTA_CORRUPT");
  });

  it("a forged count is rejected before allocating", () => {
    for (const count of [2 ** 31, 2 ** 32, 2 ** 53, 2 ** 31 - 1]) {
      expectDeltaError(() => decodeDod(withCrc([T, 1, ...encodeVarint(count), 0, 0, 0, 0, 0, 0, 0, 0])), "ERR_DELTA_CORRUPT");
    }
    // 4 bytes of v0 + 4 zero bytes hold at most 1 + 32 values; 33 decode, 34 do not.
    expect(decodeDod(withCrc([T, 1, 33, 0, 0, 0, 0, 0, 0, 0, 0])).length).toBe(33);
    expectDeltaError(() => decodeDod(withCrc([T, 1, 34, 0, 0, 0, 0, 0, 0, 0, 0])), "ERR_DELTA_CORRUPT");
    // A non-zero count with an empty body.
    expectDeltaError(() => decodeDod(withCrc([T, 1, 1])), "ERR_DELTA_CORRUPT");
  });

  it("trailing bytes and non-zero padding are corrupt", () => {
    expectDeltaError(() => decodeDod(withCrc([...bodyOf(encodeDod([1, 2, 3])), 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDod(withCrc([T, 1, 0, 0])), "ERR_DELTA_CORRUPT");
    // [0, 0]: 32 bits + '0' = 33 bits; set the last padding bit.
    const body = bodyOf(encodeDod([0, 0]));
    body[body.length - 1] |= 1;
    expect(expectDeltaError(() => decodeDod(withCrc(body)), "ERR_DELTA_CORRUPT").message).toContain("padding");
  });

  it("wrong tag, version, checksum or length", () => {
    expectDeltaError(() => decodeDod(withCrc([0x49, 1, 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDod(withCrc([T, 2, 0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeDod(new Uint8Array([0x47])), "ERR_DELTA_CORRUPT");
    for (const b of [[], [T], [T, 1], [T, 1, 0, 0, 0, 0]]) expectDeltaError(() => decodeDod(new Uint8Array(b)), "ERR_DELTA_TRUNCATED");
    const enc = encodeDod([1, 2, 3]);
    enc[enc.length - 1] ^= 0x40;
    expect(expectDeltaError(() => decodeDod(enc), "ERR_DELTA_CORRUPT").message).toContain("checksum");
  });
});

/** Decode, allowing only success or a DeltaError. */
function decodeOrDeltaError(bytes: Uint8Array): Int32Array | undefined {
  try {
    return decodeDod(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(DeltaError);
    return undefined;
  }
}

describe("fuzzing decodeDod", () => {
  const encoded = fc
    .oneof(
      fc.array(int32Value, { maxLength: 30 }),
      fc.array(fc.integer({ min: -3000, max: 3000 }), { maxLength: 30 }).map((j) => j.map((x, i) => 1000 + 60 * i + (i % 2 ? x : 0))),
    )
    .map((xs) => ({ xs, enc: encodeDod(xs) }));

  it("every truncation throws a DeltaError", () => {
    fc.assert(
      fc.property(encoded, ({ enc }) => {
        for (let len = 0; len < enc.length; len++) expectDeltaError(() => decodeDod(enc.slice(0, len)));
      }),
      { numRuns: 150 },
    );
  });

  it("every single bit flip throws a DeltaError", () => {
    fc.assert(
      fc.property(encoded, ({ enc }) => {
        const copy = enc.slice();
        for (let i = 0; i < copy.length; i++) {
          for (let bit = 0; bit < 8; bit++) {
            copy[i] ^= 1 << bit;
            expectDeltaError(() => decodeDod(copy));
            copy[i] ^= 1 << bit;
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("bit flips in the body with the CRC recomputed: a DeltaError or an array that re-encodes to the same bytes", () => {
    let decoded = 0;
    fc.assert(
      fc.property(encoded, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), ({ enc }, flips) => {
        const body = bodyOf(enc);
        const bodyBits = (body.length - 3) * 8;
        if (bodyBits === 0) return;
        for (const f of flips) {
          const b = 3 * 8 + (f % bodyBits);
          body[b >> 3] ^= 0x80 >> (b & 7);
        }
        const bytes = withCrc(body);
        const out = decodeOrDeltaError(bytes);
        if (out) {
          decoded++;
          expect(Array.from(encodeDod(out))).toEqual(Array.from(bytes));
        }
      }),
      { numRuns: 2000 },
    );
    expect(decoded).toBeGreaterThan(0);
  });

  it("random bodies behind a valid header and CRC: a DeltaError or the unique encoding", () => {
    let decoded = 0;
    const body = fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.uint8Array({ maxLength: 24 }))
      .map(([count, rest]) => [T, 1, count, ...rest]);
    fc.assert(
      fc.property(body, (b) => {
        const bytes = withCrc(b);
        const out = decodeOrDeltaError(bytes);
        if (out) {
          decoded++;
          expect(Array.from(encodeDod(out))).toEqual(Array.from(bytes));
        }
      }),
      { numRuns: 3000 },
    );
    expect(decoded).toBeGreaterThan(0);
  });

  it("forged counts with a valid CRC: a DeltaError or the unique encoding", () => {
    fc.assert(
      fc.property(
        encoded,
        fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(2 ** 31, 2 ** 32 - 1, 2 ** 53), fc.nat()),
        ({ xs, enc }, count) => {
          const body = bodyOf(enc);
          const bytes = withCrc([T, 1, ...encodeVarint(count), ...body.slice(2 + encodeVarint(xs.length).length)]);
          const out = decodeOrDeltaError(bytes);
          if (out) {
            expect(out.length).toBe(count);
            expect(Array.from(encodeDod(out))).toEqual(Array.from(bytes));
            if (count === xs.length) expect(Array.from(out)).toEqual(xs);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("random bytes decode or throw a DeltaError, nothing else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 20 }).map((r) => new Uint8Array([T, 1, ...r]))), (bytes) => {
        decodeOrDeltaError(bytes);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("what the notebook shows", () => {
  it("steady cadence costs about 1 bit a value; jitter costs a few", () => {
    const n = 100_000;
    const ts = regular(n);
    const enc = encodeDod(ts);
    // 32 bits + '10'+7 for the first delta (60) + 1 bit per further value.
    expect(enc.length).toBe(2 + 3 + Math.ceil((32 + 9 + (n - 2)) / 8) + 4);
    const bitsPerValue = (enc.length * 8) / n;
    expect(bitsPerValue).toBeGreaterThan(0.99);
    expect(bitsPerValue).toBeLessThan(1.1);
    expect(decodeDod(enc)).toEqual(ts);
    // Versus 32 bits raw: more than 25 times smaller.
    expect(ts.byteLength / enc.length).toBeGreaterThan(25);

    // 10% of samples late by 1-2 s: each late sample costs two 9-bit codes.
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0), seed / 2 ** 32);
    const jittered = ts.map((t) => (rand() < 0.1 ? t + 1 + Math.floor(rand() * 2) : t));
    const jEnc = encodeDod(jittered);
    const jBits = (jEnc.length * 8) / n;
    expect(jBits).toBeGreaterThan(2);
    expect(jBits).toBeLessThan(4);
    expect(decodeDod(jEnc)).toEqual(jittered);
  });
});
