/**
 * @module delta/blocks
 *
 * A fast, framed, lossless int32 codec for sorted or smooth series
 * (timestamps, prices in cents): deltas, divided by their common stride,
 * stored per block of 128 as a frame of reference (the block minimum) plus
 * one bit width, bit-packed with the generated kernels of `bitpack.ts`; a
 * block may instead be "patched": packed at a narrower width, with the few
 * values that do not fit stored as exceptions (patched frame of reference,
 * PFOR). A CRC-32 trailer covers everything. {@link openBlocks} gives random
 * access.
 *
 * Byte format (version 2). varint = LEB128 (minimal), zz = zigzag varint:
 *
 *     offset 0  0x42 ('B')            format tag
 *     offset 1  0x02                  format version
 *     varint    L                     bytes after this varint, CRC included:
 *                                     makes every encoding self-delimiting
 *                                     (the stream decoder finds frame ends with it)
 *     varint    n                     value count (< 2**31)
 *     if n >= 1:
 *       zz      v[0]                  first value
 *     if n >= 2:
 *       varint  g                     divisor, 1..2**31 (1 = none): every delta
 *                                     (v[i] - v[i-1]) is g · q[i] exactly
 *       B = ceil((n - 1) / 128) blocks, block b holding the m deltas
 *       q[1 + 128b ...] (m = 128 except in the last block), each:
 *         1 byte  h                   bits 0..5: k; bits 6..7: c
 *                                     k = 0..32: plain block, width w = k
 *                                     k = 33..63: patched block, width w = k - 33
 *         if c = 3: varint zigzag(Δ) (>= 3)   Δ = min_b - min_{b-1} (int32
 *                                     wrapping, min_{-1} = 0); c < 3 means
 *                                     zigzag(Δ) = c (Δ = 0, -1, +1) inline
 *         if patched:
 *           1 byte  e - 1             e = 1..128 exceptions (a value >= 128 is corrupt)
 *           e bytes                   their positions p_0 < p_1 < ... < p_{e-1} < m
 *         packed  r = (q - min_b) mod 2**w, m values at w bits, LSB-first:
 *                 ⌊m/32⌋ groups of 4w bytes, then the last m mod 32 values
 *                 in ⌈(m mod 32)·w/8⌉ bytes with zero padding bits. In a
 *                 patched block the deltas at the exception positions are
 *                 q = min_b + r + 2**w (int32 wrapping): the block's values
 *                 span w + 1 bits, and the exceptions are the ones with the
 *                 top bit set, stored as a position instead of a bit each.
 *     4 bytes   CRC-32 (little-endian) of every byte before it
 *
 * Version 1 (plain blocks only, plus an index of block sums) is rejected
 * with ERR_DELTA_CORRUPT "unsupported format version 1": it was never
 * persisted by this project; re-encode with {@link encodeBlocks}.
 *
 * Design choices, measured on the real S&P 500 closes in cents, the real
 * flights-3m departure times and 1M jittered timestamps (bits/value, version
 * 1 → version 2): 13.96 → 13.44, 1.197 → 0.685, 6.14 → 5.98.
 * - patched blocks, not per-miniblock widths. A block's width is set by its
 *   widest delta, and real series have a few outliers per block (a big price
 *   move, a gap between flights); as exceptions, they let the other ~120
 *   values use one bit less for the cost of a byte each. Parquet-style widths
 *   per miniblock of 32, chosen per block when smaller, would reach only
 *   13.77, 1.158 and 6.11 (computed with the version 1 layout).
 * - exceptions only one bit above the base width (the top bit of the block's
 *   range): an exception is then just its position, the encoder finds them
 *   in one branch-free pass, and the decoder adds the same constant for
 *   each. Trying every base width (exceptions with wider high parts) gained
 *   only on flights (0.66 instead of 0.68) and cost a histogram pass per
 *   block (encoding ~15 % slower).
 * - patch only when it saves enough bytes (see PATCH_MIN_SAVING): a patched
 *   block of width >= 1 decodes ~45 % slower than a plain one.
 * - no index of block sums (version 1 had one, ~1 byte per block: 0.06 to
 *   0.16 bits/value). {@link openBlocks} decodes every block once anyway, to
 *   accept exactly what {@link decodeBlocks} accepts, and notes the value
 *   before each block on the way.
 * - the min is coded against the previous block's min, packed into the
 *   header byte when it changes by at most 1, because smooth series have
 *   nearly constant block minima: one header byte per plain block.
 * - the last block's final partial group is packed to the exact byte, not
 *   padded to 32 values, so short series stay short.
 *
 * Decoding checks, in order: argument types (ERR_DELTA_INPUT); tag and
 * version (ERR_DELTA_CORRUPT); L: an input shorter than 2 + L bytes is
 * ERR_DELTA_TRUNCATED, a longer one ERR_DELTA_CORRUPT (trailing bytes); CRC-32
 * (ERR_DELTA_CORRUPT); then the structure, which only forged or buggy
 * encoders can break (all ERR_DELTA_CORRUPT unless noted): n >= 2**31; a
 * divisor of 0 or above 2**31; a count needing more blocks than the body has
 * bytes (each block needs its header byte), checked before allocating; a
 * min change coded with c = 3 that fits inline; an exception count byte
 * >= 128; exception positions not increasing or not below m; nonzero
 * padding bits; bytes left before the CRC; a block or varint running past
 * the CRC (ERR_DELTA_TRUNCATED); non-minimal or over-long varints.
 */

