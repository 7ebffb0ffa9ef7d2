/**
 * @module delta/dod
 *
 * Delta-of-delta coding of int32 timestamps, as in Gorilla (Pelkonen et al.,
 * "Gorilla: A Fast, Scalable, In-Memory Time Series Database", PVLDB 8(12),
 * 2015, section 4.1.1). Timestamps arriving at a steady cadence have a
 * constant delta, so the delta of the delta is 0 and costs a single '0' bit;
 * jitter of a few units costs 9 bits.
 *
 * The transform (all arithmetic wraps modulo 2**32, like int32):
 *
 *     D_0 = v_0                         the first value as is
 *     D_1 = v_1 - v_0                   the first delta (its "previous delta" is 0)
 *     D_i = (v_i - v_{i-1}) - (v_{i-1} - v_{i-2})   for i >= 2
 *
 * The true D_i of two extreme deltas can need 33 bits (the deltas themselves
 * already do), but only its value modulo 2**32 is needed: the decoder adds
 * it back with the same wrapping arithmetic, so every Int32Array
 * round-trips, INT32_MIN/INT32_MAX jumps included.
 *
 * Byte format (version 1):
 *
 *     offset 0   0x54 ('T')             format tag
 *     offset 1   0x01                   format version
 *     varint     count                  number of values (LEB128)
 *     bits       (MSB first, see bitstream.ts), only if count >= 1:
 *                32 bits  v_0 (two's complement)
 *                then for i = 1 .. count-1, D_i in the first bucket it fits:
 *                  D = 0             '0'
 *                  D in [-63, 64]    '10'   + 7 bits  (D + 63)
 *                  D in [-255, 256]  '110'  + 9 bits  (D + 255)
 *                  D in [-2047, 2048]'1110' + 12 bits (D + 2047)
 *                  otherwise         '1111' + 32 bits (D as wrapped int32)
 *                zero bits up to the next byte boundary
 *     4 bytes    CRC-32 (little-endian) of every byte before it
 *
 * Each bucket stores D plus a bias of 2**(k-1) - 1, which maps the
 * paper's lopsided ranges ([-63, 64] for k = 7) exactly onto [0, 2**k - 1].
 * Because D_1 goes through the same buckets, a small first delta (a cadence
 * of 60 s) costs 9 bits rather than the paper's fixed 14.
 *
 * Decoding checks, in order: argument types (ERR_DELTA_INPUT); tag and
 * version (ERR_DELTA_CORRUPT); minimum length of 7 bytes
 * (ERR_DELTA_TRUNCATED); CRC-32 (ERR_DELTA_CORRUPT); then the structure,
 * which only forged or buggy encoders get wrong: a count that the body
 * cannot hold (32 bits + 1 bit per further value) is ERR_DELTA_CORRUPT and
 * is rejected before any allocation; a code that runs past the end is
 * ERR_DELTA_TRUNCATED; a D written in a larger bucket than needed, a
 * whole byte or more left over, or non-zero padding is ERR_DELTA_CORRUPT.
 * So each Int32Array has exactly one encoding.
 */

import { BitReader, BitWriter } from "./bitstream.js";
import { appendCrc32, CRC32_BYTES, verifyCrc32 } from "./checksum.js";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";
import { toInt32Array } from "./int32input.js";
import { ByteReader, VARINT53_MAX_BYTES, writeVarint } from "./varint.js";

/** First byte of every delta-of-delta encoding ('T', for timestamps). */
export const DOD_FORMAT_TAG = 0x54;

/** Second byte of every delta-of-delta encoding. */
export const DOD_FORMAT_VERSION = 1;

/** Shortest valid encoding: tag, version, count 0, CRC-32. */
const DOD_MIN_BYTES = 2 + 1 + CRC32_BYTES;

/** Worst case per value after the first: '1111' + 32 bits. */
const DOD_MAX_BITS_PER_VALUE = 36;

/**
 * The delta-of-delta transform of an int32 series (see the module comment):
 * `[v0, v1 - v0, (v2 - v1) - (v1 - v0), ...]`, wrapping modulo 2**32.
 *
 * @param values - the series
 * @returns a new Int32Array of the same length
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is not an Int32Array
 * @example
 * deltaOfDelta(Int32Array.from([100, 160, 220, 281])) // => Int32Array [100, 60, 0, 1]
 */
export function deltaOfDelta(values: Int32Array): Int32Array {
  if (!isTypedArray(values, "Int32Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", "deltaOfDelta requires an Int32Array");
  }
  const n = values.length;
  const out = new Int32Array(n);
  let prev = 0;
  let prevDelta = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // The first "delta" is v0 itself, but it must not become the previous
    // delta of D_1 (that would make D_1 = v1 - 2 v0, large for timestamps):
    // so D_0 = v0 is emitted directly and prevDelta stays 0 until i = 1.
    const d = i === 0 ? 0 : (v - prev) | 0;
    out[i] = i === 0 ? v : (d - prevDelta) | 0;
    prevDelta = d;
    prev = v;
  }
  return out;
}

