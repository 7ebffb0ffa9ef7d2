/**
 * @module delta/parquet
 *
 * Parquet's DELTA_BINARY_PACKED encoding for INT32 columns, byte for byte as
 * apache/parquet-format Encodings.md defines it, so the bytes can go into (or
 * come out of) a Parquet data page.
 *
 * Wire format (ULEB128 = unsigned LEB128 varint, zigzag = (n << 1) ^ (n >> 31)):
 *
 *     header  ULEB128 block size in values      multiple of 128 (128 by default)
 *             ULEB128 miniblocks per block      block size / this is a multiple
 *                                               of 32 (4 by default → 32 values)
 *             ULEB128 total value count
 *             zigzag ULEB128 first value        (0 when the count is 0)
 *     blocks, until count - 1 deltas are stored; each:
 *             zigzag ULEB128 min delta          frame of reference of the block
 *             1 byte per miniblock              its bit width, 0..32
 *             miniblocks                        (delta - min delta) bit-packed
 *                                               LSB-first, values-per-miniblock ×
 *                                               width / 8 bytes each
 *
 * Deltas are `(v[i] - v[i-1]) | 0` and decoding adds them back with `| 0`:
 * arithmetic wraps modulo 2**32 as the spec requires ("Overflow should be
 * allowed and handled as wrapping around in 2's complement"), so every
 * Int32Array round-trips and no miniblock needs more than 32 bits.
 *
 * Where the spec leaves the writer a choice, this encoder makes the same one
 * as hyparquet-writer 0.17 (its output is byte-identical, tested):
 * - block size 128 with 4 miniblocks of 32 values (other layouts on request);
 * - each miniblock's width is the smallest that fits its values;
 * - a last miniblock with fewer than 32 values is padded with zero bits to
 *   its full size (the spec requires the full size and recommends zeros);
 * - in the last block, miniblocks after the last value get width byte 0 and
 *   no body (the spec: their widths "should be zero", their bodies absent);
 * - an empty input is a header with count 0 and first value 0 (the spec says
 *   nothing about the first value of an empty column);
 * - varints are minimal.
 * The min delta is not a choice: it is the minimum of the block's real
 * deltas (padding excluded), wrapped to int32.
 *
 * The decoder accepts everything the spec allows: any block size that is a
 * positive multiple of 128 up to {@link PARQUET_MAX_BLOCK_SIZE}, any
 * miniblock count giving a multiple of 32 values per miniblock, arbitrary
 * padding bits, arbitrary width bytes for the unused miniblocks of the last
 * block (the spec: "readers must accept arbitrary values as well"), non-minimal
 * varints, and a min delta up to 33 bits (a writer that does not wrap can
 * need one; only its low 32 bits matter modulo 2**32).
 *
 * Errors (all DeltaError):
 * - ERR_DELTA_INPUT: `bytes` is not a Uint8Array, bad `options`, `out` not an
 *   Int32Array or too small.
 * - ERR_DELTA_TRUNCATED: the input ends inside the header, a block or a
 *   miniblock, or the count needs more blocks than the remaining bytes can
 *   hold (each block needs at least 1 + miniblocks bytes; checked before
 *   anything is allocated).
 * - ERR_DELTA_CORRUPT: block size not a positive multiple of 128 or above
 *   the cap, miniblock count not dividing it into multiples of 32, count above
 *   2**31 - 1, a used miniblock wider than 32 bits, a varint longer than 5
 *   bytes or beyond 32 bits (33 for the min delta), bytes left after the last
 *   value, or a CRC mismatch when `options.crc` is given.
 *
 * The input must be exactly one encoded run: bytes after the last value are
 * rejected (ERR_DELTA_CORRUPT) rather than ignored, so slice a page's values
 * section before decoding it.
 *
 * The format has no checksum of its own: without `options.crc` only structural
 * damage is detected, and a bit flip inside packed data decodes silently to
 * other values. Pass a CRC-32 of these exact bytes as `options.crc` to detect
 * that. (Parquet's optional page-header `crc` covers the whole page as
 * stored, levels and compression included, so it equals the CRC of these
 * bytes only for an uncompressed page holding nothing but them.)
 */

