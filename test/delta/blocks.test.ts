import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vm from "node:vm";
import {
  BLOCK_VALUES,
  blockValueAt,
  BLOCKS_FORMAT_TAG,
  BLOCKS_FORMAT_VERSION,
  decodeBlocks,
  decodeBlocksInto,
  encodeBlocks,
  inspectBlocks,
  openBlocks,
} from "../../lib/delta/blocks.js";
import { DeltaError } from "../../lib/delta/errors.js";
import { loadFlightTimes } from "../../lib/data/flights.js";
import { loadSp500 } from "../../lib/data/index.js";
import { jitteredTimestamps } from "../../lib/bench/datasets.js";
import { gcdOfDeltas } from "../../lib/delta/stride.js";
import { expectDeltaError, int32Value, withCrc } from "./helpers.js";

const MIN = -(2 ** 31);
const MAX = 2 ** 31 - 1;

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

/** A block encoding around a hand-made body: tag, version, L, body, CRC. */
function frame(body: readonly number[]): Uint8Array {
  return withCrc([BLOCKS_FORMAT_TAG, BLOCKS_FORMAT_VERSION, ...varint(body.length + 4), ...body]);
}

/** The body of an encoding (between L and the CRC). */
function bodyOf(enc: Uint8Array): number[] {
  let pos = 2;
  while (enc[pos] >= 0x80) pos++;
  return Array.from(enc.subarray(pos + 1, enc.length - 4));
}

/** Fast exact comparison for large arrays (toEqual walks them element by element, slowly). */
function expectSameValues(actual: Int32Array, expected: Int32Array): void {
  expect(actual.length).toBe(expected.length);
  let firstDiff = -1;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      firstDiff = i;
      break;
    }
  }
  expect(firstDiff).toBe(-1);
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** The brief's benchmark data: 1 s cadence in ms with ±10 ms uniform jitter. */
function jittered(n: number, seed = 1): Int32Array {
  const r = lcg(seed);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = 1_600_000_000 + 1000 * i + Math.floor(r() * 21) - 10;
  return out;
}

/** Jittered timestamps with a rare big gap: patched and plain blocks mixed. */
function withOutliers(n: number, seed = 3): Int32Array {
  const r = lcg(seed);
  const out = new Int32Array(n);
  let v = -5000;
  for (let i = 0; i < n; i++) {
    v += 1000 + Math.floor(r() * 21) - 10 + (r() < 0.02 ? 40_000 : 0);
    out[i] = v;
  }
  return out;
}

const smooth = fc
  .tuple(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 700 }), fc.integer())
  .map(([start, bits, n, seed]) => {
    const r = lcg(seed);
    const out = new Int32Array(n);
    let v = start;
    for (let i = 0; i < n; i++) {
      v = (v + Math.floor(r() * 2 ** bits) - (bits === 0 ? 0 : 2 ** (bits - 1))) | 0;
      out[i] = v;
    }
    return out;
  });

/** Sorted series on a cadence with gaps: the divisor's case. */
const cadenced = fc
  .tuple(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), fc.integer({ min: 1, max: 5000 }), fc.array(fc.nat({ max: 4 }), { maxLength: 600 }))
  .map(([start, stride, steps]) => {
    const out = new Int32Array(steps.length + 1);
    out[0] = start;
    for (let i = 0; i < steps.length; i++) out[i + 1] = (out[i] + steps[i] * stride) | 0;
    return out;
  });

/** Smooth steps with rare outliers: the patched blocks' case (exceptions at random places). */
const outliers = fc
  .tuple(
    fc.integer({ min: MIN, max: MAX }),
    fc.integer({ min: 0, max: 12 }),
    fc.integer({ min: 1, max: 30 }),
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0, max: 700 }),
    fc.integer(),
    fc.integer({ min: 1, max: 1000 }),
  )
  .map(([start, bits, jump, perMille, n, seed, stride]) => {
    const r = lcg(seed);
    const out = new Int32Array(n);
    let v = start;
    for (let i = 0; i < n; i++) {
      let d = Math.floor(r() * 2 ** bits);
      if (r() * 1000 < perMille) d += 2 ** Math.min(bits + jump, 31) - 1;
      v = (v + d * stride) | 0;
      out[i] = v;
    }
    return out;
  });

const series: fc.Arbitrary<Int32Array> = fc.oneof(
  outliers,
  fc.int32Array({ maxLength: 600 }),
  smooth,
  cadenced,
  fc.array(int32Value, { maxLength: 300 }).map((xs) => Int32Array.from(xs)),
  fc.tuple(fc.integer({ min: MIN, max: MAX }), fc.nat({ max: 600 })).map(([v, n]) => new Int32Array(n).fill(v)),
  fc.array(fc.constantFrom(MIN, MAX, 0, -1), { maxLength: 300 }).map((xs) => Int32Array.from(xs)),
);

