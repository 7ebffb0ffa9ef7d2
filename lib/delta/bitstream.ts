/**
 * @module delta/bitstream
 *
 * Bit-level writing and reading over bytes, most significant bit first, the
 * order the Gorilla paper draws its codes in: the first bit written is bit 7
 * (0x80) of byte 0, the ninth is bit 7 of byte 1. A value of n bits is
 * written with its own most significant bit first, so a 32-bit word written
 * at a byte boundary lands as 4 big-endian bytes. The last byte is padded
 * with zero bits.
 *
 * The reader is bounds-checked: asking for a bit past the end throws
 * ERR_DELTA_TRUNCATED, it never reads past its slice. It works on a private
 * copy of the slice followed by 8 zero bytes, so {@link BitReader.peek32}
 * can always load 5 whole bytes without a range test and without ever
 * touching bytes outside the slice (for example a CRC trailer right after
 * it): the bits after the end read as zeros.
 */

import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/** Zero bytes after the reader's copy: peek32 loads bytes i..i+4 with i <= length. */
const READ_PADDING = 8;

function checkWidth(n: number, fn: string): void {
  if (typeof n !== "number" || n >>> 0 !== n || n > 32) {
    throw new DeltaError("ERR_DELTA_INPUT", fn + " requires a bit count in [0, 32], got " + n);
  }
}

/**
 * The 32 bits starting at bit `pos` of `buf`, MSB first, as an int32 (the
 * bit at `pos` becomes the sign bit). No bounds check: it loads bytes
 * `pos >> 3` to `(pos >> 3) + 4`, so `buf` must extend 5 bytes past the last
 * bit of interest, as a {@link BitReader}'s `buf` does. It is a plain
 * function so decoder loops can keep the bit position in a local variable.
 *
 * @param buf - the bytes (with padding)
 * @param pos - a bit index
 * @returns the next 32 bits as an int32
 * @throws never
 * @example
 * peek32At(new Uint8Array([0x12, 0x34, 0x56, 0x78, 0x9a]), 4) // => 0x23456789
 */
export function peek32At(buf: Uint8Array, pos: number): number {
  const i = pos >>> 3;
  const s = pos & 7;
  const w = (buf[i] << 24) | (buf[i + 1] << 16) | (buf[i + 2] << 8) | buf[i + 3];
  // The fifth byte supplies the s bits shifted in at the bottom; when s = 0
  // `byte >>> 8` is 0, so no branch is needed.
  return s === 0 ? w : (w << s) | (buf[i + 4] >>> (8 - s));
}

/**
 * Appends bits to a growable byte buffer, most significant bit first.
 *
 * Pending bits (fewer than 8) wait in a small accumulator; whole bytes go
 * straight to the buffer. Values are written 24 bits at a time at most, so
 * the accumulator (<= 7 + 24 bits) never overflows JS's 32-bit integers.
 *
 * @example
 * const w = new BitWriter();
 * w.writeBits(0b10, 2);
 * w.writeBits(0x7f, 7);
 * w.bitLength // => 9
 * w.finish() // => Uint8Array [0xbf, 0x80]
 */
export class BitWriter {
  private buf: Uint8Array;
  /** Whole bytes written to `buf`. */
  private len = 0;
  /** Pending bits, right-aligned, `nacc` of them (0..7 between calls). */
  private acc = 0;
  private nacc = 0;

  /**
   * @param initialBytes - starting capacity; the buffer doubles when full
   *   (pass the worst case to never reallocate)
   * @throws {DeltaError} ERR_DELTA_INPUT if `initialBytes` is not a
   *   non-negative safe integer
   */
  constructor(initialBytes = 64) {
    if (!Number.isSafeInteger(initialBytes) || initialBytes < 0) {
      throw new DeltaError("ERR_DELTA_INPUT", "BitWriter requires a non-negative integer capacity");
    }
    // +8: room for one full write without a capacity test inside the flush loop.
    this.buf = new Uint8Array(initialBytes + 8);
  }

  /** Number of bits written so far (padding excluded). */
  get bitLength(): number {
    return this.len * 8 + this.nacc;
  }

