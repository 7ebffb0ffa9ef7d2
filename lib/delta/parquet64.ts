/**
 * @module delta/parquet64
 *
 * Parquet DELTA_BINARY_PACKED for INT64 columns, exactly as the Apache
 * parquet-format spec (Encodings.md) lays it out, without a BigInt per value.
 *
 * Byte format (all varints ULEB128; "zigzag" means the 64-bit zigzag map):
 *
 *     header   <block size> <miniblocks per block> <total count> <first value: zigzag, up to 10 bytes>
 *     block*   <min delta: zigzag, up to 10 bytes> <one bit-width byte per miniblock> <miniblock bodies>
 *
 * - deltas are `v[i] - v[i-1]` modulo 2**64 (two's complement wrap), so a
 *   jump from INT64_MIN to INT64_MAX is the delta -1;
 * - each block holds up to `block size` deltas; the block's min delta is
 *   subtracted from each, and miniblock m packs its `block size / miniblocks`
 *   adjusted deltas LSB first with the width stored in its width byte (0..64);
 * - a partial last miniblock is padded to full size (zero bits when we
 *   write; any bits accepted when we read); miniblocks of the last block
 *   that hold no value keep their width byte (we write 0; any value is
 *   accepted) but have no body.
 *
 * We write the spec's default layout, which is also hyparquet-writer's
 * (128-value blocks of 4 miniblocks of 32), and the output is byte for byte
 * what hyparquet-writer's `deltaBinaryPack(writer, bigints, "INT64")` writes.
 * We read any valid layout: block size a multiple of 128 (up to
 * {@link PARQUET_DELTA64_MAX_BLOCK_SIZE}) with a miniblock size that is a
 * multiple of 32.
 *
 * Speed: no BigInt is created per value. The decoder treats the output
 * BigInt64Array's buffer as int32 (lo, hi) word pairs and sends each group
 * of 32 values (or a whole 128-value block whose miniblocks share a width)
 * through a kernel generated for its bit width (./unpack64.ts): when the
 * block's min delta and width prove that the group cannot carry into the
 * high word, a plain int32 running sum plus a constant high word, otherwise
 * explicit carries. Widths and body lengths are validated once per
 * miniblock, before its kernel runs. On 1M microsecond timestamps that is
 * ~7x hyparquet's BigInt decoder (see bench/delta/compare.ts). On Node the
 * new output array skips the zero fill (see allocOutput: every word is
 * written before it is returned).
 * {@link decodeParquetDelta64Reference} is the plain per-value loop, kept
 * as the spec the fast path is tested against. The encoder grows its
 * output from an estimate instead of allocating 8 bytes per value up front.
 *
 * Integrity: the raw format has no checksum. Pass `crc` (the CRC-32 of the
 * bytes, which a Parquet page header carries) to have damage of any kind
 * detected. Without it only STRUCTURAL damage is detected (impossible
 * header, bit width > 64, too few bytes, trailing bytes); a flipped bit
 * inside a miniblock body or a varint decodes to different values silently.
 *
 * Errors (all DeltaError):
 * - ERR_DELTA_INPUT: wrong argument types, bad options, an output array too small;
 * - ERR_DELTA_TRUNCATED: the bytes end before the stream does (a truncated
 *   valid stream always gives this code when no `crc` is given);
 * - ERR_DELTA_CORRUPT: CRC mismatch; block size not a positive multiple of
 *   128 or above the maximum; miniblock count 0, not dividing the block size
 *   or giving a miniblock size that is not a multiple of 32; count above
 *   {@link PARQUET_DELTA64_MAX_COUNT}; a varint longer than 10 bytes or above
 *   2**64 (or a header size above 2**32); a bit width above 64 for a
 *   miniblock that holds values; bytes left over after the last value.
 */

import { unpackBits64Unchecked, packBits64Unchecked } from "./bitpack64.js";
import { crc32 } from "./checksum.js";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";
import { LITTLE_ENDIAN, readVarint64, VARINT64_MAX_BYTES, writeVarint64 } from "./int64.js";
import { MAX_ADJUSTED, UNPACK_DELTA64, UNPACK_DELTA64_SAME_HI, UNPACK_DELTA64_SAME_HI_128 } from "./unpack64.js";
import { writeVarint } from "./varint.js";

