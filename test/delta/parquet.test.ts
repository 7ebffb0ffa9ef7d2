import { describe, it, expect } from "vitest";
import fc from "fast-check";
import vm from "node:vm";
import { deltaBinaryUnpack } from "hyparquet/src/delta.js";
import { deltaBinaryPack } from "hyparquet-writer/src/delta.js";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { crc32 } from "../../lib/delta/checksum.js";
import { DeltaError } from "../../lib/delta/errors.js";
import {
  decodeParquetDelta,
  decodeParquetDeltaInto,
  encodeParquetDelta,
  PARQUET_BLOCK_SIZE,
  PARQUET_MAX_BLOCK_SIZE,
  PARQUET_MINIBLOCKS,
} from "../../lib/delta/parquet.js";
import { expectDeltaError, int32Value } from "./helpers.js";

const MIN = -(2 ** 31);
const MAX = 2 ** 31 - 1;

// ---------------------------------------------------------------------------
// References: hyparquet (reader), hyparquet-writer (writer), and a slow
// parser written straight from Encodings.md (bit by bit, plain doubles).

function hyparquetDecode(bytes: Uint8Array, count: number): number[] {
  const out = new Int32Array(count);
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  deltaBinaryUnpack(reader, count, out);
  expect(reader.offset).toBe(bytes.length); // it consumed exactly our bytes
  return Array.from(out);
}

function hyparquetEncode(values: Int32Array): Uint8Array {
  const writer = new ByteWriter();
  deltaBinaryPack(writer, values, "INT32");
  return new Uint8Array(writer.getBuffer());
}

/** Spec reader: throws a plain Error at the end of input, returns values and bytes used. */
function specDecode(bytes: Uint8Array): { values: number[]; used: number } {
  let pos = 0;
  const byte = (): number => {
    if (pos >= bytes.length) throw new Error("end of input");
    return bytes[pos++];
  };
  const uleb = (): number => {
    let v = 0;
    for (let mul = 1; ; mul *= 128) {
      const b = byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
    }
  };
  const zigzag = (): number => {
    const z = uleb();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  };
  const blockSize = uleb();
  const miniblocks = uleb();
  const count = uleb();
  const first = zigzag();
  const perMiniblock = blockSize / miniblocks;
  const values: number[] = [];
  if (count > 0) values.push(first | 0);
  let prev = first | 0;
  while (values.length < count) {
    const minDelta = zigzag();
    const widths: number[] = [];
    for (let i = 0; i < miniblocks; i++) widths.push(byte());
    for (let mb = 0; mb < miniblocks && values.length < count; mb++) {
      const w = widths[mb];
      if (w > 32) throw new Error("width");
      const start = pos;
      for (let k = 0; k < perMiniblock; k++) {
        let x = 0;
        for (let b = 0; b < w; b++) {
          const bit = k * w + b;
          if (start + (bit >> 3) >= bytes.length) throw new Error("end of input");
          if ((bytes[start + (bit >> 3)] >> (bit & 7)) & 1) x += 2 ** b;
        }
        // Exact in a double (|sum| < 2**35), then reduced modulo 2**32.
        if (values.length < count) {
          prev = (prev + minDelta + x) | 0;
          values.push(prev);
        }
      }
      pos = start + (perMiniblock * w) / 8;
    }
  }
  return { values, used: pos };
}

// ---------------------------------------------------------------------------
// Data: random, smooth with every delta size, sorted timestamps, constant
// runs, extremes, and the edge-case lengths around block boundaries.

const smooth = fc
  .tuple(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 700 }), fc.integer())
  .map(([start, bits, n, seed]) => {
    const out = new Int32Array(n);
    let s = seed >>> 0;
    let v = start;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      v = (v + (s % 2 ** bits) - 2 ** (bits - 1 < 0 ? 0 : bits - 1)) | 0;
      out[i] = v;
    }
    return out;
  });

