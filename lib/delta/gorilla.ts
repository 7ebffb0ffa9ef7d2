/**
 * @module delta/gorilla
 *
 * Gorilla XOR compression of float64 series (Pelkonen et al., "Gorilla: A
 * Fast, Scalable, In-Memory Time Series Database", PVLDB 8(12), 2015,
 * section 4.1.2). Each value is XORed with the previous one: a repeated
 * value XORs to 0 and costs one bit, and values with the same sign,
 * exponent and high mantissa bits leave a XOR with many leading zeros, so
 * only its "meaningful" middle bits are stored.
 *
 * It is lossless for every double, bit for bit (NaN payloads, -0,
 * ±Infinity, subnormals), because it never looks at the values as numbers:
 * it works on the 64-bit patterns, held as two uint32 words (hi, lo) read
 * through a Uint32Array view of the Float64Array, so there is no BigInt and
 * no DataView per value.
 *
 * Byte format (version 1):
 *
 *     offset 0   0x47 ('G')             format tag
 *     offset 1   0x01                   format version
 *     varint     count                  number of values (LEB128)
 *     bits       (MSB first, see bitstream.ts), only if count >= 1:
 *                64 bits  the first value's IEEE-754 pattern (hi word first)
 *                then for each further value, x = bits(v_i) XOR bits(v_{i-1}):
 *                  x = 0      '0'
 *                  x fits the current window (clz(x) >= L and ctz(x) >= T):
 *                             '10' + the 64 - L - T bits of x between them
 *                  otherwise  '11' + 5 bits L' + 6 bits M + M bits of x,
 *                             L' = min(clz(x), 31), T' = ctz(x),
 *                             M = 64 - L' - T' (written as 0 when M = 64);
 *                             (L', T') becomes the current window
 *                There is no window before the first '11', so '10' cannot
 *                come first.
 *                zero bits up to the next byte boundary
 *     4 bytes    CRC-32 (little-endian) of every byte before it
 *
 * Two edge cases broke real implementations (square/metrics#260, go-tsz):
 * a XOR can have up to 63 leading zeros, which do not fit in 5 bits, so
 * they are capped at 31 (the extra zeros become meaningful bits); and the
 * meaningful length can be 64 (a XOR with its top and bottom bits set, e.g.
 * 1.0 vs -NaN-with-payload-1), which does not fit in 6 bits: since a
 * non-zero XOR has at least 1 meaningful bit, M = 0 is free and means 64.
 *
 * Decoding checks, in order: argument types (ERR_DELTA_INPUT); tag and
 * version (ERR_DELTA_CORRUPT); minimum length of 7 bytes
 * (ERR_DELTA_TRUNCATED); CRC-32 (ERR_DELTA_CORRUPT); then the structure
 * (only forged or buggy encoders get it wrong): a count that the body
 * cannot hold (64 bits + 1 bit per further value) is ERR_DELTA_CORRUPT and
 * is rejected before any allocation; a code running past the end is
 * ERR_DELTA_TRUNCATED; ERR_DELTA_CORRUPT for L' + M > 64, a '10' before any
 * window, a code that is not the one the encoder would have written (a zero
 * XOR not coded as '0', a '11' whose window is not exactly clz/ctz of the
 * XOR or that fitted the current window), a whole byte or more left over,
 * or non-zero padding. So each array of bit patterns has exactly one
 * encoding.
 */

import { BitReader, BitWriter, peek32At as importedPeek32At } from "./bitstream.js";
import { appendCrc32, CRC32_BYTES, verifyCrc32 } from "./checksum.js";
import { DeltaError } from "./errors.js";
import { toFloat64Array } from "./float64input.js";
import { isTypedArray } from "./guards.js";
import { ByteReader, VARINT53_MAX_BYTES, writeVarint } from "./varint.js";

/** First byte of every Gorilla XOR encoding ('G'). */
export const GORILLA_FORMAT_TAG = 0x47;

/** Second byte of every Gorilla XOR encoding. */
export const GORILLA_FORMAT_VERSION = 1;

/** Shortest valid encoding: tag, version, count 0, CRC-32. */
const GORILLA_MIN_BYTES = 2 + 1 + CRC32_BYTES;

// A Uint32Array view of a Float64Array uses the platform's byte order: on a
// little-endian machine word 2i is the low half of value i, word 2i+1 the
// high half (sign, exponent, top of the mantissa); big-endian is the reverse.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = LITTLE_ENDIAN ? 1 : 0;
const LO = 1 - HI;

// Bound once: some loaders (tsx, vitest) turn imports into getters on a
// module object, and a getter call per read keeps V8 from inlining peek32At.
const peek32At = importedPeek32At;

/** Trailing zero bits of a non-zero uint32: `x & -x` keeps the lowest set bit. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * Losslessly compress a float64 series with Gorilla's XOR code.
 *
 * @param values - a Float64Array (bit-exact, NaN payloads included), or an
 *   array of numbers (copied into a Float64Array first)
 * @returns the encoded bytes (see the module comment for the format)
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is neither a Float64Array
 *   nor an array, or an element is not a number
 * @example
 * // 64 bits + '0' = 65 bits = 9 bytes of body
 * encodeGorilla([1.5, 1.5]).length // => 16
 */
