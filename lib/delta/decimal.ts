/**
 * @module delta/decimal
 *
 * Lossless delta codec for doubles that are mostly short decimals (prices,
 * sensor readings): find a scale e such that v = k / 10**e for integers k,
 * delta-code the k's with zigzag varints, and keep every value that does not
 * fit as a raw 8-byte exception. The round trip is bit-exact for every
 * double: NaN with any payload, ±Infinity, -0, subnormals, values with too
 * many decimals, huge values.
 *
 * Byte format (version 1):
 *
 *     offset 0   0x44 ('D')             format tag
 *     offset 1   0x01                   format version
 *     varint     count                  number of values
 *     1 byte     scale e                0..15
 *     varint     exceptionCount         <= count
 *     exceptionCount × {
 *       varint   index delta            first: the index itself; then
 *                                       index - previous index (>= 1)
 *       8 bytes  raw IEEE-754 bits      little-endian, copied as bytes
 *     }
 *     (count - exceptionCount) ×
 *       varint   zigzag(k_i - k_prev)   over the non-exception values in
 *                                       order, k_prev starts at 0, |k| <= 2**51
 *     4 bytes    CRC-32 (little-endian) of every byte before it
 *
 * Decoding checks, in order: argument type (ERR_DELTA_INPUT); tag and
 * version (ERR_DELTA_CORRUPT); minimum length of 9 bytes
 * (ERR_DELTA_TRUNCATED); CRC-32 (ERR_DELTA_CORRUPT); then the structure,
 * each violation ERR_DELTA_CORRUPT unless noted: count larger than the
 * remaining bytes, scale > 15, exceptionCount > count or larger than the
 * remaining bytes / 9, an exception index not strictly increasing or >=
 * count, a malformed varint, a decoded |k| > 2**51, trailing bytes; reading
 * past the end of the body is ERR_DELTA_TRUNCATED. All counts are checked
 * against the remaining bytes before anything is allocated.
 */

import { appendCrc32, CRC32_BYTES, verifyCrc32 } from "./checksum.js";
import { DeltaError } from "./errors.js";
import { toFloat64Array } from "./float64input.js";
import { isTypedArray } from "./guards.js";
import { ByteReader, VARINT53_MAX_BYTES, writeVarint } from "./varint.js";

/** First byte of every decimal encoding ('D'). */
export const DECIMAL_FORMAT_TAG = 0x44;

/** Second byte of every decimal encoding. */
export const DECIMAL_FORMAT_VERSION = 1;

/** Largest decimal scale tried: 10**15 is the largest power of ten below 2**53. */
export const DECIMAL_MAX_SCALE = 15;

/**
 * Largest |k| stored as a delta-coded integer. With |k| <= 2**51 every delta
 * satisfies |k_i - k_j| <= 2**52, so its zigzag is <= 2**53 and every
 * intermediate result is an exactly representable integer in a double.
 */
export const DECIMAL_MAX_MAGNITUDE = 2 ** 51;

/** Shortest valid decimal encoding: tag, version, count, scale, exceptionCount, CRC-32. */
const DECIMAL_MIN_BYTES = 2 + 1 + 1 + 1 + CRC32_BYTES;

/** An exception costs at least a 1-byte index varint plus 8 raw bytes. */
const EXCEPTION_MIN_BYTES = 9;

// Literals, not `10 ** e`: a literal is parsed to the exact double, while a
// runtime power might (in principle) be computed with rounding error.
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

// The raw exception bytes are stored little-endian. Typed-array views use the
// platform's byte order, so on a (rare) big-endian platform the copy reverses
// each 8-byte group: byte j of the stream is byte (j ^ 7) of the view.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const BYTE_SWAP = LITTLE_ENDIAN ? 0 : 7;

/**
 * Whether `v` is stored exactly as k / 10**e with an integer k, |k| <= 2**51.
 * Decoding computes `k / 10**e` (a single correctly-rounded division), so the
 * test must be exactly that expression: `k * 10**-e` or `k * 0.01` round
 * twice (10**-e is itself inexact) and give e.g. 10060 * 0.01 = 100.60000000000001.
 * -0 is excluded because k = -0 would be delta-coded as 0 and decode to +0.
 */
