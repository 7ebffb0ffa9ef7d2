/**
 * @module delta/varint
 *
 * Unsigned LEB128 variable-length integers: 7 value bits per byte, least
 * significant group first, high bit set on every byte except the last.
 * Small numbers take one byte, which is what makes delta + zigzag pay off.
 *
 * Values up to 2**53 are supported. JS bit operations only see 32 bits, so
 * values of 2**32 and above are split with `%` and `Math.floor(n / 128)`,
 * which are exact for every integer up to 2**53; smaller values take a fast
 * path with `& 0x7f` and `>>> 7`.
 *
 * Decoding is strict: a varint must be minimal (no redundant trailing zero
 * groups), at most {@link VARINT32_MAX_BYTES} / {@link VARINT53_MAX_BYTES}
 * bytes long, and must not carry bits beyond its range. That keeps every
 * value with exactly one encoding and rejects forged over-long varints.
 */

import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/** Largest value the 53-bit varint functions accept: 2**53 (exactly representable). */
export const VARINT_MAX_VALUE = 2 ** 53;

/** Longest varint of a uint32 (5 × 7 = 35 bits ≥ 32). */
export const VARINT32_MAX_BYTES = 5;

/** Longest varint of a value <= 2**53 (8 × 7 = 56 bits ≥ 54). */
export const VARINT53_MAX_BYTES = 8;

const TWO_POW_32 = 2 ** 32;
const TWO_POW_49 = 2 ** 49;

function checkValue(n: number, fn: string): void {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > VARINT_MAX_VALUE) {
    throw new DeltaError("ERR_DELTA_NOT_INTEGER", fn + " requires an integer in [0, 2**53]");
  }
}

/**
 * Number of bytes the LEB128 varint of `n` takes.
 *
 * @param n - a non-negative integer <= 2**53
 * @returns 1 for n < 128, 2 for n < 2**14, ... up to 8
 * @throws {DeltaError} ERR_DELTA_NOT_INTEGER if `n` is negative, fractional or > 2**53
 * @example
 * varintLength(127) // => 1
 * varintLength(128) // => 2
 * varintLength(2 ** 32 - 1) // => 5
 */
export function varintLength(n: number): number {
  checkValue(n, "varintLength");
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  if (n < 2 ** 35) return 5;
  if (n < 2 ** 42) return 6;
  if (n < 2 ** 49) return 7;
  return 8;
}

/**
 * Write the varint of `n` into `buf` at `pos`, without any checks (the hot
 * path of the encoders). The caller guarantees 0 <= n <= 2**53, n integer,
 * and at least {@link varintLength}(n) bytes of room.
 *
 * @param buf - destination
 * @param pos - index of the first byte to write
 * @param n - value to write
 * @returns the index just after the last byte written
 * @throws never (out-of-room writes are silently dropped by the typed array)
 * @example
 * const buf = new Uint8Array(2);
 * writeVarint(buf, 0, 300) // => 2, buf is [0xac, 0x02]
 */