// Hot imported functions bound once: transpilers may turn imported bindings
// into getter calls, which costs in per-group loops.
const SAME_HI = UNPACK_DELTA64_SAME_HI;
const SAME_HI_128 = UNPACK_DELTA64_SAME_HI_128;
const CARRY = UNPACK_DELTA64;
const MAX_ADJ = MAX_ADJUSTED;
const readVarint = readVarint64;
const unpack64 = unpackBits64Unchecked;

/** Default (and spec-recommended) values per block; hyparquet-writer uses it for INT64 too. */
export const PARQUET_DELTA64_BLOCK_SIZE = 128;

/** Default miniblocks per block (32 values each with the default block size). */
export const PARQUET_DELTA64_MINIBLOCKS = 4;

/**
 * Largest block size the decoder accepts; larger ones are treated as forged.
 * The spec sets no limit; real writers use 128 (parquet-mr, Arrow,
 * hyparquet-writer), 256 or 2048 (DuckDB). The cap bounds how much a stream
 * may legitimately expand: a block costs at least 2 bytes (a 1-byte min
 * delta and one width byte), so at most 16384 values per input byte.
 */
export const PARQUET_DELTA64_MAX_BLOCK_SIZE = 32768;

/**
 * Largest value count the codec accepts: 2**31 - 1, because a Parquet data
 * page's `num_values` is an i32, so no real stream holds more.
 */
export const PARQUET_DELTA64_MAX_COUNT = 2 ** 31 - 1;

/** Options for {@link encodeParquetDelta64}. */
export interface ParquetDelta64EncodeOptions {
  /** Values per block: a positive multiple of 128, at most {@link PARQUET_DELTA64_MAX_BLOCK_SIZE} (default 128). */
  blockSize?: number;
  /** Miniblocks per block: must divide `blockSize` into multiples of 32 values (default 4). */
  miniblocksPerBlock?: number;
}

/** Options for {@link decodeParquetDelta64} and {@link decodeParquetDelta64Into}. */
export interface ParquetDelta64DecodeOptions {
  /** Expected CRC-32 (IEEE, unsigned) of the whole `bytes`; checked before decoding when given. */
  crc?: number;
}

const MAX_HEADER_BYTES = 5 + 5 + 5 + VARINT64_MAX_BYTES;

function checkLayout(blockSize: number, miniblocks: number): boolean {
  return (
    Number.isInteger(blockSize) &&
    Number.isInteger(miniblocks) &&
    blockSize >= 128 &&
    blockSize <= PARQUET_DELTA64_MAX_BLOCK_SIZE &&
    blockSize % 128 === 0 &&
    miniblocks >= 1 &&
    blockSize % miniblocks === 0 &&
    (blockSize / miniblocks) % 32 === 0
  );
}

/**
 * Encode int64 values as a Parquet DELTA_BINARY_PACKED stream.
 *
 * @param values - the values (a subarray view is fine)
 * @param options - block layout; the default (128, 4) is what Parquet
 *   writers and hyparquet-writer use
 * @returns the stream bytes (no checksum; compute `crc32(bytes)` if you
 *   want one for {@link decodeParquetDelta64})
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is not a BigInt64Array,
 *   holds more than {@link PARQUET_DELTA64_MAX_COUNT} values, or the layout
 *   options are invalid
 * @example
 * encodeParquetDelta64(BigInt64Array.of(1n, 2n, 3n))
 * // => Uint8Array [128, 1, 4, 3, 2, 2, 0, 0, 0, 0]: header, min delta 1, four 0-bit widths
 */