/**
 * Inverse of {@link deltaOfDelta}: integrate twice with wrapping int32 sums.
 *
 * @param dods - a delta-of-delta series
 * @returns a new Int32Array with the original values
 * @throws {DeltaError} ERR_DELTA_INPUT if `dods` is not an Int32Array
 * @example
 * inverseDeltaOfDelta(Int32Array.from([100, 60, 0, 1])) // => Int32Array [100, 160, 220, 281]
 */
export function inverseDeltaOfDelta(dods: Int32Array): Int32Array {
  if (!isTypedArray(dods, "Int32Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", "inverseDeltaOfDelta requires an Int32Array");
  }
  const n = dods.length;
  const out = new Int32Array(n);
  if (n === 0) return out;
  let v = dods[0];
  let d = 0;
  out[0] = v;
  for (let i = 1; i < n; i++) {
    d = (d + dods[i]) | 0;
    v = (v + d) | 0;
    out[i] = v;
  }
  return out;
}

/**
 * Bits one delta-of-delta costs in the Gorilla bucket code.
 *
 * @param dod - an int32 delta-of-delta
 * @returns 1, 9, 12, 16 or 36
 * @throws {DeltaError} ERR_DELTA_NOT_INTEGER if `dod` is not an int32
 * @example
 * [0, 64, -64, 256, 2048, 2049].map(dodBits) // => [1, 9, 12, 12, 16, 36]
 */
export function dodBits(dod: number): number {
  if (typeof dod !== "number" || (dod | 0) !== dod) {
    throw new DeltaError("ERR_DELTA_NOT_INTEGER", "dodBits requires an int32");
  }
  if (dod === 0) return 1;
  if (dod >= -63 && dod <= 64) return 9;
  if (dod >= -255 && dod <= 256) return 12;
  if (dod >= -2047 && dod <= 2048) return 16;
  return DOD_MAX_BITS_PER_VALUE;
}

/**
 * Losslessly compress an int32 series (typically timestamps in seconds)
 * with Gorilla's delta-of-delta bucket code.
 *
 * @param values - an Int32Array, or an array of integers in
 *   [-2**31, 2**31 - 1] (-0 is stored as 0)
 * @returns the encoded bytes (see the module comment for the format)
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is neither an Int32Array
 *   nor an array, or an element is not a number; ERR_DELTA_NOT_INTEGER if
 *   an element is not an int32
 * @example
 * // 32 bits + '10'+7 (D1 = 60) + '0' + '0' = 43 bits = 6 bytes of body
 * encodeDod([1_700_000_000, 1_700_000_060, 1_700_000_120, 1_700_000_180]).length // => 13
 */
export function encodeDod(values: Int32Array | readonly number[]): Uint8Array {
  const input = toInt32Array(values, "encodeDod");
  const n = input.length;
  // Worst case: 32 bits, then 36 per value. Sized once, so no regrowth.
  const w = new BitWriter(n === 0 ? 0 : Math.ceil((32 + (n - 1) * DOD_MAX_BITS_PER_VALUE) / 8));
  if (n > 0) {
    let prev = input[0] | 0; // | 0 turns -0 into 0
    w.writeBits(prev, 32);
    let prevDelta = 0;
    for (let i = 1; i < n; i++) {
      const v = input[i] | 0;
      const d = (v - prev) | 0;
      const dod = (d - prevDelta) | 0; // wrapping: exact modulo 2**32
      if (dod === 0) {
        w.writeBits(0, 1);
      } else if (dod >= -63 && dod <= 64) {
        w.writeBits((0b10 << 7) | (dod + 63), 9);
      } else if (dod >= -255 && dod <= 256) {
        w.writeBits((0b110 << 9) | (dod + 255), 12);
      } else if (dod >= -2047 && dod <= 2048) {
        w.writeBits((0b1110 << 12) | (dod + 2047), 16);
      } else {
        w.writeBits(0b1111, 4);
        w.writeBits(dod, 32);
      }
      prevDelta = d;
      prev = v;
    }
  }
  const body = w.finish();
  const buf = new Uint8Array(2 + VARINT53_MAX_BYTES + body.length + CRC32_BYTES);
  buf[0] = DOD_FORMAT_TAG;
  buf[1] = DOD_FORMAT_VERSION;
  let pos = writeVarint(buf, 2, n);
  buf.set(body, pos);
  pos = appendCrc32(buf, pos + body.length);
  return buf.slice(0, pos);
}

/**
 * Validate the frame and return the value count and a reader over the body.
 * Throws before anything is allocated for a count the body cannot hold.
 */
function openDod(bytes: Uint8Array, label: string): { count: number; reader: BitReader } {
  if (!isTypedArray(bytes, "Uint8Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  }
  const len = bytes.length;
  if (len >= 1 && bytes[0] !== DOD_FORMAT_TAG) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": not a delta-of-delta encoding");
  }
  if (len >= 2 && bytes[1] !== DOD_FORMAT_VERSION) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": unsupported format version " + bytes[1]);
  }
  if (len < DOD_MIN_BYTES) {
    throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
  }
  verifyCrc32(bytes, label);
  const end = len - CRC32_BYTES;
  const br = new ByteReader(bytes, 2, end, label);
  const count = br.varint53();
  // count >= 1 needs 32 bits for v0 and at least 1 bit per further value.
  const bodyBits = (end - br.pos) * 8;
  if (count > 0 && count - 1 > bodyBits - 32) {
    br.corrupt("count " + count + " exceeds what " + (end - br.pos) + " bytes can hold");
  }
  return { count, reader: new BitReader(bytes, br.pos, end, label) };
}

