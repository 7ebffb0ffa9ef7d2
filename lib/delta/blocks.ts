/**
 * @module delta/blocks
 *
 * A fast, framed, lossless int32 codec for sorted or smooth series
 * (timestamps, prices in cents): deltas, divided by their common stride,
 * stored per block of 128 as a frame of reference (the block minimum) plus
 * ONE bit width, bit-packed with the generated kernels of `bitpack.ts`, with
 * an index for random access and a CRC-32 trailer.
 *
 * Byte format (version 1). varint = LEB128 (minimal), zz = zigzag varint:
 *
 *     offset 0  0x42 ('B')            format tag
 *     offset 1  0x01                  format version
 *     varint    L                     bytes after this varint, CRC included:
 *                                     makes every encoding self-delimiting
 *                                     (the stream decoder finds frame ends with it)
 *     varint    n                     value count (< 2**31)
 *     if n >= 1:
 *       zz      v[0]                  first value
 *     if n >= 2:
 *       varint  g                     divisor, 1..2**31 (1 = none): every delta
 *                                     (v[i] - v[i-1]) is g · q[i] exactly
 *       B = ceil((n - 1) / 128) blocks, block b holding q[1 + 128b ...], each:
 *         1 byte  h                   bits 0..5: bit width w (0..32);
 *                                     bits 6..7: c
 *         if c = 3: varint zigzag(Δ) (>= 3)   Δ = min_b - min_{b-1} (int32
 *                                     wrapping, min_{-1} = 0); c < 3 means
 *                                     zigzag(Δ) = c (Δ = 0, -1, +1) inline
 *         packed  (q - min_b) at w bits, LSB-first: ⌊m/32⌋ groups of 4w bytes,
 *                 then the last m mod 32 values in ⌈(m mod 32)·w/8⌉ bytes with
 *                 zero padding bits (m = 128 except in the last block)
 *       index: B - 1 × zz(S_b - S_{b-1})  S_b = sum of block b's q (int32
 *                                     wrapping), S_{-1} = 0: value before block
 *                                     b + 1 = value before block b + g·S_b
 *     4 bytes   CRC-32 (little-endian) of every byte before it
 *
 * Design choices (measured):
 * - one width per block of 128, not per miniblock of 32: four width bytes
 *   (and four padded tails) cost more than the narrower miniblocks save on
 *   smooth data: 1M jittered timestamps 6.14 vs 6.24 bits/value, the real
 *   flights-3m timestamps 1.197 vs 1.329.
 * - the min is coded against the previous block's min, packed into the
 *   width byte when it changes by at most 1, because smooth series have
 *   nearly constant block minima: one header byte per block instead of 2-3.
 * - the index stores second differences of the block sums in units of the
 *   divisor: about one byte per block (0.06 bits/value). Byte offsets are
 *   not stored: each block's size follows from its header byte, so the
 *   first random access walks the headers once (see {@link blockValueAt}).
 * - the last block's final partial group is packed to the exact byte, not
 *   padded to 32 values, so short series stay short.
 *
 * Decoding checks, in order: argument types (ERR_DELTA_INPUT); tag and
 * version (ERR_DELTA_CORRUPT); L: an input shorter than 2 + L bytes is
 * ERR_DELTA_TRUNCATED, a longer one ERR_DELTA_CORRUPT (trailing bytes); CRC-32
 * (ERR_DELTA_CORRUPT); then the structure, which only forged or buggy
 * encoders can break (all ERR_DELTA_CORRUPT unless noted): n >= 2**31; a
 * divisor of 0 or above 2**31; a count needing more blocks than the body has
 * bytes (each block needs 2: header and index byte), checked before
 * allocating; a width above 32; a min change coded with c = 3 that fits
 * inline; nonzero padding bits; an index entry that disagrees with the
 * decoded values; bytes left before the CRC; a block or varint running past
 * the CRC (ERR_DELTA_TRUNCATED); non-minimal or over-long varints.
 */