export function encodeParquetDelta64(values: BigInt64Array, options?: ParquetDelta64EncodeOptions): Uint8Array {
  const fn = "encodeParquetDelta64";
  if (!isTypedArray(values, "BigInt64Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a BigInt64Array");
  }
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + ": options must be an object");
  }
  const blockSize = options?.blockSize ?? PARQUET_DELTA64_BLOCK_SIZE;
  const miniblocks = options?.miniblocksPerBlock ?? PARQUET_DELTA64_MINIBLOCKS;
  if (!checkLayout(blockSize, miniblocks)) {
    throw new DeltaError(
      "ERR_DELTA_INPUT",
      fn + ": blockSize must be a multiple of 128 up to " + PARQUET_DELTA64_MAX_BLOCK_SIZE +
        " and miniblocksPerBlock must split it into multiples of 32",
    );
  }
  const n = values.length;
  if (n > PARQUET_DELTA64_MAX_COUNT) throw new DeltaError("ERR_DELTA_INPUT", fn + ": too many values");
  const vpm = blockSize / miniblocks;

  // (lo, hi) pairs of the input: a zero-copy view where the platform order allows.
  let w: Uint32Array;
  if (LITTLE_ENDIAN) {
    w = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  } else {
    const view = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
    w = new Uint32Array(2 * n);
    for (let i = 0; i < 2 * n; i += 2) {
      w[i] = view[i + 1];
      w[i + 1] = view[i];
    }
  }

  // The output grows as blocks are written, from an estimate: a worst-case
  // buffer (8 bytes per value) is ~5x what timestamps need, and that much
  // short-lived memory per call shows up as GC and page-fault time in
  // whatever the program does next. A block takes at most `blockWorst` bytes
  // (min delta, widths, every miniblock at 64 bits).
  const blocks = n > 1 ? Math.ceil((n - 1) / blockSize) : 0;
  const blockWorst = VARINT64_MAX_BYTES + miniblocks + 8 * blockSize;
  let out: Uint8Array = new Uint8Array(MAX_HEADER_BYTES + (blocks > 0 ? blockWorst : 0));
  let pos = writeVarint(out, 0, blockSize);
  pos = writeVarint(out, pos, miniblocks);
  pos = writeVarint(out, pos, n);
  if (n === 0) {
    out[pos++] = 0; // first value: the header always has one (hyparquet-writer writes 0)
    return out.slice(0, pos);
  }
  {
    const lo = w[0];
    const hi = w[1];
    const sign = hi >> 31; // zigzag on words, see zigzagEncode64
    pos = writeVarint64(out, pos, ((lo << 1) ^ sign) >>> 0, (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0);
  }

  // Deltas of one block as (lo, hi) pairs, then adjusted in place, plus
  // zeroed padding up to a whole miniblock.
  const d = new Uint32Array(2 * blockSize);
  const bodyStart = pos;
  for (let i = 1, b = 0; i < n; i += blockSize, b++) {
    if (out.length - pos < blockWorst) out = grow(out, pos, b, blocks, bodyStart, blockWorst);
    const k = n - i < blockSize ? n - i : blockSize;
    // Pass 1: deltas modulo 2**64 and their signed minimum.
    let minLo = 0xffffffff;
    let minHi = 0x7fffffff; // (minLo, minHi) = int64 max: every delta is <= it
    for (let j = 0, s = 2 * i, t = 0; j < k; j++, s += 2, t += 2) {
      const lo = w[s];
      const plo = w[s - 2];
      const dlo = (lo - plo) >>> 0;
      const dhi = (w[s + 1] - w[s - 1] - (lo < plo ? 1 : 0)) | 0;
      d[t] = dlo;
      d[t + 1] = dhi;
      if (dhi < minHi || (dhi === minHi && dlo < minLo)) {
        minLo = dlo;
        minHi = dhi;
      }
    }
    {
      const sign = minHi >> 31;
      pos = writeVarint64(out, pos, ((minLo << 1) ^ sign) >>> 0, (((minHi << 1) | (minLo >>> 31)) ^ sign) >>> 0);
    }
    const widthsPos = pos;
    pos += miniblocks;
    const mhi = minHi >>> 0;
    // Pass 2, per miniblock: adjusted = delta - min (fits in 64 unsigned
    // bits because min <= delta), its width from the OR of all adjusted
    // values (the highest set bit of the OR is the highest of the maximum).
    for (let m = 0; m < miniblocks; m++) {
      const start = m * vpm;
      if (start >= k) {
        out[widthsPos + m] = 0; // no values: width byte present, no body
        continue;
      }
      const end = start + vpm < k ? start + vpm : k;
      let orLo = 0;
      let orHi = 0;
      for (let t = 2 * start, tEnd = 2 * end; t < tEnd; t += 2) {
        const dlo = d[t];
        const alo = (dlo - minLo) >>> 0;
        const ahi = (d[t + 1] - mhi - (dlo < minLo ? 1 : 0)) >>> 0;
        d[t] = alo;
        d[t + 1] = ahi;
        orLo |= alo;
        orHi |= ahi;
      }
      const width = orHi !== 0 ? 64 - Math.clz32(orHi) : 32 - Math.clz32(orLo);
      out[widthsPos + m] = width;
      if (width === 0) continue;
      // Padding values of a partial miniblock are zero bits.
      if (end - start < vpm) d.fill(0, 2 * end, 2 * (start + vpm));
      pos = packBits64Unchecked(d, 2 * start, vpm, width, out, pos);
    }
  }
  return pos === out.length ? out : out.slice(0, pos);
}