import { appendCrc32, crc32Range, storedCrc32 } from "./checksum.js";
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
  UNPACK_DELTA_MUL_PATCH128,
  UNPACK_DELTA_PATCH128,
  unpackTail,
} from "./bitpack.js";
import { scratch } from "./scratch.js";
import { gcdOfDeltas } from "./stride.js";
import { ByteReader, varintLength, writeVarint } from "./varint.js";

/** First byte of every block encoding ('B'). */
export const BLOCKS_FORMAT_TAG = 0x42;

/** Second byte of every block encoding (the only version this module reads). */
export const BLOCKS_FORMAT_VERSION = 2;

/** Deltas per block. */
export const BLOCK_VALUES = 128;

/** Largest value count of one encoding (2**31 - 1). */
export const BLOCKS_MAX_COUNT = 2 ** 31 - 1;

/** Tag, version, L (1 byte), count (1 byte), CRC: the shortest encoding (empty input). */
const MIN_BYTES = 2 + 1 + 1 + 4;

/** Header codes k from this one on mark a patched block of width k - PATCHED. */
const PATCHED = 33;

/** Largest width of a patched block (63 - 33: the 6-bit code runs out). */
const MAX_PATCHED_WIDTH = 63 - PATCHED;

/**
 * Bytes a patched block of width w >= 1 must save over the plain one (of
 * width w + 1) to be chosen. Its kernel unpacks each value AND adds a patch
 * entry (measured ~45 % slower than the plain kernel), so small savings are
 * not worth the decoding time. On 1M jittered timestamps (decodeBlocksInto,
 * relative to never patching, 6.08 bits/value): a threshold of 1 byte gives
 * 5.74 bits/value at 62 % of the speed, 8 bytes 5.89 at 78 %, 10 bytes 5.98
 * at 86 %. A block patched at width 0 only reads the patch (no bits to
 * unpack) and decodes about as fast as a plain block of width 1, so it is
 * chosen whenever it saves a byte (flights-3m: 0.685 bits/value; 1.07 with
 * this threshold at width 0 too).
 */
const PATCH_MIN_SAVING = 10;

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
  /** Bytes of block headers (header byte, any min change varint, a patched block's exception count). */
  blockHeaderBytes: number;
  /** Bytes of exception positions (one per exception). */
  exceptionBytes: number;
  /** Bytes of packed deltas. */
  packedBytes: number;
  /** Number of patched blocks. */
  patchedBlocks: number;
  /** Number of exceptions over all patched blocks. */
  exceptions: number;
  /** widths[w] = number of blocks packed at w bits, patched or not (length 33). */
  widths: number[];
}