import { crc32Range } from "./checksum.js";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";
import { toInt32Array } from "./int32input.js";
import { bitWidth32, PACK32, UNPACK32, UNPACK_DELTA32 } from "./bitpack.js";
import { scratch } from "./scratch.js";
import { writeVarint } from "./varint.js";

/** Values per block written by {@link encodeParquetDelta}. */
export const PARQUET_BLOCK_SIZE = 128;

/** Miniblocks per block written by {@link encodeParquetDelta} (32 values each). */
export const PARQUET_MINIBLOCKS = 4;

/**
 * Largest block size the decoder accepts (32768 values, as the INT64 codec). The spec has no
 * limit; writers use 128 (parquet-mr, Arrow, hyparquet-writer) or 2048
 * (DuckDB). The cap keeps a forged header from making a few bytes stand for
 * an enormous constant run.
 */
export const PARQUET_MAX_BLOCK_SIZE = 32768;

/** Largest total value count: Parquet counts values in a signed 32-bit field. */
export const PARQUET_MAX_COUNT = 2 ** 31 - 1;

/** Options of the Parquet decoders. */
export interface ParquetDeltaOptions {
  /**
   * CRC-32 (IEEE) of exactly the bytes passed in, as Parquet's page header
   * `crc` field carries it (a signed i32) or unsigned. Verified when given.
   */
  crc?: number;
}

/** A parsed DELTA_BINARY_PACKED header. */
interface Header {
  blockSize: number;
  miniblocks: number;
  perMiniblock: number;
  count: number;
  first: number;
  /** Index of the first byte after the header. */
  pos: number;
}

// Cursor state of the varint readers below: module-level so that reading a
// varint allocates nothing and returns a plain number.
let cursor = 0;

function truncated(label: string): never {
  throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
}

function corrupt(label: string, reason: string): never {
  throw new DeltaError("ERR_DELTA_CORRUPT", label + ": " + reason);
}

/**
 * Read a ULEB128 of at most 5 bytes at `cursor` whose value fits in 32 bits
 * (the 5th byte may only use its low 4 bits). Non-minimal encodings are
 * accepted, as other Parquet readers do. Returns the value as uint32.
 */
function readUleb32(bytes: Uint8Array, end: number, label: string): number {
  let pos = cursor;
  let result = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= end) truncated(label);
    const b = bytes[pos++];
    if (shift === 28) {
      if (b > 0x0f) corrupt(label, "varint longer than 5 bytes or beyond 32 bits");
      result = (result | (b << 28)) >>> 0;
      break;
    }
    result |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  cursor = pos;
  return result >>> 0;
}

/**
 * Read a zigzag ULEB128 min delta of up to 33 bits (5 bytes, the 5th using
 * at most 5 bits) and return it modulo 2**32 as an int32. A writer that does
 * not wrap INT32 deltas can store min deltas down to -(2**32 - 1); modulo
 * 2**32 they decode to the same values as the wrapped ones.
 */
function readMinDelta(bytes: Uint8Array, end: number, label: string): number {
  let pos = cursor;
  if (pos >= end) truncated(label);
  let b = bytes[pos++];
  if (b < 0x80) {
    // One byte: the common case for smooth data.
    cursor = pos;
    return (b >>> 1) ^ -(b & 1);
  }
  let low = b & 0x7f;
  let bit32 = 0;
  for (let shift = 7; ; shift += 7) {
    if (pos >= end) truncated(label);
    b = bytes[pos++];
    if (shift === 28) {
      if (b > 0x1f) corrupt(label, "min delta longer than 5 bytes or beyond 33 bits");
      low |= b << 28; // bits 28..31 (the shift drops bit 4, kept next)
      bit32 = (b >>> 4) & 1;
      break;
    }
    low |= (b & 0x7f) << shift;
    if (b < 0x80) break;
  }
  cursor = pos;
  // zigzag decode of the 33-bit z, keeping the low 32 bits of the result:
  // bits 1..32 of z, flipped when z is odd.
  return ((low >>> 1) | (bit32 << 31)) ^ -(low & 1);
}

