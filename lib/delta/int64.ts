/**
 * @module delta/int64
 *
 * 64-bit integer arithmetic on pairs of 32-bit words, so that codecs can
 * process a BigInt64Array without creating a BigInt per value.
 *
 * Why: a JS Number holds integers exactly only up to 2**53, and bit
 * operators truncate to 32 bits, so `(n << 1) ^ (n >> 63)` style zigzag is
 * simply wrong above 2**31 and arithmetic zigzag is wrong above 2**52. BigInt
 * is exact but allocates: one heap object per value makes a codec loop 10×
 * slower. Splitting each int64 into a low and a high uint32 word keeps
 * everything in small integers that V8 holds unboxed.
 *
 * Conventions used by every function here:
 * - a 64-bit value is the pair (lo, hi): `value = hi * 2**32 + lo` modulo
 *   2**64, read as two's complement when signed;
 * - arguments may be given as uint32 (0..2**32-1) or int32 (-2**31..2**31-1)
 *   numbers, both mean the same 32 bits;
 * - results are written to an `out` Uint32Array as `out[0] = lo`,
 *   `out[1] = hi` (both uint32), so no object is allocated per call;
 * - arithmetic wraps modulo 2**64, exactly like int64 in C or Parquet.
 *
 * A BigInt64Array's buffer can be viewed as a Uint32Array of twice the
 * length ({@link int64WordsView}). On little-endian platforms (every platform
 * Node runs on in practice) element 2i is the low word of value i and 2i+1
 * the high word; {@link LITTLE_ENDIAN} tells, and {@link int64ToWords} /
 * {@link wordsToInt64} convert portably.
 */

import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/** Whether this platform stores multi-byte numbers little-endian (lo word first in a BigInt64Array). */
export const LITTLE_ENDIAN: boolean = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Longest ULEB128 varint of a 64-bit value: 10 bytes (10 × 7 = 70 bits ≥ 64). */
export const VARINT64_MAX_BYTES = 10;

function checkWord(x: number, what: string, fn: string): void {
  // Accept the int32 and the uint32 spelling of the same 32 bits; anything
  // else (fractions, NaN, larger numbers, non-numbers) would be silently
  // truncated by `>>> 0`, which is exactly the bug this module exists to avoid.
  if (typeof x !== "number" || ((x >>> 0) !== x && (x | 0) !== x)) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + ": " + what + " must be a 32-bit integer word");
  }
}

function checkOut(out: Uint32Array, fn: string): void {
  if (!isTypedArray(out, "Uint32Array") || out.length < 2) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + ": out must be a Uint32Array of length >= 2");
  }
}

function checkInt64Array(values: BigInt64Array, fn: string): void {
  if (!isTypedArray(values, "BigInt64Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a BigInt64Array");
  }
}

/**
 * View the memory of a BigInt64Array as 32-bit words, without copying.
 *
 * @param values - any BigInt64Array (a subarray view is fine)
 * @returns a Uint32Array of length `2 * values.length` over the same bytes;
 *   writes through it change `values`. On little-endian platforms element
 *   `2i` is the low word of `values[i]` and `2i + 1` the high word (on
 *   big-endian ones the order is swapped, see {@link LITTLE_ENDIAN})
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is not a BigInt64Array
 * @example
 * const v = BigInt64Array.of(-1n, 5n);
 * Array.from(int64WordsView(v)) // => [4294967295, 4294967295, 5, 0] (little-endian)
 */