describe("encodeBlocks / decodeBlocks", () => {
  it("round-trips any int32 series, with and without the divisor", () => {
    fc.assert(
      fc.property(series, fc.boolean(), (xs, divisor) => {
        const enc = encodeBlocks(xs, { divisor });
        expect(decodeBlocks(enc)).toEqual(xs);
        // The divisor is exactly gcdOfDeltas (the encoder guesses it from the
        // first block and checks the guess).
        expect(inspectBlocks(enc).divisor).toBe(divisor && xs.length >= 2 ? gcdOfDeltas(xs) : 1);
        const out = new Int32Array(xs.length + 2).fill(3);
        expect(decodeBlocksInto(enc, out)).toBe(xs.length);
        expect(out.subarray(0, xs.length)).toEqual(xs);
        expect(out[xs.length]).toBe(3);
      }),
      { numRuns: 800 },
    );
  });

  it("round-trips every length around the block and group boundaries", () => {
    for (const n of [0, 1, 2, 3, 32, 33, 34, 64, 65, 127, 128, 129, 130, 160, 161, 255, 256, 257, 258, 4097]) {
      for (const xs of [jittered(n), new Int32Array(n).fill(MIN), Int32Array.from({ length: n }, (_, i) => (i % 2 ? MIN : MAX))]) {
        expect(decodeBlocks(encodeBlocks(xs))).toEqual(xs);
        expect(decodeBlocks(encodeBlocks(xs, { divisor: false }))).toEqual(xs);
      }
    }
  });

  it("has the documented layout", () => {
    // [5, 7, 9, 8]: deltas 2, 2, -1 (GCD 1); one block of 3: min -1 (change
    // -1 from 0: zigzag 1, inline), relative 3, 3, 0 at 2 bits = 0b001111;
    // no index entry (one block).
    const enc = encodeBlocks([5, 7, 9, 8]);
    expect(Array.from(enc.subarray(0, enc.length - 4))).toEqual([0x42, 0x02, 9, 4, 10, 1, 0x42, 0x0f]);
    expect(enc).toEqual(frame([4, 10, 1, 0x42, 0x0f]));
    expect(Array.from(decodeBlocks(enc))).toEqual([5, 7, 9, 8]);
  });

  it("stores empty and one-value inputs minimally", () => {
    expect(encodeBlocks([])).toEqual(frame([0]));
    expect(encodeBlocks([])).toHaveLength(8);
    expect(decodeBlocks(encodeBlocks([]))).toEqual(new Int32Array(0));
    expect(encodeBlocks([-3])).toEqual(frame([1, 5]));
    expect(Array.from(decodeBlocks(encodeBlocks([MIN])))).toEqual([MIN]);
  });

  it("codes a min change of more than ±1 with an escape varint", () => {
    // [0, 10, 20]: one block, min 10: zigzag 20 >= 3, so c = 3 and a varint.
    const enc = encodeBlocks([0, 10, 20], { divisor: false });
    expect(bodyOf(enc)).toEqual([3, 0, 1, 0xc0, 20]);
    // With the divisor: g = 10, min 1: inline change +1 (zigzag 2).
    expect(bodyOf(encodeBlocks([0, 10, 20]))).toEqual([3, 0, 10, 0x80]);
  });

  it("divides deltas by their GCD only when exact", () => {
    const minutes = Int32Array.from({ length: 1000 }, (_, i) => 978_307_260 + 60 * Math.floor(i / 3));
    const withDiv = encodeBlocks(minutes);
    const without = encodeBlocks(minutes, { divisor: false });
    expect(inspectBlocks(withDiv).divisor).toBe(60);
    expect(inspectBlocks(without).divisor).toBe(1);
    expect(withDiv.length).toBeLessThan(without.length);
    expect(decodeBlocks(withDiv)).toEqual(minutes);
    // Extreme divisors: 2**31 (a single delta of -2**31), and overflow → 1.
    for (const xs of [Int32Array.of(0, MIN), Int32Array.of(MAX, -1, -1, MAX - 2 ** 31), Int32Array.of(MIN, MAX, MIN)]) {
      expect(decodeBlocks(encodeBlocks(xs))).toEqual(xs);
    }
    expect(inspectBlocks(encodeBlocks(Int32Array.of(0, MIN))).divisor).toBe(2 ** 31);
    // A guess from the first block that a later delta refutes: 60, then 30.
    const later = Int32Array.from({ length: 1000 }, (_, i) => 60 * i - (i >= 700 ? 30 : 0));
    expect(inspectBlocks(encodeBlocks(later)).divisor).toBe(30);
    expect(decodeBlocks(encodeBlocks(later))).toEqual(later);
    // ... or a later difference that overflows int32 (although even): no divisor.
    const overflow = Int32Array.from({ length: 300 }, (_, i) => (i < 200 ? 2 * i : i < 250 ? MIN + 2 * i : MAX - 1));
    expect(inspectBlocks(encodeBlocks(overflow)).divisor).toBe(1);
    expect(decodeBlocks(encodeBlocks(overflow))).toEqual(overflow);
    expect(inspectBlocks(encodeBlocks(Int32Array.of(MIN, MAX, MIN))).divisor).toBe(1);
  });

  it("meets the size goal on 1M jittered timestamps (<= 6.3 bits/value)", () => {
    for (const xs of [jitteredTimestamps(), jittered(1_000_000, 42)]) {
      const enc = encodeBlocks(xs);
      const info = inspectBlocks(enc);
      expect(info.bitsPerValue).toBeLessThanOrEqual(6.3);
      expectSameValues(decodeBlocks(enc), xs);
    }
    // The benchmark's series: 5.98 bits/value when written (version 1: 6.14).
    expect(inspectBlocks(encodeBlocks(jitteredTimestamps())).bitsPerValue).toBeCloseTo(5.977, 3);
  });

  it("meets the size goal on the real S&P 500 closes in cents (<= 13.8 bits/value)", () => {
    const cents = Int32Array.from(loadSp500().prices, (p) => Math.round(p * 100));
    expect(cents.length).toBe(5105);
    const enc = encodeBlocks(cents);
    const info = inspectBlocks(enc);
    // 13.44 when written (version 1: 13.96; Parquet DELTA_BINARY_PACKED: 13.76).
    expect(info.bitsPerValue).toBeLessThanOrEqual(13.8);
    expect(info.patchedBlocks).toBeGreaterThan(0);
    expectSameValues(decodeBlocks(enc), cents);
  });

  it("meets the size goal on the real flights-3m timestamps (<= 1.2 bits/value)", async () => {
    const times = await loadFlightTimes();
    expect(times.length).toBe(3_000_000);
    const enc = encodeBlocks(times);
    const info = inspectBlocks(enc);
    expect(info.divisor).toBe(60);
    // 0.685 when written (version 1: 1.197).
    expect(info.bitsPerValue).toBeLessThanOrEqual(1.2);
    expectSameValues(decodeBlocks(enc), times);
    const reader = openBlocks(enc);
    for (const i of [0, 1, 128, 129, 1_234_567, times.length - 1]) expect(reader.valueAt(i)).toBe(times[i]);
  }, 60_000);

  it("accepts a Buffer, a subarray and bytes from another realm", () => {
    const enc = encodeBlocks([5, -5, 7]);
    expect(Array.from(decodeBlocks(Buffer.from(enc)))).toEqual([5, -5, 7]);
    const big = new Uint8Array(enc.length + 10);
    big.set(enc, 5);
    expect(Array.from(decodeBlocks(big.subarray(5, 5 + enc.length)))).toEqual([5, -5, 7]);
    const foreign = vm.runInNewContext("new Uint8Array(arr)", { arr: Array.from(enc) }) as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(Array.from(decodeBlocks(foreign))).toEqual([5, -5, 7]);
    expect(blockValueAt(foreign, 2)).toBe(7);
  });

  it("validates input", () => {
    expectDeltaError(() => encodeBlocks("123" as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeBlocks(new Uint32Array(2) as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeBlocks([1, null as unknown as number]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeBlocks([0.5]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeBlocks([MAX + 1]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeBlocks([1], 3 as unknown as object), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeBlocks([1], { divisor: "yes" as unknown as boolean }), "ERR_DELTA_INPUT");
    expect(Array.from(decodeBlocks(encodeBlocks([-0, 1])))).toEqual([0, 1]);
    expectDeltaError(() => decodeBlocks([0x42, 1] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeBlocksInto(encodeBlocks([1, 2]), new Int32Array(1)), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeBlocksInto(encodeBlocks([1, 2]), new Float32Array(2) as unknown as Int32Array), "ERR_DELTA_INPUT");
  });
});

/** Length of the encoding of xs with every block plain (an independent model of the format). */
function plainLength(xs: Int32Array): number {
  const n = xs.length;
  const g = n >= 2 ? gcdOfDeltas(xs) : 1;
  let body = varint(n).length;
  if (n >= 1) body += varint(((xs[0] << 1) ^ (xs[0] >> 31)) >>> 0).length;
  if (n >= 2) body += varint(g).length;
  let prevMin = 0;
  for (let start = 1; start < n; start += BLOCK_VALUES) {
    const m = Math.min(BLOCK_VALUES, n - start);
    const q: number[] = [];
    for (let k = 0; k < m; k++) q.push(((xs[start + k] - xs[start + k - 1]) / g) | 0);
    const min = Math.min(...q);
    const w = 32 - Math.clz32(Math.max(...q) - min);
    const dm = (min - prevMin) | 0;
    const z = ((dm << 1) ^ (dm >> 31)) >>> 0;
    prevMin = min;
    body += 1 + (z < 3 ? 0 : varint(z).length) + 4 * w * (m >>> 5) + Math.ceil(((m & 31) * w) / 8);
  }
  return 2 + varint(body + 4).length + body + 4;
}

describe("patched blocks", () => {
  /** 129 + extra values: deltas 0..(2**bits - 1) with the top bit (2**bits) added at `spots`. */
  function withTopBits(bits: number, spots: readonly number[], extra = 0, stride = 1): Int32Array {
    const r = lcg(bits + 7);
    const n = 129 + extra;
    const out = new Int32Array(n);
    out[0] = 1000;
    for (let i = 1; i < n; i++) {
      let d = Math.floor(r() * 2 ** bits);
      if (spots.includes((i - 1) % BLOCK_VALUES)) d = 2 ** bits + Math.floor(r() * 2 ** bits);
      out[i] = (out[i - 1] + d * stride) | 0;
    }
    return out;
  }

  it("stores a few top-bit outliers as positions, one bit narrower", () => {
    // Width 0 base: deltas 0 except three 1s. Plain: 16 bytes at width 1;
    // patched: a count byte and three positions.
    const xs = withTopBits(0, [3, 64, 127]);
    const enc = encodeBlocks(xs, { divisor: false });
    const body = bodyOf(enc);
    // count 129, first value, divisor 1, header 33 (patched width 0, min 0 unchanged), e - 1 = 2, positions.
    expect(body).toEqual([0x81, 0x01, ...varint(2000), 1, 33, 2, 3, 64, 127]);
    expect(decodeBlocks(enc)).toEqual(xs);
    const info = inspectBlocks(enc);
    expect([info.patchedBlocks, info.exceptions, info.exceptionBytes, info.packedBytes, info.widths[0]]).toEqual([1, 3, 3, 0, 1]);
  });

  it("round-trips patched blocks at every width, with and without a divisor, full and partial", () => {
    for (let bits = 0; bits <= 30; bits++) {
      for (const extra of [0, 1, 31, 32, 33, 100, 127]) {
        for (const stride of [1, 3]) {
          const xs = withTopBits(bits, [0, 5, 77, 127], extra, stride);
          const enc = encodeBlocks(xs);
          expect(decodeBlocks(enc)).toEqual(xs);
          const reader = openBlocks(enc);
          expect(reader.slice()).toEqual(xs);
          for (const i of [0, 1, 6, 7, 78, 128, 129, xs.length - 1]) if (i < xs.length) expect(reader.valueAt(i)).toBe(xs[i]);
          // Four exceptions in the full block save 11 bytes: patched (unless
          // the deltas overflow int32 and wrap to full width).
          if (2 ** (bits + 1) * stride <= 2 ** 31) expect(inspectBlocks(enc).patchedBlocks, "bits " + bits).toBeGreaterThan(0);
        }
      }
    }
  });

  it("patches only when it saves bytes, never making an encoding larger", () => {
    // Dense outliers (half the values) would need 64 positions: plain wins.
    const dense = withTopBits(8, Array.from({ length: 64 }, (_, k) => 2 * k));
    expect(inspectBlocks(encodeBlocks(dense)).patchedBlocks).toBe(0);
    fc.assert(
      fc.property(outliers, (xs) => {
        const enc = encodeBlocks(xs);
        expect(enc.length).toBeLessThanOrEqual(plainLength(xs));
        expect(decodeBlocks(enc)).toEqual(xs);
      }),
      { numRuns: 300 },
    );
  });

  it("leaves no state behind after rejecting a forged patched block", () => {
    const good = withTopBits(4, [1, 2, 3]);
    const enc = encodeBlocks(good);
    expect(inspectBlocks(enc).patchedBlocks).toBe(1);
    // Forge: duplicate exception positions in a full block (the inlined hot path).
    const body = bodyOf(enc);
    const h = body.findIndex((b, k) => k >= 4 && (b & 63) >= 33);
    const forged = body.slice();
    forged[h + 3] = forged[h + 2];
    expectDeltaError(() => decodeBlocks(frame(forged)), "ERR_DELTA_CORRUPT");
    expect(decodeBlocks(enc)).toEqual(good);
    expect(decodeBlocks(encodeBlocks(withTopBits(4, [])))).toEqual(withTopBits(4, []));
  });
});

describe("openBlocks, blockValueAt and inspectBlocks", () => {
  it("valueAt and slice agree with decodeBlocks (property)", () => {
    fc.assert(
      fc.property(series, fc.boolean(), fc.nat(), fc.nat(), (xs, divisor, a, b) => {
        const enc = encodeBlocks(xs, { divisor });
        const reader = openBlocks(enc);
        expect(reader.count).toBe(xs.length);
        for (let i = 0; i < xs.length; i++) expect(reader.valueAt(i)).toBe(xs[i]);
        expect(reader.slice()).toEqual(xs);
        const from = a % (xs.length + 1);
        const to = from + (b % (xs.length - from + 1));
        expect(reader.slice(from, to)).toEqual(xs.slice(from, to));
        expect(reader.slice(from)).toEqual(xs.slice(from));
        if (xs.length > 0) expect(blockValueAt(enc, a % xs.length)).toBe(xs[a % xs.length]);
      }),
      { numRuns: 300 },
    );
  });

  it("every index and every slice boundary of a few arrays", () => {
    const arrays = [jittered(1000, 4), withOutliers(700), Int32Array.of(MIN, MAX, MIN, 0), Int32Array.of(42), new Int32Array(0)];
    for (const xs of arrays) {
      const enc = encodeBlocks(xs);
      const reader = openBlocks(enc);
      for (let i = 0; i < xs.length; i++) {
        expect(reader.valueAt(i)).toBe(xs[i]);
        if (i % 97 === 0) expect(blockValueAt(enc, i)).toBe(xs[i]);
      }
      for (const from of [0, 1, 2, 127, 128, 129, 130, 257, xs.length - 1, xs.length]) {
        for (const to of [from, from + 1, from + 128, from + 300, xs.length]) {
          if (from < 0 || from > xs.length || to < from || to > xs.length) continue;
          expect(reader.slice(from, to)).toEqual(xs.slice(from, to));
        }
      }
    }
  });

  it("random access into a large encoding", () => {
    const xs = jittered(300_000, 9);
    const enc = encodeBlocks(xs);
    const reader = openBlocks(enc);
    const r = lcg(5);
    for (let k = 0; k < 5000; k++) {
      const i = Math.floor(r() * xs.length);
      expect(reader.valueAt(i)).toBe(xs[i]);
    }
    for (const i of [0, 1, 127, 128, 129, 130, xs.length - 1]) expect(reader.valueAt(i)).toBe(xs[i]);
    expectSameValues(reader.slice(12_345, 212_345), xs.subarray(12_345, 212_345));
    expect(blockValueAt(enc, 299_999)).toBe(xs[299_999]);
  });

  it("answers from its own snapshot: changing or reusing the bytes afterwards changes nothing", () => {
    const xs = jittered(1000, 6);
    const enc = encodeBlocks(xs);
    const bytes = enc.slice();
    const reader = openBlocks(bytes);
    // Scribble over the caller's array (even with a valid-looking other encoding).
    bytes.fill(0);
    const other = encodeBlocks(Int32Array.from({ length: 1000 }, (_, i) => -i));
    bytes.set(other.subarray(0, Math.min(other.length, bytes.length)));
    for (let i = 0; i < xs.length; i++) expect(reader.valueAt(i)).toBe(xs[i]);
    expect(reader.slice()).toEqual(xs);
    // blockValueAt caches nothing: the same array, changed, gives the new answer or an error.
    const same = encodeBlocks([1, 2, 3]);
    expect(blockValueAt(same, 2)).toBe(3);
    const next = encodeBlocks([7, 8, 9]);
    expect(next.length).toBe(same.length);
    same.set(next);
    expect(blockValueAt(same, 2)).toBe(9);
    same[same.length - 1] ^= 1;
    expectDeltaError(() => blockValueAt(same, 2), "ERR_DELTA_CORRUPT");
  });

  it("rejects bad indexes, bad slices and bad bytes", () => {
    const enc = encodeBlocks([1, 2, 3]);
    const reader = openBlocks(enc);
    for (const i of [-1, 3, 1.5, NaN, Infinity, "1", null, undefined]) {
      expectDeltaError(() => reader.valueAt(i as number), "ERR_DELTA_INPUT");
      expectDeltaError(() => blockValueAt(enc, i as number), "ERR_DELTA_INPUT");
    }
    for (const [from, to] of [[-1, 2], [0, 4], [2, 1], [4, 4], [0.5, 2], [0, NaN], ["0", 2]]) {
      expectDeltaError(() => reader.slice(from as number, to as number), "ERR_DELTA_INPUT");
    }
    // The reader's count cannot be changed to reach past the data.
    expect(() => {
      (reader as { count: number }).count = 1000;
    }).toThrow(TypeError);
    expect(reader.count).toBe(3);
    expect(reader.slice(3, 3)).toEqual(new Int32Array(0));
    expect(reader.slice(3)).toEqual(new Int32Array(0));
    const empty = openBlocks(encodeBlocks([]));
    expect(empty.count).toBe(0);
    expect(empty.slice()).toEqual(new Int32Array(0));
    expectDeltaError(() => empty.valueAt(0), "ERR_DELTA_INPUT");
    expectDeltaError(() => blockValueAt(encodeBlocks([]), 0), "ERR_DELTA_INPUT");
    for (const f of [openBlocks, inspectBlocks, (b: Uint8Array) => blockValueAt(b, 0)]) {
      expectDeltaError(() => f([1] as unknown as Uint8Array), "ERR_DELTA_INPUT");
      expectDeltaError(() => f(null as unknown as Uint8Array), "ERR_DELTA_INPUT");
      expectDeltaError(() => f(new Int8Array(8) as unknown as Uint8Array), "ERR_DELTA_INPUT");
    }
    const bad = enc.slice();
    bad[5] ^= 1;
    expectDeltaError(() => openBlocks(bad), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => blockValueAt(bad, 0), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => inspectBlocks(bad), "ERR_DELTA_CORRUPT");
  });

  it("describes an encoding, and the parts add up", () => {
    fc.assert(
      fc.property(series, (xs) => {
        const enc = encodeBlocks(xs);
        const info = inspectBlocks(enc);
        expect(info.count).toBe(xs.length);
        expect(info.blocks).toBe(xs.length >= 2 ? Math.ceil((xs.length - 1) / BLOCK_VALUES) : 0);
        expect(info.byteLength).toBe(enc.length);
        expect(info.headerBytes + info.blockHeaderBytes + info.exceptionBytes + info.packedBytes + 4).toBe(enc.length);
        expect(info.exceptionBytes).toBe(info.exceptions);
        expect(info.patchedBlocks).toBeLessThanOrEqual(info.blocks);
        expect(info.exceptions >= info.patchedBlocks).toBe(true);
        expect(info.widths).toHaveLength(33);
        expect(info.widths.reduce((a, b) => a + b, 0)).toBe(info.blocks);
        expect(info.bitsPerValue).toBe(xs.length === 0 ? 0 : (enc.length * 8) / xs.length);
        // A fresh object each call.
        info.widths[0] = 99;
        expect(inspectBlocks(enc).widths[0]).not.toBe(99);
      }),
      { numRuns: 200 },
    );
  });
});

describe("damaged and forged input", () => {
  it("checks tag, version, length and CRC first", () => {
    const enc = encodeBlocks([1, 2, 3]);
    const wrongTag = enc.slice();
    wrongTag[0] = 0x49;
    expectDeltaError(() => decodeBlocks(wrongTag), "ERR_DELTA_CORRUPT");
    for (const version of [0, 1, 3, 255]) {
      const wrongVersion = enc.slice();
      wrongVersion[1] = version;
      const err = expectDeltaError(() => decodeBlocks(wrongVersion), "ERR_DELTA_CORRUPT");
      expect(err.message).toContain("unsupported format version " + version);
      expectDeltaError(() => openBlocks(wrongVersion), "ERR_DELTA_CORRUPT");
    }
    expectDeltaError(() => decodeBlocks(new Uint8Array(0)), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => decodeBlocks(Uint8Array.of(0x42)), "ERR_DELTA_TRUNCATED");
    const longer = new Uint8Array(enc.length + 1);
    longer.set(enc);
    expectDeltaError(() => decodeBlocks(longer), "ERR_DELTA_CORRUPT");
    const badCrc = enc.slice();
    badCrc[badCrc.length - 1] ^= 0x80;
    expectDeltaError(() => decodeBlocks(badCrc), "ERR_DELTA_CORRUPT");
  });

  it("rejects a version 1 encoding (plain blocks and an index) rather than misreading it", () => {
    // [5, 7, 9, 8] as version 1 wrote it.
    const v1 = withCrc([0x42, 0x01, 9, 4, 10, 1, 0x42, 0x0f]);
    expectDeltaError(() => decodeBlocks(v1), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => inspectBlocks(v1), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => blockValueAt(v1, 0), "ERR_DELTA_CORRUPT");
  });

  it("rejects forged structures that carry a valid CRC", () => {
    // 129 values: one full block of 128 deltas (the inlined patched path).
    const full = [0x81, 0x01, 0, 1];
    const cases: Array<[string, number[], string]> = [
      ["count above 2**31 - 1", [0x80, 0x80, 0x80, 0x80, 0x08, 0, 1, 0], "ERR_DELTA_CORRUPT"],
      ["count the bytes cannot hold", [0xe8, 0x07, 0, 1, 0], "ERR_DELTA_CORRUPT"],
      ["non-minimal count", [0x82, 0x00, 0, 1, 0], "ERR_DELTA_CORRUPT"],
      ["divisor 0", [2, 0, 0, 0], "ERR_DELTA_CORRUPT"],
      ["divisor above 2**31", [2, 0, 0x81, 0x80, 0x80, 0x80, 0x08, 0], "ERR_DELTA_CORRUPT"],
      ["escaped min change that fits inline", [2, 0, 1, 0xc0, 2], "ERR_DELTA_CORRUPT"],
      ["nonzero padding bits", [2, 0, 1, 0x01, 0x03], "ERR_DELTA_CORRUPT"],
      ["bytes left before the CRC", [2, 0, 1, 0x01, 0x01, 0], "ERR_DELTA_CORRUPT"],
      ["count 0 with a body", [0, 0], "ERR_DELTA_CORRUPT"],
      ["count 1 with a body", [1, 0, 0], "ERR_DELTA_CORRUPT"],
      ["packed data past the end", [2, 0, 1, 0x08], "ERR_DELTA_TRUNCATED"],
      ["escape varint past the end", [2, 0, 1, 0xc0], "ERR_DELTA_TRUNCATED"],
      ["missing first value", [1], "ERR_DELTA_TRUNCATED"],
      ["patched: exception count missing", [2, 0, 1, 33], "ERR_DELTA_TRUNCATED"],
      ["patched: exception count above 128", [2, 0, 1, 33, 0x80, 0], "ERR_DELTA_CORRUPT"],
      ["patched: exception position missing", [2, 0, 1, 33, 0], "ERR_DELTA_TRUNCATED"],
      ["patched: position past the block", [2, 0, 1, 33, 0, 1], "ERR_DELTA_CORRUPT"],
      ["patched: positions out of order", [3, 0, 1, 33, 1, 1, 0], "ERR_DELTA_CORRUPT"],
      ["patched: repeated position", [3, 0, 1, 33, 1, 0, 0], "ERR_DELTA_CORRUPT"],
      ["patched: more exceptions than values", [2, 0, 1, 33, 1, 0, 1], "ERR_DELTA_CORRUPT"],
      ["patched: packed data past the end", [2, 0, 1, 40, 0, 0], "ERR_DELTA_TRUNCATED"],
      ["patched: nonzero padding bits", [3, 0, 1, 34, 0, 1, 0x04], "ERR_DELTA_CORRUPT"],
      ["full patched: position 128", [...full, 33, 0, 128], "ERR_DELTA_CORRUPT"],
      ["full patched: repeated position", [...full, 33, 1, 9, 9], "ERR_DELTA_CORRUPT"],
      ["full patched: positions out of order", [...full, 33, 2, 1, 9, 3], "ERR_DELTA_CORRUPT"],
      ["full patched: count above 128", [...full, 33, 0x80, ...Array.from({ length: 129 }, (_, k) => k)], "ERR_DELTA_CORRUPT"],
      ["full patched: packed data past the end", [...full, 34, 0, 3, ...new Array(15).fill(0)], "ERR_DELTA_TRUNCATED"],
      ["full patched: positions past the end", [...full, 33, 4, 1, 2], "ERR_DELTA_TRUNCATED"],
      ["full patched: bytes left before the CRC", [...full, 33, 0, 3, 0], "ERR_DELTA_CORRUPT"],
    ];
    // The well-formed neighbours decode.
    expect(Array.from(decodeBlocks(frame([2, 0, 1, 0x01, 0x01])))).toEqual([0, 1]);
    expect(Array.from(decodeBlocks(frame([3, 0, 1, 34, 0, 1, 0x00])))).toEqual([0, 0, 2]);
    const patched = decodeBlocks(frame([...full, 33, 1, 5, 7]));
    expect(patched).toEqual(Int32Array.from({ length: 129 }, (_, i) => Number(i > 5) + Number(i > 7)));
    for (const [name, body, code] of cases) {
      const bytes = frame(body);
      expect(expectDeltaError(() => decodeBlocks(bytes), code as "ERR_DELTA_CORRUPT").code, name).toBe(code);
      expectDeltaError(() => decodeBlocksInto(bytes, new Int32Array(200)), code as "ERR_DELTA_CORRUPT");
      expectDeltaError(() => inspectBlocks(bytes), code as "ERR_DELTA_CORRUPT");
      expectDeltaError(() => openBlocks(bytes), code as "ERR_DELTA_CORRUPT");
    }
    // Nothing a rejected input did leaks into the next decode.
    expect(decodeBlocks(frame([...full, 33, 1, 5, 7]))).toEqual(patched);
  });

  it("every truncation is ERR_DELTA_TRUNCATED", () => {
    for (const xs of [new Int32Array(0), Int32Array.of(7), jittered(300)]) {
      const enc = encodeBlocks(xs);
      for (let cut = 0; cut < enc.length; cut++) {
        const view = enc.slice().subarray(0, cut); // the rest stays just past the view
        expectDeltaError(() => decodeBlocks(view), "ERR_DELTA_TRUNCATED");
        expectDeltaError(() => blockValueAt(view, 0), "ERR_DELTA_TRUNCATED");
      }
    }
  });

  it("every single bit flip is detected", () => {
    const xs = jittered(200, 3);
    const enc = encodeBlocks(xs);
    for (let i = 0; i < enc.length; i++) {
      for (let b = 0; b < 8; b++) {
        const bad = enc.slice();
        bad[i] ^= 1 << b;
        expect(() => decodeBlocks(bad)).toThrow(DeltaError);
      }
    }
  });

  const outcome = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (e) {
      expect(e).toBeInstanceOf(DeltaError);
      return e;
    }
  };

  it("fuzz: random damage gives the exact original or a DeltaError", () => {
    fc.assert(
      fc.property(
        series,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (xs, damage, cut) => {
          const enc = encodeBlocks(xs);
          const bad = enc.slice();
          for (const [at, mask] of damage) bad[at % bad.length] ^= mask;
          for (const bytes of [bad, enc.subarray(0, cut % (enc.length + 1))]) {
            const r = outcome(() => decodeBlocks(bytes));
            if (!(r instanceof DeltaError)) expect(r).toEqual(xs);
            const into = new Int32Array(xs.length);
            const n = outcome(() => decodeBlocksInto(bytes, into));
            if (!(n instanceof DeltaError)) expect(into).toEqual(xs);
            // The reader and inspection accept exactly what decodeBlocks accepts.
            const reader = outcome(() => openBlocks(bytes));
            expect(reader instanceof DeltaError).toBe(r instanceof DeltaError);
            if (!(reader instanceof DeltaError)) expect((reader as ReturnType<typeof openBlocks>).slice()).toEqual(xs);
            const info = outcome(() => inspectBlocks(bytes));
            expect(info instanceof DeltaError).toBe(r instanceof DeltaError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("fuzz: damaged bodies behind a valid CRC: every reader agrees, nothing leaks into the next call", () => {
    fc.assert(
      fc.property(
        fc.oneof(outliers, series),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 3 }),
        (xs, damage) => {
          const body = bodyOf(encodeBlocks(xs));
          if (body.length === 0) return;
          for (const [at, mask, cut] of damage) {
            if (body.length === 0) break;
            const i = at % body.length;
            if (cut) body.splice(i, 1);
            else body[i] ^= mask;
          }
          const bytes = frame(body);
          const r = outcome(() => decodeBlocks(bytes));
          if (r instanceof DeltaError) {
            expect(expectDeltaError(() => openBlocks(bytes)).code).toBe(r.code);
            expect(expectDeltaError(() => inspectBlocks(bytes)).code).toBe(r.code);
          } else {
            const values = r as Int32Array;
            const reader = openBlocks(bytes);
            expect(reader.slice()).toEqual(values);
            for (let i = 0; i < values.length; i += 13) expect(reader.valueAt(i)).toBe(values[i]);
            expect(inspectBlocks(bytes).count).toBe(values.length);
          }
          // The decoder's shared work arrays are clean afterwards.
          expect(decodeBlocks(encodeBlocks(xs))).toEqual(xs);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("fuzz: random bytes and random bodies with valid framing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat({ max: 255 }), { maxLength: 80 }), (raw, body) => {
        outcome(() => decodeBlocks(raw));
        outcome(() => blockValueAt(raw, 0));
        outcome(() => openBlocks(raw));
        // A random body behind a correct tag, length and CRC reaches the structure checks.
        const bytes = frame(body);
        const r = outcome(() => decodeBlocks(bytes));
        if (!(r instanceof DeltaError)) {
          const values = r as Int32Array;
          // Whatever decodes, random access and inspection agree with it.
          const reader = openBlocks(bytes);
          for (let i = 0; i < values.length; i++) expect(reader.valueAt(i)).toBe(values[i]);
          expect(reader.slice()).toEqual(values);
          expect(inspectBlocks(bytes).count).toBe(values.length);
        } else {
          // ... and reject what it rejects, with the same code.
          const code = (r as DeltaError).code;
          expect(expectDeltaError(() => openBlocks(bytes)).code).toBe(code);
          expect(expectDeltaError(() => inspectBlocks(bytes)).code).toBe(code);
        }
      }),
      { numRuns: 4000 },
    );
  });

  it("fuzz: forged headers with plausible counts over random blocks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 400 }),
        fc.integer({ min: MIN, max: MAX }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.nat({ max: 255 }), { maxLength: 300 }),
        (count, first, divisor, blocks) => {
          const zFirst = ((first << 1) ^ (first >> 31)) >>> 0;
          const bytes = frame([...varint(count), ...varint(zFirst), ...varint(divisor), ...blocks]);
          const r = outcome(() => decodeBlocks(bytes));
          if (!(r instanceof DeltaError)) {
            const values = r as Int32Array;
            expect(values.length).toBe(count);
            expect(values[0]).toBe(first);
            const reader = openBlocks(bytes);
            for (let i = 0; i < count; i += 7) expect(reader.valueAt(i)).toBe(values[i]);
            expect(blockValueAt(bytes, count - 1)).toBe(values[count - 1]);
          } else {
            expect(expectDeltaError(() => openBlocks(bytes)).code).toBe((r as DeltaError).code);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
