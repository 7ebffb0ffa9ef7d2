import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { BLOCKS_FORMAT_VERSION, decodeBlocks, encodeBlocks } from "../../lib/delta/blocks.js";
import { DeltaError } from "../../lib/delta/errors.js";
import {
  BlockStreamEncoder,
  decodeBlockStream,
  STREAM_FRAME_VALUES,
  STREAM_MAX_FRAME_VALUES,
} from "../../lib/delta/stream.js";
import { expectDeltaError, int32Value } from "./helpers.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function concatValues(parts: Iterable<Int32Array>): Int32Array {
  return Int32Array.from(Array.from(parts).flatMap((p) => Array.from(p)));
}

/** Cut `bytes` at the given (sorted, deduplicated) positions. */
function cutAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** Push `values` in pieces of the given sizes, then end: all frames in order. */
function encodeInPieces(values: Int32Array, sizes: readonly number[], frameValues: number): Uint8Array[] {
  const enc = new BlockStreamEncoder({ frameValues });
  const frames: Uint8Array[] = [];
  let at = 0;
  for (const s of sizes) {
    if (at >= values.length) break;
    frames.push(...enc.push(values.subarray(at, at + s)));
    at += s;
  }
  if (at < values.length) frames.push(...enc.push(Array.from(values.subarray(at))));
  frames.push(...enc.end());
  return frames;
}

const values = fc.oneof(
  fc.int32Array({ maxLength: 900 }),
  fc.array(int32Value, { maxLength: 400 }).map((xs) => Int32Array.from(xs)),
  fc.nat({ max: 2000 }).map((n) => Int32Array.from({ length: n }, (_, i) => 1_600_000_000 + 60 * Math.floor(i / 2))),
);