  /**
   * Append the low `n` bits of `value`, most significant first.
   *
   * @param value - an integer; bits above the low `n` are ignored
   * @param n - how many bits, 0 to 32
   * @returns nothing
   * @throws {DeltaError} ERR_DELTA_INPUT if `n` is not an integer in [0, 32]
   * @example
   * const w = new BitWriter(); w.writeBits(5, 3); w.finish() // => Uint8Array [0xa0]
   */
  writeBits(value: number, n: number): void {
    checkWidth(n, "BitWriter.writeBits");
    if (n > 24) {
      // Split so the accumulator stays within 31 bits.
      this.put(value >>> 16, n - 16);
      this.put(value & 0xffff, 16);
    } else if (n > 0) {
      this.put(value, n);
    }
  }

  /**
   * Append one bit.
   *
   * @param bit - 0 or 1 (only the lowest bit is used)
   * @returns nothing
   * @throws never
   * @example
   * const w = new BitWriter(); w.writeBit(1); w.finish() // => Uint8Array [0x80]
   */
  writeBit(bit: number): void {
    this.put(bit, 1);
  }

  /** Append 1..24 bits, no checks (the caller guarantees 1 <= n <= 24). */
  private put(value: number, n: number): void {
    let acc = (this.acc << n) | (value & ((1 << n) - 1));
    let nacc = this.nacc + n;
    if (nacc >= 8) {
      if (this.len + 4 > this.buf.length) this.grow();
      const buf = this.buf;
      let len = this.len;
      while (nacc >= 8) {
        nacc -= 8;
        // A Uint8Array store keeps the low 8 bits: no `& 0xff` needed.
        buf[len++] = acc >>> nacc;
      }
      this.len = len;
      acc &= (1 << nacc) - 1;
    }
    this.acc = acc;
    this.nacc = nacc;
  }

  private grow(): void {
    const bigger = new Uint8Array(this.buf.length * 2 + 16);
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }

  /**
   * Pad the last byte with zero bits and return the bytes written. The
   * writer must not be used afterwards.
   *
   * @returns a view of the written bytes (`ceil(bitLength / 8)` of them)
   * @throws never
   * @example
   * const w = new BitWriter(); w.writeBits(1, 1); w.finish() // => Uint8Array [0x80]
   */
  finish(): Uint8Array {
    if (this.nacc > 0) {
      if (this.len + 1 > this.buf.length) this.grow();
      this.buf[this.len++] = this.acc << (8 - this.nacc);
      this.acc = 0;
      this.nacc = 0;
    }
    return this.buf.subarray(0, this.len);
  }
}

/**
 * Reads bits written by {@link BitWriter} from `bytes[start, end)`, with
 * every read checked against the end.
 *
 * `pos` (the index of the next bit) is public so that hot decoder loops can
 * combine {@link BitReader.peek32} with their own bounds checks; anything
 * that moves `pos` by hand must keep it <= `bitEnd`.
 *
 * @example
 * const r = new BitReader(new Uint8Array([0xbf, 0x80]));
 * r.readBits(2) // => 2
 * r.readBits(7) // => 127
 * r.finish() // passes: only zero padding is left
 */
export class BitReader {
  /** Index of the next bit to read, 0 = the top bit of `bytes[start]`. */
  pos = 0;
  /** Number of readable bits: 8 × (end - start). */
  readonly bitEnd: number;
  /** Function name used in error messages. */
  readonly label: string;
  /**
   * Private copy of the slice followed by 8 zero bytes (see the module
   * comment), exposed so hot loops can call {@link peek32At} on it with a
   * local bit position. Do not write to it.
   */
  readonly buf: Uint8Array;