/**
 * A larger copy of `out` (whose first `pos` bytes are written) with room
 * for the remaining `blocks - done` blocks: the average block so far plus
 * an eighth, at least 1.5x the old size (so a stream whose blocks keep
 * getting larger regrows only logarithmically often), and never more than
 * their worst case.
 */
function grow(out: Uint8Array, pos: number, done: number, blocks: number, bodyStart: number, blockWorst: number): Uint8Array {
  const left = blocks - done;
  const avg = done > 0 ? (pos - bodyStart) / done : blockWorst;
  let size = Math.max(pos + Math.ceil(left * avg * 1.125) + blockWorst, Math.ceil(out.length * 1.5));
  size = Math.min(size, pos + left * blockWorst);
  const next = new Uint8Array(size);
  next.set(out.subarray(0, pos));
  return next;
}

// Node's uninitialized allocator, when there is one (looked up once; typed
// loosely so the module compiles without Node's types).
const allocUnsafe: ((size: number) => Uint8Array) | undefined = (() => {
  const B = (globalThis as { Buffer?: { allocUnsafeSlow?: unknown } }).Buffer;
  return B && typeof B.allocUnsafeSlow === "function"
    ? (B.allocUnsafeSlow as (size: number) => Uint8Array).bind(B)
    : undefined;
})();

/**
 * The end of a body decode, shared by the fast and the reference decoder: no
 * bytes may follow the last value, and on a big-endian platform each (lo, hi)
 * pair written in little-endian word order is swapped into place.
 */
function finishBody(o: Uint32Array | Int32Array, count: number, pos: number, end: number, label: string): void {
  if (pos !== end) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": " + (end - pos) + " trailing bytes after the last value");
  }
  if (!LITTLE_ENDIAN) {
    for (let t = 0; t < 2 * count; t += 2) {
      const lo = o[t];
      o[t] = o[t + 1];
      o[t + 1] = lo;
    }
  }
}

/**
 * A BigInt64Array of `count` values that the decoder is about to overwrite
 * entirely. On Node its memory comes from `Buffer.allocUnsafeSlow` (its own
 * ArrayBuffer, not the pool), which skips the zero fill: for 1M values that
 * memset is ~0.6 ms, a fifth of the whole decode. Safe because decodeBody
 * writes every one of the `2 * count` words or throws, and on a throw the
 * array is dropped unseen. Elsewhere, a plain zeroed BigInt64Array.
 */
function allocOutput(count: number): BigInt64Array {
  if (allocUnsafe !== undefined && count > 1024) {
    const b = allocUnsafe(8 * count);
    return new BigInt64Array(b.buffer, b.byteOffset, count);
  }
  return new BigInt64Array(count);
}

/**
 * Decode a Parquet DELTA_BINARY_PACKED INT64 stream into a new array.
 *
 * `bytes` must be exactly the stream: bytes after its last value are an error.
 *
 * @param bytes - the stream
 * @param options - `crc`: the expected CRC-32 of `bytes`; without it only
 *   structural damage is detected (see the module comment)
 * @returns the decoded values
 * @throws {DeltaError} ERR_DELTA_INPUT for a non-Uint8Array or a bad `crc`
 *   option; ERR_DELTA_TRUNCATED if the bytes end early (including a count
 *   the remaining bytes cannot hold, checked before allocating);
 *   ERR_DELTA_CORRUPT for a CRC mismatch or a structurally invalid stream
 * @example
 * decodeParquetDelta64(encodeParquetDelta64(BigInt64Array.of(5n, -5n))) // => BigInt64Array [5n, -5n]
 */
