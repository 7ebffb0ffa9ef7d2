import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vm from "node:vm";
import { deltaBinaryUnpack } from "hyparquet/src/delta.js";
import { deltaBinaryPack } from "hyparquet-writer/src/delta.js";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { crc32 } from "../../lib/delta/checksum.js";
import { DeltaError } from "../../lib/delta/errors.js";
import {
  decodeParquetDelta64,
  decodeParquetDelta64Into,
  decodeParquetDelta64Reference,
  encodeParquetDelta64,
  PARQUET_DELTA64_BLOCK_SIZE,
  PARQUET_DELTA64_MAX_BLOCK_SIZE,
  PARQUET_DELTA64_MAX_COUNT,
  PARQUET_DELTA64_MINIBLOCKS,
} from "../../lib/delta/parquet64.js";
import { expectDeltaError } from "./helpers.js";

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

// ---------------------------------------------------------------------------
// References: hyparquet (reader), hyparquet-writer (writer) and a slow,
// bit-by-bit BigInt parser written straight from the spec.

function hyparquetDecode(bytes: Uint8Array, count: number): bigint[] {
  const out = new BigInt64Array(count);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  deltaBinaryUnpack(reader, count, out);
  expect(reader.offset).toBe(bytes.length); // it consumed exactly our stream
  return Array.from(out);
}

function hyparquetWriterEncode(values: bigint[]): Uint8Array {
  const writer = new ByteWriter();
  // Its INT64 path takes an array of bigints (BigInt arithmetic throughout).
  deltaBinaryPack(writer, values, "INT64");
  return new Uint8Array(writer.getBuffer());
}

function uleb(u: bigint): number[] {
  const out: number[] = [];
  do {
    const g = Number(u & 0x7fn);
    u >>= 7n;
    out.push(u > 0n ? g | 0x80 : g);
  } while (u > 0n);
  return out;
}

const zz = (v: bigint): bigint => (v >= 0n ? 2n * v : -2n * v - 1n);

interface Parsed {
  blockSize: number;
  miniblocks: number;
  count: number;
  values: bigint[];
  /** Positions of the width bytes of miniblocks that hold values. */
  usedWidthPos: number[];
  widths: number[];
  /** Position of the count varint and its length. */
  countPos: number;
  countLen: number;
}

/** Spec-literal BigInt parser (slow: one bit at a time). Only for valid streams. */
function refParse(bytes: Uint8Array): Parsed {
  let pos = 0;
  const uvar = (): bigint => {
    let r = 0n;
    let sh = 0n;
    for (;;) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error("eof");
      r |= BigInt(b & 0x7f) << sh;
      sh += 7n;
      if (b < 0x80) return r;
    }
  };
  const zzRead = (): bigint => {
    const z = uvar();
    return (z >> 1n) ^ -(z & 1n);
  };
  const blockSize = Number(uvar());
  const miniblocks = Number(uvar());
  const countPos = pos;
  const count = Number(uvar());
  const countLen = pos - countPos;
  let v = zzRead();
  const values: bigint[] = count > 0 ? [v] : [];
  const vpm = blockSize / miniblocks;
  const usedWidthPos: number[] = [];
  const widths: number[] = [];
  while (values.length < count) {
    const min = zzRead();
    const wpos = pos;
    pos += miniblocks;
    for (let i = 0; i < miniblocks && values.length < count; i++) {
      const w = bytes[wpos + i];
      usedWidthPos.push(wpos + i);
      widths.push(w);
      for (let j = 0; j < vpm; j++) {
        let x = 0n;
        for (let b = 0; b < w; b++) {
          const bit = j * w + b;
          x |= BigInt((bytes[pos + (bit >> 3)] >> (bit & 7)) & 1) << BigInt(b);
        }
        if (values.length < count) {
          v = BigInt.asIntN(64, v + min + x);
          values.push(v);
        }
      }
      pos += (vpm * w) / 8;
    }
  }
  expect(pos).toBe(bytes.length);
  return { blockSize, miniblocks, count, values, usedWidthPos, widths, countPos, countLen };
}

/** Decode, allowing only a result or a DeltaError (anything else fails the test). */
function tryDecode(bytes: Uint8Array, crc?: number): BigInt64Array | DeltaError {
  try {
    return decodeParquetDelta64(bytes, crc === undefined ? undefined : { crc });
  } catch (e) {
    expect(e).toBeInstanceOf(DeltaError);
    return e as DeltaError;
  }
}

// ---------------------------------------------------------------------------
// Data.

const int64 = fc.oneof(
  fc.bigInt({ min: MIN, max: MAX }),
  fc.constantFrom(MIN, MAX, 0n, -1n, 1n, 2n ** 52n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n) - 1n),
  fc.bigInt({ min: -1000n, max: 1000n }),
);