import { crc32Range, storedCrc32, writeCrc32 } from "./crcfast.js";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";
import { toInt32Array } from "./int32input.js";
import {
  bitWidth32,
  PACK32,
  packTail,
  UNPACK_DELTA128,
  UNPACK_DELTA_MUL128,
  UNPACK_DELTA_MUL32,
  unpackTail,
} from "./bitpack.js";
import { scratch } from "./scratch.js";
import { gcdOfDeltas } from "./stride.js";
import { ByteReader, varintLength, writeVarint } from "./varint.js";

/** First byte of every block encoding ('B'). */
export const BLOCKS_FORMAT_TAG = 0x42;

/** Second byte of every block encoding. */
export const BLOCKS_FORMAT_VERSION = 1;

/** Deltas per block. */
export const BLOCK_VALUES = 128;

/** Largest value count of one encoding (2**31 - 1). */
export const BLOCKS_MAX_COUNT = 2 ** 31 - 1;

/** Tag, version, L (1 byte), count (1 byte), CRC: the shortest encoding (empty input). */
const MIN_BYTES = 2 + 1 + 1 + 4;

/** Options of {@link encodeBlocks}. */
export interface EncodeBlocksOptions {
  /**
   * Divide the deltas by their greatest common divisor when it is > 1
   * (default true). Costs one pass over the input; pays on data with a
   * cadence (timestamps in whole minutes, prices in ticks).
   */
  divisor?: boolean;
}

/** What {@link inspectBlocks} reports about an encoding. */
export interface BlocksInfo {
  /** Number of values. */
  count: number;
  /** Number of blocks of up to 128 deltas. */
  blocks: number;
  /** The divisor applied to the deltas (1 = none). */
  divisor: number;
  /** Total encoded size in bytes. */
  byteLength: number;
  /** byteLength × 8 / count (0 for an empty encoding). */
  bitsPerValue: number;
  /** Bytes of tag, version, lengths, count, first value, divisor. */
  headerBytes: number;
  /** Bytes of block headers (width byte and any min change varint). */
  blockHeaderBytes: number;
  /** Bytes of packed deltas. */
  packedBytes: number;
  /** Bytes of the random-access index. */
  indexBytes: number;
  /** widths[w] = number of blocks packed at w bits (length 33). */
  widths: number[];
}

function corrupt(label: string, reason: string): never {
  throw new DeltaError("ERR_DELTA_CORRUPT", label + ": " + reason);
}

function truncated(label: string): never {
  throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
}

// One block of quotient deltas (the encoder's working array) and one decoded
// block (random access). Module-level: the codec is synchronous.
const work = new Int32Array(BLOCK_VALUES);
const oneBlock = new Int32Array(BLOCK_VALUES);
const tail = new Int32Array(32);

/**
 * Losslessly compress an int32 series into the block format (see the module comment).
 *
 * @param values - an Int32Array, or an array of integers in [-2**31, 2**31 - 1]
 *   (-0 is stored as 0)
 * @param options - `divisor`: divide deltas by their GCD when > 1 (default true)
 * @returns the encoded bytes
 * @throws {DeltaError} ERR_DELTA_INPUT for a non-array, a non-number element or
 *   bad options; ERR_DELTA_NOT_INTEGER for a number that is not an int32;
 *   ERR_DELTA_INPUT for more than 2**31 - 1 values
 * @example
 * const t = Int32Array.from({ length: 1000 }, (_, i) => 1_600_000_000 + 60 * i);
 * encodeBlocks(t).length // => 31 (divisor 60, then 8 width-0 blocks of one byte each)
 */