describe("BlockStreamEncoder", () => {
  it("emits frames of frameValues values, each a valid block encoding", () => {
    const xs = Int32Array.from({ length: 2500 }, (_, i) => i * 7);
    const enc = new BlockStreamEncoder({ frameValues: 1000 });
    const first = enc.push(xs.subarray(0, 999));
    expect(first).toHaveLength(0);
    const second = enc.push(xs.subarray(999));
    expect(second).toHaveLength(2);
    const last = enc.end();
    expect(last).toHaveLength(1);
    const frames = [...second, ...last];
    expect(frames.map((f) => decodeBlocks(f).length)).toEqual([1000, 1000, 500]);
    // A frame is exactly encodeBlocks of its chunk.
    expect(frames[1]).toEqual(encodeBlocks(xs.subarray(1000, 2000)));
    expect(concatValues(frames.map(decodeBlocks))).toEqual(xs);
  });

  it("round-trips through frames whatever the push sizes", () => {
    fc.assert(
      fc.property(
        values,
        fc.array(fc.nat({ max: 400 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 300 }),
        (xs, sizes, frameValues) => {
          const frames = encodeInPieces(xs, sizes, frameValues);
          expect(frames).toHaveLength(Math.ceil(xs.length / frameValues));
          for (const f of frames) expect(decodeBlocks(f).length).toBeLessThanOrEqual(frameValues);
          expect(concatValues(decodeBlockStream(frames))).toEqual(xs);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("an empty stream has no frames", () => {
    const enc = new BlockStreamEncoder();
    expect(enc.push([])).toEqual([]);
    expect(enc.end()).toEqual([]);
    expect([...decodeBlockStream([])]).toEqual([]);
  });

  it("uses 65 536 values per frame by default and honours divisor", () => {
    expect(STREAM_FRAME_VALUES).toBe(65536);
    const xs = Int32Array.from({ length: 70_000 }, (_, i) => 60 * i);
    const enc = new BlockStreamEncoder();
    const frames = [...enc.push(xs), ...enc.end()];
    expect(frames.map((f) => decodeBlocks(f).length)).toEqual([65536, 70_000 - 65536]);
    const plain = new BlockStreamEncoder({ divisor: false });
    const plainFrames = [...plain.push(xs), ...plain.end()];
    expect(plainFrames[0]).toEqual(encodeBlocks(xs.subarray(0, 65536), { divisor: false }));
    expect(concatValues(decodeBlockStream(plainFrames))).toEqual(xs);
  });

  it("validates options and values, and a rejected push changes nothing", () => {
    for (const frameValues of [0, -1, 1.5, STREAM_MAX_FRAME_VALUES + 1, "10"]) {
      expectDeltaError(() => new BlockStreamEncoder({ frameValues: frameValues as number }), "ERR_DELTA_INPUT");
    }
    expectDeltaError(() => new BlockStreamEncoder({ divisor: 1 as unknown as boolean }), "ERR_DELTA_INPUT");
    expectDeltaError(() => new BlockStreamEncoder(3 as unknown as object), "ERR_DELTA_INPUT");
    const enc = new BlockStreamEncoder({ frameValues: 4 });
    enc.push([1, 2]);
    expectDeltaError(() => enc.push([3, 0.5]), "ERR_DELTA_NOT_INTEGER");
    expectDeltaError(() => enc.push("12" as unknown as number[]), "ERR_DELTA_INPUT");
    const frames = [...enc.push([3, 4, 5]), ...enc.end()];
    expect(concatValues(frames.map(decodeBlocks))).toEqual(Int32Array.of(1, 2, 3, 4, 5));
    expectDeltaError(() => enc.push([1]), "ERR_DELTA_INPUT");
    expectDeltaError(() => enc.end(), "ERR_DELTA_INPUT");
  });
});

describe("decodeBlockStream", () => {
  it("decodes chunks cut anywhere, frames split across chunks", () => {
    fc.assert(
      fc.property(
        values,
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (xs, frameValues, cuts) => {
          const stream = concat(encodeInPieces(xs, [xs.length], frameValues));
          const chunks = cutAt(stream, cuts);
          const out = [...decodeBlockStream(chunks)];
          expect(out).toHaveLength(Math.ceil(xs.length / frameValues));
          expect(concatValues(out)).toEqual(xs);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("handles one-byte chunks of a large frame in linear time", () => {
    let seed = 1;
    const xs = Int32Array.from({ length: 60_000 }, () => (seed = (Math.imul(seed, 1103515245) + 12345) | 0));
    const stream = concat(encodeInPieces(xs, [xs.length], 60_000));
    expect(stream.length).toBeGreaterThan(200_000);
    function* bytes(): Generator<Uint8Array> {
      for (let i = 0; i < stream.length; i++) yield stream.subarray(i, i + 1);
    }
    const out = [...decodeBlockStream(bytes())];
    expect(out).toHaveLength(1);
    expect(out[0]).toEqual(xs);
  });

  it("yields lazily, frame by frame", () => {
    const frames = encodeInPieces(Int32Array.from({ length: 30 }, (_, i) => i), [30], 10);
    const gen = decodeBlockStream([concat(frames), Uint8Array.of(0x00)]);
    expect(Array.from(gen.next().value as Int32Array)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    gen.next();
    gen.next();
    // The garbage byte after the last frame is reported only when reached.
    expect(() => gen.next()).toThrow(DeltaError);
  });

  it("a truncated final frame is ERR_DELTA_TRUNCATED, after the complete frames", () => {
    const xs = Int32Array.from({ length: 50 }, (_, i) => i * i);
    const frames = encodeInPieces(xs, [50], 20);
    const stream = concat(frames);
    for (let cut = 1; cut < stream.length; cut++) {
      const complete = frames.reduce((acc, f, k) => (concat(frames.slice(0, k + 1)).length <= cut ? k + 1 : acc), 0);
      const got: Int32Array[] = [];
      let error: unknown = undefined;
      try {
        for (const part of decodeBlockStream([stream.subarray(0, cut)])) got.push(part);
      } catch (e) {
        error = e;
      }
      expect(got).toHaveLength(complete);
      if (cut === concat(frames.slice(0, complete)).length) {
        expect(error).toBeUndefined();
      } else {
        expect(error).toBeInstanceOf(DeltaError);
        expect((error as DeltaError).code).toBe("ERR_DELTA_TRUNCATED");
      }
    }
  });

  it("rejects garbage between frames and bad arguments", () => {
    const frames = encodeInPieces(Int32Array.of(1, 2, 3, 4), [4], 2);
    expect(() => [...decodeBlockStream([frames[0], Uint8Array.of(0x49), frames[1]])]).toThrow(DeltaError);
    try {
      [...decodeBlockStream([frames[0], Uint8Array.of(0x42, BLOCKS_FORMAT_VERSION + 1), frames[1]])];
      expect.unreachable();
    } catch (e) {
      expect((e as DeltaError).code).toBe("ERR_DELTA_CORRUPT");
    }
    // A version 1 frame (an older layout) is rejected, not misread.
    const v1 = frames[0].slice();
    v1[1] = 1;
    expectDeltaError(() => [...decodeBlockStream([v1])], "ERR_DELTA_CORRUPT");
    expectDeltaError(() => [...decodeBlockStream(5 as unknown as Uint8Array[])], "ERR_DELTA_INPUT");
    expectDeltaError(() => [...decodeBlockStream(null as unknown as Uint8Array[])], "ERR_DELTA_INPUT");
    expectDeltaError(() => [...decodeBlockStream([frames[0], [1, 2] as unknown as Uint8Array])], "ERR_DELTA_INPUT");
    // A forged over-long frame length varint.
    expectDeltaError(
      () => [...decodeBlockStream([Uint8Array.of(0x42, BLOCKS_FORMAT_VERSION, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)])],
      "ERR_DELTA_CORRUPT",
    );
    // A huge declared length is not allocated up front: the stream just ends early.
    expectDeltaError(() => [...decodeBlockStream([Uint8Array.of(0x42, BLOCKS_FORMAT_VERSION, 0xff, 0xff, 0xff, 0x7f)])], "ERR_DELTA_TRUNCATED");
    // Empty chunks are fine.
    expect(concatValues(decodeBlockStream([new Uint8Array(0), ...frames, new Uint8Array(0)]))).toEqual(Int32Array.of(1, 2, 3, 4));
  });

  it("fuzz: damage gives the exact frames or a DeltaError", () => {
    fc.assert(
      fc.property(
        values,
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (xs, frameValues, damage, cuts) => {
          const frames = encodeInPieces(xs, [xs.length], frameValues);
          const stream = concat(frames);
          if (stream.length === 0) return;
          const bad = stream.slice();
          for (const [at, mask] of damage) bad[at % bad.length] ^= mask;
          const got: Int32Array[] = [];
          try {
            for (const part of decodeBlockStream(cutAt(bad, cuts))) got.push(part);
          } catch (e) {
            expect(e).toBeInstanceOf(DeltaError);
          }
          // Every frame yielded is a frame of the original (CRC-checked).
          const expected = frames.map(decodeBlocks);
          for (let k = 0; k < got.length; k++) expect(got[k]).toEqual(expected[k]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("fuzz: random chunks are decoded or rejected with a DeltaError", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }), (chunks) => {
        try {
          for (const part of decodeBlockStream(chunks)) expect(part).toBeInstanceOf(Int32Array);
        } catch (e) {
          expect(e).toBeInstanceOf(DeltaError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