export function decodeParquetDelta64(bytes: Uint8Array, options?: ParquetDelta64DecodeOptions): BigInt64Array {
  const h = readHeader(bytes, options, "decodeParquetDelta64");
  const out = allocOutput(h.count);
  decodeBody(bytes, h, new Int32Array(out.buffer, out.byteOffset, 2 * h.count));
  return out;
}

/**
 * Decode a Parquet DELTA_BINARY_PACKED INT64 stream into an existing array
 * (e.g. a column buffer that several pages fill in turn).
 *
 * @param bytes - the stream (exactly: trailing bytes are an error)
 * @param out - receives the values at indexes 0..count-1; must have room for
 *   the stream's count. On an error its contents are unspecified.
 * @param options - `crc`: the expected CRC-32 of `bytes`
 * @returns the number of values written (the stream's total count)
 * @throws {DeltaError} ERR_DELTA_INPUT for bad arguments or when `out` is
 *   shorter than the count; otherwise as {@link decodeParquetDelta64}
 * @example
 * const out = new BigInt64Array(4);
 * decodeParquetDelta64Into(encodeParquetDelta64(BigInt64Array.of(7n, 8n)), out) // => 2, out is [7n, 8n, 0n, 0n]
 */
export function decodeParquetDelta64Into(
  bytes: Uint8Array,
  out: BigInt64Array,
  options?: ParquetDelta64DecodeOptions,
): number {
  const fn = "decodeParquetDelta64Into";
  if (!isTypedArray(out, "BigInt64Array")) throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a BigInt64Array output");
  const h = readHeader(bytes, options, fn);
  if (h.count > out.length) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + ": output has room for " + out.length + " values, stream holds " + h.count);
  }
  decodeBody(bytes, h, new Int32Array(out.buffer, out.byteOffset, 2 * h.count));
  return h.count;
}

/**
 * Decode like {@link decodeParquetDelta64}, but one value at a time and
 * without the generated kernels: the straightforward loop kept as the
 * executable spec that the fast path is property-tested against. Same
 * results and the same errors; about 2-3x slower.
 *
 * @param bytes - the stream (exactly: trailing bytes are an error)
 * @param options - `crc`: the expected CRC-32 of `bytes`
 * @returns the decoded values
 * @throws {DeltaError} as {@link decodeParquetDelta64}
 * @example
 * decodeParquetDelta64Reference(encodeParquetDelta64(BigInt64Array.of(1n, -1n))) // => BigInt64Array [1n, -1n]
 */
export function decodeParquetDelta64Reference(bytes: Uint8Array, options?: ParquetDelta64DecodeOptions): BigInt64Array {
  const h = readHeader(bytes, options, "decodeParquetDelta64Reference");
  const out = new BigInt64Array(h.count);
  decodeBodyGeneric(bytes, h, new Uint32Array(out.buffer));
  return out;
}

/** What the header says, plus where the first block starts. */
interface Header {
  label: string;
  blockSize: number;
  miniblocks: number;
  count: number;
  firstLo: number;
  firstHi: number;
  pos: number;
}

function readHeader(bytes: Uint8Array, options: ParquetDelta64DecodeOptions | undefined, label: string): Header {
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": options must be an object");
  }
  const crc = options?.crc;
  if (crc !== undefined) {
    if (typeof crc !== "number" || !Number.isInteger(crc) || crc < 0 || crc > 0xffffffff) {
      throw new DeltaError("ERR_DELTA_INPUT", label + ": crc must be an unsigned 32-bit integer");
    }
    // Checked first: with a checksum, any damage (even one that would read
    // as a different but well-formed stream) is reported as corruption.
    if (crc32(bytes) !== crc) throw new DeltaError("ERR_DELTA_CORRUPT", label + ": checksum mismatch");
  }
  const end = bytes.length;
  const word = new Uint32Array(2);
  let pos = readVarint64(bytes, 0, end, word);
  const blockSize = word[1] === 0 ? word[0] : -1;
  pos = readVarint64(bytes, pos, end, word);
  const miniblocks = word[1] === 0 ? word[0] : -1;
  if (!checkLayout(blockSize, miniblocks)) {
    throw new DeltaError(
      "ERR_DELTA_CORRUPT",
      label + ": invalid block layout (" + blockSize + " values in " + miniblocks + " miniblocks)",
    );
  }
  pos = readVarint64(bytes, pos, end, word);
  if (word[1] !== 0 || word[0] > PARQUET_DELTA64_MAX_COUNT) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": value count above " + PARQUET_DELTA64_MAX_COUNT);
  }
  const count = word[0];
  pos = readVarint64(bytes, pos, end, word);
  // Every block needs at least a 1-byte min delta and its width bytes, so
  // the bytes left bound the count: reject before allocating for it.
  const blocks = count > 1 ? Math.ceil((count - 1) / blockSize) : 0;
  if (blocks * (1 + miniblocks) > end - pos) {
    throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends before " + count + " values could fit");
  }
  // Zigzag decode of the first value, see zigzagDecode64.
  const zlo = word[0];
  const zhi = word[1];
  const flip = -(zlo & 1);
  return {
    label,
    blockSize,
    miniblocks,
    count,
    firstLo: (((zlo >>> 1) | (zhi << 31)) ^ flip) >>> 0,
    firstHi: ((zhi >>> 1) ^ flip) >>> 0,
    pos,
  };
}