function fits(v: number, p: number): boolean {
  if (!Number.isFinite(v) || (v === 0 && 1 / v < 0)) return false;
  const k = Math.round(v * p);
  return Math.abs(k) <= DECIMAL_MAX_MAGNITUDE && k / p === v;
}

/**
 * Losslessly compress doubles as scaled-integer deltas plus raw exceptions.
 *
 * The scale e (0..15) is the one under which the most values fit (smallest
 * e on ties; the search stops as soon as every value fits).
 *
 * @param values - a Float64Array, or an array of numbers (copied into a
 *   Float64Array first)
 * @returns the encoded bytes (see the module comment for the format)
 * @throws {DeltaError} ERR_DELTA_INPUT if `values` is neither a Float64Array
 *   nor an array, or an element is not a number
 * @example
 * encodeDecimal([100.5, 100.75, 100.6]).length // => 14
 * inspectDecimal(encodeDecimal([100.5, 100.75, 100.6])).scale // => 2
 */
export function encodeDecimal(values: Float64Array | readonly number[]): Uint8Array {
  const input = toFloat64Array(values, "encodeDecimal");
  const n = input.length;

  // Pick the scale under which the most values fit.
  let bestScale = 0;
  let bestFit = -1;
  for (let e = 0; e <= DECIMAL_MAX_SCALE; e++) {
    const p = POW10[e];
    let fit = 0;
    for (let i = 0; i < n; i++) if (fits(input[i], p)) fit++;
    if (fit > bestFit) {
      bestFit = fit;
      bestScale = e;
    }
    if (fit === n) break;
  }
  const p = POW10[bestScale];
  const exceptionCount = n - bestFit;

  // One more pass records k for every fitting value (NaN marks an
  // exception), so the two writing passes below need no re-check.
  const ks = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = input[i];
    ks[i] = fits(v, p) ? Math.round(v * p) : NaN;
  }

  // Worst case: 8-byte varint per value, plus 8 raw bytes per exception.
  const buf = new Uint8Array(
    2 + 2 * VARINT53_MAX_BYTES + 1 + n * VARINT53_MAX_BYTES + exceptionCount * 8 + CRC32_BYTES,
  );
  buf[0] = DECIMAL_FORMAT_TAG;
  buf[1] = DECIMAL_FORMAT_VERSION;
  let pos = writeVarint(buf, 2, n);
  buf[pos++] = bestScale;
  pos = writeVarint(buf, pos, exceptionCount);

  // Exceptions: copied as bytes from a byte view of the input, never read as
  // a JS number, so NaN payloads and signalling bits survive untouched.
  if (exceptionCount > 0) {
    const raw = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    let prevIndex = 0;
    for (let i = 0; i < n; i++) {
      if (ks[i] === ks[i]) continue; // not NaN: a fitting value
      pos = writeVarint(buf, pos, i - prevIndex);
      prevIndex = i;
      const base = i * 8;
      for (let j = 0; j < 8; j++) buf[pos + j] = raw[base + (j ^ BYTE_SWAP)];
      pos += 8;
    }
  }

  // Fitting values: zigzag varints of the deltas of k = round(v * 10**e).
  let prevK = 0;
  for (let i = 0; i < n; i++) {
    const k = ks[i];
    if (k !== k) continue; // NaN: an exception
    const d = k - prevK; // |d| <= 2**52: exact
    const z = d >= 0 ? d * 2 : -d * 2 - 1; // zigzag, <= 2**53: exact
    pos = writeVarint(buf, pos, z);
    prevK = k;
  }
  pos = appendCrc32(buf, pos);
  return buf.slice(0, pos);
}

interface Parsed {
  values: Float64Array;
  scale: number;
  exceptions: number;
}