/**
 * Random access to one block encoding, from {@link openBlocks}. It works on a
 * private copy of the bytes, checked once when opened, so its answers never
 * change and never depend on what happens to the caller's array.
 */
export interface BlockReader {
  /** Number of values. */
  readonly count: number;
  /**
   * Value `index`, decoding at most one block of 128.
   *
   * @param index - an integer in [0, count)
   * @returns the value
   * @throws {DeltaError} ERR_DELTA_INPUT for an index that is not an integer in range
   * @example
   * openBlocks(encodeBlocks([4, 8, 15])).valueAt(2) // => 15
   */
  valueAt(index: number): number;
  /**
   * Values [from, to), decoding only the blocks that hold them.
   *
   * @param from - first index, an integer in [0, count] (default 0)
   * @param to - end index (exclusive), an integer in [from, count] (default count)
   * @returns a new Int32Array of to - from values
   * @throws {DeltaError} ERR_DELTA_INPUT for bounds that are not integers with
   *   0 <= from <= to <= count (no clamping, no negative indexes)
   * @example
   * openBlocks(encodeBlocks([4, 8, 15, 16])).slice(1, 3) // => Int32Array [8, 15]
   */
  slice(from?: number, to?: number): Int32Array;
}

function corrupt(label: string, reason: string): never {
  throw new DeltaError("ERR_DELTA_CORRUPT", label + ": " + reason);
}

function truncated(label: string): never {
  throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
}

/** Bytes of m values packed at w bits: whole groups of 32, then the rest to the byte. */
function packedSize(m: number, w: number): number {
  return 4 * w * (m >>> 5) + (((m & 31) * w + 7) >>> 3);
}

// Module-level work arrays: the codec is synchronous.
/** One block of quotient deltas (encoder). */
const work = new Int32Array(BLOCK_VALUES);
/** 2**w at the exception positions of a full patched block, zeros elsewhere (decoder). */
const patch = new Int32Array(BLOCK_VALUES);
/** Positions of one block's exceptions, plus one slot of slack (encoder). */
const spots = new Int32Array(BLOCK_VALUES + 1);
/** The last m mod 32 values of a block. */
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
 * encodeBlocks(t).length // => 23 (divisor 60, then 8 width-0 blocks of one byte each)
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
  // 5-byte min change and 512 packed bytes (a patched block is only chosen
  // when it is smaller than the plain one; 2 more bytes of slack anyway).
  const s = scratch(8 + 5 + 5 + nb * (1 + 5 + 2 + 4 * BLOCK_VALUES));
  // The divisor is the GCD of all deltas (gcdOfDeltas), but a full pass just
  // to find it costs as much as a third of the encoding. So guess it from the
  // first block and let writeBody check every delta against the guess; in
  // the rare case a later delta is not a multiple, compute the real GCD and
  // start again. The result is the same either way, except when the first
  // block is constant: its "GCD" of 1 says nothing (and 1 is never refuted),
  // so then the whole series is measured.
  let g = 1;
  if (useDivisor && n >= 2) {
    const head = v.subarray(0, Math.min(n, 1 + BLOCK_VALUES));
    g = gcdOfDeltas(head);
    if (g === 1 && isConstant(head)) g = gcdOfDeltas(v);
  }
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
  appendCrc32(out, head + pos);
  return out;
}

/** Whether every value of `v` equals the first. */
function isConstant(v: Int32Array): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