export function writeVarint(buf: Uint8Array, pos: number, n: number): number {
  if (n < TWO_POW_32) {
    // Fast path: the value fits in 32 unsigned bits, so `>>> 7` is exact.
    while (n >= 0x80) {
      buf[pos++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
  } else {
    // Slow path: `%` and division by 128 are exact for integers <= 2**53.
    while (n >= 0x80) {
      buf[pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
  }
  buf[pos++] = n;
  return pos;
}

/**
 * Encode one non-negative integer as a standalone varint.
 *
 * @param n - a non-negative integer <= 2**53
 * @returns its LEB128 bytes (1 to 8 of them)
 * @throws {DeltaError} ERR_DELTA_NOT_INTEGER if `n` is out of range
 * @example
 * encodeVarint(300) // => Uint8Array [0xac, 0x02]
 */
export function encodeVarint(n: number): Uint8Array {
  const out = new Uint8Array(varintLength(n));
  writeVarint(out, 0, n);
  return out;
}

/**
 * Decode one varint (up to 2**53) from `bytes` starting at `offset`.
 *
 * @param bytes - the encoded bytes
 * @param offset - where the varint starts (default 0)
 * @returns the value and the number of bytes it used
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array or
 *   `offset` is not a valid index; ERR_DELTA_TRUNCATED if the bytes end
 *   inside the varint; ERR_DELTA_CORRUPT if it is longer than 8 bytes, not
 *   minimal, or above 2**53
 * @example
 * decodeVarint(new Uint8Array([0xac, 0x02])) // => { value: 300, length: 2 }
 */
export function decodeVarint(bytes: Uint8Array, offset = 0): { value: number; length: number } {
  if (!isTypedArray(bytes, "Uint8Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", "decodeVarint requires a Uint8Array");
  }
  if (!Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new DeltaError("ERR_DELTA_INPUT", "decodeVarint requires an offset within the bytes");
  }
  const reader = new ByteReader(bytes, offset, bytes.length, "decodeVarint");
  const value = reader.varint53();
  return { value, length: reader.pos - offset };
}

/**
 * A bounds-checked cursor over `bytes[pos, end)` used by the decoders.
 * Every read checks the end first, so a decoder can never read past it;
 * running out is ERR_DELTA_TRUNCATED, malformed varints ERR_DELTA_CORRUPT.
 * Methods return plain numbers (no per-value allocation).
 *
 * @example
 * const r = new ByteReader(new Uint8Array([5, 0xac, 0x02]), 0, 3, "demo");
 * r.byte() // => 5
 * r.varint53() // => 300
 * r.remaining() // => 0
 */
export class ByteReader {
  /** Index of the next byte to read. */
  pos: number;

  /**
   * @param bytes - the whole buffer
   * @param pos - first readable index
   * @param end - one past the last readable index (e.g. the CRC's offset)
   * @param label - function name used in error messages
   */
  constructor(
    readonly bytes: Uint8Array,
    pos: number,
    readonly end: number,
    readonly label: string,
  ) {
    this.pos = pos;
  }

  /** Bytes left before `end`. */
  remaining(): number {
    return this.end - this.pos;
  }

  /** Throw ERR_DELTA_TRUNCATED with the reader's label. */
  truncated(): never {
    throw new DeltaError("ERR_DELTA_TRUNCATED", this.label + ": input ends too early");
  }

  /** Throw ERR_DELTA_CORRUPT with the reader's label and a reason. */
  corrupt(reason: string): never {
    throw new DeltaError("ERR_DELTA_CORRUPT", this.label + ": " + reason);
  }

  /** Read one raw byte. */
  byte(): number {
    if (this.pos >= this.end) this.truncated();
    return this.bytes[this.pos++];
  }

  /**
   * Read a varint of at most 5 bytes holding a uint32 (the zigzag of an
   * int32 delta). The 5th byte may only use its low 4 bits (bits 28..31).
   */
  varint32(): number {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) this.truncated();
    let b = bytes[pos++];
    if (b < 0x80) {
      // Fast path: one-byte varint, the common case for smooth series.
      this.pos = pos;
      return b;
    }
    let z = b & 0x7f;
    for (let shift = 7; ; shift += 7) {
      if (pos >= end) this.truncated();
      b = bytes[pos++];
      if (shift === 28) {
        if (b > 0x0f) this.corrupt("varint too long or out of 32-bit range");
        if (b === 0) this.corrupt("varint not minimal");
        // b << 28 may set bit 31 (a negative int32); `>>> 0` makes it unsigned.
        z = (z | (b << 28)) >>> 0;
        break;
      }
      z |= (b & 0x7f) << shift;
      if (b < 0x80) {
        if (b === 0) this.corrupt("varint not minimal");
        break;
      }
    }
    this.pos = pos;
    return z;
  }

  /**
   * Read a varint of at most 8 bytes holding an integer <= 2**53. The 8th
   * byte carries bits 49..55, so it may be at most 16 (= 2**53 / 2**49),
   * and exactly 16 only when all lower bits are zero.
   */
  varint53(): number {
    const bytes = this.bytes;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) this.truncated();
    let b = bytes[pos++];
    if (b < 0x80) {
      this.pos = pos;
      return b;
    }
    let value = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; ; i++) {
      if (pos >= end) this.truncated();
      b = bytes[pos++];
      if (i === VARINT53_MAX_BYTES - 1) {
        if (b > 16 || (b === 16 && value !== 0)) this.corrupt("varint too long or above 2**53");
        if (b === 0) this.corrupt("varint not minimal");
        // value < 2**49 and b * 2**49 <= 2**53: the sum is exact.
        value += b * TWO_POW_49;
        break;
      }
      // Every partial sum is an integer < 2**49: exact in a double.
      value += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (b === 0) this.corrupt("varint not minimal");
        break;
      }
      mul *= 0x80;
    }
    this.pos = pos;
    return value;
  }
}