export function int64WordsView(values: BigInt64Array): Uint32Array {
  checkInt64Array(values, "int64WordsView");
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/**
 * Copy a BigInt64Array into (lo, hi) word pairs, whatever the platform's byte order.
 *
 * @param values - the int64 values
 * @returns a new Uint32Array with `out[2i] = lo(values[i])`, `out[2i + 1] = hi(values[i])`
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is not a BigInt64Array
 * @example
 * Array.from(int64ToWords(BigInt64Array.of(2n ** 32n + 7n))) // => [7, 1]
 */
export function int64ToWords(values: BigInt64Array): Uint32Array {
  checkInt64Array(values, "int64ToWords");
  const view = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const out = new Uint32Array(view.length);
  if (LITTLE_ENDIAN) {
    out.set(view);
  } else {
    for (let i = 0; i < view.length; i += 2) {
      out[i] = view[i + 1];
      out[i + 1] = view[i];
    }
  }
  return out;
}

/**
 * Build a BigInt64Array from (lo, hi) word pairs, whatever the platform's byte order.
 *
 * @param words - a Uint32Array or Int32Array of even length, lo word first in each pair
 * @returns a new BigInt64Array of `words.length / 2` values
 * @throws {DeltaError} ERR_DELTA_INPUT if `words` is not a Uint32Array/Int32Array of even length
 * @example
 * wordsToInt64(Uint32Array.of(0, 0x80000000)) // => BigInt64Array [-9223372036854775808n]
 */
export function wordsToInt64(words: Uint32Array | Int32Array): BigInt64Array {
  if ((!isTypedArray(words, "Uint32Array") && !isTypedArray(words, "Int32Array")) || words.length % 2 !== 0) {
    throw new DeltaError("ERR_DELTA_INPUT", "wordsToInt64 requires a Uint32Array or Int32Array of even length");
  }
  const out = new BigInt64Array(words.length / 2);
  const view = new Uint32Array(out.buffer);
  if (LITTLE_ENDIAN) {
    view.set(words);
  } else {
    for (let i = 0; i < words.length; i += 2) {
      view[i] = words[i + 1];
      view[i + 1] = words[i];
    }
  }
  return out;
}

/**
 * Combine two words into a signed 64-bit BigInt (for tests, headers and
 * display; never call it per value in a hot loop).
 *
 * @param lo - low 32 bits
 * @param hi - high 32 bits (bit 31 is the sign)
 * @returns the int64 as a bigint in [-2**63, 2**63 - 1]
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * toBigInt64(0xffffffff, 0xffffffff) // => -1n
 * toBigInt64(0, 1) // => 4294967296n
 */
export function toBigInt64(lo: number, hi: number): bigint {
  checkWord(lo, "lo", "toBigInt64");
  checkWord(hi, "hi", "toBigInt64");
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/**
 * Split a BigInt into the words of its value modulo 2**64.
 *
 * @param out - receives `out[0] = lo`, `out[1] = hi`
 * @param value - any bigint (wrapped to 64 bits, like a BigInt64Array store)
 * @returns nothing
 * @throws {DeltaError} ERR_DELTA_INPUT if `value` is not a bigint or `out` is unusable
 * @example
 * const w = new Uint32Array(2);
 * splitBigInt64(w, -2n); // w is [4294967294, 4294967295]
 */
export function splitBigInt64(out: Uint32Array, value: bigint): void {
  checkOut(out, "splitBigInt64");
  if (typeof value !== "bigint") throw new DeltaError("ERR_DELTA_INPUT", "splitBigInt64 requires a bigint");
  const u = BigInt.asUintN(64, value);
  out[0] = Number(u & 0xffffffffn);
  out[1] = Number(u >> 32n);
}

/**
 * Add two 64-bit values modulo 2**64.
 *
 * @param out - receives the sum's words
 * @param aLo - low word of a
 * @param aHi - high word of a
 * @param bLo - low word of b
 * @param bHi - high word of b
 * @returns nothing
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * const w = new Uint32Array(2);
 * add64(w, 0xffffffff, 0, 1, 0); // w is [0, 1]: the carry moved into hi
 */
export function add64(out: Uint32Array, aLo: number, aHi: number, bLo: number, bHi: number): void {
  checkOut(out, "add64");
  checkWord(aLo, "aLo", "add64");
  checkWord(aHi, "aHi", "add64");
  checkWord(bLo, "bLo", "add64");
  checkWord(bHi, "bHi", "add64");
  const a = aLo >>> 0;
  const lo = (a + (bLo >>> 0)) >>> 0;
  // The low sum wrapped exactly when it came out smaller than an addend.
  out[0] = lo;
  out[1] = (aHi + bHi + (lo < a ? 1 : 0)) >>> 0;
}

/**
 * Subtract two 64-bit values modulo 2**64 (a - b).
 *
 * @param out - receives the difference's words
 * @param aLo - low word of a
 * @param aHi - high word of a
 * @param bLo - low word of b
 * @param bHi - high word of b
 * @returns nothing
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * const w = new Uint32Array(2);
 * sub64(w, 0, 1, 1, 0); // w is [4294967295, 0]: 2**32 - 1
 */
export function sub64(out: Uint32Array, aLo: number, aHi: number, bLo: number, bHi: number): void {
  checkOut(out, "sub64");
  checkWord(aLo, "aLo", "sub64");
  checkWord(aHi, "aHi", "sub64");
  checkWord(bLo, "bLo", "sub64");
  checkWord(bHi, "bHi", "sub64");
  const a = aLo >>> 0;
  const b = bLo >>> 0;
  out[0] = (a - b) >>> 0;
  // Borrow from hi when the unsigned low words would go negative.
  out[1] = (aHi - bHi - (a < b ? 1 : 0)) >>> 0;
}

/**
 * Compare two signed 64-bit values.
 *
 * @param aLo - low word of a
 * @param aHi - high word of a (bit 31 is the sign)
 * @param bLo - low word of b
 * @param bHi - high word of b
 * @returns -1 if a < b, 0 if equal, 1 if a > b (as int64)
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * compareInt64(0, 0xffffffff, 0, 0) // => -1 (-2**32 < 0)
 */
export function compareInt64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  checkWord(aLo, "aLo", "compareInt64");
  checkWord(aHi, "aHi", "compareInt64");
  checkWord(bLo, "bLo", "compareInt64");
  checkWord(bHi, "bHi", "compareInt64");
  // The high words decide as signed int32s; on a tie the low words decide unsigned.
  const ah = aHi | 0;
  const bh = bHi | 0;
  if (ah !== bh) return ah < bh ? -1 : 1;
  const al = aLo >>> 0;
  const bl = bLo >>> 0;
  return al === bl ? 0 : al < bl ? -1 : 1;
}

/**
 * ZigZag-map a signed 64-bit value to an unsigned one: 0→0, -1→1, 1→2, ...
 * exact over the whole int64 range (a Number version breaks above 2**52).
 *
 * @param out - receives the zigzag value's words
 * @param lo - low word of the int64
 * @param hi - high word of the int64
 * @returns nothing
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * const w = new Uint32Array(2);
 * zigzagEncode64(w, 0xffffffff, 0xffffffff); // -1 → w is [1, 0]
 * zigzagEncode64(w, 0, 0x80000000); // -2**63 → w is [4294967295, 4294967295]
 */
export function zigzagEncode64(out: Uint32Array, lo: number, hi: number): void {
  checkOut(out, "zigzagEncode64");
  checkWord(lo, "lo", "zigzagEncode64");
  checkWord(hi, "hi", "zigzagEncode64");
  // (v << 1) ^ (v >> 63): `hi >> 31` is the sign smeared over 32 bits, and
  // the shift moves bit 31 of lo into bit 0 of hi.
  const sign = hi >> 31;
  out[0] = ((lo << 1) ^ sign) >>> 0;
  out[1] = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
}

/**
 * Inverse of {@link zigzagEncode64}.
 *
 * @param out - receives the int64's words
 * @param lo - low word of the zigzag value
 * @param hi - high word of the zigzag value
 * @returns nothing
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * const w = new Uint32Array(2);
 * zigzagDecode64(w, 3, 0); // → -2: w is [4294967294, 4294967295]
 */
export function zigzagDecode64(out: Uint32Array, lo: number, hi: number): void {
  checkOut(out, "zigzagDecode64");
  checkWord(lo, "lo", "zigzagDecode64");
  checkWord(hi, "hi", "zigzagDecode64");
  // (z >>> 1) ^ -(z & 1): the low bit says whether to flip all 64 bits.
  const flip = -(lo & 1);
  out[0] = (((lo >>> 1) | (hi << 31)) ^ flip) >>> 0;
  out[1] = ((hi >>> 1) ^ flip) >>> 0;
}

/**
 * Number of bits needed to write a 64-bit value as unsigned (0 for 0).
 *
 * @param lo - low word
 * @param hi - high word
 * @returns 0..64: the position of the highest set bit plus one
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * bitWidth64(0, 0) // => 0
 * bitWidth64(255, 0) // => 8
 * bitWidth64(0, 1) // => 33
 * bitWidth64(0, 0x80000000) // => 64
 */
export function bitWidth64(lo: number, hi: number): number {
  checkWord(lo, "lo", "bitWidth64");
  checkWord(hi, "hi", "bitWidth64");
  return hi !== 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(lo);
}

/**
 * Number of bytes the ULEB128 varint of an unsigned 64-bit value takes.
 *
 * @param lo - low word
 * @param hi - high word
 * @returns 1..10
 * @throws {DeltaError} ERR_DELTA_INPUT if a word is not a 32-bit integer
 * @example
 * varint64Length(127, 0) // => 1
 * varint64Length(0xffffffff, 0xffffffff) // => 10
 */
export function varint64Length(lo: number, hi: number): number {
  const bits = bitWidth64(lo, hi);
  return bits === 0 ? 1 : Math.ceil(bits / 7);
}

/**
 * Write the ULEB128 varint of an unsigned 64-bit value, without checks (an
 * encoder's hot path: the caller passes uint32 words and guarantees up to
 * {@link VARINT64_MAX_BYTES} bytes of room).
 *
 * @param buf - destination
 * @param pos - index of the first byte to write
 * @param lo - low word (uint32)
 * @param hi - high word (uint32)
 * @returns the index just after the last byte written
 * @throws never
 * @example
 * const buf = new Uint8Array(10);
 * writeVarint64(buf, 0, 0, 1) // => 5: 2**32 is [0x80, 0x80, 0x80, 0x80, 0x10]
 */
export function writeVarint64(buf: Uint8Array, pos: number, lo: number, hi: number): number {
  lo >>>= 0;
  hi >>>= 0;
  // Emit 7 bits at a time from the low word while the value has more bits;
  // after each group shift the pair right by 7 (hi's low bits move into lo).
  while (hi !== 0) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo = ((lo >>> 7) | (hi << 25)) >>> 0;
    hi >>>= 7;
  }
  while (lo >= 0x80) {
    buf[pos++] = (lo & 0x7f) | 0x80;
    lo >>>= 7;
  }
  buf[pos++] = lo;
  return pos;
}

