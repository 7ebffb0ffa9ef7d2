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
} from "../../lib/delta/blocks.js";
import { DeltaError } from "../../lib/delta/errors.js";
import { loadFlightTimes } from "../../lib/data/flights.js";
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

const series: fc.Arbitrary<Int32Array> = fc.oneof(
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
    expect(Array.from(enc.subarray(0, enc.length - 4))).toEqual([0x42, 0x01, 9, 4, 10, 1, 0x42, 0x0f]);
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
    const xs = jittered(1_000_000, 42);
    const enc = encodeBlocks(xs);
    const info = inspectBlocks(enc);
    expect(info.bitsPerValue).toBeLessThanOrEqual(6.3);
    expectSameValues(decodeBlocks(enc), xs);
  });

  it("meets the size goal on the real flights-3m timestamps (<= 1.2 bits/value)", async () => {
    const times = await loadFlightTimes();
    expect(times.length).toBe(3_000_000);
    const enc = encodeBlocks(times);
    const info = inspectBlocks(enc);
    expect(info.divisor).toBe(60);
    expect(info.bitsPerValue).toBeLessThanOrEqual(1.2);
    expectSameValues(decodeBlocks(enc), times);
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

describe("blockValueAt and inspectBlocks", () => {
  it("returns every value, equal to a full decode", () => {
    fc.assert(
      fc.property(series, fc.boolean(), (xs, divisor) => {
        const enc = encodeBlocks(xs, { divisor });
        for (let i = 0; i < xs.length; i++) expect(blockValueAt(enc, i)).toBe(xs[i]);
      }),
      { numRuns: 200 },
    );
  });

  it("random access into a large encoding", () => {
    const xs = jittered(300_000, 9);
    const enc = encodeBlocks(xs);
    const r = lcg(5);
    for (let k = 0; k < 5000; k++) {
      const i = Math.floor(r() * xs.length);
      expect(blockValueAt(enc, i)).toBe(xs[i]);
    }
    for (const i of [0, 1, 127, 128, 129, 130, xs.length - 1]) expect(blockValueAt(enc, i)).toBe(xs[i]);
  });

  it("rejects bad indexes and bad bytes", () => {
    const enc = encodeBlocks([1, 2, 3]);
    for (const i of [-1, 3, 1.5, NaN, "1"]) expectDeltaError(() => blockValueAt(enc, i as number), "ERR_DELTA_INPUT");
    expectDeltaError(() => blockValueAt(encodeBlocks([]), 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => blockValueAt([1] as unknown as Uint8Array, 0), "ERR_DELTA_INPUT");
    expectDeltaError(() => inspectBlocks(null as unknown as Uint8Array), "ERR_DELTA_INPUT");
    const bad = enc.slice();
    bad[5] ^= 1;
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
        expect(info.headerBytes + info.blockHeaderBytes + info.packedBytes + info.indexBytes + 4).toBe(enc.length);
        expect(info.widths).toHaveLength(33);
        expect(info.widths.reduce((a, b) => a + b, 0)).toBe(info.blocks);
        expect(info.bitsPerValue).toBe(xs.length === 0 ? 0 : (enc.length * 8) / xs.length);
        // The returned histogram is a copy.
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
    const wrongVersion = enc.slice();
    wrongVersion[1] = 2;
    expectDeltaError(() => decodeBlocks(wrongVersion), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeBlocks(new Uint8Array(0)), "ERR_DELTA_TRUNCATED");
    expectDeltaError(() => decodeBlocks(Uint8Array.of(0x42)), "ERR_DELTA_TRUNCATED");
    const longer = new Uint8Array(enc.length + 1);
    longer.set(enc);
    expectDeltaError(() => decodeBlocks(longer), "ERR_DELTA_CORRUPT");
    const badCrc = enc.slice();
    badCrc[badCrc.length - 1] ^= 0x80;
    expectDeltaError(() => decodeBlocks(badCrc), "ERR_DELTA_CORRUPT");
  });

  it("rejects forged structures that carry a valid CRC", () => {
    const cases: Array<[string, number[], string]> = [
      ["count above 2**31 - 1", [0x80, 0x80, 0x80, 0x80, 0x08, 0, 1, 0], "ERR_DELTA_CORRUPT"],
      ["count the bytes cannot hold", [0xe8, 0x07, 0, 1, 0], "ERR_DELTA_CORRUPT"],
      ["non-minimal count", [0x82, 0x00, 0, 1, 0], "ERR_DELTA_CORRUPT"],
      ["divisor 0", [2, 0, 0, 0], "ERR_DELTA_CORRUPT"],
      ["divisor above 2**31", [2, 0, 0x81, 0x80, 0x80, 0x80, 0x08, 0], "ERR_DELTA_CORRUPT"],
      ["width 33", [2, 0, 1, 33], "ERR_DELTA_CORRUPT"],
      ["width 63", [2, 0, 1, 63, 0, 0, 0, 0, 0, 0, 0, 0], "ERR_DELTA_CORRUPT"],
      ["escaped min change that fits inline", [2, 0, 1, 0xc0, 2], "ERR_DELTA_CORRUPT"],
      ["nonzero padding bits", [2, 0, 1, 0x01, 0x03], "ERR_DELTA_CORRUPT"],
      ["bytes left before the CRC", [2, 0, 1, 0x01, 0x01, 0], "ERR_DELTA_CORRUPT"],
      ["count 0 with a body", [0, 0], "ERR_DELTA_CORRUPT"],
      ["count 1 with a body", [1, 0, 0], "ERR_DELTA_CORRUPT"],
      ["packed data past the end", [2, 0, 1, 0x08], "ERR_DELTA_TRUNCATED"],
      ["escape varint past the end", [2, 0, 1, 0xc0], "ERR_DELTA_TRUNCATED"],
      ["missing first value", [1], "ERR_DELTA_TRUNCATED"],
    ];
    // The well-formed neighbour of the padding case decodes.
    expect(Array.from(decodeBlocks(frame([2, 0, 1, 0x01, 0x01])))).toEqual([0, 1]);
    for (const [name, body, code] of cases) {
      const bytes = frame(body);
      expect(expectDeltaError(() => decodeBlocks(bytes), code as "ERR_DELTA_CORRUPT").code, name).toBe(code);
      expectDeltaError(() => decodeBlocksInto(bytes, new Int32Array(4)));
      expectDeltaError(() => inspectBlocks(bytes), code as "ERR_DELTA_CORRUPT");
    }
  });

  it("rejects an index that disagrees with the blocks", () => {
    const xs = Int32Array.from({ length: 300 }, (_, i) => i * 3 + (i % 5));
    const body = bodyOf(encodeBlocks(xs, { divisor: false }));
    // Two index entries (3 blocks); bump the last one's zigzag by 2 (+1).
    const forged = body.slice();
    forged[forged.length - 1] += 2;
    const bytes = frame(forged);
    expectDeltaError(() => decodeBlocks(bytes), "ERR_DELTA_CORRUPT");
    // Random access trusts the index (documented): it decodes, no error.
    expect(typeof blockValueAt(bytes, 299)).toBe("number");
    expect(blockValueAt(bytes, 5)).toBe(xs[5]);
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
            const copy = bytes.slice(); // a fresh array: no cached directory
            const v = outcome(() => blockValueAt(copy, 0));
            if (!(v instanceof DeltaError) && xs.length > 0) expect(v).toBe(xs[0]);
            outcome(() => inspectBlocks(copy));
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("fuzz: random bytes and random bodies with valid framing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.array(fc.nat({ max: 255 }), { maxLength: 80 }), (raw, body) => {
        outcome(() => decodeBlocks(raw));
        outcome(() => blockValueAt(raw.slice(), 0));
        // A random body behind a correct tag, length and CRC reaches the structure checks.
        const bytes = frame(body);
        const r = outcome(() => decodeBlocks(bytes));
        if (!(r instanceof DeltaError)) {
          const values = r as Int32Array;
          // Whatever decodes, random access and inspection agree with it.
          for (let i = 0; i < values.length; i++) expect(blockValueAt(bytes, i)).toBe(values[i]);
          expect(inspectBlocks(bytes).count).toBe(values.length);
        } else {
          outcome(() => inspectBlocks(bytes));
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
            for (let i = 0; i < count; i += 7) expect(blockValueAt(bytes, i)).toBe(values[i]);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
