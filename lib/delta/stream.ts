/**
 * @module delta/stream
 *
 * Streaming over the block codec, for series that do not fit in memory.
 *
 * Stream format: a plain concatenation of frames, each frame a complete,
 * independent {@link encodeBlocks} encoding of up to `frameValues`
 * consecutive values (default {@link STREAM_FRAME_VALUES}). Nothing is added
 * between or around frames: a block encoding already starts with its tag,
 * version and a varint L = number of bytes that follow L (CRC included), so
 * a reader that has the first 3 to 10 bytes of a frame knows where it ends.
 * Each frame restarts the deltas from an absolute first value, so a damaged
 * frame does not affect the others and any frame decodes on its own with
 * {@link decodeBlocks}. An empty stream (no values) has no frames.
 *
 * Frame overhead: under 20 bytes (tag, version, L, count, first value,
 * divisor, CRC) per 65 536 values, under 0.003 bits/value.
 */

import { BLOCKS_FORMAT_TAG, BLOCKS_FORMAT_VERSION, decodeBlocks, encodeBlocks } from "./blocks.js";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";
import { toInt32Array } from "./int32input.js";
import { ByteReader } from "./varint.js";

/** Default number of values per frame. */
export const STREAM_FRAME_VALUES = 65536;

/** Largest accepted `frameValues` (2**24: a 64 MiB buffer). */
export const STREAM_MAX_FRAME_VALUES = 2 ** 24;

/** Options of {@link BlockStreamEncoder}. */
export interface BlockStreamOptions {
  /** Values per frame, 1..2**24 (default 65 536). */
  frameValues?: number;
  /** Passed to {@link encodeBlocks}: divide deltas by their GCD (default true). */
  divisor?: boolean;
}

/**
 * Incremental encoder: buffers pushed values and emits one frame per
 * `frameValues` values. Frames are returned as soon as they are complete;
 * write them out in order, and the concatenation is the stream.
 *
 * @example
 * const enc = new BlockStreamEncoder({ frameValues: 1000 });
 * const frames = [...enc.push(Int32Array.from({ length: 2500 }, (_, i) => i)), ...enc.end()];
 * frames.length // => 3 (1000 + 1000 + 500 values)
 */
export class BlockStreamEncoder {
  private readonly frameValues: number;
  private readonly divisor: boolean;
  private readonly buffer: Int32Array;
  private filled = 0;
  private ended = false;

  /**
   * @param options - `frameValues` (values per frame, default 65 536) and `divisor`
   * @throws {DeltaError} ERR_DELTA_INPUT for bad options
   */
  constructor(options?: BlockStreamOptions) {
    if (options !== undefined && (options === null || typeof options !== "object")) {
      throw new DeltaError("ERR_DELTA_INPUT", "BlockStreamEncoder: options must be an object");
    }
    const frameValues = options?.frameValues ?? STREAM_FRAME_VALUES;
    if (typeof frameValues !== "number" || !Number.isInteger(frameValues) || frameValues < 1 || frameValues > STREAM_MAX_FRAME_VALUES) {
      throw new DeltaError("ERR_DELTA_INPUT", "BlockStreamEncoder: frameValues must be an integer in [1, 2**24]");
    }
    const divisor = options?.divisor ?? true;
    if (typeof divisor !== "boolean") throw new DeltaError("ERR_DELTA_INPUT", "BlockStreamEncoder: divisor must be a boolean");
    this.frameValues = frameValues;
    this.divisor = divisor;
    this.buffer = new Int32Array(frameValues);
  }

  /**
   * Add values; return the frames completed by them (possibly none).
   *
   * @param values - an Int32Array or an array of int32 numbers; checked as a
   *   whole before anything is buffered, so a rejected call changes nothing
   * @returns frames ready to write, in order
   * @throws {DeltaError} ERR_DELTA_INPUT / ERR_DELTA_NOT_INTEGER for bad
   *   values; ERR_DELTA_INPUT after {@link BlockStreamEncoder.end}
   * @example
   * new BlockStreamEncoder({ frameValues: 2 }).push([1, 2, 3]).length // => 1
   */
  push(values: Int32Array | readonly number[]): Uint8Array[] {
    if (this.ended) throw new DeltaError("ERR_DELTA_INPUT", "BlockStreamEncoder.push: the encoder has ended");
    const v = toInt32Array(values, "BlockStreamEncoder.push");
    const frames: Uint8Array[] = [];
    const size = this.frameValues;
    let at = 0;
    // Top up a partly filled buffer first.
    if (this.filled > 0) {
      const take = Math.min(size - this.filled, v.length);
      this.buffer.set(v.subarray(0, take), this.filled);
      this.filled += take;
      at = take;
      if (this.filled === size) {
        frames.push(this.encode(this.buffer));
        this.filled = 0;
      }
    }
    // Whole frames straight from the input, without copying.
    while (v.length - at >= size) {
      frames.push(this.encode(v.subarray(at, at + size)));
      at += size;
    }
    if (at < v.length) {
      this.buffer.set(v.subarray(at), this.filled);
      this.filled += v.length - at;
    }
    return frames;
  }