/** Decode `count` values from `r` into `out[0, count)`, then check the padding. */
function decodeBits(r: BitReader, count: number, out: Int32Array): void {
  if (count === 0) {
    r.finish();
    return;
  }
  const bitEnd = r.bitEnd;
  let v = r.readBits(32) | 0;
  out[0] = v;
  let d = 0;
  let i = 1;
  while (i < count) {
    const w = r.peek32();
    let pos = r.pos;
    if (w >= 0) {
      // Leading '0' bits: each is a D of 0 (the delta repeats). Count them
      // all at once with clz32, the run that makes steady cadences cheap to
      // decode. Bits past the end read as 0, so the run is capped by what
      // is left of the stream (and of the count).
      let run = Math.clz32(w); // 32 when w === 0
      const left = count - i;
      if (run > left) run = left;
      if (run > bitEnd - pos) run = bitEnd - pos;
      if (run === 0) r.truncated();
      r.pos = pos + run;
      const stop = i + run;
      for (; i < stop; i++) {
        v = (v + d) | 0;
        out[i] = v;
      }
      continue;
    }
    // Bits past the end read as 0, so each branch checks the end before it
    // judges the value (a truncated code is reported as truncated).
    let dod: number;
    if ((w & 0x40000000) === 0) {
      // '10' + 7 bits
      pos += 9;
      if (pos > bitEnd) r.truncated();
      dod = ((w >>> 23) & 0x7f) - 63;
      if (dod === 0) r.corrupt("a zero delta-of-delta must be coded as '0'");
    } else if ((w & 0x20000000) === 0) {
      // '110' + 9 bits
      pos += 12;
      if (pos > bitEnd) r.truncated();
      dod = ((w >>> 20) & 0x1ff) - 255;
      if (dod >= -63 && dod <= 64) r.corrupt("delta-of-delta " + dod + " coded in a larger bucket than needed");
    } else if ((w & 0x10000000) === 0) {
      // '1110' + 12 bits
      pos += 16;
      if (pos > bitEnd) r.truncated();
      dod = ((w >>> 16) & 0xfff) - 2047;
      if (dod >= -255 && dod <= 256) r.corrupt("delta-of-delta " + dod + " coded in a larger bucket than needed");
    } else {
      // '1111' + 32 bits of the wrapped delta-of-delta
      if (pos + 36 > bitEnd) r.truncated();
      r.pos = pos + 4;
      dod = r.peek32();
      pos += 36;
      if (dod >= -2047 && dod <= 2048) r.corrupt("delta-of-delta " + dod + " coded in a larger bucket than needed");
    }
    r.pos = pos;
    d = (d + dod) | 0;
    v = (v + d) | 0;
    out[i++] = v;
  }
  r.finish();
}

/**
 * Decode bytes made by {@link encodeDod} back into the exact int32 values.
 *
 * @param bytes - a delta-of-delta encoding
 * @returns the decoded values
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array;
 *   ERR_DELTA_TRUNCATED if it is shorter than 7 bytes or a code runs past
 *   the end; ERR_DELTA_CORRUPT for a wrong tag/version, a CRC mismatch, an
 *   impossible count, a non-canonical code, or trailing bytes/bits
 * @example
 * decodeDod(encodeDod([10, 20, 30, 41])) // => Int32Array [10, 20, 30, 41]
 */
export function decodeDod(bytes: Uint8Array): Int32Array {
  const { count, reader } = openDod(bytes, "decodeDod");
  const out = new Int32Array(count);
  decodeBits(reader, count, out);
  return out;
}

/**
 * Decode bytes made by {@link encodeDod} into a caller-supplied array, so a
 * hot loop can reuse one buffer instead of allocating per call.
 *
 * @param bytes - a delta-of-delta encoding
 * @param out - destination; values go to `out[0, count)`, the rest is left
 *   alone (if decoding fails part of it may have been overwritten)
 * @returns the number of values decoded
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array, `out`
 *   is not an Int32Array, or `out` is shorter than the encoded count; the
 *   other errors as {@link decodeDod}
 * @example
 * const out = new Int32Array(8);
 * decodeDodInto(encodeDod([10, 20, 30]), out) // => 3, out starts [10, 20, 30]
 */
export function decodeDodInto(bytes: Uint8Array, out: Int32Array): number {
  const label = "decodeDodInto";
  if (!isTypedArray(out, "Int32Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires an Int32Array to decode into");
  }
  const { count, reader } = openDod(bytes, label);
  if (count > out.length) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": " + count + " values do not fit in an array of " + out.length);
  }
  decodeBits(reader, count, out);
  return count;
}