/**
 * Write the body (count ... last block, see the module comment) of `v` with
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
  const q = work;
  let prev = v[0];
  let prevMin = 0;
  for (let b = 0, start = 1; b < nb; b++, start += BLOCK_VALUES) {
    const m = Math.min(BLOCK_VALUES, n - start);
    let min = 0x7fffffff;
    let max = -0x80000000;
    if (g === 1) {
      for (let k = 0; k < m; k++) {
        const x = v[start + k];
        const d = (x - prev) | 0; // wrapping: exact modulo 2**32
        prev = x;
        q[k] = d;
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
        if (d < min) min = d;
        if (d > max) max = d;
      }
    }
    // max - min is in [0, 2**32 - 1] (exact as a double); bitWidth32 and
    // `>>>` read it as uint32. The pack kernels subtract min themselves.
    const range = max - min;
    const w = bitWidth32(range);
    // Patching at width w - 1: the exceptions are the values with the top
    // bit set (clz32 of their r is 32 - w), a position byte each. It pays
    // when there are at most `most` of them (each costs a byte; see
    // PATCH_MIN_SAVING). A branch-free pass finds them: store every
    // position, advance only past an exception (a branch per value
    // mispredicts on random positions and measured slower than the whole
    // pass), giving up after any group of 32 that brings too many.
    let pw = -1;
    let pe = 0;
    const patchable = w >= 1 && w - 1 <= MAX_PATCHED_WIDTH;
    const most = patchable ? packedSize(m, w) - packedSize(m, w - 1) - 1 - (w === 1 ? 1 : PATCH_MIN_SAVING) : 0;
    if (most >= 1) {
      const lim = 33 - w;
      let e = 0;
      for (let k0 = 0; k0 < m && e <= most; k0 += 32) {
        const stop = Math.min(m, k0 + 32);
        for (let k = k0; k < stop; k++) {
          spots[e] = k;
          e += (Math.clz32((q[k] - min) | 0) - lim) >>> 31;
        }
      }
      if (e <= most) {
        pw = w - 1;
        pe = e;
      }
    }
    const dm = (min - prevMin) | 0;
    const z = ((dm << 1) ^ (dm >> 31)) >>> 0;
    const code = pw < 0 ? w : PATCHED + pw;
    if (z < 3) {
      buf[pos++] = code | (z << 6);
    } else {
      buf[pos++] = code | 0xc0;
      pos = writeVarint(buf, pos, z);
    }
    prevMin = min;
    let width = w;
    if (pw >= 0) {
      width = pw;
      buf[pos++] = pe - 1;
      // Positions; the exceptions lose their top bit in q.
      const top = 1 << pw;
      for (let x = 0; x < pe; x++) {
        const k = spots[x];
        buf[pos++] = k;
        q[k] = (q[k] - top) | 0;
      }
    }
    const full = m >>> 5;
    const kernel = PACK32[width];
    for (let j = 0; j < full; j++) {
      kernel(q, j << 5, dv, pos, min);
      pos += 4 * width;
    }
    if ((m & 31) !== 0) pos = packTail(q, full << 5, m & 31, width, buf, pos, min);
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
  if (len >= 2 && bytes[1] !== BLOCKS_FORMAT_VERSION) {
    corrupt(label, "unsupported format version " + bytes[1] + " (this decoder reads version " + BLOCKS_FORMAT_VERSION + ")");
  }
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
    // Each block takes at least its header byte.
    if (blocks > body.remaining()) corrupt(label, "count " + count + " exceeds what the bytes can hold");
  } else if (body.pos !== end) {
    corrupt(label, "trailing bytes before the CRC");
  }
  return { count, first, divisor, blocks, pos: body.pos, end };
}

/**
 * Where the parts of one block are, filled by {@link parseBlock} and read by
 * {@link unpackBlock} right after (module-level: the codec is synchronous).
 */
const blk = {
  /** Packed width. */
  w: 0,
  /** Number of exceptions (0 for a plain block). */
  e: 0,
  /** Byte index of the first exception position. */
  excAt: 0,
  /** Byte index of the packed values. */
  dataAt: 0,
  /** Byte index just after the block. */
  next: 0,
};

/**
 * Check the exception list of a patched block: strictly increasing
 * positions below m, so none is applied twice or outside the block.
 */