function checkBytes(bytes: Uint8Array, label: string): void {
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
}

function checkOptions(bytes: Uint8Array, options: ParquetDeltaOptions | undefined, label: string): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object") {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": options must be an object");
  }
  const crc = options.crc;
  if (crc === undefined) return;
  if (typeof crc !== "number" || !Number.isInteger(crc) || crc < -(2 ** 31) || crc > 0xffffffff) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": options.crc must be a 32-bit integer (signed or unsigned)");
  }
  if (crc32Range(bytes) !== crc >>> 0) corrupt(label, "CRC-32 mismatch");
}

function readHeader(bytes: Uint8Array, label: string): Header {
  const end = bytes.length;
  cursor = 0;
  const blockSize = readUleb32(bytes, end, label);
  const miniblocks = readUleb32(bytes, end, label);
  const count = readUleb32(bytes, end, label);
  const zFirst = readUleb32(bytes, end, label);
  const first = (zFirst >>> 1) ^ -(zFirst & 1);
  if (!validLayout(blockSize, miniblocks)) {
    corrupt(label, "invalid block layout (" + blockSize + " values in " + miniblocks + " miniblocks)");
  }
  if (count > PARQUET_MAX_COUNT) corrupt(label, "count " + count + " exceeds 2**31 - 1");
  if (count > 1) {
    // Every block holds at most blockSize deltas and takes at least one byte
    // of min delta plus one width byte per miniblock: a count needing more
    // blocks than that cannot be stored in what is left. Checked before the
    // caller allocates `count` values.
    const blocks = Math.ceil((count - 1) / blockSize);
    if (blocks * (1 + miniblocks) > end - cursor) truncated(label);
  }
  return { blockSize, miniblocks, perMiniblock: (blockSize / miniblocks) | 0, count, first, pos: cursor };
}

// One group of 32 values, for the last, partial group of a column.
const group = new Int32Array(32);

/** Decode the blocks after the header into out[0, count). */
function decodeBody(bytes: Uint8Array, h: Header, out: Int32Array, label: string): void {
  const end = bytes.length;
  const count = h.count;
  let pos = h.pos;
  if (count > 0) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const miniblocks = h.miniblocks;
    const groupsPerMiniblock = h.perMiniblock >>> 5;
    let prev = h.first;
    out[0] = prev;
    let i = 1;
    while (i < count) {
      cursor = pos;
      const minDelta = readMinDelta(bytes, end, label);
      const widthsAt = cursor;
      pos = widthsAt + miniblocks;
      if (pos > end) truncated(label);
      // Only the miniblocks that hold values are read; the widths of the
      // unused ones in the last block may be anything (spec), so they are
      // never looked at.
      for (let mb = 0; mb < miniblocks && i < count; mb++) {
        const w = bytes[widthsAt + mb];
        if (w > 32) corrupt(label, "miniblock bit width " + w + " exceeds 32");
        const groupBytes = 4 * w;
        const miniEnd = pos + groupsPerMiniblock * groupBytes;
        // The spec pads the last miniblock to full size, so the whole body must be there.
        if (miniEnd > end) truncated(label);
        const kernel = UNPACK_DELTA32[w];
        for (let g = 0; g < groupsPerMiniblock && i < count; g++) {
          if (count - i >= 32) {
            prev = kernel(dv, pos, out, i, prev, minDelta);
            i += 32;
          } else {
            UNPACK32[w](dv, pos, group, 0);
            const rest = count - i;
            for (let k = 0; k < rest; k++) {
              prev = (prev + minDelta + group[k]) | 0;
              out[i++] = prev;
            }
          }
          pos += groupBytes;
        }
        pos = miniEnd;
      }
    }
  }
  if (pos !== end) corrupt(label, "trailing bytes after the last value");
}