const series: fc.Arbitrary<Int32Array> = fc.oneof(
  fc.int32Array({ maxLength: 600 }),
  smooth,
  fc.array(int32Value, { maxLength: 300 }).map((xs) => Int32Array.from(xs)),
  fc
    .tuple(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: 0, max: 600 }))
    .map(([v, n]) => new Int32Array(n).fill(v)),
  fc.array(fc.constantFrom(MIN, MAX, 0, -1), { maxLength: 300 }).map((xs) => Int32Array.from(xs)),
);

const EDGE_LENGTHS = [0, 1, 2, 31, 32, 33, 127, 128, 129, 130, 257, 4097];

function edgeCases(): Int32Array[] {
  const cases: Int32Array[] = [];
  for (const n of EDGE_LENGTHS) {
    const ramp = new Int32Array(n);
    const jumps = new Int32Array(n);
    const jitter = new Int32Array(n);
    let s = 7 + n;
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      ramp[i] = i * 3;
      jumps[i] = i % 2 === 0 ? MIN : MAX;
      jitter[i] = 1_600_000_000 + i * 1000 + (s % 21) - 10;
    }
    cases.push(ramp, jumps, jitter, new Int32Array(n).fill(42), new Int32Array(n).fill(MIN));
  }
  // Every bit width 0..32 in one series: miniblock w has deltas 0 and 2**w - 1
  // (for 32: INT32_MIN and INT32_MAX, whose difference needs 32 bits).
  const all: number[] = [0];
  for (let w = 0; w <= 32; w++) {
    for (let k = 0; k < 32; k++) {
      let d = 0;
      if (w === 32) d = k % 2 === 0 ? MIN : MAX;
      else if (k % 2 === 1) d = 2 ** w - 1;
      all.push((all[all.length - 1] + d) | 0);
    }
  }
  cases.push(Int32Array.from(all));
  return cases;
}