function checkPositions(bytes: Uint8Array, at: number, e: number, m: number, label: string): void {
  let last = -1;
  for (let j = 0; j < e; j++) {
    const p = bytes[at + j];
    if (p <= last || p >= m) corrupt(label, "exception position " + p + " out of order or past the block");
    last = p;
  }
}

/**
 * Check the structure of the block whose header code is `k`, with the
 * bytes after its header byte and min change starting at `pos`, and record
 * where its parts are in {@link blk}. Everything a forged block can get
 * wrong is checked here, so decoding its packed values afterwards cannot fail.
 */
function parseBlock(bytes: Uint8Array, pos: number, end: number, k: number, m: number, label: string): void {
  let w = k;
  let e = 0;
  let excAt = pos;
  if (k >= PATCHED) {
    w = k - PATCHED;
    if (pos >= end) truncated(label);
    e = bytes[pos++] + 1;
    if (e > BLOCK_VALUES) corrupt(label, "exception count " + e + " exceeds 128");
    excAt = pos;
    if (pos + e > end) truncated(label);
    checkPositions(bytes, pos, e, m, label);
    pos += e;
  }
  const size = packedSize(m, w);
  if (pos + size > end) truncated(label);
  if ((m & 31) !== 0 && size > 0) checkPadding(bytes, pos + size - 1, (m & 31) * w, label);
  blk.w = w;
  blk.e = e;
  blk.excAt = excAt;
  blk.dataAt = pos;
  blk.next = pos + size;
}

/**
 * Decode the block just parsed by {@link parseBlock} into out[i, i + m),
 * continuing from the value `prev` before it, with frame of reference `min`
 * and divisor `g`. Unchecked: parseBlock has checked everything.
 */
function unpackBlock(
  bytes: Uint8Array,
  dv: DataView,
  out: Int32Array,
  i: number,
  prev: number,
  min: number,
  g: number,
  m: number,
): void {
  const w = blk.w;
  const e = blk.e;
  const at = blk.excAt;
  let pos = blk.dataAt;
  const add = Math.imul(min, g);
  if (m === BLOCK_VALUES) {
    if (e === 0) {
      if (g === 1) UNPACK_DELTA128[w](dv, pos, out, i, prev, min);
      else UNPACK_DELTA_MUL128[w](dv, pos, out, i, prev, add, g);
      return;
    }
    // A full patched block: mark the exceptions' top bits in the patch
    // array, decode in one pass, clear the entries again.
    const top = 1 << w;
    for (let j = 0; j < e; j++) patch[bytes[at + j]] = top;
    if (g === 1) UNPACK_DELTA_PATCH128[w](dv, pos, out, i, prev, min, patch);
    else UNPACK_DELTA_MUL_PATCH128[w](dv, pos, out, i, prev, add, g, patch);
    for (let j = 0; j < e; j++) patch[bytes[at + j]] = 0;
    return;
  }
  // The last block, with fewer than 128 deltas: groups of 32, then the rest.
  const full = m >>> 5;
  const rest = m & 31;
  const kernel = UNPACK_DELTA_MUL32[w];
  let o = i;
  for (let j = 0; j < full; j++) {
    prev = kernel(dv, pos, out, o, prev, add, g);
    pos += 4 * w;
    o += 32;
  }
  if (rest !== 0) {
    unpackTail(bytes, pos, w, rest, tail, 0);
    for (let k = 0; k < rest; k++) {
      prev = (prev + add + Math.imul(tail[k], g)) | 0;
      out[o++] = prev;
    }
  }
  if (e === 0) return;
  // The packed pass left out each exception's top bit, 2**w · g: add it to
  // every value from the exception's position on, as a running correction
  // (one pass from the first exception to the block's end; only the last
  // block of an encoding comes here).
  const step = Math.imul(1 << w, g);
  let corr = 0;
  let k = i + bytes[at];
  for (let j = 0; j < e; j++) {
    const stop = i + (j + 1 < e ? bytes[at + j + 1] : m);
    corr = (corr + step) | 0;
    for (; k < stop; k++) out[k] = (out[k] + corr) | 0;
  }
}