/** Random walks whose step sizes span every magnitude (so every bit width occurs). */
const walk = fc
  .tuple(
    int64,
    fc.array(
      fc.oneof(
        fc.bigInt({ min: -3n, max: 3n }),
        fc.integer({ min: 0, max: 63 }).chain((b) => fc.bigInt({ min: -(2n ** BigInt(b)), max: 2n ** BigInt(b) })),
        fc.bigInt({ min: MIN, max: MAX }),
      ),
      { maxLength: 400 },
    ),
  )
  .map(([start, steps]) => {
    let v = start;
    const out = [v];
    for (const s of steps) {
      v = BigInt.asIntN(64, v + s);
      out.push(v);
    }
    return out;
  });

const series = fc.oneof(fc.array(int64, { maxLength: 300 }), walk);

let seed = 7;
function rand(): number {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
}

function timestamps(n: number, start = 1_700_000_000_000_000n): bigint[] {
  const out: bigint[] = [];
  let t = start;
  for (let i = 0; i < n; i++) {
    out.push(t + BigInt(Math.round((rand() - 0.5) * 2000)));
    t += 1_000_000n;
  }
  return out;
}

/** One 128-delta block per width 0..64 whose first miniblock needs exactly that width. */
function allWidthsSeries(): bigint[] {
  const out = [123n];
  let v = 123n;
  for (let w = 0; w <= 64; w++) {
    const lowest = w === 0 ? 5n : -(2n ** BigInt(w - 1));
    const span = w === 0 ? 0n : 2n ** BigInt(w) - 1n;
    for (let j = 0; j < 128; j++) {
      const r = BigInt(Math.floor(rand() * 2 ** 30)) * BigInt(Math.floor(rand() * 2 ** 30)) * 2n ** 10n;
      const delta = j === 0 ? lowest : j === 1 ? lowest + span : lowest + (span === 0n ? 0n : r % (span + 1n));
      v = BigInt.asIntN(64, v + delta);
      out.push(v);
    }
  }
  return out;
}

const edgeCases: Array<[string, bigint[]]> = [
  ["empty", []],
  ["one value", [42n]],
  ["one INT64_MIN", [MIN]],
  ["two values", [MAX, MIN]],
  ["127", timestamps(127)],
  ["128", timestamps(128)],
  ["129", timestamps(129)],
  ["130", timestamps(130)],
  ["4097", timestamps(4097)],
  ["min/max jumps", Array.from({ length: 300 }, (_, i) => [MIN, MAX, 0n, -1n, MAX, MIN, 1n][i % 7])],
  ["constant", Array.from({ length: 1000 }, () => 1_700_000_000_000_000n)],
  ["constant INT64_MIN", Array.from({ length: 200 }, () => MIN)],
  ["step +1 through the int64 wrap", Array.from({ length: 300 }, (_, i) => BigInt.asIntN(64, MAX - 150n + BigInt(i)))],
  ["near 2**52", Array.from({ length: 257 }, (_, i) => 2n ** 52n + BigInt(i % 5) - 2n)],
  ["near 2**53", Array.from({ length: 257 }, (_, i) => (i % 2 ? 1n : -1n) * (2n ** 53n + BigInt(i % 7) - 3n))],
  ["near -2**53 descending", Array.from({ length: 200 }, (_, i) => -(2n ** 53n) - BigInt(i) * 3n)],
  ["all widths 0..64", allWidthsSeries()],
];

// ---------------------------------------------------------------------------