/**
 * Read a ULEB128 varint holding an unsigned 64-bit value from `bytes[pos, end)`.
 * Non-minimal encodings (redundant 0x80 groups) are accepted as long as the
 * varint fits in 10 bytes, because the Parquet format does not forbid them
 * and other readers accept them; bits beyond bit 63 are rejected.
 *
 * Meant for decoders' inner loops, so the caller guarantees `bytes` is a
 * Uint8Array and `pos` an integer index; `end` is clamped to `bytes.length`.
 *
 * @param bytes - the encoded bytes
 * @param pos - where the varint starts
 * @param end - one past the last readable index (never read at or after it)
 * @param out - receives `out[0] = lo`, `out[1] = hi`
 * @returns the index just after the varint
 * @throws {DeltaError} ERR_DELTA_TRUNCATED if the varint runs to `end`;
 *   ERR_DELTA_CORRUPT if it is longer than 10 bytes or exceeds 64 bits
 * @example
 * const w = new Uint32Array(2);
 * readVarint64(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x10), 0, 5, w) // => 5, w is [0, 1]
 */
export function readVarint64(bytes: Uint8Array, pos: number, end: number, out: Uint32Array): number {
  if (end > bytes.length) end = bytes.length;
  let lo = 0;
  let hi = 0;
  // Bytes 0..3 fill lo bits 0..27 (28 bits), byte 4 straddles (4 bits to lo,
  // 3 to hi), bytes 5..8 fill hi bits 3..30 and byte 9 may only set bit 63.
  for (let i = 0; ; i++) {
    if (pos >= end) throw new DeltaError("ERR_DELTA_TRUNCATED", "varint64 runs past the end of the input");
    const b = bytes[pos++];
    const g = b & 0x7f;
    if (i < 4) {
      lo |= g << (7 * i);
    } else if (i === 4) {
      lo |= g << 28;
      hi = g >>> 4;
    } else if (i < 9) {
      hi |= g << (7 * i - 32);
    } else {
      // 10th byte: bit 63 only, and no continuation.
      if (b > 1) throw new DeltaError("ERR_DELTA_CORRUPT", "varint64 longer than 10 bytes or above 2**64");
      hi |= b << 31;
    }
    if (b < 0x80) break;
  }
  out[0] = lo >>> 0;
  out[1] = hi >>> 0;
  return pos;
}