/**
 * Decode every block into out[0, count). `h` comes from parseHeader.
 */
function decodeBody(bytes: Uint8Array, h: Parsed, out: Int32Array, label: string): void {
  const n = h.count;
  if (n === 0) return;
  out[0] = h.first;
  if (n === 1) return;
  const end = h.end;
  const g = h.divisor;
  const nb = h.blocks;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = new ByteReader(bytes, h.pos, end, label);
  let pos = h.pos;
  let prev = h.first;
  let min = 0;
  let i = 1;
  for (let b = 0; b < nb; b++) {
    if (pos >= end) truncated(label);
    const hb = bytes[pos++];
    const k = hb & 63;
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
      if (k <= 32) {
        // A full plain block: one call of a 128-value kernel (the hot path).
        if (pos + 16 * k > end) truncated(label);
        if (g === 1) prev = UNPACK_DELTA128[k](dv, pos, out, i, prev, min);
        else prev = UNPACK_DELTA_MUL128[k](dv, pos, out, i, prev, Math.imul(min, g), g);
        pos += 16 * k;
        i += BLOCK_VALUES;
        continue;
      }
      if (pos < end && bytes[pos] < BLOCK_VALUES) {
        // A full patched block: the other hot path, inlined (parseBlock and
        // unpackBlock do the same).
        const w = k - PATCHED;
        const e = bytes[pos++] + 1;
        // The same checks in the same order as parseBlock (so openBlocks and
        // inspectBlocks report the same error for the same input).
        if (pos + e > end) truncated(label);
        checkPositions(bytes, pos, e, BLOCK_VALUES, label);
        if (pos + e + 16 * w > end) truncated(label);
        const top = 1 << w;
        for (let j = 0; j < e; j++) patch[bytes[pos + j]] = top;
        const data = pos + e;
        if (g === 1) prev = UNPACK_DELTA_PATCH128[w](dv, data, out, i, prev, min, patch);
        else prev = UNPACK_DELTA_MUL_PATCH128[w](dv, data, out, i, prev, Math.imul(min, g), g, patch);
        for (let j = 0; j < e; j++) patch[bytes[pos + j]] = 0;
        pos = data + 16 * w;
        i += BLOCK_VALUES;
        continue;
      }
    }
    // Patched blocks and the last, partial block.
    parseBlock(bytes, pos, end, k, m, label);
    unpackBlock(bytes, dv, out, i, prev, min, g, m);
    pos = blk.next;
    i += m;
    prev = out[i - 1];
  }
  if (pos !== end) corrupt(label, "trailing bytes before the CRC");
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

/** Read position and running min while walking the block headers. */
interface Cursor {
  pos: number;
  min: number;
}

/**
 * Read the header byte and min change of the block at `c.pos`; advance
 * `c.pos` past them and update `c.min`. Returns the header code k.
 */
function readBlockHeader(bytes: Uint8Array, end: number, r: ByteReader, c: Cursor, label: string): number {
  if (c.pos >= end) truncated(label);
  const hb = bytes[c.pos++];
  let z = hb >>> 6;
  if (z === 3) {
    r.pos = c.pos;
    z = r.varint32();
    c.pos = r.pos;
    if (z < 3) corrupt(label, "min change " + z + " should be stored inline");
  }
  c.min = (c.min + ((z >>> 1) ^ -(z & 1))) | 0;
  return hb & 63;
}

/** Values in block b of an encoding of n values with nb blocks. */
function blockLength(b: number, nb: number, n: number): number {
  return b < nb - 1 ? BLOCK_VALUES : n - 1 - BLOCK_VALUES * (nb - 1);
}

/** The reader behind {@link openBlocks}: a private copy of the bytes plus a per-block directory. */
class Reader implements BlockReader {
  readonly count: number;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly first: number;
  private readonly divisor: number;
  /** Byte index just after each block's header byte and min change. */
  private readonly at: Float64Array;
  /** Each block's header code (width, or patched width + 33). */
  private readonly codes: Uint8Array;
  /** Each block's min (frame of reference, in units of the divisor). */
  private readonly mins: Int32Array;
  /** The value just before each block's first value. */
  private readonly before: Int32Array;
  /** One decoded block. */
  private readonly block = new Int32Array(BLOCK_VALUES);