export function encodeBlocks(values: Int32Array | readonly number[], options?: EncodeBlocksOptions): Uint8Array {
  const label = "encodeBlocks";
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": options must be an object");
  }
  const v = toInt32Array(values, label);
  const n = v.length;
  if (n > BLOCKS_MAX_COUNT) throw new DeltaError("ERR_DELTA_INPUT", label + ": more than 2**31 - 1 values");
  const useDivisor = options === undefined || options.divisor === undefined || options.divisor === true;
  if (options !== undefined && options.divisor !== undefined && typeof options.divisor !== "boolean") {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": options.divisor must be a boolean");
  }
  const nb = n >= 2 ? Math.ceil((n - 1) / BLOCK_VALUES) : 0;
  // Worst case: count, first value, divisor; per block a header byte, a
  // 5-byte min change, 512 packed bytes and a 5-byte index entry.
  const s = scratch(8 + 5 + 5 + nb * (1 + 5 + 4 * BLOCK_VALUES + 5));
  // The divisor is the GCD of all deltas (gcdOfDeltas), but a full pass just
  // to find it costs as much as a third of the encoding. So guess it from the
  // first block and let writeBody check every delta against the guess; in
  // the rare case a later delta is not a multiple, compute the real GCD and
  // start again. The result is the same either way.
  let g = useDivisor && n >= 2 ? gcdOfDeltas(v.subarray(0, Math.min(n, 1 + BLOCK_VALUES))) : 1;
  let pos = writeBody(v, g, nb, s.bytes, s.view);
  if (pos < 0) {
    g = gcdOfDeltas(v);
    pos = writeBody(v, g, nb, s.bytes, s.view); // cannot fail: g divides every delta
  }
  const buf = s.bytes;
  const rest = pos + 4; // body + CRC
  const head = 2 + varintLength(rest);
  const out = new Uint8Array(head + rest);
  out[0] = BLOCKS_FORMAT_TAG;
  out[1] = BLOCKS_FORMAT_VERSION;
  writeVarint(out, 2, rest);
  out.set(buf.subarray(0, pos), head);
  writeCrc32(out, head + pos);
  return out;
}

/**
 * Write the body (count ... index, see the module comment) of `v` with
 * divisor `g` into `buf` from index 0. Returns the body length, or -1 if a
 * difference is not an int32 multiple of g (only possible for g > 1, when g
 * is a guess).
 */
function writeBody(v: Int32Array, g: number, nb: number, buf: Uint8Array, dv: DataView): number {
  const n = v.length;
  let pos = writeVarint(buf, 0, n);
  if (n >= 1) pos = writeVarint(buf, pos, ((v[0] << 1) ^ (v[0] >> 31)) >>> 0);
  if (n < 2) return pos;
  pos = writeVarint(buf, pos, g);
  const sums = new Int32Array(nb);
  const q = work;
  let prev = v[0];
  let prevMin = 0;
  for (let b = 0, start = 1; b < nb; b++, start += BLOCK_VALUES) {
    const m = Math.min(BLOCK_VALUES, n - start);
    let min = 0x7fffffff;
    let max = -0x80000000;
    let sum = 0;
    if (g === 1) {
      for (let k = 0; k < m; k++) {
        const x = v[start + k];
        const d = (x - prev) | 0; // wrapping: exact modulo 2**32
        prev = x;
        q[k] = d;
        sum = (sum + d) | 0;
        if (d < min) min = d;
        if (d > max) max = d;
      }
    } else {
      for (let k = 0; k < m; k++) {
        const x = v[start + k];
        const diff = x - prev; // exact in a double
        // `| 0` lets V8 keep the quotient in an integer register
        // (Math.round(diff * (1 / g)) measured slower than the division).
        const d = (diff / g) | 0;
        // Exactly the deltas gcdOfDeltas accepts: int32, and a multiple of g.
        if ((diff | 0) !== diff || d * g !== diff) return -1;
        prev = x;
        q[k] = d;
        sum = (sum + d) | 0;
        if (d < min) min = d;
        if (d > max) max = d;
      }
    }
    // max - min is in [0, 2**32 - 1] (exact as a double); bitWidth32 reads
    // it as uint32. The pack kernels subtract min themselves.
    const w = bitWidth32(max - min);
    const dm = (min - prevMin) | 0;
    const z = ((dm << 1) ^ (dm >> 31)) >>> 0;
    if (z < 3) {
      buf[pos++] = w | (z << 6);
    } else {
      buf[pos++] = w | 0xc0;
      pos = writeVarint(buf, pos, z);
    }
    prevMin = min;
    const full = m >>> 5;
    const kernel = PACK32[w];
    for (let j = 0; j < full; j++) {
      kernel(q, j << 5, dv, pos, min);
      pos += 4 * w;
    }
    if ((m & 31) !== 0) pos = packTail(q, full << 5, m & 31, w, buf, pos, min);
    sums[b] = sum;
  }
  let prevSum = 0;
  for (let b = 0; b < nb - 1; b++) {
    const e = (sums[b] - prevSum) | 0;
    prevSum = sums[b];
    pos = writeVarint(buf, pos, ((e << 1) ^ (e >> 31)) >>> 0);
  }
  return pos;
}