describe("encodeParquetDelta64 / decodeParquetDelta64", () => {
  it("round-trips arbitrary int64 series", () => {
    fc.assert(
      fc.property(series, (xs) => {
        const v = BigInt64Array.from(xs);
        expect(Array.from(decodeParquetDelta64(encodeParquetDelta64(v)))).toEqual(xs);
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips with every block layout it accepts", () => {
    const layout = fc
      .tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom(1, 2, 4, 8, 16))
      .map(([k, m]) => ({ blockSize: 128 * k, miniblocksPerBlock: m }))
      .filter((o) => (o.blockSize / o.miniblocksPerBlock) % 32 === 0);
    fc.assert(
      fc.property(series, layout, (xs, options) => {
        const enc = encodeParquetDelta64(BigInt64Array.from(xs), options);
        expect(Array.from(decodeParquetDelta64(enc))).toEqual(xs);
        expect(hyparquetDecode(enc, xs.length)).toEqual(xs);
      }),
      { numRuns: 300 },
    );
  });

  it("writes the documented bytes", () => {
    expect(Array.from(encodeParquetDelta64(BigInt64Array.of(1n, 2n, 3n)))).toEqual([128, 1, 4, 3, 2, 2, 0, 0, 0, 0]);
    // empty: header only, first value 0 (as hyparquet-writer does)
    expect(Array.from(encodeParquetDelta64(new BigInt64Array(0)))).toEqual([128, 1, 4, 0, 0]);
    // one value: header only, no block
    expect(Array.from(encodeParquetDelta64(BigInt64Array.of(-1n)))).toEqual([128, 1, 4, 1, 1]);
    // INT64_MIN first: zigzag 2**64 - 1 takes the full 10 bytes
    expect(Array.from(encodeParquetDelta64(BigInt64Array.of(MIN)))).toEqual([128, 1, 4, 1, ...uleb(2n ** 64n - 1n)]);
    // min, max: the delta wraps to -1 (zigzag 1), every width 0
    expect(Array.from(encodeParquetDelta64(BigInt64Array.of(MIN, MAX)))).toEqual(
      [128, 1, 4, 2, ...uleb(2n ** 64n - 1n), 1, 0, 0, 0, 0],
    );
    // 0, 1, 3, 6: deltas 1, 2, 3, min 1, adjusted 0, 1, 2 in 2 bits, padded to 32 values = 8 bytes
    expect(Array.from(encodeParquetDelta64(BigInt64Array.of(0n, 1n, 3n, 6n)))).toEqual([
      128, 1, 4, 4, 0, 2, 2, 0, 0, 0, 0b100100, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(PARQUET_DELTA64_BLOCK_SIZE).toBe(128);
    expect(PARQUET_DELTA64_MINIBLOCKS).toBe(4);
  });

  it("accepts subarrays, Buffers and bytes from another realm", () => {
    const base = BigInt64Array.of(9n, 1n, 2n, 4n, 8n, 9n);
    const enc = encodeParquetDelta64(base.subarray(1, 5));
    expect(Array.from(decodeParquetDelta64(enc))).toEqual([1n, 2n, 4n, 8n]);
    expect(Array.from(decodeParquetDelta64(Buffer.from(enc)))).toEqual([1n, 2n, 4n, 8n]);
    const foreign = vm.runInNewContext("new Uint8Array(arr)", { arr: Array.from(enc) }) as Uint8Array;
    expect(Array.from(decodeParquetDelta64(foreign))).toEqual([1n, 2n, 4n, 8n]);
    const padded = new Uint8Array(enc.length + 7);
    padded.set(enc, 3);
    expect(Array.from(decodeParquetDelta64(padded.subarray(3, 3 + enc.length)))).toEqual([1n, 2n, 4n, 8n]);
  });

  it("validates encoder input", () => {
    expectDeltaError(() => encodeParquetDelta64([1n, 2n] as unknown as BigInt64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta64(new BigUint64Array(2) as unknown as BigInt64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta64(new Float64Array(2) as unknown as BigInt64Array), "ERR_DELTA_INPUT");
    const v = BigInt64Array.of(1n);
    for (const options of [
      { blockSize: 64 },
      { blockSize: 129 },
      { blockSize: 0 },
      { blockSize: PARQUET_DELTA64_MAX_BLOCK_SIZE + 128 },
      { miniblocksPerBlock: 0 },
      { miniblocksPerBlock: 3 },
      { miniblocksPerBlock: 8 }, // 16 values per miniblock: not a multiple of 32
      { blockSize: 256, miniblocksPerBlock: 16 },
      { blockSize: NaN },
    ]) {
      expectDeltaError(() => encodeParquetDelta64(v, options), "ERR_DELTA_INPUT");
    }
    expectDeltaError(() => encodeParquetDelta64(v, null as unknown as object), "ERR_DELTA_INPUT");
  });
});

describe("interop with hyparquet and hyparquet-writer", () => {
  for (const [name, xs] of edgeCases) {
    it(name, () => {
      const v = BigInt64Array.from(xs);
      const ours = encodeParquetDelta64(v);
      const theirs = hyparquetWriterEncode(xs);
      // The spec leaves no freedom with the default layout, so the bytes agree.
      expect(Array.from(ours)).toEqual(Array.from(theirs));
      expect(hyparquetDecode(ours, xs.length)).toEqual(xs);
      expect(Array.from(decodeParquetDelta64(theirs))).toEqual(xs);
      if (xs.length <= 10_000) expect(refParse(ours).values).toEqual(xs);
    });
  }

  it("the all-widths series really uses every width 0..64", () => {
    const enc = encodeParquetDelta64(BigInt64Array.from(allWidthsSeries()));
    const widths = new Set(refParse(enc).widths);
    for (let w = 0; w <= 64; w++) expect(widths.has(w)).toBe(true);
  });

  it("random series: same bytes as hyparquet-writer, both decoders agree", () => {
    fc.assert(
      fc.property(series, (xs) => {
        const ours = encodeParquetDelta64(BigInt64Array.from(xs));
        expect(Array.from(ours)).toEqual(Array.from(hyparquetWriterEncode(xs)));
        expect(hyparquetDecode(ours, xs.length)).toEqual(xs);
      }),
      { numRuns: 400 },
    );
  });

  it("decodes what other layouts and lenient writers produce", () => {
    // Non-minimal header varints, arbitrary padding bits in the last
    // miniblock, arbitrary width bytes (even > 64) for unused miniblocks:
    // the spec says readers must accept all of these.
    const body = [
      ...[0x80, 0x81, 0x00], // block size 128, non-minimal (3 bytes)
      4,
      34, // count
      0, // first value 0
      2, // min delta 1
      1, 1, 200, 255, // widths: two used miniblocks of 1 bit, two unused with junk
      0, 0, 0, 0, // miniblock 0: 32 zero bits → deltas all 1
      0xff, 0xff, 0xff, 0xff, // miniblock 1: first bit 1 (delta 2), then 31 padding bits of junk
    ];
    const bytes = Uint8Array.from(body);
    const expected = [...Array.from({ length: 33 }, (_, i) => BigInt(i)), 34n];
    expect(Array.from(decodeParquetDelta64(bytes))).toEqual(expected);
    expect(hyparquetDecode(bytes, 34)).toEqual(expected);
  });
});

describe("decodeParquetDelta64Into", () => {
  it("fills a larger array and reports the count", () => {
    const out = new BigInt64Array(10).fill(-7n);
    expect(decodeParquetDelta64Into(encodeParquetDelta64(BigInt64Array.of(MIN, 0n, MAX)), out)).toBe(3);
    expect(Array.from(out)).toEqual([MIN, 0n, MAX, -7n, -7n, -7n, -7n, -7n, -7n, -7n]);
  });

  it("writes into a subarray at its offset only", () => {
    const backing = new BigInt64Array(8).fill(5n);
    const xs = timestamps(5);
    expect(decodeParquetDelta64Into(encodeParquetDelta64(BigInt64Array.from(xs)), backing.subarray(2, 7))).toBe(5);
    expect(Array.from(backing)).toEqual([5n, 5n, ...xs, 5n]);
  });

  it("round-trips and honours crc", () => {
    fc.assert(
      fc.property(series, (xs) => {
        const enc = encodeParquetDelta64(BigInt64Array.from(xs));
        const out = new BigInt64Array(xs.length);
        expect(decodeParquetDelta64Into(enc, out, { crc: crc32(enc) })).toBe(xs.length);
        expect(Array.from(out)).toEqual(xs);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects an output that is too small or not a BigInt64Array", () => {
    const enc = encodeParquetDelta64(BigInt64Array.of(1n, 2n, 3n));
    expectDeltaError(() => decodeParquetDelta64Into(enc, new BigInt64Array(2)), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDelta64Into(enc, new BigUint64Array(3) as unknown as BigInt64Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDelta64Into(enc, [] as unknown as BigInt64Array), "ERR_DELTA_INPUT");
  });
});

describe("corrupt, forged and truncated input", () => {
  /** A stream with a hand-made header followed by `rest`. */
  const stream = (blockSize: number[], m: number[], count: number[], rest: number[] = [0]) =>
    Uint8Array.from([...blockSize, ...m, ...count, ...rest]);

  it("rejects invalid and absurd block layouts", () => {
    const bad: Array<[number[], number[]]> = [
      [uleb(0n), [4]],
      [uleb(64n), [2]],
      [uleb(129n), [1]],
      [uleb(BigInt(PARQUET_DELTA64_MAX_BLOCK_SIZE + 128)), [1]],
      [uleb(2n ** 32n), [1]], // above 32 bits
      [uleb(2n ** 32n + 128n), [1]], // low word alone would look valid
      [uleb(2n ** 63n), [1]],
      [uleb(128n), [0]],
      [uleb(128n), [3]],
      [uleb(128n), [5]],
      [uleb(128n), [8]], // 16 values per miniblock
      [uleb(128n), uleb(2n ** 32n + 4n)],
      [uleb(256n), [16]], // 16 per miniblock
      [uleb(384n), [5]], // does not divide
    ];
    for (const [b, m] of bad) {
      expectDeltaError(() => decodeParquetDelta64(stream(b, m, [1])), "ERR_DELTA_CORRUPT");
    }
    // 384 values in 2 miniblocks of 192 = 6 × 32 is valid
    expect(Array.from(decodeParquetDelta64(stream(uleb(384n), [2], [1], [6])))).toEqual([3n]);
    // the largest accepted block size decodes
    expect(Array.from(decodeParquetDelta64(stream(uleb(BigInt(PARQUET_DELTA64_MAX_BLOCK_SIZE)), [1], [2], [0, 2, 0])))).toEqual([
      0n,
      1n,
    ]);
  });

  it("rejects forged counts before allocating", () => {
    // 2**40 and 2**31 values: more than any Parquet page holds.
    expectDeltaError(() => decodeParquetDelta64(stream([128, 1], [4], uleb(2n ** 40n), [0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeParquetDelta64(stream([128, 1], [4], uleb(2n ** 31n), [0])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeParquetDelta64(stream([128, 1], [4], uleb(2n ** 64n - 1n), [0])), "ERR_DELTA_CORRUPT");
    // The maximum count with a few bytes: the remaining bytes cannot hold
    // its blocks, so it must fail fast, not allocate 16 GiB.
    expectDeltaError(
      () => decodeParquetDelta64(stream([128, 1], [4], uleb(BigInt(PARQUET_DELTA64_MAX_COUNT)), [0, 2, 0, 0, 0, 0])),
      "ERR_DELTA_TRUNCATED",
    );
    expectDeltaError(
      () => decodeParquetDelta64Into(stream([128, 1], [4], uleb(2n ** 30n), [0]), new BigInt64Array(1)),
      "ERR_DELTA_TRUNCATED",
    );
    // 129 values need 1 block (5 bytes at least): 4 bytes are not enough.
    expectDeltaError(() => decodeParquetDelta64(stream([128, 1], [4], uleb(129n), [0, 2, 0, 0, 0])), "ERR_DELTA_TRUNCATED");
    // and the same stream with its count honest decodes
    expect(decodeParquetDelta64(stream([128, 1], [4], uleb(129n), [0, 2, 0, 0, 0, 0])).length).toBe(129);
  });

  it("rejects bad varints in the header and blocks", () => {
    const tooLong = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00];
    const over64 = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02];
    for (const bad of [tooLong, over64]) {
      expectDeltaError(() => decodeParquetDelta64(Uint8Array.from([...bad, 4, 1, 0])), "ERR_DELTA_CORRUPT");
      expectDeltaError(() => decodeParquetDelta64(Uint8Array.from([128, 1, ...bad, 1, 0])), "ERR_DELTA_CORRUPT");
      expectDeltaError(() => decodeParquetDelta64(Uint8Array.from([128, 1, 4, ...bad, 0])), "ERR_DELTA_CORRUPT");
      expectDeltaError(() => decodeParquetDelta64(Uint8Array.from([128, 1, 4, 1, ...bad])), "ERR_DELTA_CORRUPT");
      expectDeltaError(() => decodeParquetDelta64(Uint8Array.from([128, 1, 4, 2, 0, ...bad, 0, 0, 0, 0])), "ERR_DELTA_CORRUPT");
    }
    // the largest 10-byte varint is fine: first value zigzag 2**64 - 1 = INT64_MIN
    const maxVarint = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
    expect(Array.from(decodeParquetDelta64(Uint8Array.from([128, 1, 4, 1, ...maxVarint])))).toEqual([MIN]);
  });

  it("rejects bit widths above 64 in miniblocks that hold values", () => {
    const enc = encodeParquetDelta64(BigInt64Array.from(timestamps(300)));
    const { usedWidthPos } = refParse(enc);
    fc.assert(
      fc.property(fc.constantFrom(...usedWidthPos), fc.integer({ min: 65, max: 255 }), (p, w) => {
        const forged = enc.slice();
        forged[p] = w;
        expectDeltaError(() => decodeParquetDelta64(forged), "ERR_DELTA_CORRUPT");
      }),
      { numRuns: 1000 },
    );
  });

  it("every truncation of a valid stream is ERR_DELTA_TRUNCATED", () => {
    fc.assert(
      fc.property(series, fc.nat(), (xs, cutSeed) => {
        const enc = encodeParquetDelta64(BigInt64Array.from(xs));
        const cut = cutSeed % enc.length; // 0 .. length - 1 bytes kept
        expectDeltaError(() => decodeParquetDelta64(enc.subarray(0, cut)), "ERR_DELTA_TRUNCATED");
      }),
      { numRuns: 3000 },
    );
    // exhaustively for one longer stream, reading from a view whose backing
    // buffer still holds the rest: the decoder must not look past the view
    const enc = encodeParquetDelta64(BigInt64Array.from(allWidthsSeries().slice(0, 600)));
    for (let cut = 0; cut < enc.length; cut++) {
      expectDeltaError(() => decodeParquetDelta64(enc.subarray(0, cut)), "ERR_DELTA_TRUNCATED");
    }
  });

  it("trailing bytes are ERR_DELTA_CORRUPT", () => {
    fc.assert(
      fc.property(series, fc.uint8Array({ minLength: 1, maxLength: 20 }), (xs, extra) => {
        const enc = encodeParquetDelta64(BigInt64Array.from(xs));
        const longer = new Uint8Array(enc.length + extra.length);
        longer.set(enc);
        longer.set(extra, enc.length);
        expectDeltaError(() => decodeParquetDelta64(longer), "ERR_DELTA_CORRUPT");
      }),
      { numRuns: 500 },
    );
  });

  it("bit flips without crc: a result or a DeltaError, never anything else", () => {
    fc.assert(
      fc.property(series, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (xs, flips) => {
        const enc = encodeParquetDelta64(BigInt64Array.from(xs));
        if (enc.length === 0) return;
        const bad = enc.slice();
        for (const f of flips) bad[(f >>> 3) % bad.length] ^= 1 << (f & 7);
        const r = tryDecode(bad);
        if (!(r instanceof DeltaError)) expect(r).toBeInstanceOf(BigInt64Array);
      }),
      { numRuns: 3000 },
    );
  });

  it("with crc: the exact original or ERR_DELTA_CORRUPT for any damage", () => {
    fc.assert(
      fc.property(
        series,
        fc.oneof(
          fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
          fc.record({ kind: fc.constant("cut" as const), at: fc.nat(), bit: fc.constant(0) }),
          fc.record({ kind: fc.constant("append" as const), at: fc.nat({ max: 255 }), bit: fc.constant(0) }),
          fc.record({ kind: fc.constant("none" as const), at: fc.constant(0), bit: fc.constant(0) }),
        ),
        (xs, m) => {
          const enc = encodeParquetDelta64(BigInt64Array.from(xs));
          const crc = crc32(enc);
          let bad: Uint8Array;
          if (m.kind === "flip") {
            bad = enc.slice();
            bad[m.at % bad.length] ^= 1 << m.bit;
          } else if (m.kind === "cut") {
            bad = enc.subarray(0, m.at % enc.length);
          } else if (m.kind === "append") {
            bad = Uint8Array.from([...enc, m.at]);
          } else {
            bad = enc;
          }
          const r = tryDecode(bad, crc);
          if (m.kind === "none") {
            expect(r).toBeInstanceOf(BigInt64Array);
            expect(Array.from(r as BigInt64Array)).toEqual(xs);
          } else {
            expect(r).toBeInstanceOf(DeltaError);
            expect((r as DeltaError).code).toBe("ERR_DELTA_CORRUPT");
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("crc option is validated", () => {
    const enc = encodeParquetDelta64(BigInt64Array.of(1n));
    for (const crc of [-1, 2 ** 32, 1.5, NaN, "1" as unknown as number]) {
      expectDeltaError(() => decodeParquetDelta64(enc, { crc }), "ERR_DELTA_INPUT");
    }
    expectDeltaError(() => decodeParquetDelta64(enc, null as unknown as object), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDelta64(enc, { crc: (crc32(enc) + 1) >>> 0 }), "ERR_DELTA_CORRUPT");
    expect(Array.from(decodeParquetDelta64(enc, { crc: crc32(enc) }))).toEqual([1n]);
    expect(Array.from(decodeParquetDelta64(enc, {}))).toEqual([1n]);
    expectDeltaError(() => decodeParquetDelta64([128, 1, 4, 0, 0] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDelta64(new Int8Array(5) as unknown as Uint8Array), "ERR_DELTA_INPUT");
  });

  it("forged counts on valid streams: a result or a DeltaError", () => {
    fc.assert(
      fc.property(series, fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 40n }), fc.bigInt({ min: 0n, max: 1000n })), (xs, count) => {
        const enc = encodeParquetDelta64(BigInt64Array.from(xs));
        const p = refParse(enc);
        const forged = Uint8Array.from([
          ...enc.subarray(0, p.countPos),
          ...uleb(count),
          ...enc.subarray(p.countPos + p.countLen),
        ]);
        const r = tryDecode(forged);
        if (r instanceof DeltaError) return;
        // it can only succeed when the blocks present hold exactly `count` values
        expect(r.length).toBe(Number(count));
        expect(Array.from(r).slice(0, Math.min(xs.length, r.length))).toEqual(xs.slice(0, r.length));
      }),
      { numRuns: 2000 },
    );
  });

  it("random bytes, bare or after a plausible header: a result or a DeltaError", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom([128, 1, 4], [128, 1, 1], [128, 2, 2], [128, 4, 8]),
        fc.uint8Array({ maxLength: 200 }),
        (withHeader, count, layout, rest) => {
          const bytes = withHeader ? Uint8Array.from([...layout, ...uleb(BigInt(count)), ...rest]) : rest;
          const r = tryDecode(bytes);
          if (!(r instanceof DeltaError)) expect(r).toBeInstanceOf(BigInt64Array);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

// ---------------------------------------------------------------------------
// The generated-kernel fast path against the per-value reference loop.

/** Outcome of a decoder: its values, or the code of the DeltaError it threw. */
function outcome(decode: () => BigInt64Array): bigint[] | string {
  try {
    return Array.from(decode());
  } catch (e) {
    expect(e).toBeInstanceOf(DeltaError);
    return (e as DeltaError).code;
  }
}

/** Min deltas of every kind: small, one-word (high word 0 or -1) and their edges, huge. */
const minDelta = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }),
  fc.bigInt({ min: -(2n ** 32n), max: -1n }),
  fc.constantFrom(0n, 999_000n, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), -(2n ** 32n) - 1n, MIN, MAX),
  fc.bigInt({ min: MIN, max: MAX }),
);

const width = fc.oneof(
  fc.integer({ min: 0, max: 64 }),
  fc.integer({ min: 0, max: 32 }),
  fc.constantFrom(0, 1, 12, 31, 32, 33, 63, 64),
);

/** First values anywhere, and near multiples of 2**32 (low word near 0 or 2**32 - 1). */
const firstValue = fc.oneof(
  int64,
  fc
    .tuple(fc.bigInt({ min: -(2n ** 31n), max: 2n ** 31n - 1n }), fc.bigInt({ min: -5000n, max: 5000n }))
    .map(([hi, e]) => BigInt.asIntN(64, hi * 2n ** 32n + e)),
);

/**
 * A hand-built stream in any valid layout with random min deltas, random
 * widths 0..64 (mixed, or one per block so whole blocks take the fused
 * path) and random body bits: what any writer could produce.
 */
const forgedStream = fc
  .record({
    layout: fc.constantFrom<[number, number]>([128, 4], [128, 1], [128, 2], [256, 8], [256, 2], [384, 2], [512, 4]),
    count: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constantFrom(0, 1, 2, 32, 33, 128, 129, 130, 257, 385, 513)),
    first: firstValue,
    mins: fc.array(minDelta, { minLength: 8, maxLength: 8 }),
    widths: fc.array(width, { minLength: 64, maxLength: 64 }),
    uniform: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    small: fc.boolean(),
    seed: fc.integer(),
  })
  .map((f) => {
    const [blockSize, miniblocks] = f.layout;
    const vpm = blockSize / miniblocks;
    const out: number[] = [...uleb(BigInt(blockSize)), ...uleb(BigInt(miniblocks)), ...uleb(BigInt(f.count)), ...uleb(zz(f.first))];
    let s = f.seed >>> 0;
    const byte = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      // "small": mostly zero bits, so adjusted deltas stay near 0 and the
      // running value near its start (the same-high-word bounds then bite).
      return f.small && s % 4 !== 0 ? 0 : s >>> 24;
    };
    for (let left = f.count - 1, b = 0; left > 0; left -= Math.min(left, blockSize), b++) {
      out.push(...uleb(zz(f.mins[b % 8])));
      const ws = Array.from({ length: miniblocks }, (_, m) => f.widths[(8 * b + (f.uniform[b % 8] ? 0 : m)) % 64]);
      out.push(...ws);
      const used = Math.min(miniblocks, Math.ceil(left / vpm));
      for (let m = 0; m < used; m++) for (let k = 0; k < (vpm * ws[m]) / 8; k++) out.push(byte());
    }
    return Uint8Array.from(out);
  });

describe("fast path (generated kernels) against the reference loop", () => {
  it("agree on hand-built streams with mixed widths 0..64 and every kind of min delta", () => {
    fc.assert(
      fc.property(forgedStream, (bytes) => {
        const ref = decodeParquetDelta64Reference(bytes);
        const fast = decodeParquetDelta64(bytes);
        expect(Array.from(fast)).toEqual(Array.from(ref));
        // Into a buffer of junk: every slot is written.
        const into = new BigInt64Array(ref.length + 1).fill(0x5a5a5a5a5a5a5a5an);
        expect(decodeParquetDelta64Into(bytes, into)).toBe(ref.length);
        expect(Array.from(into.subarray(0, ref.length))).toEqual(Array.from(ref));
        expect(into[ref.length]).toBe(0x5a5a5a5a5a5a5a5an);
        // and both agree with hyparquet and (for short streams) the spec parser
        expect(hyparquetDecode(bytes, ref.length)).toEqual(Array.from(ref));
        if (ref.length <= 150) expect(refParse(bytes).values).toEqual(Array.from(ref));
      }),
      { numRuns: 1500 },
    );
  });

  it("agree on damaged streams: the same values or the same error code", () => {
    fc.assert(
      fc.property(
        fc.oneof(forgedStream, series.map((xs) => encodeParquetDelta64(BigInt64Array.from(xs)))),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        fc.nat(),
        fc.boolean(),
        (bytes, edits, cut, doCut) => {
          const bad = bytes.slice();
          if (bad.length > 0) for (const [at, v] of edits) bad[at % bad.length] = v;
          const input = doCut && bad.length > 0 ? bad.subarray(0, cut % bad.length) : bad;
          expect(outcome(() => decodeParquetDelta64(input))).toEqual(outcome(() => decodeParquetDelta64Reference(input)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("carries and borrows exactly at every position around a group's bound", () => {
    // Constant deltas D (width 0) from a low word placed so that the carry
    // (D > 0) or borrow (D < 0) happens at value t, for t across the first
    // blocks: the same-high-word kernels must hand over to the carrying
    // ones exactly when the bound says so.
    for (const d of [1n, 7n, 1000n, 999_999n, 2n ** 26n + 3n, 2n ** 31n, 2n ** 32n - 1n, -1n, -1000n, -(2n ** 26n), -(2n ** 32n)]) {
      for (const t of [1n, 2n, 31n, 32n, 33n, 64n, 96n, 127n, 128n, 129n, 160n, 255n, 256n, 257n]) {
        for (const e of [-1n, 0n, 1n]) {
          const lo = d > 0n ? 2n ** 32n - t * d + e : -t * d - 1n + e;
          const start = BigInt.asIntN(64, 12_345n * 2n ** 32n + lo);
          const xs = Array.from({ length: 400 }, (_, k) => BigInt.asIntN(64, start + BigInt(k) * d));
          const enc = encodeParquetDelta64(BigInt64Array.from(xs));
          expect(Array.from(decodeParquetDelta64(enc))).toEqual(xs);
          expect(Array.from(decodeParquetDelta64Reference(enc))).toEqual(xs);
        }
      }
    }
  });

  it("timestamps through many low-word wraps, in every layout", () => {
    // ~1 s of microseconds per value: the low word wraps every ~4300 values.
    const xs = timestamps(20_000, 1_700_000_000_000_000n);
    for (const options of [undefined, { blockSize: 128, miniblocksPerBlock: 1 }, { blockSize: 256, miniblocksPerBlock: 2 }, { blockSize: 2048, miniblocksPerBlock: 16 }]) {
      const enc = encodeParquetDelta64(BigInt64Array.from(xs), options);
      expect(Array.from(decodeParquetDelta64(enc))).toEqual(xs);
      expect(Array.from(decodeParquetDelta64Reference(enc))).toEqual(xs);
    }
    const down = xs.map((x) => -x);
    const enc = encodeParquetDelta64(BigInt64Array.from(down));
    expect(Array.from(decodeParquetDelta64(enc))).toEqual(down);
  });

  it("the reference decoder validates like the fast one", () => {
    expectDeltaError(() => decodeParquetDelta64Reference([1] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    const enc = encodeParquetDelta64(BigInt64Array.of(1n, 2n));
    expectDeltaError(() => decodeParquetDelta64Reference(enc, { crc: (crc32(enc) + 1) >>> 0 }), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeParquetDelta64Reference(enc.subarray(0, enc.length - 1)), "ERR_DELTA_TRUNCATED");
    expect(Array.from(decodeParquetDelta64Reference(enc, { crc: crc32(enc) }))).toEqual([1n, 2n]);
  });
});

describe("encoder output buffer growth", () => {
  it("blocks that grow from 0 to 64 bits: same bytes as hyparquet-writer", () => {
    // 40 constant blocks set a tiny estimate, then ever wider deltas force
    // several regrowths; the result must still be exact and exactly sized.
    const xs: bigint[] = [0n];
    for (let i = 0; i < 40 * 128; i++) xs.push(xs[xs.length - 1] + 3n);
    for (let b = 0; b < 30; b++) {
      for (let i = 0; i < 128; i++) {
        const step = BigInt(Math.floor(rand() * 2 ** 30)) << BigInt(Math.min(33, 2 * b));
        xs.push(BigInt.asIntN(64, xs[xs.length - 1] + (i % 2 ? step : -step)));
      }
    }
    const enc = encodeParquetDelta64(BigInt64Array.from(xs));
    expect(enc.buffer.byteLength).toBe(enc.length);
    expect(Array.from(enc)).toEqual(Array.from(hyparquetWriterEncode(xs)));
    expect(Array.from(decodeParquetDelta64(enc))).toEqual(xs);
  });

  it("every layout, random series: exact round trip and an exactly sized buffer", () => {
    fc.assert(
      fc.property(series, fc.constantFrom(128, 256, 1024), (xs, blockSize) => {
        const enc = encodeParquetDelta64(BigInt64Array.from(xs), { blockSize, miniblocksPerBlock: blockSize / 32 });
        expect(enc.byteOffset).toBe(0);
        expect(enc.buffer.byteLength).toBe(enc.length);
        expect(Array.from(decodeParquetDelta64(enc))).toEqual(xs);
      }),
      { numRuns: 300 },
    );
  });
});