  /**
   * Flush the last, partial frame and close the encoder.
   *
   * @returns the last frame (or nothing if no values are buffered)
   * @throws {DeltaError} ERR_DELTA_INPUT if called twice
   * @example
   * const enc = new BlockStreamEncoder();
   * enc.push([1, 2, 3]); // => []
   * enc.end().length // => 1
   */
  end(): Uint8Array[] {
    if (this.ended) throw new DeltaError("ERR_DELTA_INPUT", "BlockStreamEncoder.end: the encoder has already ended");
    this.ended = true;
    if (this.filled === 0) return [];
    const frame = this.encode(this.buffer.subarray(0, this.filled));
    this.filled = 0;
    return [frame];
  }

  private encode(values: Int32Array): Uint8Array {
    return encodeBlocks(values, { divisor: this.divisor });
  }
}

/**
 * Byte length of the frame at the start of `head`, or -1 if `head` (all the
 * bytes available so far, up to 10) is too short to tell.
 */
function frameLength(head: Uint8Array, label: string): number {
  // The same tag and version checks as decodeBlocks, so garbage between
  // frames is reported as soon as its first bytes arrive.
  if (head.length >= 1 && head[0] !== BLOCKS_FORMAT_TAG) throw new DeltaError("ERR_DELTA_CORRUPT", label + ": not a block frame");
  if (head.length >= 2 && head[1] !== BLOCKS_FORMAT_VERSION) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": unsupported frame version " + head[1]);
  }
  if (head.length < 3) return -1;
  const r = new ByteReader(head, 2, head.length, label);
  try {
    const rest = r.varint53();
    return r.pos + rest;
  } catch (e) {
    // The varint continues past the bytes seen so far: wait for more.
    if (e instanceof DeltaError && e.code === "ERR_DELTA_TRUNCATED") return -1;
    throw e;
  }
}

/**
 * Decode a stream of frames delivered as byte chunks of any sizes (a frame
 * may be split across chunks, a chunk may hold many frames).
 *
 * Runs lazily: each frame is checked (CRC included) and yielded as soon as
 * its last byte has arrived, and errors surface when iteration reaches them.
 * Partial frames keep references to the chunks they came from until they
 * are complete, so chunks must not be modified after being handed over.
 *
 * @param chunks - any iterable of Uint8Array chunks (empty chunks are fine)
 * @returns a generator of decoded value arrays, one per frame, in order
 * @throws {DeltaError} ERR_DELTA_INPUT if `chunks` is not iterable or yields a
 *   non-Uint8Array; ERR_DELTA_CORRUPT for bytes that are not a frame or a
 *   damaged frame; ERR_DELTA_TRUNCATED if the chunks end inside a frame
 * @example
 * const frames = new BlockStreamEncoder({ frameValues: 2 }).push([1, 2, 3, 4]);
 * [...decodeBlockStream(frames)] // => [Int32Array [1, 2], Int32Array [3, 4]]
 */
export function* decodeBlockStream(chunks: Iterable<Uint8Array>): Generator<Int32Array, void, undefined> {
  const label = "decodeBlockStream";
  if (chunks === null || chunks === undefined || typeof (chunks as Iterable<Uint8Array>)[Symbol.iterator] !== "function") {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires an iterable of Uint8Array chunks");
  }
  // Bytes received but not yet decoded: pending[head] from `offset` on, then
  // the whole of pending[head + 1], ... (a head index, not shift(): a frame
  // split into thousands of tiny chunks must not cost quadratic time).
  let pending: Uint8Array[] = [];
  let head = 0;
  let offset = 0;
  let available = 0;

  /** The next `n` pending bytes (n <= available) without consuming them. */
  const peek = (n: number): Uint8Array => {
    const first = pending[head];
    if (first.length - offset >= n) return first.subarray(offset, offset + n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (let k = head; filled < n; k++) {
      const c = k === head ? first.subarray(offset) : pending[k];
      const take = Math.min(c.length, n - filled);
      out.set(c.subarray(0, take), filled);
      filled += take;
    }
    return out;
  };

  /** Drop `n` bytes (n <= available) from the front. */
  const consume = (n: number): void => {
    available -= n;
    while (n > 0) {
      const left = pending[head].length - offset;
      if (n < left) {
        offset += n;
        return;
      }
      n -= left;
      head++;
      offset = 0;
    }
    if (head === pending.length) {
      pending = [];
      head = 0;
    } else if (head > 1024) {
      pending = pending.slice(head);
      head = 0;
    }
  };

  for (const chunk of chunks) {
    if (!isTypedArray(chunk, "Uint8Array")) {
      throw new DeltaError("ERR_DELTA_INPUT", label + ": every chunk must be a Uint8Array");
    }
    if (chunk.length === 0) continue;
    pending.push(chunk);
    available += chunk.length;
    for (;;) {
      const need = frameLength(peek(Math.min(available, 10)), label);
      if (need < 0 || need > available) break;
      const frame = peek(need);
      consume(need);
      yield decodeBlocks(frame);
      if (available === 0) break;
    }
  }
  if (available > 0) throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": the stream ends inside a frame");
}