describe("encodeParquetDelta / decodeParquetDelta", () => {
  it("encodes the documented example", () => {
    // header 128 (0x80 0x01), 4 miniblocks, 5 values, zigzag(1) = 2; one
    // block: min delta zigzag(1) = 2, four zero widths, no data.
    expect(Array.from(encodeParquetDelta([1, 2, 3, 4, 5]))).toEqual([0x80, 0x01, 4, 5, 2, 2, 0, 0, 0, 0]);
  });

  it("encodes Encodings.md's example 2 (with a valid block size)", () => {
    // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min -2, relative
    // 0 0 0 3 3 3 3 at 2 bits, padded to 32 values = 8 bytes.
    const bytes = encodeParquetDelta([7, 5, 3, 1, 2, 3, 4, 5]);
    expect(Array.from(bytes)).toEqual([0x80, 0x01, 4, 8, 14, 3, 2, 0, 0, 0, 0xc0, 0x3f, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(decodeParquetDelta(bytes))).toEqual([7, 5, 3, 1, 2, 3, 4, 5]);
  });

  it("round-trips any int32 series", () => {
    fc.assert(
      fc.property(series, (xs) => {
        expect(decodeParquetDelta(encodeParquetDelta(xs))).toEqual(xs);
      }),
      { numRuns: 600 },
    );
  });

  it("writes every bit width 0..32", () => {
    const cases = edgeCases();
    const bytes = encodeParquetDelta(cases[cases.length - 1]);
    const seen = new Set<number>();
    // Walk the blocks: min delta varint, 4 widths, bodies.
    let pos = 6; // 0x80 0x01 4 <count 1057 = 2 bytes> <first 0 = 1 byte>
    while (pos < bytes.length) {
      while (bytes[pos] >= 0x80) pos++;
      pos++;
      for (let m = 0; m < 4; m++) seen.add(bytes[pos + m]);
      let body = 0;
      for (let m = 0; m < 4; m++) body += 4 * bytes[pos + m];
      pos += 4 + body;
    }
    expect(pos).toBe(bytes.length);
    for (let w = 0; w <= 32; w++) expect(seen.has(w)).toBe(true);
  });
});

describe("interoperability with hyparquet and hyparquet-writer", () => {
  const check = (xs: Int32Array): void => {
    const ours = encodeParquetDelta(xs);
    const theirs = hyparquetEncode(xs);
    // Same bytes: the spec leaves no freedom we use differently (module comment).
    expect(Array.from(ours)).toEqual(Array.from(theirs));
    expect(hyparquetDecode(ours, xs.length)).toEqual(Array.from(xs));
    expect(Array.from(decodeParquetDelta(theirs))).toEqual(Array.from(xs));
    const spec = specDecode(ours);
    expect(spec.values).toEqual(Array.from(xs));
    expect(spec.used).toBe(ours.length);
  };

  it("edge cases: empty, 1 value, block boundaries, extremes, constants, all widths", () => {
    for (const xs of edgeCases()) check(xs);
  });

  it("random series, both ways, byte for byte", () => {
    fc.assert(fc.property(series, check), { numRuns: 400 });
  });

  it("other block layouts decode in hyparquet and in ours", () => {
    const layouts = [
      [128, 1],
      [128, 2],
      [256, 8],
      [256, 2],
      [1024, 4],
      [2048, 8], // DuckDB's layout
      [PARQUET_MAX_BLOCK_SIZE, 1],
    ];
    fc.assert(
      fc.property(series, fc.constantFrom(...layouts), (xs, [blockSize, miniblocksPerBlock]) => {
        const bytes = encodeParquetDelta(xs, { blockSize, miniblocksPerBlock });
        expect(hyparquetDecode(bytes, xs.length)).toEqual(Array.from(xs));
        expect(decodeParquetDelta(bytes)).toEqual(xs);
        expect(specDecode(bytes).values).toEqual(Array.from(xs));
      }),
      { numRuns: 150 },
    );
  });
});

describe("leniency the spec requires of readers", () => {
  it("ignores the widths of unused miniblocks in the last block", () => {
    // 5 values: one block with one used miniblock; widths 2..4 are unused.
    const bytes = encodeParquetDelta([10, 11, 13, 12, 20]);
    const widthsAt = 6; // 0x80 0x01 4 5 20 | min delta zz(-1) = 1 | widths
    expect(bytes[widthsAt - 1]).toBe(1);
    for (const junk of [1, 32, 33, 255]) {
      const forged = bytes.slice();
      forged[widthsAt + 1] = junk;
      forged[widthsAt + 3] = junk;
      expect(Array.from(decodeParquetDelta(forged))).toEqual([10, 11, 13, 12, 20]);
    }
  });

  it("accepts arbitrary padding bits in the last miniblock", () => {
    const values = [10, 11, 13, 12, 20];
    const bytes = encodeParquetDelta(values);
    const forged = bytes.slice();
    // The body starts after the 4 widths; values 5..31 are padding.
    for (let i = 12; i < forged.length; i++) forged[i] = 0xff; // after 4 values × 4 bits
    expect(Array.from(decodeParquetDelta(forged))).toEqual(values);
  });

  it("accepts non-minimal varints", () => {
    // [0x80 0x81 0x00] = 128 (padded), [0x84 0x00] = 4, [0x85 0x80 0x00] = 5.
    const bytes = Uint8Array.of(0x80, 0x81, 0x00, 0x84, 0x00, 0x85, 0x80, 0x00, 2, 2, 0, 0, 0, 0);
    expect(Array.from(decodeParquetDelta(bytes))).toEqual([1, 2, 3, 4, 5]);
  });

  it("decodes a 33-bit min delta from a writer that does not wrap", () => {
    // [MAX, MIN]: the true delta is -(2**32 - 1), zigzag 2**33 - 3, a 5-byte
    // varint whose last byte is 0x1f. Modulo 2**32 it is +1.
    const z = 2 ** 33 - 3;
    const varint: number[] = [];
    let rest = z;
    while (rest >= 128) {
      varint.push((rest % 128) | 0x80);
      rest = Math.floor(rest / 128);
    }
    varint.push(rest);
    expect(varint.length).toBe(5);
    expect(varint[4]).toBe(0x1f);
    const header = [0x80, 0x01, 4, 2, 0xfe, 0xff, 0xff, 0xff, 0x0f]; // first = zigzag(MAX) = 2**32 - 2
    const bytes = Uint8Array.from([...header, ...varint, 0, 0, 0, 0]);
    expect(Array.from(decodeParquetDelta(bytes))).toEqual([MAX, MIN]);
    expect(hyparquetDecode(bytes, 2)).toEqual([MAX, MIN]);
    // One bit more (the 5th byte 0x20) is beyond any int32 delta.
    const tooWide = bytes.slice();
    tooWide[header.length + 4] = 0x20;
    expectDeltaError(() => decodeParquetDelta(tooWide), "ERR_DELTA_CORRUPT");
  });

  it("accepts a Buffer, a subarray and bytes from another realm", () => {
    const enc = encodeParquetDelta([5, -5, 7]);
    expect(Array.from(decodeParquetDelta(Buffer.from(enc)))).toEqual([5, -5, 7]);
    const big = new Uint8Array(enc.length + 10);
    big.set(enc, 3);
    expect(Array.from(decodeParquetDelta(big.subarray(3, 3 + enc.length)))).toEqual([5, -5, 7]);
    const foreign = vm.runInNewContext("new Uint8Array(arr)", { arr: Array.from(enc) }) as Uint8Array;
    expect(foreign instanceof Uint8Array).toBe(false);
    expect(Array.from(decodeParquetDelta(foreign))).toEqual([5, -5, 7]);
  });
});

describe("decodeParquetDeltaInto", () => {
  it("fills a prefix of out and returns the count", () => {
    const xs = Int32Array.from({ length: 300 }, (_, i) => i * i);
    const out = new Int32Array(310).fill(-9);
    expect(decodeParquetDeltaInto(encodeParquetDelta(xs), out)).toBe(300);
    expect(out.subarray(0, 300)).toEqual(xs);
    expect(Array.from(out.subarray(300))).toEqual(new Array(10).fill(-9));
  });

  it("rejects a too small or wrong out", () => {
    const enc = encodeParquetDelta([1, 2, 3]);
    expectDeltaError(() => decodeParquetDeltaInto(enc, new Int32Array(2)), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDeltaInto(enc, new Uint32Array(3) as unknown as Int32Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDeltaInto(enc, [0, 0, 0] as unknown as Int32Array), "ERR_DELTA_INPUT");
    expect(decodeParquetDeltaInto(enc, new Int32Array(3))).toBe(3);
  });
});

describe("the optional CRC", () => {
  const xs = Int32Array.from({ length: 200 }, (_, i) => 1000 * i + ((i * 7) % 13));
  const enc = encodeParquetDelta(xs);

  it("passes with the right CRC, unsigned or as Parquet's signed i32", () => {
    const c = crc32(enc);
    expect(decodeParquetDelta(enc, { crc: c })).toEqual(xs);
    expect(decodeParquetDelta(enc, { crc: c | 0 })).toEqual(xs);
    const out = new Int32Array(200);
    expect(decodeParquetDeltaInto(enc, out, { crc: c })).toBe(200);
    expect(decodeParquetDelta(enc, {})).toEqual(xs);
  });

  it("turns every single bit flip into ERR_DELTA_CORRUPT", () => {
    const c = crc32(enc);
    for (let i = 0; i < enc.length; i++) {
      for (let b = 0; b < 8; b++) {
        const bad = enc.slice();
        bad[i] ^= 1 << b;
        expectDeltaError(() => decodeParquetDelta(bad, { crc: c }), "ERR_DELTA_CORRUPT");
      }
    }
  });

  it("without it, some bit flips decode silently to other values (documented)", () => {
    let silent = 0;
    for (let i = 0; i < enc.length; i++) {
      const bad = enc.slice();
      bad[i] ^= 1;
      try {
        const out = decodeParquetDelta(bad);
        if (out.length === xs.length && out.some((v, k) => v !== xs[k])) silent++;
      } catch (e) {
        expect(e).toBeInstanceOf(DeltaError);
      }
    }
    expect(silent).toBeGreaterThan(0);
  });

  it("validates the option", () => {
    for (const crc of [-(2 ** 31) - 1, 2 ** 32, 1.5, "1", NaN]) {
      expectDeltaError(() => decodeParquetDelta(enc, { crc: crc as number }), "ERR_DELTA_INPUT");
    }
    expectDeltaError(() => decodeParquetDelta(enc, 5 as unknown as object), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDelta(enc, null as unknown as object), "ERR_DELTA_INPUT");
  });
});

describe("structural validation", () => {
  const ok = encodeParquetDelta(Int32Array.from({ length: 300 }, (_, i) => (i * 37) % 101));

  it("rejects invalid or absurd block layouts", () => {
    const header = (blockSize: number[], miniblocks: number[]) =>
      Uint8Array.from([...blockSize, ...miniblocks, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expectDeltaError(() => decodeParquetDelta(header([0], [4])), "ERR_DELTA_CORRUPT"); // block size 0
    expectDeltaError(() => decodeParquetDelta(header([64], [2])), "ERR_DELTA_CORRUPT"); // not a multiple of 128
    expectDeltaError(() => decodeParquetDelta(header([0x80, 0x01], [0])), "ERR_DELTA_CORRUPT"); // 0 miniblocks
    expectDeltaError(() => decodeParquetDelta(header([0x80, 0x01], [3])), "ERR_DELTA_CORRUPT"); // 128 / 3
    expectDeltaError(() => decodeParquetDelta(header([0x80, 0x01], [8])), "ERR_DELTA_CORRUPT"); // 16 per miniblock
    // 32768 + 128: over the cap. 2**31: absurd.
    expectDeltaError(() => decodeParquetDelta(header([0x80, 0x81, 0x02], [1])), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeParquetDelta(header([0x80, 0x80, 0x80, 0x80, 0x08], [1])), "ERR_DELTA_CORRUPT");
    // The cap itself is fine.
    expect(Array.from(decodeParquetDelta(Uint8Array.of(0x80, 0x80, 0x02, 1, 3, 0, 2, 0)))).toEqual([0, 1, 2]);
  });

  it("rejects a used miniblock wider than 32 bits", () => {
    for (const w of [33, 64, 255]) {
      const bad = ok.slice();
      bad[7] = w; // first width of the first block (6 header bytes, 1-byte min delta)
      expectDeltaError(() => decodeParquetDelta(bad), "ERR_DELTA_CORRUPT");
    }
  });

  it("rejects over-long varints", () => {
    expectDeltaError(() => decodeParquetDelta(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 4, 0, 0)), "ERR_DELTA_CORRUPT");
    expectDeltaError(() => decodeParquetDelta(Uint8Array.of(0x80, 0x01, 4, 1, 0xff, 0xff, 0xff, 0xff, 0x1f)), "ERR_DELTA_CORRUPT");
  });

  it("rejects a forged count before allocating for it", () => {
    // Count 2**31 - 1 with almost no bytes: each block needs 5 bytes.
    const forged = Uint8Array.of(0x80, 0x01, 4, 0xff, 0xff, 0xff, 0xff, 0x07, 0, 2, 0, 0, 0, 0);
    expectDeltaError(() => decodeParquetDelta(forged), "ERR_DELTA_TRUNCATED");
    // Above 2**31 - 1: not a Parquet count.
    const huge = Uint8Array.of(0x80, 0x01, 4, 0x80, 0x80, 0x80, 0x80, 0x08, 0);
    expectDeltaError(() => decodeParquetDelta(huge), "ERR_DELTA_CORRUPT");
  });

  it("rejects bytes after the last value", () => {
    const longer = new Uint8Array(ok.length + 1);
    longer.set(ok);
    expectDeltaError(() => decodeParquetDelta(longer), "ERR_DELTA_CORRUPT");
  });

  it("every truncation is ERR_DELTA_TRUNCATED, and nothing past the end is read", () => {
    for (const xs of [Int32Array.of(), Int32Array.of(MIN), Int32Array.from({ length: 300 }, (_, i) => i * i * i)]) {
      const enc = encodeParquetDelta(xs);
      for (let cut = 0; cut < enc.length; cut++) {
        // The rest of the encoding stays in the buffer right after the view:
        // a decoder reading past the end would find it and succeed.
        const view = enc.slice().subarray(0, cut);
        expectDeltaError(() => decodeParquetDelta(view), "ERR_DELTA_TRUNCATED");
      }
    }
  });

  it("validates the argument types", () => {
    expectDeltaError(() => decodeParquetDelta([0x80, 1, 4, 0, 0] as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => decodeParquetDelta(new Int8Array(5) as unknown as Uint8Array), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta("123" as unknown as number[]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta([1, null as unknown as number]), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta([0.5]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeParquetDelta([MAX + 1]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeParquetDelta([NaN]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => encodeParquetDelta([1], { blockSize: 100 }), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta([1], { blockSize: 128, miniblocksPerBlock: 8 }), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta([1], { blockSize: PARQUET_MAX_BLOCK_SIZE + 128 }), "ERR_DELTA_INPUT");
    expectDeltaError(() => encodeParquetDelta([1], 7 as unknown as object), "ERR_DELTA_INPUT");
    expect(Array.from(decodeParquetDelta(encodeParquetDelta([-0, 1])))).toEqual([0, 1]);
    expect(PARQUET_BLOCK_SIZE).toBe(128);
    expect(PARQUET_MINIBLOCKS).toBe(4);
  });
});

describe("fuzz: every outcome is the right values or a DeltaError", () => {
  const outcome = (f: () => Int32Array): Int32Array | DeltaError => {
    try {
      return f();
    } catch (e) {
      expect(e).toBeInstanceOf(DeltaError);
      return e as DeltaError;
    }
  };

  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = outcome(() => decodeParquetDelta(bytes));
        if (!(r instanceof DeltaError)) expect(Array.from(r)).toEqual(specDecode(bytes).values);
      }),
      { numRuns: 3000 },
    );
  });

  it("forged headers over random bodies agree with the spec reader when accepted", () => {
    const header = fc.tuple(
      fc.constantFrom(128, 256, 1024),
      fc.constantFrom(1, 2, 4),
      fc.integer({ min: 0, max: 700 }),
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    );
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 400 }), ([blockSize, mbs, count, zFirst], body) => {
        const head: number[] = [];
        for (let v of [blockSize, mbs, count, zFirst]) {
          while (v >= 128) {
            head.push((v % 128) | 0x80);
            v = Math.floor(v / 128);
          }
          head.push(v);
        }
        const bytes = Uint8Array.from([...head, ...body]);
        const r = outcome(() => decodeParquetDelta(bytes));
        if (!(r instanceof DeltaError)) {
          const spec = specDecode(bytes);
          expect(Array.from(r)).toEqual(spec.values);
          expect(spec.used).toBe(bytes.length);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("bit flips and byte damage (without CRC: any values or an error; with CRC: exact or an error)", () => {
    fc.assert(
      fc.property(
        series,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        (xs, damage) => {
          const enc = encodeParquetDelta(xs);
          const bad = enc.slice();
          for (const [at, mask] of damage) bad[at % bad.length] ^= mask;
          outcome(() => decodeParquetDelta(bad));
          const withCrc = outcome(() => decodeParquetDelta(bad, { crc: crc32(enc) }));
          if (!(withCrc instanceof DeltaError)) expect(withCrc).toEqual(xs);
          const into = new Int32Array(xs.length + 5);
          try {
            decodeParquetDeltaInto(bad, into);
          } catch (e) {
            expect(e).toBeInstanceOf(DeltaError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
