import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { unpackBits64 } from "../../lib/delta/bitpack64.js";
import {
  MAX_ADJUSTED,
  UNPACK_DELTA64,
  UNPACK_DELTA64_SAME_HI,
  UNPACK_DELTA64_SAME_HI_128,
} from "../../lib/delta/unpack64.js";

// Independent model: unpack with the checked bit unpacker, then add in BigInt.

const toBig = (lo: number, hi: number): bigint => BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));

/** The values a kernel must write: start + Σ (min + x_k), modulo 2**64. */
function model(packed: Uint8Array, at: number, n: number, width: number, start: bigint, min: bigint): bigint[] {
  const words = new Uint32Array(2 * n);
  unpackBits64(packed, at, n, width, words, 0);
  const out: bigint[] = [];
  let v = start;
  for (let k = 0; k < n; k++) {
    v = BigInt.asIntN(64, v + min + ((BigInt(words[2 * k + 1]) << 32n) | BigInt(words[2 * k])));
    out.push(v);
  }
  return out;
}

/** Run a kernel on a fresh output whose words 0, 1 hold `start`; return the n values it wrote. */
function run(n: number, start: bigint, call: (o: Int32Array) => void): bigint[] {
  const o = new Int32Array(2 + 2 * n + 2).fill(0x5a5a5a5a);
  o[0] = Number(BigInt.asIntN(32, start));
  o[1] = Number(BigInt.asIntN(32, start >> 32n));
  call(o);
  // nothing written past the group
  expect(o[2 + 2 * n]).toBe(0x5a5a5a5a);
  expect(o[3 + 2 * n]).toBe(0x5a5a5a5a);
  return Array.from({ length: n }, (_, k) => toBig(o[2 + 2 * k], o[3 + 2 * k]));
}

const split = (v: bigint): [number, number] => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];

const int64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.bigInt({ min: -5000n, max: 5000n }),
  fc.tuple(fc.integer(), fc.bigInt({ min: -5000n, max: 5000n })).map(([h, e]) => BigInt.asIntN(64, (BigInt(h) << 32n) + e)),
);

describe("UNPACK_DELTA64 (carrying kernels)", () => {
  it("match the model for every width 0..64 at any byte offset", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 0, max: 5 }),
        int64,
        int64,
        fc.uint8Array({ minLength: 8 * 64 + 5, maxLength: 8 * 64 + 5 }),
        (width, at, start, min, packed) => {
          const [m, mh] = split(min);
          const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
          const got = run(32, start, (o) => UNPACK_DELTA64[width](view, at, o, 2, m, mh));
          expect(got).toEqual(model(packed, at, 32, width, start, min));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("carry and borrow across the word boundary and the int64 wrap", () => {
    const zeros = new DataView(new ArrayBuffer(0));
    // 2**32 - 1 + 1 carries into the high word
    expect(run(32, 2n ** 32n - 1n, (o) => UNPACK_DELTA64[0](zeros, 0, o, 2, 1, 0))[0]).toBe(2n ** 32n);
    // 2**32 - 1 borrows back
    expect(run(32, 2n ** 32n, (o) => UNPACK_DELTA64[0](zeros, 0, o, 2, -1, -1))[0]).toBe(2n ** 32n - 1n);
    // INT64_MAX + 1 wraps to INT64_MIN
    expect(run(32, 2n ** 63n - 1n, (o) => UNPACK_DELTA64[0](zeros, 0, o, 2, 1, 0))[0]).toBe(-(2n ** 63n));
  });
});