/** Header fields of a checked encoding. */
interface Parsed {
  count: number;
  first: number;
  divisor: number;
  blocks: number;
  /** Index of the first block header byte. */
  pos: number;
  /** Index of the CRC (end of the body). */
  end: number;
}

/**
 * Check tag, version, length and CRC, and read the header. Does not allocate
 * anything proportional to the count.
 */
function parseHeader(bytes: Uint8Array, label: string): Parsed {
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  const len = bytes.length;
  if (len >= 1 && bytes[0] !== BLOCKS_FORMAT_TAG) corrupt(label, "not a block encoding");
  if (len >= 2 && bytes[1] !== BLOCKS_FORMAT_VERSION) corrupt(label, "unsupported format version " + bytes[1]);
  if (len < MIN_BYTES) truncated(label);
  const r = new ByteReader(bytes, 2, len, label);
  const rest = r.varint53();
  const total = r.pos + rest;
  if (total > len) truncated(label);
  if (total < len) corrupt(label, "trailing bytes after the CRC");
  const end = len - 4;
  if (crc32Range(bytes, 0, end) !== storedCrc32(bytes, end)) corrupt(label, "checksum mismatch");
  const body = new ByteReader(bytes, r.pos, end, label);
  const count = body.varint53();
  if (count > BLOCKS_MAX_COUNT) corrupt(label, "count " + count + " exceeds 2**31 - 1");
  let first = 0;
  let divisor = 1;
  let blocks = 0;
  if (count >= 1) {
    const z = body.varint32();
    first = (z >>> 1) ^ -(z & 1);
  }
  if (count >= 2) {
    divisor = body.varint32();
    if (divisor === 0 || divisor > 2 ** 31) corrupt(label, "divisor " + divisor + " outside [1, 2**31]");
    blocks = Math.ceil((count - 1) / BLOCK_VALUES);
    // Each block takes at least a header byte, each but the last an index byte.
    if (2 * blocks - 1 > body.remaining()) corrupt(label, "count " + count + " exceeds what the bytes can hold");
  }
  return { count, first, divisor, blocks, pos: body.pos, end };
}

/**
 * Decode every block into out[0, count) and check the index against the
 * values. `h` comes from parseHeader.
 */
