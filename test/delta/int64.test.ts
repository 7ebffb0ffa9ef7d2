import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  add64,
  bitWidth64,
  compareInt64,
  int64ToWords,
  int64WordsView,
  LITTLE_ENDIAN,
  readVarint64,
  splitBigInt64,
  sub64,
  toBigInt64,
  varint64Length,
  VARINT64_MAX_BYTES,
  wordsToInt64,
  writeVarint64,
  zigzagDecode64,
  zigzagEncode64,
} from "../../lib/delta/int64.js";
import { expectDeltaError } from "./helpers.js";

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const U64 = 2n ** 64n;

/** int64 values biased towards the places Number-based code breaks. */
const int64 = fc.oneof(
  fc.bigInt({ min: MIN, max: MAX }),
  fc.constantFrom(MIN, MAX, 0n, -1n, 1n, MIN + 1n, MAX - 1n, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n),
  // around 2**52, 2**53 (where doubles stop being exact) and the int32 edges
  fc
    .tuple(fc.constantFrom(2n ** 52n, 2n ** 53n, 2n ** 31n, 2n ** 32n, 2n ** 62n), fc.bigInt({ min: -3n, max: 3n }), fc.boolean())
    .map(([base, off, neg]) => (neg ? -(base + off) : base + off)),
  fc.bigInt({ min: -1000n, max: 1000n }),
);

/** The (lo, hi) words of a bigint modulo 2**64, computed the slow, obvious way. */
function words(v: bigint): [number, number] {
  const u = BigInt.asUintN(64, v);
  return [Number(u % 2n ** 32n), Number(u / 2n ** 32n)];
}

/** Read an `out` pair back as a signed bigint. */
function pair(out: Uint32Array): bigint {
  return BigInt.asIntN(64, BigInt(out[1]) * 2n ** 32n + BigInt(out[0]));
}

/** Reference ULEB128 of an unsigned bigint. */
function leb(u: bigint): number[] {
  const out: number[] = [];
  do {
    const g = Number(u & 0x7fn);
    u >>= 7n;
    out.push(u > 0n ? g | 0x80 : g);
  } while (u > 0n);
  return out;
}

describe("int64 word arithmetic matches BigInt", () => {
  const out = new Uint32Array(2);

  it("add64 / sub64 wrap modulo 2**64", () => {
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const [aLo, aHi] = words(a);
        const [bLo, bHi] = words(b);
        add64(out, aLo, aHi, bLo, bHi);
        expect(pair(out)).toBe(BigInt.asIntN(64, a + b));
        sub64(out, aLo, aHi, bLo, bHi);
        expect(pair(out)).toBe(BigInt.asIntN(64, a - b));
        // int32 spellings of the same words give the same result
        sub64(out, aLo | 0, aHi | 0, bLo | 0, bHi | 0);
        expect(pair(out)).toBe(BigInt.asIntN(64, a - b));
      }),
      { numRuns: 2000 },
    );
  });

  it("compareInt64 is signed comparison", () => {
    fc.assert(
      fc.property(int64, int64, (a, b) => {
        const [aLo, aHi] = words(a);
        const [bLo, bHi] = words(b);
        expect(compareInt64(aLo, aHi, bLo, bHi)).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
      { numRuns: 1000 },
    );
  });

  it("zigzag64 is (v << 1) ^ (v >> 63) over the whole range and inverts", () => {
    fc.assert(
      fc.property(int64, (v) => {
        const [lo, hi] = words(v);
        zigzagEncode64(out, lo, hi);
        const z = BigInt(out[1]) * 2n ** 32n + BigInt(out[0]);
        expect(z).toBe(v >= 0n ? 2n * v : -2n * v - 1n);
        zigzagDecode64(out, out[0], out[1]);
        expect(pair(out)).toBe(v);
      }),
      { numRuns: 2000 },
    );
  });

  it("zigzag64 at the edges where Number zigzag breaks", () => {
    const cases: Array<[bigint, bigint]> = [
      [0n, 0n],
      [-1n, 1n],
      [1n, 2n],
      [2n ** 52n, 2n ** 53n],
      [-(2n ** 52n), 2n ** 53n - 1n],
      [2n ** 52n + 1n, 2n ** 53n + 2n],
      [2n ** 53n, 2n ** 54n],
      [2n ** 53n + 1n, 2n ** 54n + 2n], // not a double: Number code cannot even hold it
      [-(2n ** 53n) - 1n, 2n ** 54n + 1n],
      [MAX, U64 - 2n],
      [MIN, U64 - 1n],
    ];
    for (const [v, z] of cases) {
      const [lo, hi] = words(v);
      zigzagEncode64(out, lo, hi);
      expect(BigInt(out[1]) * 2n ** 32n + BigInt(out[0])).toBe(z);
      zigzagDecode64(out, out[0], out[1]);
      expect(pair(out)).toBe(v);
    }
    // Why this module exists: arithmetic zigzag on Numbers is wrong as soon
    // as the result passes 2**53, e.g. for v = -(2**53 + 2), which is itself
    // an exact double: -2v - 1 = 2**54 + 3 rounds to 2**54 + 4.
    const v = -(2 ** 53 + 2);
    expect(BigInt(-2 * v - 1)).not.toBe(2n ** 54n + 3n);
    const [lo, hi] = words(BigInt(v));
    zigzagEncode64(out, lo, hi);
    expect(BigInt(out[1]) * 2n ** 32n + BigInt(out[0])).toBe(2n ** 54n + 3n);
  });

  it("bitWidth64 and varint64Length", () => {
    expect(bitWidth64(0, 0)).toBe(0);
    expect(bitWidth64(1, 0)).toBe(1);
    expect(bitWidth64(0xffffffff, 0)).toBe(32);
    expect(bitWidth64(0, 1)).toBe(33);
    expect(bitWidth64(-1, -1)).toBe(64);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: U64 - 1n }), (u) => {
        const [lo, hi] = words(u);
        expect(bitWidth64(lo, hi)).toBe(u === 0n ? 0 : u.toString(2).length);
        expect(varint64Length(lo, hi)).toBe(leb(u).length);
      }),
      { numRuns: 1000 },
    );
    expect(varint64Length(0, 0)).toBe(1);
    expect(varint64Length(-1, -1)).toBe(VARINT64_MAX_BYTES);
  });
});

