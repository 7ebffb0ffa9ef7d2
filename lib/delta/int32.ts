/**
 * @module delta/int32
 *
 * Lossless delta codec for int32 series: delta (wrapping int32 arithmetic)
 * + zigzag + LEB128 varint, framed with a tag, a version and a CRC-32.
 *
 * Byte format (version 1):
 *
 *     offset 0   0x49 ('I')             format tag
 *     offset 1   0x01                   format version
 *     varint     count                  number of values (LEB128, <= 2**53)
 *     count ×    varint32 zigzag(delta) delta_i = (v_i - v_{i-1}) | 0, v_{-1} = 0
 *     4 bytes    CRC-32 (little-endian) of every byte before it
 *
 * A smooth series costs about one byte per value; the worst case is 5.
 *
 * Decoding checks, in order: argument type (ERR_DELTA_INPUT); tag and
 * version (ERR_DELTA_CORRUPT, so decimal bytes fed here are rejected, not
 * misread); minimum length of 7 bytes (ERR_DELTA_TRUNCATED); CRC-32
 * (ERR_DELTA_CORRUPT, this is what catches truncated or damaged longer
 * buffers); then the structure, which only forged or buggy encoders can get
 * wrong: a count larger than the remaining bytes (each value takes at least
 * one byte) is ERR_DELTA_CORRUPT and is rejected before any allocation, a
 * varint that runs past the end is ERR_DELTA_TRUNCATED, an over-long,
 * non-minimal or out-of-range varint is ERR_DELTA_CORRUPT, and bytes left
 * over after the last value are ERR_DELTA_CORRUPT.
 */

import { appendCrc32, CRC32_BYTES, verifyCrc32 } from "./checksum.js";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";
import { checkInt32Values } from "./int32input.js";
import { ByteReader, VARINT32_MAX_BYTES, VARINT53_MAX_BYTES, writeVarint } from "./varint.js";

/** First byte of every int32 encoding ('I'). */
export const INT32_FORMAT_TAG = 0x49;

/** Second byte of every int32 encoding. */
export const INT32_FORMAT_VERSION = 1;

/** Shortest valid int32 encoding: tag, version, count 0, CRC-32. */
const INT32_MIN_BYTES = 2 + 1 + CRC32_BYTES;

/**
 * Losslessly compress an int32 series with delta + zigzag + varint.
 *
 * Deltas use wrapping int32 arithmetic, `(v - prev) | 0`: the true
 * difference of two int32s can need 33 bits (INT32_MAX - INT32_MIN), but
 * modulo 2**32 it always fits in 32, and the decoder's `(prev + d) | 0`
 * wraps back to the exact value. So every int32 array round-trips.
 *
 * @param values - an Int32Array, or an array of integers in [-2**31, 2**31 - 1]
 *   (-0 is accepted and stored as 0)
 * @returns the encoded bytes (see the module comment for the format)
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is neither an Int32Array nor
 *   an array, or an element is not a number; ERR_DELTA_NOT_INTEGER if an
 *   element is a non-integer (including NaN/±Infinity) or outside int32 range
 * @example
 * encodeInt32([100, 101, 103]).length // => 11 (2 header + 1 count + 2+1+1 values + 4 CRC)
 */
export function encodeInt32(values: Int32Array | readonly number[]): Uint8Array {
  checkInt32Values(values, "encodeInt32");
  const n = values.length;
  // Worst case: 5 bytes per value. Allocate once, fill, then slice.
  const buf = new Uint8Array(2 + VARINT53_MAX_BYTES + n * VARINT32_MAX_BYTES + CRC32_BYTES);
  buf[0] = INT32_FORMAT_TAG;
  buf[1] = INT32_FORMAT_VERSION;
  let pos = writeVarint(buf, 2, n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] | 0; // | 0 also turns -0 into 0
    const d = (v - prev) | 0; // wrapping: exact modulo 2**32
    let z = ((d << 1) ^ (d >> 31)) >>> 0; // zigzag, see zigzagEncode32
    while (z >= 0x80) {
      buf[pos++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    buf[pos++] = z;
    prev = v;
  }
  pos = appendCrc32(buf, pos);
  return buf.slice(0, pos);
}

/**
 * Decode bytes made by {@link encodeInt32} back into the exact int32 values.
 *
 * @param bytes - an int32 encoding
 * @returns the decoded values
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array;
 *   ERR_DELTA_TRUNCATED if it is shorter than 7 bytes or a value runs past
 *   the end; ERR_DELTA_CORRUPT for a wrong tag/version, a CRC mismatch, an
 *   impossible count, a malformed varint or trailing bytes
 * @example
 * decodeInt32(encodeInt32([100, 101, 103])) // => Int32Array [100, 101, 103]
 */
export function decodeInt32(bytes: Uint8Array): Int32Array {
  const label = "decodeInt32";
  if (!isTypedArray(bytes, "Uint8Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  }
  const len = bytes.length;
  if (len >= 1 && bytes[0] !== INT32_FORMAT_TAG) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": not an int32 delta encoding");
  }
  if (len >= 2 && bytes[1] !== INT32_FORMAT_VERSION) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": unsupported format version " + bytes[1]);
  }
  if (len < INT32_MIN_BYTES) {
    throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
  }
  verifyCrc32(bytes, label);

  const r = new ByteReader(bytes, 2, len - CRC32_BYTES, label);
  const count = r.varint53();
  // Every value takes at least one byte, so a larger count is forged; this
  // check also bounds the allocation below by the input length.
  if (count > r.remaining()) r.corrupt("count " + count + " exceeds the available bytes");
  const out = new Int32Array(count);
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const z = r.varint32();
    const d = (z >>> 1) ^ -(z & 1); // zigzag decode, see zigzagDecode32
    prev = (prev + d) | 0; // wraps exactly like the encoder's subtraction
    out[i] = prev;
  }
  if (r.pos !== r.end) r.corrupt("trailing bytes after the last value");
  return out;
}