function decodeBody(bytes: Uint8Array, h: Parsed, out: Int32Array, label: string): void {
  const n = h.count;
  const end = h.end;
  if (n === 0) {
    if (h.pos !== end) corrupt(label, "trailing bytes before the CRC");
    return;
  }
  out[0] = h.first;
  if (n === 1) {
    if (h.pos !== end) corrupt(label, "trailing bytes before the CRC");
    return;
  }
  const g = h.divisor;
  const nb = h.blocks;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = new ByteReader(bytes, h.pos, end, label);
  // Each block's sum of deltas, to check the index against after the loop
  // (reading it back from `out` would touch cold memory once per block).
  const sums = new Int32Array(nb);
  let pos = h.pos;
  let prev = h.first;
  let min = 0;
  let i = 1;
  for (let b = 0; b < nb; b++) {
    const before = prev;
    if (pos >= end) truncated(label);
    const hb = bytes[pos++];
    const w = hb & 63;
    if (w > 32) corrupt(label, "bit width " + w + " exceeds 32");
    let z = hb >>> 6;
    if (z === 3) {
      r.pos = pos;
      z = r.varint32();
      pos = r.pos;
      if (z < 3) corrupt(label, "min change " + z + " should be stored inline");
    }
    min = (min + ((z >>> 1) ^ -(z & 1))) | 0;
    const m = b < nb - 1 ? BLOCK_VALUES : n - 1 - BLOCK_VALUES * (nb - 1);
    if (m === BLOCK_VALUES) {
      // A full block: one call of a 128-value kernel (the hot path).
      if (pos + 16 * w > end) truncated(label);
      if (g === 1) prev = UNPACK_DELTA128[w](dv, pos, out, i, prev, min);
      else prev = UNPACK_DELTA_MUL128[w](dv, pos, out, i, prev, Math.imul(min, g), g);
      pos += 16 * w;
      i += BLOCK_VALUES;
      sums[b] = (prev - before) | 0;
      continue;
    }
    // The last block, with fewer than 128 deltas: groups of 32, then the rest.
    const full = m >>> 5;
    const rest = m & 31;
    const restBytes = (rest * w + 7) >>> 3;
    if (pos + 4 * w * full + restBytes > end) truncated(label);
    const add = Math.imul(min, g);
    const kernel = UNPACK_DELTA_MUL32[w];
    for (let j = 0; j < full; j++) {
      prev = kernel(dv, pos, out, i, prev, add, g);
      pos += 4 * w;
      i += 32;
    }
    if (rest !== 0) {
      unpackTail(bytes, pos, w, rest, tail, 0);
      for (let k = 0; k < rest; k++) {
        prev = (prev + add + Math.imul(tail[k], g)) | 0;
        out[i++] = prev;
      }
      checkPadding(bytes, pos + restBytes - 1, rest * w, label);
      pos += restBytes;
    }
  }
  // The index: second differences of block sums, checked against the values
  // (modulo 2**32 after multiplying by the divisor, which is exactly what
  // random access computes, so both always agree on accepted input).
  r.pos = pos;
  let sum = 0;
  for (let b = 0; b < nb - 1; b++) {
    const z = r.varint32();
    sum = (sum + ((z >>> 1) ^ -(z & 1))) | 0;
    if (sums[b] !== Math.imul(sum, g)) corrupt(label, "index entry " + b + " disagrees with the values");
  }
  if (r.pos !== end) corrupt(label, "trailing bytes before the CRC");
}

/** The bits after the last value in the last packed byte must be zero. */
function checkPadding(bytes: Uint8Array, last: number, bits: number, label: string): void {
  const used = bits & 7;
  if (used !== 0 && bytes[last] >>> used !== 0) corrupt(label, "nonzero padding bits");
}

/**
 * Decode bytes made by {@link encodeBlocks} back into the exact int32 values.
 *
 * @param bytes - one block encoding
 * @returns the values
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array;
 *   ERR_DELTA_TRUNCATED / ERR_DELTA_CORRUPT as listed in the module comment
 * @example
 * decodeBlocks(encodeBlocks([5, 7, 9, 8])) // => Int32Array [5, 7, 9, 8]
 */
export function decodeBlocks(bytes: Uint8Array): Int32Array {
  const label = "decodeBlocks";
  const h = parseHeader(bytes, label);
  const out = new Int32Array(h.count);
  decodeBody(bytes, h, out, label);
  return out;
}

/**
 * Decode bytes made by {@link encodeBlocks} into an existing array (no allocation
 * proportional to the count).
 *
 * @param bytes - one block encoding
 * @param out - receives the values in out[0, count); later elements are untouched
 * @returns the number of values decoded
 * @throws {DeltaError} ERR_DELTA_INPUT if `out` is not an Int32Array or is too
 *   small; otherwise as {@link decodeBlocks}. On an error in the body `out` may
 *   have been partly written.
 * @example
 * const out = new Int32Array(10);
 * decodeBlocksInto(encodeBlocks([1, 2, 3]), out) // => 3
 */