describe("varint64", () => {
  const out = new Uint32Array(2);

  it("writes the reference ULEB128 and reads it back", () => {
    const buf = new Uint8Array(12);
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 0n, max: U64 - 1n }), fc.constantFrom(0n, 127n, 128n, 2n ** 63n, U64 - 1n, 2n ** 53n)),
        (u) => {
          const [lo, hi] = words(u);
          const end = writeVarint64(buf, 1, lo, hi);
          expect(Array.from(buf.subarray(1, end))).toEqual(leb(u));
          expect(readVarint64(buf, 1, end, out)).toBe(end);
          expect(BigInt(out[1]) * 2n ** 32n + BigInt(out[0])).toBe(u);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("accepts non-minimal varints up to 10 bytes", () => {
    const b = Uint8Array.of(0x85, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00);
    expect(readVarint64(b, 0, b.length, out)).toBe(10);
    expect(Array.from(out)).toEqual([5, 0]);
  });

  it("rejects more than 64 bits and more than 10 bytes", () => {
    const over = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02);
    expectDeltaError(() => readVarint64(over, 0, over.length, out), "ERR_DELTA_CORRUPT");
    const long = Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00);
    expectDeltaError(() => readVarint64(long, 0, long.length, out), "ERR_DELTA_CORRUPT");
    const max = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    readVarint64(max, 0, max.length, out);
    expect(Array.from(out)).toEqual([0xffffffff, 0xffffffff]);
  });

  it("never reads at or past `end`", () => {
    // The bytes after `end` would complete the varint; they must not be used.
    const b = Uint8Array.of(0x80, 0x80, 0x01);
    expectDeltaError(() => readVarint64(b, 0, 2, out), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => readVarint64(b, 3, 3, out), "ERR_DELTA_TRUNCATED");
    // an `end` beyond the array is clamped, not trusted
    expectDeltaError(() => readVarint64(b.subarray(0, 2), 0, 99, out), "ERR_DELTA_TRUNCATED");
  });
});

describe("BigInt64Array conversions", () => {
  it("int64ToWords / wordsToInt64 round-trip and agree with the view", () => {
    fc.assert(
      fc.property(fc.array(int64, { maxLength: 40 }), (xs) => {
        const v = BigInt64Array.from(xs);
        const w = int64ToWords(v);
        for (let i = 0; i < xs.length; i++) {
          expect([w[2 * i], w[2 * i + 1]]).toEqual(words(xs[i]));
          expect(toBigInt64(w[2 * i], w[2 * i + 1])).toBe(xs[i]);
        }
        expect(Array.from(wordsToInt64(w))).toEqual(xs);
        expect(Array.from(wordsToInt64(new Int32Array(w.buffer)))).toEqual(xs);
        if (LITTLE_ENDIAN) expect(Array.from(int64WordsView(v))).toEqual(Array.from(w));
      }),
      { numRuns: 300 },
    );
  });

  it("int64WordsView shares memory, also for subarrays", () => {
    const v = BigInt64Array.of(1n, 2n, 3n).subarray(1);
    const view = int64WordsView(v);
    expect(view.length).toBe(4);
    view[LITTLE_ENDIAN ? 1 : 0] = 0xffffffff;
    expect(v[0]).toBe(BigInt.asIntN(64, 2n + 0xffffffffn * 2n ** 32n));
  });

  it("splitBigInt64 wraps like a BigInt64Array store", () => {
    const out = new Uint32Array(2);
    for (const x of [0n, -1n, MIN, MAX, U64 + 5n, -(U64 + 5n), 2n ** 53n + 1n]) {
      splitBigInt64(out, x);
      expect(pair(out)).toBe(BigInt.asIntN(64, x));
      expect(toBigInt64(out[0], out[1])).toBe(BigInt64Array.of(x)[0]);
    }
  });

  it("validates arguments", () => {
    const out = new Uint32Array(2);
    expectDeltaError(() => int64WordsView([1n] as unknown as BigInt64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => int64ToWords(new BigUint64Array(1) as unknown as BigInt64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => wordsToInt64(new Uint32Array(3)), "ERR_DELTA_INPUT");
    expectDeltaError(() => wordsToInt64(new Float64Array(2) as unknown as Uint32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => toBigInt64(1.5, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => toBigInt64(0, 2 ** 32), "ERR_DELTA_INPUT");
    expectDeltaError(() => toBigInt64(NaN, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => splitBigInt64(out, 5 as unknown as bigint), "ERR_DELTA_INPUT");
    expectDeltaError(() => add64(new Uint32Array(1), 0, 0, 0, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => add64(new Int32Array(2) as unknown as Uint32Array, 0, 0, 0, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => sub64(out, 0, 0, -(2 ** 31) - 1, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => zigzagEncode64(out, 0, "1" as unknown as number), "ERR_DELTA_INPUT");
    expectDeltaError(() => zigzagDecode64(out, 0.5, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => bitWidth64(2 ** 40, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => compareInt64(0, 0, 0, Infinity), "ERR_DELTA_INPUT");
  });
});