/**
 * The decoding loop. Validates each block's miniblocks (width, body length)
 * before touching their bodies, then sends every whole group of 32 values
 * through a generated kernel (./unpack64.ts); only the stream's last,
 * partial group goes through a per-value loop. Throws the same errors, in
 * the same order, as {@link decodeBodyGeneric}, and writes every one of the
 * `2 * count` words of `o` unless it throws.
 *
 * Which kernel: with min delta `min` (a 64-bit (mlo, mhi) pair) and width
 * w, the deltas of a group lie in [min, min + 2**w - 1], so after k of them
 * the running value's low word has moved by a sum in [k·min, k·(min + 2**w - 1)].
 * When w <= 32, mhi is 0 or -1 (|min| < 2**32) and the low word `l`
 * (unsigned) plus either extreme stays within [0, 2**32) for k = n (the
 * group size), no partial sum can carry into or borrow from the high word:
 * the high word is constant and the low word a plain int32 running sum of
 * `mlo + x` (mod 2**32), which is what the same-high-word kernels compute.
 * Otherwise the carrying kernel. For timestamps (deltas ~10**6 against a
 * low word that wraps every ~4300 values) over 99 % of groups qualify.
 */
function decodeBody(bytes: Uint8Array, h: Header, o: Int32Array): void {
  const { label, blockSize, miniblocks, count } = h;
  const end = bytes.length;
  const vpm = blockSize / miniblocks;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sameHi = SAME_HI;
  const sameHi128 = SAME_HI_128;
  const carry = CARRY;
  const maxAdj = MAX_ADJ;
  // A full 128-value block whose miniblocks share one width is a single
  // 128-value kernel call (4x fewer calls for the default layout).
  const fuse = blockSize === 128;
  let pos = h.pos;
  // The running value lives in the output: each kernel reads the previous
  // value from the two words before its first slot, so no int32 crosses a
  // call boundary (where V8 may box it as a heap number).
  if (count > 0) {
    o[0] = h.firstLo;
    o[1] = h.firstHi;
  }
  let oi = 2;
  const word = new Uint32Array(2);
  const adj = new Uint32Array(64);
  let i = 1;
  while (i < count) {
    pos = readVarint(bytes, pos, end, word);
    // Min delta, zigzag decoded to (mlo, mhi) as int32 bit patterns.
    const zlo = word[0];
    const zhi = word[1];
    const flip = -(zlo & 1);
    const mlo = ((zlo >>> 1) | (zhi << 31)) ^ flip;
    const mhi = (zhi >>> 1) ^ flip;
    if (end - pos < miniblocks) truncated(label);
    const widthsPos = pos;
    pos += miniblocks;
    const k = count - i < blockSize ? count - i : blockSize;
    // |min| < 2**32, and min exactly as a double (for the bounds above).
    const narrow = mhi === 0 || mhi === -1;
    const minDelta = mhi * 4294967296 + (mlo >>> 0);
    if (fuse && narrow && k === 128) {
      // One width <= 32 in every miniblock and all bodies present: no error
      // is possible in this block, so it may skip the checked loop below.
      const width = bytes[widthsPos];
      let same = width <= 32;
      for (let m = 1; m < miniblocks && same; m++) same = bytes[widthsPos + m] === width;
      const blockBytes = 16 * width;
      if (same && end - pos >= blockBytes) {
        const maxDelta = minDelta + maxAdj[width];
        const l = o[oi - 2] >>> 0;
        if ((minDelta >= 0 || l + 128 * minDelta >= 0) && (maxDelta <= 0 || l + 128 * maxDelta <= 4294967295)) {
          sameHi128[width](view, pos, o, oi, mlo);
          oi += 256;
          pos += blockBytes;
          i += 128;
          continue;
        }
      }
    }
    // Only the miniblocks that hold values have bodies and checked widths;
    // the others' width bytes may be anything (the spec says readers must
    // accept arbitrary values there).
    const used = Math.ceil(k / vpm);
    for (let m = 0; m < used; m++) {
      const width = bytes[widthsPos + m];
      if (width > 64) {
        throw new DeltaError("ERR_DELTA_CORRUPT", label + ": bit width " + width + " above 64");
      }
      const nv = count - i < vpm ? count - i : vpm;
      // vpm is a multiple of 32, so a body is a whole number of words.
      const bodyBytes = (vpm * width) >>> 3;
      if (end - pos < bodyBytes) truncated(label);
      const whole = nv & ~31;
      const step = 4 * width;
      let p = pos;
      const kCarry = carry[width];
      if (narrow && width <= 32) {
        // The low words for which a 32-value group keeps its high word.
        // (maxAdj is a table: `2 ** width` here compiled to a ~40 ns call.)
        const maxDelta = minDelta + maxAdj[width];
        const loMin = minDelta >= 0 ? 0 : -32 * minDelta;
        const loMax = maxDelta <= 0 ? 4294967295 : 4294967295 - 32 * maxDelta;
        const kSame = sameHi[width];
        for (let g = 0; g < whole; g += 32, p += step, oi += 64) {
          const l = o[oi - 2] >>> 0;
          if (l >= loMin && l <= loMax) kSame(view, p, o, oi, mlo);
          else kCarry(view, p, o, oi, mlo, mhi);
        }
      } else {
        for (let g = 0; g < whole; g += 32, p += step, oi += 64) kCarry(view, p, o, oi, mlo, mhi);
      }
      if (whole < nv) {
        // The stream's last, partial group: its padding has no output slot.
        const rest = nv - whole;
        let vlo = o[oi - 2];
        let vhi = o[oi - 1];
        unpack64(bytes, p, rest, width, adj, 0);
        for (let j = 0, t = 0; j < rest; j++, t += 2) {
          // delta = min + adjusted; value += delta, each with a carry from lo to hi.
          const alo = adj[t];
          const dlo = (mlo + alo) | 0;
          const dhi = (mhi + adj[t + 1] + ((dlo >>> 0) < alo ? 1 : 0)) | 0;
          const nlo = (vlo + dlo) | 0;
          vhi = (vhi + dhi + ((nlo >>> 0) < (dlo >>> 0) ? 1 : 0)) | 0;
          vlo = nlo;
          o[oi] = vlo;
          o[oi + 1] = vhi;
          oi += 2;
        }
      }
      pos += bodyBytes;
      i += nv;
    }
  }
  finishBody(o, count, pos, end, label);
}