function parse(bytes: Uint8Array, label: string): Parsed {
  if (!isTypedArray(bytes, "Uint8Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  }
  const len = bytes.length;
  if (len >= 1 && bytes[0] !== DECIMAL_FORMAT_TAG) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": not a decimal delta encoding");
  }
  if (len >= 2 && bytes[1] !== DECIMAL_FORMAT_VERSION) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": unsupported format version " + bytes[1]);
  }
  if (len < DECIMAL_MIN_BYTES) {
    throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
  }
  verifyCrc32(bytes, label);

  const r = new ByteReader(bytes, 2, len - CRC32_BYTES, label);
  const count = r.varint53();
  // Every value takes at least one byte (a varint or an exception), so a
  // larger count is forged; this also bounds the allocation by the input.
  if (count > r.remaining()) r.corrupt("count " + count + " exceeds the available bytes");
  const scale = r.byte();
  if (scale > DECIMAL_MAX_SCALE) r.corrupt("scale " + scale + " out of range");
  const exceptionCount = r.varint53();
  if (exceptionCount > count) r.corrupt("more exceptions than values");
  if (exceptionCount * EXCEPTION_MIN_BYTES > r.remaining()) {
    r.corrupt("exception count " + exceptionCount + " exceeds the available bytes");
  }

  const out = new Float64Array(count);
  const outBytes = new Uint8Array(out.buffer);
  const exceptionIndex = new Float64Array(exceptionCount);
  let index = 0;
  for (let x = 0; x < exceptionCount; x++) {
    const step = r.varint53();
    if (x > 0 && step === 0) r.corrupt("exception indices not strictly increasing");
    index += step;
    if (index >= count) r.corrupt("exception index out of range");
    exceptionIndex[x] = index;
    if (r.remaining() < 8) r.truncated();
    // Bytes, not numbers: writing through a byte view keeps NaN payloads.
    const src = r.pos;
    const base = index * 8;
    for (let j = 0; j < 8; j++) outBytes[base + (j ^ BYTE_SWAP)] = bytes[src + j];
    r.pos = src + 8;
  }

  const fitCount = count - exceptionCount;
  if (fitCount > r.remaining()) r.corrupt("value count exceeds the available bytes");
  const p = POW10[scale];
  let prevK = 0;
  let x = 0;
  let nextException = exceptionCount > 0 ? exceptionIndex[0] : -1;
  for (let i = 0; i < count; i++) {
    if (i === nextException) {
      x++;
      nextException = x < exceptionCount ? exceptionIndex[x] : -1;
      continue;
    }
    const z = r.varint53();
    const d = z % 2 === 0 ? z / 2 : -(z + 1) / 2; // zigzag decode, exact
    const k = prevK + d; // |prevK| <= 2**51, |d| <= 2**52: exact
    if (k > DECIMAL_MAX_MAGNITUDE || k < -DECIMAL_MAX_MAGNITUDE) r.corrupt("value out of range");
    // Division, exactly the expression the encoder verified (k / 10**e === v).
    out[i] = k / p;
    prevK = k;
  }
  if (r.pos !== r.end) r.corrupt("trailing bytes after the last value");
  return { values: out, scale, exceptions: exceptionCount };
}

/**
 * Decode bytes made by {@link encodeDecimal} back into the exact doubles
 * (bit for bit, including NaN payloads).
 *
 * @param bytes - a decimal encoding
 * @returns the decoded values
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array;
 *   ERR_DELTA_TRUNCATED if it is shorter than 9 bytes or a field runs past
 *   the end; ERR_DELTA_CORRUPT for a wrong tag/version, a CRC mismatch or any
 *   structural inconsistency (see the module comment)
 * @example
 * decodeDecimal(encodeDecimal([100.5, 100.75])) // => Float64Array [100.5, 100.75]
 */
export function decodeDecimal(bytes: Uint8Array): Float64Array {
  return parse(bytes, "decodeDecimal").values;
}

/**
 * Describe a decimal encoding without returning its values (it is fully
 * validated, exactly as {@link decodeDecimal} does).
 *
 * @param bytes - a decimal encoding
 * @returns the number of values, the decimal scale e, how many values were
 *   stored as raw exceptions, and the encoding's size in bytes
 * @throws {DeltaError} the same errors as {@link decodeDecimal}, with
 *   "inspectDecimal" in the message
 * @example
 * inspectDecimal(encodeDecimal([100.5, 100.75, NaN]))
 * // => { count: 3, scale: 2, exceptions: 1, byteLength: 22 }
 */
export function inspectDecimal(bytes: Uint8Array): {
  count: number;
  scale: number;
  exceptions: number;
  byteLength: number;
} {
  const parsed = parse(bytes, "inspectDecimal");
  return {
    count: parsed.values.length,
    scale: parsed.scale,
    exceptions: parsed.exceptions,
    byteLength: bytes.length,
  };
}