  /** `bytes` must not change while the reader lives: openBlocks passes a copy. */
  constructor(bytes: Uint8Array, label: string) {
    const h = parseHeader(bytes, label);
    const nb = h.blocks;
    const n = h.count;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.count = n;
    this.first = h.first;
    this.divisor = h.divisor;
    this.at = new Float64Array(nb);
    this.codes = new Uint8Array(nb);
    this.mins = new Int32Array(nb);
    this.before = new Int32Array(nb);
    // Decode every block once (into one block's worth of memory): it checks
    // everything decodeBlocks checks, so the reader accepts exactly the same
    // inputs, and it yields the value before each block.
    const r = new ByteReader(bytes, h.pos, h.end, label);
    const c: Cursor = { pos: h.pos, min: 0 };
    let prev = h.first;
    for (let b = 0; b < nb; b++) {
      const k = readBlockHeader(bytes, h.end, r, c, label);
      const m = blockLength(b, nb, n);
      parseBlock(bytes, c.pos, h.end, k, m, label);
      this.at[b] = c.pos;
      this.codes[b] = k;
      this.mins[b] = c.min;
      this.before[b] = prev;
      unpackBlock(bytes, this.view, this.block, 0, prev, c.min, h.divisor, m);
      prev = this.block[m - 1];
      c.pos = blk.next;
    }
    if (c.pos !== h.end) corrupt(label, "trailing bytes before the CRC");
    // `count` is checked against every index: it must not be reassignable.
    Object.freeze(this);
  }

  /** Decode block b into out[o, o + m). */
  private decodeBlock(b: number, out: Int32Array, o: number): void {
    const m = blockLength(b, this.codes.length, this.count);
    parseBlock(this.bytes, this.at[b], this.bytes.length - 4, this.codes[b], m, "BlockReader");
    unpackBlock(this.bytes, this.view, out, o, this.before[b], this.mins[b], this.divisor, m);
  }

  valueAt(index: number): number {
    if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new DeltaError("ERR_DELTA_INPUT", "valueAt: index " + String(index) + " outside [0, " + this.count + ")");
    }
    if (index === 0) return this.first;
    const b = Math.floor((index - 1) / BLOCK_VALUES);
    this.decodeBlock(b, this.block, 0);
    return this.block[index - 1 - BLOCK_VALUES * b];
  }

  slice(from?: number, to?: number): Int32Array {
    const n = this.count;
    const lo = from === undefined ? 0 : from;
    const hi = to === undefined ? n : to;
    if (typeof lo !== "number" || !Number.isInteger(lo) || lo < 0 || lo > n) {
      throw new DeltaError("ERR_DELTA_INPUT", "slice: from " + String(from) + " outside [0, " + n + "]");
    }
    if (typeof hi !== "number" || !Number.isInteger(hi) || hi < lo || hi > n) {
      throw new DeltaError("ERR_DELTA_INPUT", "slice: to " + String(to) + " outside [" + lo + ", " + n + "]");
    }
    const out = new Int32Array(hi - lo);
    let i = lo;
    let o = 0;
    if (i === 0 && hi > 0) {
      out[o++] = this.first;
      i = 1;
    }
    while (i < hi) {
      const b = Math.floor((i - 1) / BLOCK_VALUES);
      const start = 1 + BLOCK_VALUES * b;
      const m = blockLength(b, this.codes.length, n);
      const kFrom = i - start;
      const kTo = Math.min(m, hi - start);
      if (kFrom === 0 && kTo === m) {
        this.decodeBlock(b, out, o); // the whole block: straight into the result
      } else {
        this.decodeBlock(b, this.block, 0);
        out.set(this.block.subarray(kFrom, kTo), o);
      }
      o += kTo - kFrom;
      i = start + kTo;
    }
    return out;
  }
}