export function decodeBlocksInto(bytes: Uint8Array, out: Int32Array): number {
  const label = "decodeBlocksInto";
  if (!isTypedArray(out, "Int32Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires an Int32Array out");
  const h = parseHeader(bytes, label);
  if (h.count > out.length) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": out holds " + out.length + " values, the input has " + h.count);
  }
  decodeBody(bytes, h, out, label);
  return h.count;
}

/** Per-block directory built once per encoding for random access. */
interface Directory {
  count: number;
  first: number;
  divisor: number;
  /** Byte index of each block's packed data. */
  dataPos: Float64Array;
  /** Each block's min (frame of reference, in units of the divisor). */
  mins: Int32Array;
  /** Each block's bit width. */
  widths: Uint8Array;
  /** The value just before each block's first value. */
  before: Int32Array;
  view: DataView;
  info: BlocksInfo;
}

// Directories by encoding. A WeakMap: an entry lives as long as its bytes.
const directories = new WeakMap<Uint8Array, Directory>();

/**
 * Check an encoding (CRC and structure, without decoding the packed values)
 * and build its directory: where each block starts, its min and width, and
 * the value before it (from the index).
 */
function buildDirectory(bytes: Uint8Array, label: string): Directory {
  const h = parseHeader(bytes, label);
  const nb = h.blocks;
  const end = h.end;
  const n = h.count;
  const dataPos = new Float64Array(nb);
  const mins = new Int32Array(nb);
  const widths = new Uint8Array(nb);
  const before = new Int32Array(nb);
  const histogram: number[] = [];
  for (let w = 0; w <= 32; w++) histogram.push(0);
  const r = new ByteReader(bytes, h.pos, end, label);
  let pos = h.pos;
  let min = 0;
  let blockHeaderBytes = 0;
  let packedBytes = 0;
  for (let b = 0; b < nb; b++) {
    const start = pos;
    if (pos >= end) truncated(label);
    const hb = bytes[pos++];
    const w = hb & 63;
    if (w > 32) corrupt(label, "bit width " + w + " exceeds 32");
    let z = hb >>> 6;
    if (z === 3) {
      r.pos = pos;
      z = r.varint32();
      pos = r.pos;
      if (z < 3) corrupt(label, "min change " + z + " should be stored inline");
    }
    min = (min + ((z >>> 1) ^ -(z & 1))) | 0;
    const m = b < nb - 1 ? BLOCK_VALUES : n - 1 - BLOCK_VALUES * (nb - 1);
    const size = 4 * w * (m >>> 5) + (((m & 31) * w + 7) >>> 3);
    if (pos + size > end) truncated(label);
    if ((m & 31) !== 0 && size > 0) checkPadding(bytes, pos + size - 1, (m & 31) * w, label);
    blockHeaderBytes += pos - start;
    packedBytes += size;
    dataPos[b] = pos;
    mins[b] = min;
    widths[b] = w;
    histogram[w]++;
    pos += size;
  }
  const indexStart = pos;
  r.pos = pos;
  let sum = 0;
  if (nb > 0) before[0] = h.first;
  for (let b = 0; b < nb - 1; b++) {
    const z = r.varint32();
    sum = (sum + ((z >>> 1) ^ -(z & 1))) | 0;
    before[b + 1] = (before[b] + Math.imul(sum, h.divisor)) | 0;
  }
  if (r.pos !== end) corrupt(label, "trailing bytes before the CRC");
  const info: BlocksInfo = {
    count: n,
    blocks: nb,
    divisor: h.divisor,
    byteLength: bytes.length,
    bitsPerValue: n === 0 ? 0 : (bytes.length * 8) / n,
    headerBytes: bytes.length - 4 - (end - h.pos),
    blockHeaderBytes,
    packedBytes,
    indexBytes: end - indexStart,
    widths: histogram,
  };
  return {
    count: n,
    first: h.first,
    divisor: h.divisor,
    dataPos,
    mins,
    widths,
    before,
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    info,
  };
}