/** Options of {@link encodeParquetDelta}. */
export interface ParquetDeltaEncodeOptions {
  /** Values per block: a positive multiple of 128 up to {@link PARQUET_MAX_BLOCK_SIZE} (default 128). */
  blockSize?: number;
  /** Miniblocks per block; blockSize / miniblocksPerBlock must be a multiple of 32 (default 4). */
  miniblocksPerBlock?: number;
}

function validLayout(blockSize: number, miniblocks: number): boolean {
  return (
    blockSize >= 128 &&
    blockSize <= PARQUET_MAX_BLOCK_SIZE &&
    blockSize % 128 === 0 &&
    miniblocks >= 1 &&
    blockSize % miniblocks === 0 &&
    (blockSize / miniblocks) % 32 === 0
  );
}

// The encoder's working array, grown for larger layouts: one block of deltas.
let deltas = new Int32Array(PARQUET_BLOCK_SIZE);

/**
 * Encode int32 values as Parquet DELTA_BINARY_PACKED.
 *
 * @param values - an Int32Array, or an array of integers in [-2**31, 2**31 - 1]
 *   (-0 is stored as 0)
 * @param options - block layout; the default (128 values in 4 miniblocks of
 *   32) is what parquet-mr, Arrow and hyparquet-writer write
 * @returns the encoded bytes; with the default layout identical to
 *   hyparquet-writer's `deltaBinaryPack(writer, values, "INT32")`
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is not an Int32Array or
 *   array, holds a non-number, or the options are not a valid layout;
 *   ERR_DELTA_NOT_INTEGER for a non-int32 number
 * @example
 * encodeParquetDelta([1, 2, 3, 4, 5]) // => Uint8Array [128, 1, 4, 5, 2, 2, 0, 0, 0, 0]
 */
export function encodeParquetDelta(values: Int32Array | readonly number[], options?: ParquetDeltaEncodeOptions): Uint8Array {
  const label = "encodeParquetDelta";
  if (options !== undefined && (options === null || typeof options !== "object")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": options must be an object");
  }
  const blockSize = options?.blockSize ?? PARQUET_BLOCK_SIZE;
  const miniblocks = options?.miniblocksPerBlock ?? PARQUET_MINIBLOCKS;
  if (
    typeof blockSize !== "number" ||
    typeof miniblocks !== "number" ||
    !Number.isInteger(blockSize) ||
    !Number.isInteger(miniblocks) ||
    !validLayout(blockSize, miniblocks)
  ) {
    throw new DeltaError(
      "ERR_DELTA_INPUT",
      label + ": blockSize must be a multiple of 128 up to " + PARQUET_MAX_BLOCK_SIZE +
        " and miniblocksPerBlock must split it into multiples of 32",
    );
  }
  const v = toInt32Array(values, label);
  const n = v.length;
  // `| 0` everywhere an index is derived from a division: V8 types `/` as a
  // double, and a double loop index makes every array access slow.
  const perMiniblock = (blockSize / miniblocks) | 0;
  const blocks = n > 1 ? Math.ceil((n - 1) / blockSize) : 0;
  // Worst case per block: 5-byte min delta, the width bytes, 4 bytes per value.
  const s = scratch(20 + blocks * (5 + miniblocks + 4 * blockSize));
  const buf = s.bytes;
  const dv = s.view;
  let pos = writeVarint(buf, 0, blockSize);
  pos = writeVarint(buf, pos, miniblocks);
  pos = writeVarint(buf, pos, n);
  let prev = n > 0 ? v[0] : 0;
  pos = writeVarint(buf, pos, ((prev << 1) ^ (prev >> 31)) >>> 0);
  if (deltas.length < blockSize) deltas = new Int32Array(blockSize);
  const d = deltas;
  for (let start = 1; start < n; start += blockSize) {
    const m = Math.min(blockSize, n - start);
    let min = 0x7fffffff;
    for (let k = 0; k < m; k++) {
      const x = v[start + k];
      const dd = (x - prev) | 0; // wraps modulo 2**32, as the spec requires
      prev = x;
      d[k] = dd;
      if (dd < min) min = dd;
    }
    pos = writeVarint(buf, pos, ((min << 1) ^ (min >> 31)) >>> 0);
    const widthsAt = pos;
    pos += miniblocks;
    const used = ((m + perMiniblock - 1) / perMiniblock) | 0;
    for (let mb = 0; mb < miniblocks; mb++) {
      if (mb >= used) {
        buf[widthsAt + mb] = 0; // unused miniblock of the last block: width 0, no body
        continue;
      }
      const a = mb * perMiniblock;
      const b = Math.min(a + perMiniblock, m);
      // The width of the relative deltas, from their OR. (One pass for the
      // min, then this read-only pass: measured faster than tracking each
      // miniblock's max in the first pass, whose branches mispredict on
      // noisy data. The pack kernels subtract the min themselves.)
      let or = 0;
      for (let k = a; k < b; k++) or |= (d[k] - min) | 0;
      const w = bitWidth32(or);
      buf[widthsAt + mb] = w;
      // Zero padding of the last miniblock: values equal to min pack as 0.
      for (let k = b; k < a + perMiniblock; k++) d[k] = min;
      const kernel = PACK32[w];
      for (let k = a; k < a + perMiniblock; k += 32) {
        kernel(d, k, dv, pos, min);
        pos += 4 * w;
      }
    }
  }
  return buf.slice(0, pos);
}