/**
 * The straightforward decoding loop, one value at a time through a staged
 * copy of each group's words: the executable spec that {@link decodeBody}'s
 * kernels are tested against (see {@link decodeParquetDelta64Reference}).
 */
function decodeBodyGeneric(bytes: Uint8Array, h: Header, o: Uint32Array): void {
  const { label, blockSize, miniblocks, count } = h;
  const end = bytes.length;
  const vpm = blockSize / miniblocks;
  let pos = h.pos;
  let vlo = h.firstLo;
  let vhi = h.firstHi | 0;
  // Output words are written lo, hi (little-endian order); swapped at the end
  // on a big-endian platform.
  if (count > 0) {
    o[0] = vlo;
    o[1] = vhi;
  }
  let oi = 2;
  const word = new Uint32Array(2);
  const adj = new Uint32Array(2 * vpm);
  const stage = new Uint32Array(33);
  let i = 1;
  while (i < count) {
    pos = readVarint64(bytes, pos, end, word);
    // Min delta, zigzag decoded to (mlo, mhi).
    const zlo = word[0];
    const zhi = word[1];
    const flip = -(zlo & 1);
    const mlo = (((zlo >>> 1) | (zhi << 31)) ^ flip) >>> 0;
    const mhi = (zhi >>> 1) ^ flip;
    if (end - pos < miniblocks) truncated(label);
    const widthsPos = pos;
    pos += miniblocks;
    const k = count - i < blockSize ? count - i : blockSize;
    // Only the miniblocks that hold values have bodies and checked widths;
    // the others' width bytes may be anything (the spec says readers must
    // accept arbitrary values there).
    const used = Math.ceil(k / vpm);
    for (let m = 0; m < used; m++) {
      const width = bytes[widthsPos + m];
      if (width > 64) {
        throw new DeltaError("ERR_DELTA_CORRUPT", label + ": bit width " + width + " above 64");
      }
      const nv = count - i < vpm ? count - i : vpm;
      // vpm is a multiple of 32, so a body is a whole number of bytes (and words).
      const bodyBytes = (vpm * width) >>> 3;
      if (end - pos < bodyBytes) truncated(label);
      if (width === 0) {
        // Constant delta: value += min, nothing to unpack.
        for (let j = 0; j < nv; j++) {
          const nlo = (vlo + mlo) >>> 0;
          vhi = (vhi + mhi + (nlo < vlo ? 1 : 0)) | 0;
          vlo = nlo;
          o[oi] = vlo;
          o[oi + 1] = vhi;
          oi += 2;
        }
      } else if (width <= 32) {
        // Common case (timestamps, counters): the adjusted deltas fit in one
        // word, so unpack and accumulate in one pass, 32 values at a time
        // from an aligned copy of their `width` words.
        const mask = width === 32 ? -1 : (1 << width) - 1;
        let p = pos;
        for (let g = 0; g < nv; g += 32) {
          const gn = nv - g < 32 ? nv - g : 32;
          // Only the bytes this group's bits occupy (a full group is `width` words).
          const groupBytes = (gn * width + 7) >>> 3;
          const fullWords = groupBytes >>> 2;
          for (let q = 0; q < fullWords; q++, p += 4) {
            stage[q] = bytes[p] | (bytes[p + 1] << 8) | (bytes[p + 2] << 16) | (bytes[p + 3] << 24);
          }
          const rem = groupBytes & 3;
          if (rem !== 0) {
            let last = 0;
            for (let q = 0; q < rem; q++) last |= bytes[p++] << (8 * q);
            stage[fullWords] = last;
          }
          for (let j = 0, bit = 0; j < gn; j++, bit += width) {
            const wi = bit >>> 5;
            const sh = bit & 31;
            let a = stage[wi] >>> sh;
            if (sh + width > 32) a |= stage[wi + 1] << (32 - sh);
            const alo = (a & mask) >>> 0;
            const dlo = (mlo + alo) >>> 0;
            const dhi = mhi + (dlo < alo ? 1 : 0);
            const nlo = (vlo + dlo) >>> 0;
            vhi = (vhi + dhi + (nlo < vlo ? 1 : 0)) | 0;
            vlo = nlo;
            o[oi] = vlo;
            o[oi + 1] = vhi;
            oi += 2;
          }
        }
      } else {
        unpackBits64Unchecked(bytes, pos, nv, width, adj, 0);
        for (let j = 0, t = 0; j < nv; j++, t += 2) {
          // delta = min + adjusted; value += delta, each with a carry from lo to hi.
          const alo = adj[t];
          const dlo = (mlo + alo) >>> 0;
          const dhi = mhi + adj[t + 1] + (dlo < alo ? 1 : 0);
          const nlo = (vlo + dlo) >>> 0;
          vhi = (vhi + dhi + (nlo < vlo ? 1 : 0)) | 0;
          vlo = nlo;
          o[oi] = vlo;
          o[oi + 1] = vhi;
          oi += 2;
        }
      }
      pos += bodyBytes;
      i += nv;
    }
  }
  finishBody(o, count, pos, end, label);
}

function truncated(label: string): never {
  throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
}