function directoryOf(bytes: Uint8Array, label: string): Directory {
  // Type-check before the WeakMap lookup: WeakMap.get of a primitive is fine
  // but would make the error depend on the cache.
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  let d = directories.get(bytes);
  if (d === undefined) {
    d = buildDirectory(bytes, label);
    directories.set(bytes, d);
  }
  return d;
}

/**
 * Value `index` of an encoding, decoding at most one block of 128.
 *
 * The first call for a given Uint8Array object checks its CRC-32 and
 * structure and builds a small directory (block positions, minima, widths and
 * the value before each block, ~17 bytes per 128 values), kept in a WeakMap
 * for as long as the array lives; later calls cost O(1) plus the unpacking of
 * one group of up to 128 values. Consequences: the first call is O(size of
 * the input); changing the bytes of the same array afterwards is not noticed
 * (pass a fresh array); and the index is trusted, not re-checked against the
 * packed values (a crafted input with a valid CRC and an index that
 * disagrees with its blocks is rejected by {@link decodeBlocks} but not here).
 *
 * @param bytes - one block encoding
 * @param index - position of the value, 0 <= index < count
 * @returns the value
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array or
 *   `index` is not an integer in range; ERR_DELTA_TRUNCATED / ERR_DELTA_CORRUPT
 *   for a damaged encoding, as {@link decodeBlocks}
 * @example
 * const enc = encodeBlocks(Int32Array.from({ length: 1000 }, (_, i) => i * i));
 * blockValueAt(enc, 999) // => 998001
 */
export function blockValueAt(bytes: Uint8Array, index: number): number {
  const label = "blockValueAt";
  const d = directoryOf(bytes, label);
  if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= d.count) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": index " + String(index) + " outside [0, " + d.count + ")");
  }
  if (index === 0) return d.first;
  const b = Math.floor((index - 1) / BLOCK_VALUES);
  const k = (index - 1) % BLOCK_VALUES; // position inside the block
  const w = d.widths[b];
  const g = d.divisor;
  const add = Math.imul(d.mins[b], g);
  let pos = d.dataPos[b];
  let prev = d.before[b];
  const m = b < d.widths.length - 1 ? BLOCK_VALUES : d.count - 1 - BLOCK_VALUES * b;
  // Unpack the groups of 32 up to the one holding k; a last, partial group
  // (only in the last block) goes through the tail loop.
  const full = m >>> 5;
  const groupOfK = k >>> 5;
  const upTo = groupOfK < full ? groupOfK + 1 : full;
  const out = oneBlock;
  const kernel = UNPACK_DELTA_MUL32[w];
  for (let j = 0; j < upTo; j++) {
    prev = kernel(d.view, pos, out, j << 5, prev, add, g);
    pos += 4 * w;
  }
  if (groupOfK >= full) {
    const rest = m & 31;
    unpackTail(bytes, pos, w, rest, tail, 0);
    for (let t = 0; t < rest; t++) {
      prev = (prev + add + Math.imul(tail[t], g)) | 0;
      out[(full << 5) + t] = prev;
    }
  }
  return out[k];
}

/**
 * Check an encoding (CRC and structure) and describe it: counts, divisor,
 * size split and the histogram of block widths. Does not decode the values.
 *
 * @param bytes - one block encoding
 * @returns a {@link BlocksInfo}
 * @throws {DeltaError} as {@link blockValueAt} for a bad or damaged encoding
 * @example
 * inspectBlocks(encodeBlocks([0, 60, 120, 180])).divisor // => 60
 */
export function inspectBlocks(bytes: Uint8Array): BlocksInfo {
  const info = directoryOf(bytes, "inspectBlocks").info;
  return { ...info, widths: info.widths.slice() };
}