export function encodeGorilla(values: Float64Array | readonly number[]): Uint8Array {
  const input = toFloat64Array(values, "encodeGorilla");
  const n = input.length;
  // A Float64Array's byteOffset is always a multiple of 8, so this view is valid.
  const words = new Uint32Array(input.buffer, input.byteOffset, n * 2);
  // Start at 64 bits a value (the input's own size): enough for all but the
  // noisiest series, whose worst case of 77 bits a value costs one regrowth.
  const w = new BitWriter(n * 8 + 16);
  if (n > 0) {
    let hi = words[HI];
    let lo = words[LO];
    w.writeBits(hi, 32);
    w.writeBits(lo, 32);
    // Current window; -1 = none yet, so the first non-zero XOR opens one.
    let lead = -1;
    let trail = 0;
    for (let i = 1; i < n; i++) {
      const h = words[2 * i + HI];
      const l = words[2 * i + LO];
      const xh = (h ^ hi) >>> 0;
      const xl = (l ^ lo) >>> 0;
      hi = h;
      lo = l;
      if ((xh | xl) === 0) {
        w.writeBits(0, 1);
        continue;
      }
      const clz = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
      const ctz = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
      if (lead >= 0 && clz >= lead && ctz >= trail) {
        w.writeBits(0b10, 2);
      } else {
        lead = clz > 31 ? 31 : clz;
        trail = ctz;
        // M = 64 is written as 0: `& 63` does exactly that.
        w.writeBits((0b11 << 11) | (lead << 6) | ((64 - lead - trail) & 63), 13);
      }
      // Write the bits of x between the window edges: shift x right by
      // `trail` (a 64-bit shift done on two words) and write M bits.
      const m = 64 - lead - trail;
      let mh: number;
      let ml: number;
      if (trail === 0) {
        mh = xh;
        ml = xl;
      } else if (trail < 32) {
        mh = xh >>> trail;
        ml = (xl >>> trail) | (xh << (32 - trail));
      } else {
        mh = 0;
        ml = xh >>> (trail - 32);
      }
      if (m > 32) {
        w.writeBits(mh, m - 32);
        w.writeBits(ml, 32);
      } else {
        w.writeBits(ml, m);
      }
    }
  }
  const body = w.finish();
  const buf = new Uint8Array(2 + VARINT53_MAX_BYTES + body.length + CRC32_BYTES);
  buf[0] = GORILLA_FORMAT_TAG;
  buf[1] = GORILLA_FORMAT_VERSION;
  let pos = writeVarint(buf, 2, n);
  buf.set(body, pos);
  pos = appendCrc32(buf, pos + body.length);
  return buf.slice(0, pos);
}

/**
 * Validate the frame and return the value count and a reader over the body.
 * Throws before anything is allocated for a count the body cannot hold.
 */
function openGorilla(bytes: Uint8Array, label: string): { count: number; reader: BitReader } {
  if (!isTypedArray(bytes, "Uint8Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  }
  const len = bytes.length;
  if (len >= 1 && bytes[0] !== GORILLA_FORMAT_TAG) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": not a Gorilla XOR encoding");
  }
  if (len >= 2 && bytes[1] !== GORILLA_FORMAT_VERSION) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": unsupported format version " + bytes[1]);
  }
  if (len < GORILLA_MIN_BYTES) {
    throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
  }
  verifyCrc32(bytes, label);
  const end = len - CRC32_BYTES;
  const br = new ByteReader(bytes, 2, end, label);
  const count = br.varint53();
  // count >= 1 needs 64 bits for the first value and >= 1 bit per further value.
  const bodyBits = (end - br.pos) * 8;
  if (count > 0 && count - 1 > bodyBits - 64) {
    br.corrupt("count " + count + " exceeds what " + (end - br.pos) + " bytes can hold");
  }
  return { count, reader: new BitReader(bytes, br.pos, end, label) };
}