/**
 * Decode Parquet DELTA_BINARY_PACKED INT32 bytes.
 *
 * @param bytes - exactly one encoded run (header + blocks, nothing after)
 * @param options - `crc`: CRC-32 of `bytes` to verify first (see the module comment)
 * @returns the values
 * @throws {DeltaError} ERR_DELTA_INPUT, ERR_DELTA_TRUNCATED or ERR_DELTA_CORRUPT
 *   as listed in the module comment
 * @example
 * decodeParquetDelta(encodeParquetDelta([7, 5, 3, 1, 2])) // => Int32Array [7, 5, 3, 1, 2]
 */
export function decodeParquetDelta(bytes: Uint8Array, options?: ParquetDeltaOptions): Int32Array {
  const label = "decodeParquetDelta";
  checkBytes(bytes, label);
  checkOptions(bytes, options, label);
  const h = readHeader(bytes, label);
  const out = new Int32Array(h.count);
  decodeBody(bytes, h, out, label);
  return out;
}

/**
 * Decode Parquet DELTA_BINARY_PACKED INT32 bytes into an existing array (no allocation).
 *
 * @param bytes - exactly one encoded run
 * @param out - receives the values in out[0, count); later elements are untouched
 * @param options - `crc`: CRC-32 of `bytes` to verify first
 * @returns the number of values decoded
 * @throws {DeltaError} ERR_DELTA_INPUT if `out` is not an Int32Array or is
 *   shorter than the count; otherwise as {@link decodeParquetDelta}. On a
 *   decoding error `out` may have been partly written.
 * @example
 * const out = new Int32Array(8);
 * decodeParquetDeltaInto(encodeParquetDelta([1, 2, 3]), out) // => 3
 */
export function decodeParquetDeltaInto(bytes: Uint8Array, out: Int32Array, options?: ParquetDeltaOptions): number {
  const label = "decodeParquetDeltaInto";
  checkBytes(bytes, label);
  if (!isTypedArray(out, "Int32Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires an Int32Array out");
  checkOptions(bytes, options, label);
  const h = readHeader(bytes, label);
  if (h.count > out.length) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": out holds " + out.length + " values, the input has " + h.count);
  }
  decodeBody(bytes, h, out, label);
  return h.count;
}