/**
 * Open an encoding for random access: copy the bytes (so later changes to
 * `bytes` cannot affect the answers), check the CRC-32 and decode every
 * block once to check it and to note the value before each block. Costs
 * O(count) once, like a decode but without an array of all the values; the
 * reader keeps the copy plus ~17 bytes per 128 values. Accepts exactly the
 * inputs {@link decodeBlocks} accepts, and its answers agree with it.
 *
 * @param bytes - one block encoding
 * @returns a {@link BlockReader} with `count`, `valueAt(i)` and `slice(from, to)`
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array;
 *   ERR_DELTA_TRUNCATED / ERR_DELTA_CORRUPT as {@link decodeBlocks}
 * @example
 * const reader = openBlocks(encodeBlocks(Int32Array.from({ length: 1000 }, (_, i) => i * i)));
 * reader.valueAt(999) // => 998001
 * reader.slice(10, 13) // => Int32Array [100, 121, 144]
 */
export function openBlocks(bytes: Uint8Array): BlockReader {
  const label = "openBlocks";
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  // `new Uint8Array(typed array)` copies the elements into fresh memory of
  // this realm (a Buffer or a subarray of a larger buffer is fine too).
  return new Reader(new Uint8Array(bytes), label);
}

/**
 * Value `index` of an encoding: `openBlocks(bytes).valueAt(index)`, nothing
 * cached between calls. Each call checks and decodes the whole encoding
 * (O(count)); for more than one lookup, open a reader once with
 * {@link openBlocks} and call its `valueAt` (O(1) plus one block of 128).
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
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  // No copy: the reader does not outlive this synchronous call, so the
  // bytes cannot change under it.
  return new Reader(bytes, label).valueAt(index);
}

/**
 * Check an encoding (CRC and structure) and describe it: counts, divisor,
 * size split, patching and the histogram of block widths. Does not decode
 * the packed values; rejects exactly what {@link decodeBlocks} rejects.
 *
 * @param bytes - one block encoding
 * @returns a {@link BlocksInfo}
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array;
 *   ERR_DELTA_TRUNCATED / ERR_DELTA_CORRUPT as {@link decodeBlocks}
 * @example
 * inspectBlocks(encodeBlocks([0, 60, 120, 180])).divisor // => 60
 */
export function inspectBlocks(bytes: Uint8Array): BlocksInfo {
  const label = "inspectBlocks";
  const h = parseHeader(bytes, label);
  const nb = h.blocks;
  const widths: number[] = [];
  for (let w = 0; w <= 32; w++) widths.push(0);
  const r = new ByteReader(bytes, h.pos, h.end, label);
  const c: Cursor = { pos: h.pos, min: 0 };
  let blockHeaderBytes = 0;
  let exceptionBytes = 0;
  let packedBytes = 0;
  let patchedBlocks = 0;
  let exceptions = 0;
  for (let b = 0; b < nb; b++) {
    const start = c.pos;
    const k = readBlockHeader(bytes, h.end, r, c, label);
    parseBlock(bytes, c.pos, h.end, k, blockLength(b, nb, h.count), label);
    blockHeaderBytes += blk.excAt - start;
    exceptionBytes += blk.dataAt - blk.excAt;
    packedBytes += blk.next - blk.dataAt;
    if (blk.e > 0) patchedBlocks++;
    exceptions += blk.e;
    widths[blk.w]++;
    c.pos = blk.next;
  }
  if (c.pos !== h.end) corrupt(label, "trailing bytes before the CRC");
  const n = h.count;
  return {
    count: n,
    blocks: nb,
    divisor: h.divisor,
    byteLength: bytes.length,
    bitsPerValue: n === 0 ? 0 : (bytes.length * 8) / n,
    headerBytes: bytes.length - 4 - (h.end - h.pos),
    blockHeaderBytes,
    exceptionBytes,
    packedBytes,
    patchedBlocks,
    exceptions,
    widths,
  };
}