  /**
   * @param bytes - the buffer holding the bit stream
   * @param start - index of its first byte (default 0)
   * @param end - one past its last byte (default `bytes.length`)
   * @param label - function name for error messages
   * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array or
   *   the range is not within it
   */
  constructor(bytes: Uint8Array, start = 0, end?: number, label = "BitReader") {
    if (!isTypedArray(bytes, "Uint8Array")) {
      throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
    }
    if (end === undefined) end = bytes.length;
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > bytes.length) {
      throw new DeltaError("ERR_DELTA_INPUT", label + " requires 0 <= start <= end <= bytes.length");
    }
    const buf = new Uint8Array(end - start + READ_PADDING);
    buf.set(bytes.subarray(start, end));
    this.buf = buf;
    this.bitEnd = (end - start) * 8;
    this.label = label;
  }

  /** Bits left before the end. */
  remainingBits(): number {
    return this.bitEnd - this.pos;
  }

  /** Throw ERR_DELTA_TRUNCATED with the reader's label. */
  truncated(): never {
    throw new DeltaError("ERR_DELTA_TRUNCATED", this.label + ": input ends too early");
  }

  /** Throw ERR_DELTA_CORRUPT with the reader's label and a reason. */
  corrupt(reason: string): never {
    throw new DeltaError("ERR_DELTA_CORRUPT", this.label + ": " + reason);
  }

  /**
   * The next 32 bits as an int32 (next bit = sign bit) without consuming
   * them and without a bounds check: bits past the end read as 0. Callers
   * must check `pos + n <= bitEnd` before consuming n of them.
   *
   * @returns the 32 bits starting at `pos`, MSB first
   * @throws never
   * @example
   * new BitReader(new Uint8Array([0x80])).peek32() // => -2147483648 (0x80000000 | 0)
   */
  peek32(): number {
    return peek32At(this.buf, this.pos);
  }

  /**
   * Consume `n` bits and return them as an unsigned integer.
   *
   * @param n - how many bits, 0 to 32
   * @returns a value in [0, 2**n - 1]
   * @throws {DeltaError} ERR_DELTA_INPUT if `n` is not an integer in [0, 32];
   *   ERR_DELTA_TRUNCATED if fewer than `n` bits are left
   * @example
   * new BitReader(new Uint8Array([0xa0])).readBits(3) // => 5
   */
  readBits(n: number): number {
    checkWidth(n, "BitReader.readBits");
    if (n === 0) return 0;
    const p = this.pos;
    if (p + n > this.bitEnd) this.truncated();
    const w = this.peek32();
    this.pos = p + n;
    return w >>> (32 - n);
  }

  /**
   * Consume one bit.
   *
   * @returns 0 or 1
   * @throws {DeltaError} ERR_DELTA_TRUNCATED at the end
   * @example
   * new BitReader(new Uint8Array([0x80])).readBit() // => 1
   */
  readBit(): number {
    const p = this.pos;
    if (p >= this.bitEnd) this.truncated();
    this.pos = p + 1;
    return (this.buf[p >>> 3] >>> (7 - (p & 7))) & 1;
  }

  /**
   * Skip `n` bits.
   *
   * @param n - a non-negative integer
   * @returns nothing
   * @throws {DeltaError} ERR_DELTA_INPUT if `n` is not a non-negative
   *   integer; ERR_DELTA_TRUNCATED if fewer than `n` bits are left
   * @example
   * const r = new BitReader(new Uint8Array([0x01])); r.skip(7); r.readBit() // => 1
   */
  skip(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new DeltaError("ERR_DELTA_INPUT", "BitReader.skip requires a non-negative integer");
    }
    if (this.pos + n > this.bitEnd) this.truncated();
    this.pos += n;
  }

  /**
   * Check that the stream was consumed exactly: what is left must be the
   * zero padding of the last byte (fewer than 8 bits, all 0). Together with
   * a CRC this makes every encoding the only one of its values.
   *
   * @returns nothing
   * @throws {DeltaError} ERR_DELTA_CORRUPT if a whole byte or more is left
   *   or a padding bit is 1
   * @example
   * const r = new BitReader(new Uint8Array([0xa0])); r.readBits(3); r.finish() // passes
   */
  finish(): void {
    const left = this.bitEnd - this.pos;
    if (left >= 8) this.corrupt("trailing bytes after the last value");
    if (left > 0 && this.peek32() >>> (32 - left) !== 0) this.corrupt("non-zero padding bits");
  }
}