describe("UNPACK_DELTA64_SAME_HI and _128", () => {
  /**
   * Inputs within the kernels' contract: width <= 32, min with high word 0
   * or -1, and a start whose low word keeps every partial sum in [0, 2**32).
   */
  const contract = (n: number) =>
    fc
      .record({
        width: fc.integer({ min: 0, max: 32 }),
        min: fc.oneof(fc.bigInt({ min: -(2n ** 32n), max: 2n ** 32n - 1n }), fc.bigInt({ min: -3000n, max: 3000n })),
        hi: fc.integer(),
        pick: fc.double({ min: 0, max: 1, noNaN: true }),
        at: fc.integer({ min: 0, max: 3 }),
        packed: fc.uint8Array({ minLength: 4 * 4 * 32 + 3, maxLength: 4 * 4 * 32 + 3 }),
      })
      .map((r) => {
        const lowest = Number(r.min < 0n ? -BigInt(n) * r.min : 0n);
        const maxD = Number(r.min) + MAX_ADJUSTED[r.width];
        const highest = 4294967295 - (maxD > 0 ? n * maxD : 0);
        return { ...r, lowest, highest };
      })
      .filter((r) => r.lowest <= r.highest)
      .map((r) => {
        const lo = BigInt(Math.floor(r.lowest + r.pick * (r.highest - r.lowest)));
        return { ...r, start: BigInt.asIntN(64, (BigInt(r.hi) << 32n) | lo) };
      });

  it("32 values: match the model (and the carrying kernel) within their contract", () => {
    fc.assert(
      fc.property(contract(32), (r) => {
        const view = new DataView(r.packed.buffer);
        const [m, mh] = split(r.min);
        const expected = model(r.packed, r.at, 32, r.width, r.start, r.min);
        expect(run(32, r.start, (o) => UNPACK_DELTA64_SAME_HI[r.width](view, r.at, o, 2, m))).toEqual(expected);
        expect(run(32, r.start, (o) => UNPACK_DELTA64[r.width](view, r.at, o, 2, m, mh))).toEqual(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it("128 values: match four 32-value groups", () => {
    fc.assert(
      fc.property(contract(128), (r) => {
        const view = new DataView(r.packed.buffer);
        const [m] = split(r.min);
        const expected = model(r.packed, r.at, 128, r.width, r.start, r.min);
        expect(run(128, r.start, (o) => UNPACK_DELTA64_SAME_HI_128[r.width](view, r.at, o, 2, m))).toEqual(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it("outside the contract: still the model's low words, with the start's high word (every width)", () => {
    // What the kernels compute for any input (their caller only relies on it
    // within the contract): this checks the bit extraction of widths 28..32,
    // which the contract never admits for 32 values.
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 32 }),
        fc.constantFrom(32, 128),
        int64,
        int64,
        fc.uint8Array({ minLength: 4 * 4 * 32, maxLength: 4 * 4 * 32 }),
        (width, n, start, min, packed) => {
          const view = new DataView(packed.buffer);
          const [m] = split(min);
          const kernel = (n === 32 ? UNPACK_DELTA64_SAME_HI : UNPACK_DELTA64_SAME_HI_128)[width];
          const got = run(n, start, (o) => kernel(view, 0, o, 2, m));
          const expected = model(packed, 0, n, width, start, min);
          const hi = BigInt.asIntN(32, start >> 32n);
          expect(got.map((v) => [BigInt.asUintN(32, v), v >> 32n])).toEqual(expected.map((v) => [BigInt.asUintN(32, v), hi]));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("the documented examples", () => {
    const empty = new DataView(new ArrayBuffer(0));
    const o = new Int32Array(66);
    o[0] = 10;
    o[1] = 7;
    UNPACK_DELTA64_SAME_HI[0](empty, 0, o, 2, 2);
    expect([o[2], o[3], o[4], o[64], o[65]]).toEqual([12, 7, 14, 74, 7]);
    const p = new Int32Array(258);
    p[0] = 10;
    UNPACK_DELTA64_SAME_HI_128[0](empty, 0, p, 2, 1);
    expect([p[256], p[257]]).toEqual([138, 0]);
    const q = new Int32Array(66);
    q[0] = -1;
    UNPACK_DELTA64[0](empty, 0, q, 2, 1, 0);
    expect([q[2], q[3], q[4], q[5], q[64], q[65]]).toEqual([0, 1, 1, 1, 31, 1]);
    expect(MAX_ADJUSTED[12]).toBe(4095);
    expect(MAX_ADJUSTED[64]).toBe(2 ** 64 - 1);
    expect(MAX_ADJUSTED.length).toBe(65);
  });
});
