/**
 * @module delta/bitpack64
 *
 * LSB-first bit packing of unsigned values up to 64 bits wide, held as
 * (lo, hi) uint32 word pairs (see ./int64.ts), the layout Parquet's
 * DELTA_BINARY_PACKED miniblocks use: value j occupies stream bits
 * [j·w, (j+1)·w), least significant bit first, and stream bit k is bit
 * (k mod 8) of byte ⌊k / 8⌋. Widths go from 0 (nothing stored: every value
 * is 0) to 64.
 *
 * Why word pairs and not BigInt: packing a BigInt per value allocates and is
 * an order of magnitude slower; with pairs every operation is a 32-bit shift.
 *
 * Both directions work on whole 32-bit words internally: a group of 32 values
 * of width w is exactly w words, so unpacking copies a group's bytes into an
 * aligned scratch word array once and then extracts each value with at most
 * three word reads. Input bytes may start at any offset.
 */

import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/** Widest value the packers handle, in bits. */
export const BITPACK64_MAX_WIDTH = 64;

// Aligned staging area for one group of 32 values (at most 64 words) plus
// room for the word after the last one.
const stage = new Uint32Array(BITPACK64_MAX_WIDTH + 2);

function checkIndex(x: number, what: string, fn: string): void {
  if (typeof x !== "number" || !Number.isInteger(x) || x < 0) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + ": " + what + " must be a non-negative integer");
  }
}

function checkWidth(width: number, fn: string): void {
  if (typeof width !== "number" || !Number.isInteger(width) || width < 0 || width > BITPACK64_MAX_WIDTH) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + ": width must be an integer in [0, 64]");
  }
}

/**
 * Number of bytes `count` values of `width` bits take when packed.
 *
 * @param count - number of values (non-negative integer)
 * @param width - bits per value, 0..64
 * @returns ⌈count · width / 8⌉
 * @throws {DeltaError} ERR_DELTA_INPUT if an argument is out of range
 * @example
 * packedBytes64(32, 11) // => 44
 * packedBytes64(3, 64) // => 24
 */
export function packedBytes64(count: number, width: number): number {
  checkIndex(count, "count", "packedBytes64");
  checkWidth(width, "packedBytes64");
  return Math.ceil((count * width) / 8);
}

/**
 * Pack `count` values of `width` bits, LSB first, into bytes.
 *
 * @param src - (lo, hi) word pairs; value j is `src[2(srcIndex + j)]` (lo) and `src[2(srcIndex + j) + 1]` (hi)
 * @param srcIndex - index of the first value (in values, not words)
 * @param count - number of values to pack
 * @param width - bits per value, 0..64; every value must be < 2**width
 * @param dst - destination bytes
 * @param dstPos - index of the first byte to write
 * @returns the index just after the last byte written (`dstPos + ⌈count·width/8⌉`);
 *   unused high bits of the last byte are zero
 * @throws {DeltaError} ERR_DELTA_INPUT if an argument is out of range, the
 *   ranges do not fit in `src`/`dst`, or a value needs more than `width` bits
 *   (checked before anything is written)
 * @example
 * const out = new Uint8Array(1);
 * packBits64(Uint32Array.of(1, 0, 2, 0, 3, 0), 0, 3, 2, out, 0) // => 1, out is [0b111001]
 */