/** Decode `count` values from `r` into the words of `out[0, count)`, then check the padding. */
function decodeBits(r: BitReader, count: number, out: Float64Array): void {
  if (count === 0) {
    r.finish();
    return;
  }
  const words = new Uint32Array(out.buffer, out.byteOffset, count * 2);
  let hi = r.readBits(32);
  let lo = r.readBits(32);
  words[HI] = hi;
  words[LO] = lo;
  // The hot loop keeps the bit position in a local and reads with peek32At
  // on the reader's zero-padded copy; every code is checked against bitEnd
  // before it is used, since bits past the end read as 0.
  const buf = r.buf;
  const bitEnd = r.bitEnd;
  let pos = r.pos;
  let lead = -1; // current window, -1 = none yet
  let trail = 0;
  let i = 1;
  while (i < count) {
    const w = peek32At(buf, pos);
    if (w >= 0) {
      // Leading '0' bits: each repeats the previous value. Take the whole
      // run at once, capped by what is left of the stream and the count.
      let run = Math.clz32(w);
      const left = count - i;
      if (run > left) run = left;
      if (run > bitEnd - pos) run = bitEnd - pos;
      if (run === 0) r.truncated();
      pos += run;
      const stop = i + run;
      for (; i < stop; i++) {
        words[2 * i + HI] = hi;
        words[2 * i + LO] = lo;
      }
      continue;
    }
    let newLead = lead;
    let newTrail = trail;
    let m: number;
    if ((w & 0x40000000) === 0) {
      // '10': reuse the current window.
      if (lead < 0) r.corrupt("window reused before one was set");
      pos += 2;
      m = 64 - lead - trail;
    } else {
      // '11' + 5 bits leading zeros + 6 bits length (0 means 64).
      pos += 13;
      if (pos > bitEnd) r.truncated();
      newLead = (w >>> 25) & 31;
      m = ((w >>> 19) & 63) || 64;
      if (newLead + m > 64) r.corrupt("leading zeros " + newLead + " + length " + m + " exceed 64 bits");
      newTrail = 64 - newLead - m;
    }
    if (pos + m > bitEnd) r.truncated();
    let mh: number;
    let ml: number;
    if (m > 32) {
      mh = peek32At(buf, pos) >>> (64 - m); // the top m - 32 bits
      ml = peek32At(buf, pos + m - 32);
    } else {
      mh = 0;
      ml = peek32At(buf, pos) >>> (32 - m);
    }
    pos += m;
    // x = meaningful bits shifted left by the trailing zero count.
    let xh: number;
    let xl: number;
    if (newTrail === 0) {
      xh = mh;
      xl = ml;
    } else if (newTrail < 32) {
      xh = (mh << newTrail) | (ml >>> (32 - newTrail));
      xl = ml << newTrail;
    } else {
      xh = ml << (newTrail - 32);
      xl = 0;
    }
    if ((w & 0x40000000) !== 0) {
      // A '11' code. Only the encoder's own choice is accepted: the window
      // must be exactly the XOR's (capped) leading and trailing zeros, and
      // the XOR must not have fitted the current window.
      if ((ml & 1) === 0) r.corrupt("window wider than the XOR's trailing zeros");
      const clz = xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl);
      if (newLead < 31 ? clz !== newLead : clz < 31) r.corrupt("window wider than the XOR's leading zeros");
      if (lead >= 0 && newLead >= lead && newTrail >= trail) r.corrupt("new window where the current one fits");
      lead = newLead;
      trail = newTrail;
    } else if ((xh | xl) === 0) {
      r.corrupt("a repeated value must be coded as '0'");
    }
    hi ^= xh;
    lo ^= xl;
    words[2 * i + HI] = hi;
    words[2 * i + LO] = lo;
    i++;
  }
  r.pos = pos;
  r.finish();
}

/**
 * Decode bytes made by {@link encodeGorilla} back into the exact doubles.
 *
 * @param bytes - a Gorilla XOR encoding
 * @returns the decoded values, bit for bit as encoded
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array;
 *   ERR_DELTA_TRUNCATED if it is shorter than 7 bytes or a code runs past
 *   the end; ERR_DELTA_CORRUPT for a wrong tag/version, a CRC mismatch, an
 *   impossible count or window, a non-canonical code, or trailing bytes/bits
 * @example
 * decodeGorilla(encodeGorilla([1.5, 1.5, 2])) // => Float64Array [1.5, 1.5, 2]
 */
export function decodeGorilla(bytes: Uint8Array): Float64Array {
  const { count, reader } = openGorilla(bytes, "decodeGorilla");
  const out = new Float64Array(count);
  decodeBits(reader, count, out);
  return out;
}

/**
 * Decode bytes made by {@link encodeGorilla} into a caller-supplied array,
 * so a hot loop can reuse one buffer instead of allocating per call.
 *
 * @param bytes - a Gorilla XOR encoding
 * @param out - destination; values go to `out[0, count)`, the rest is left
 *   alone (if decoding fails part of it may have been overwritten)
 * @returns the number of values decoded
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array, `out`
 *   is not a Float64Array, or `out` is shorter than the encoded count; the
 *   other errors as {@link decodeGorilla}
 * @example
 * const out = new Float64Array(4);
 * decodeGorillaInto(encodeGorilla([0.1, 0.2]), out) // => 2, out starts [0.1, 0.2]
 */
export function decodeGorillaInto(bytes: Uint8Array, out: Float64Array): number {
  const label = "decodeGorillaInto";
  if (!isTypedArray(out, "Float64Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Float64Array to decode into");
  }
  const { count, reader } = openGorilla(bytes, label);
  if (count > out.length) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": " + count + " values do not fit in an array of " + out.length);
  }
  decodeBits(reader, count, out);
  return count;
}