export function packBits64(
  src: Uint32Array,
  srcIndex: number,
  count: number,
  width: number,
  dst: Uint8Array,
  dstPos: number,
): number {
  const fn = "packBits64";
  if (!isTypedArray(src, "Uint32Array")) throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a Uint32Array source");
  if (!isTypedArray(dst, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a Uint8Array destination");
  checkIndex(srcIndex, "srcIndex", fn);
  checkIndex(count, "count", fn);
  checkIndex(dstPos, "dstPos", fn);
  checkWidth(width, fn);
  if (2 * (srcIndex + count) > src.length) throw new DeltaError("ERR_DELTA_INPUT", fn + ": source range out of bounds");
  const total = Math.ceil((count * width) / 8);
  if (dstPos + total > dst.length) throw new DeltaError("ERR_DELTA_INPUT", fn + ": destination too small");

  // Any bit at or above `width` in any value means it does not fit: OR all
  // the words first, so nothing is written for a bad call.
  let orLo = 0;
  let orHi = 0;
  for (let s = 2 * srcIndex, sEnd = s + 2 * count; s < sEnd; s += 2) {
    orLo |= src[s];
    orHi |= src[s + 1];
  }
  const fits =
    width === 64 ? true : width >= 32 ? orHi >>> (width - 32) === 0 : orHi === 0 && orLo >>> width === 0;
  if (!fits) throw new DeltaError("ERR_DELTA_INPUT", fn + ": a value needs more than " + width + " bits");
  return packBits64Unchecked(src, 2 * srcIndex, count, width, dst, dstPos);
}

/**
 * The body of {@link packBits64} for callers that validated the arguments
 * already (the Parquet encoder computes each miniblock's width from its
 * values, so they fit by construction). Bits at or above `width` are masked off.
 *
 * @param src - (lo, hi) word pairs
 * @param s - index of the first source WORD (2 × value index)
 * @param count - number of values
 * @param width - bits per value, integer 0..64
 * @param dst - destination with room for ⌈count·width/8⌉ bytes from `p`
 * @param p - index of the first byte to write
 * @returns the index just after the last byte written
 * @throws never, given valid arguments
 * @example
 * const out = new Uint8Array(1);
 * packBits64Unchecked(Uint32Array.of(5, 0), 0, 1, 3, out, 0) // => 1, out is [5]
 */
export function packBits64Unchecked(
  src: Uint32Array,
  s: number,
  count: number,
  width: number,
  dst: Uint8Array,
  p: number,
): number {
  const sEnd = s + 2 * count;
  let acc = 0; // pending bits, always fewer than 32
  let bits = 0; // how many bits of acc are pending
  if (width === 0) return p;
  if (width <= 32) {
    const mask = width === 32 ? -1 : (1 << width) - 1;
    for (; s < sEnd; s += 2) {
      const v = src[s] & mask;
      acc |= v << bits;
      bits += width;
      if (bits >= 32) {
        dst[p] = acc;
        dst[p + 1] = acc >>> 8;
        dst[p + 2] = acc >>> 16;
        dst[p + 3] = acc >>> 24;
        p += 4;
        bits -= 32;
        // The top `bits` bits of v did not fit; `v >>> 32` would be v, not 0.
        acc = bits === 0 ? 0 : v >>> (width - bits);
      }
    }
  } else {
    const hw = width - 32;
    const hmask = hw === 32 ? -1 : (1 << hw) - 1;
    for (; s < sEnd; s += 2) {
      const lo = src[s];
      // The whole low word: exactly one output word completes.
      acc |= lo << bits;
      dst[p] = acc;
      dst[p + 1] = acc >>> 8;
      dst[p + 2] = acc >>> 16;
      dst[p + 3] = acc >>> 24;
      p += 4;
      acc = bits === 0 ? 0 : lo >>> (32 - bits);
      // Then the low `hw` bits of the high word.
      const h = src[s + 1] & hmask;
      acc |= h << bits;
      bits += hw;
      if (bits >= 32) {
        dst[p] = acc;
        dst[p + 1] = acc >>> 8;
        dst[p + 2] = acc >>> 16;
        dst[p + 3] = acc >>> 24;
        p += 4;
        bits -= 32;
        acc = bits === 0 ? 0 : h >>> (hw - bits);
      }
    }
  }
  // Flush the last partial word, only as many bytes as hold pending bits.
  while (bits > 0) {
    dst[p++] = acc;
    acc >>>= 8;
    bits -= 8;
  }
  return p;
}

/**
 * Unpack `count` values of `width` bits, LSB first, from bytes into (lo, hi) word pairs.
 *
 * @param src - packed bytes
 * @param srcPos - index of the first packed byte (any alignment)
 * @param count - number of values to unpack
 * @param width - bits per value, 0..64
 * @param dst - receives value j at `dst[2(dstIndex + j)]` (lo) and `dst[2(dstIndex + j) + 1]` (hi)
 * @param dstIndex - index of the first value slot (in values, not words)
 * @returns the index just after the packed bytes (`srcPos + ⌈count·width/8⌉`);
 *   bits of the last byte beyond the last value are ignored
 * @throws {DeltaError} ERR_DELTA_INPUT if an argument is out of range or
 *   `dst` is too small; ERR_DELTA_TRUNCATED if `src` ends before the packed bytes do
 * @example
 * const w = new Uint32Array(6);
 * unpackBits64(Uint8Array.of(0b111001), 0, 3, 2, w, 0) // => 1, w is [1, 0, 2, 0, 3, 0]
 */
export function unpackBits64(
  src: Uint8Array,
  srcPos: number,
  count: number,
  width: number,
  dst: Uint32Array,
  dstIndex: number,
): number {
  const fn = "unpackBits64";
  if (!isTypedArray(src, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a Uint8Array source");
  if (!isTypedArray(dst, "Uint32Array")) throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a Uint32Array destination");
  checkIndex(srcPos, "srcPos", fn);
  checkIndex(count, "count", fn);
  checkIndex(dstIndex, "dstIndex", fn);
  checkWidth(width, fn);
  if (2 * (dstIndex + count) > dst.length) throw new DeltaError("ERR_DELTA_INPUT", fn + ": destination too small");
  const total = Math.ceil((count * width) / 8);
  if (srcPos + total > src.length) throw new DeltaError("ERR_DELTA_TRUNCATED", fn + ": packed bytes run past the end");
  unpackBits64Unchecked(src, srcPos, count, width, dst, 2 * dstIndex);
  return srcPos + total;
}

/**
 * The body of {@link unpackBits64} for callers that validated the arguments
 * already (the Parquet decoder checks each miniblock's width and length
 * before calling, so it skips the per-call checks).
 *
 * @param src - packed bytes, holding at least ⌈count·width/8⌉ bytes from `srcPos`
 * @param srcPos - index of the first packed byte
 * @param count - number of values
 * @param width - bits per value, integer 0..64
 * @param dst - destination words, room for `2 · count` words from `d`
 * @param d - index of the first destination WORD (2 × value index)
 * @returns nothing
 * @throws never, given valid arguments
 * @example
 * const w = new Uint32Array(2);
 * unpackBits64Unchecked(Uint8Array.of(5), 0, 1, 3, w, 0); // w is [5, 0]
 */
export function unpackBits64Unchecked(
  src: Uint8Array,
  srcPos: number,
  count: number,
  width: number,
  dst: Uint32Array,
  d: number,
): void {
  if (width === 0) {
    dst.fill(0, d, d + 2 * count);
    return;
  }
  const s = stage;
  let p = srcPos;
  for (let g = 0; g < count; g += 32) {
    const n = count - g < 32 ? count - g : 32;
    // Stage exactly the bytes this group's bits occupy (a full group is
    // `width` whole words), so we never touch a byte past the packed data.
    const groupBytes = (n * width + 7) >>> 3;
    const fullWords = groupBytes >>> 2;
    for (let k = 0; k < fullWords; k++) {
      s[k] = src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24);
      p += 4;
    }
    const rem = groupBytes & 3;
    if (rem !== 0) {
      let last = 0;
      for (let t = 0; t < rem; t++) last |= src[p++] << (8 * t);
      s[fullWords] = last;
    }
    let bit = 0;
    if (width <= 32) {
      const mask = width === 32 ? -1 : (1 << width) - 1;
      for (let j = 0; j < n; j++) {
        const wi = bit >>> 5;
        const sh = bit & 31;
        let v = s[wi] >>> sh;
        // A value straddling two words takes its top bits from the next one.
        if (sh + width > 32) v |= s[wi + 1] << (32 - sh);
        dst[d] = v & mask;
        dst[d + 1] = 0;
        d += 2;
        bit += width;
      }
    } else {
      const hw = width - 32;
      const hmask = hw === 32 ? -1 : (1 << hw) - 1;
      for (let j = 0; j < n; j++) {
        const wi = bit >>> 5;
        const sh = bit & 31;
        // Low word: 32 bits starting at `sh` (two source words unless aligned).
        dst[d] = sh === 0 ? s[wi] : (s[wi] >>> sh) | (s[wi + 1] << (32 - sh));
        // High word: the next `hw` bits.
        let h = s[wi + 1] >>> sh;
        if (sh + hw > 32) h |= s[wi + 2] << (32 - sh);
        dst[d + 1] = h & hmask;
        d += 2;
        bit += width;
      }
    }
  }
}
