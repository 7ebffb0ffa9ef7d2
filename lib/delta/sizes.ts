/**
 * How many bytes a price series takes under each representation, alone and after a
 * general-purpose compressor (gzip, brotli): the comparison the Day 1 notebook plots.
 * @module delta/sizes
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { encodeDecimal, inspectDecimal } from "./decimal.js";
import { DeltaError } from "./errors.js";
import { encodeGorilla } from "./gorilla.js";
import { deltaEncode } from "./textbook.js";
import { varintLength, writeVarint } from "./varint.js";
import { zigzagEncode53 } from "./zigzag.js";

/** The size of one representation of a series. */
export interface EncodingSize {
  /** What the bytes are. */
  encoding: string;
  /** Size of the representation itself. */
  bytes: number;
  /** `bytes` per value. */
  bytesPerValue: number;
  /** Size after gzip (level 9). */
  gzipBytes: number;
  /** Size after brotli (quality 11). */
  brotliBytes: number;
}

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The integers k behind a decimal series (value = k / 10**scale), with the scale
 * `encodeDecimal` detects.
 *
 * @param values the series
 * @returns the scale and the integers
 * @throws {DeltaError} `ERR_DELTA_NOT_INTEGER` when a value does not fit the scale (NaN, too many decimals, ...)
 * @example
 * decimalIntegers(new Float64Array([100.5, 100.75])); // => { scale: 2, ints: [10050, 10075] }
 */
export function decimalIntegers(values: Float64Array): { scale: number; ints: number[] } {
  return integersOf(values, encodeDecimal(values));
}

/** The integers behind `values`, given its `encodeDecimal` bytes (which carry the scale). */
function integersOf(values: Float64Array, encoded: Uint8Array): { scale: number; ints: number[] } {
  const { scale, exceptions } = inspectDecimal(encoded);
  if (exceptions > 0) {
    throw new DeltaError("ERR_DELTA_NOT_INTEGER", `decimalIntegers requires every value to fit one decimal scale; ${exceptions} do not`);
  }
  return { scale, ints: Array.from(values, (v) => Math.round(v * POW10[scale])) };
}

/**
 * LEB128 varint bytes of integers as they are, without delta: the baseline that shows what
 * taking differences adds. Non-negative integers (prices in cents) are written as they are;
 * if any is negative, all are zigzag-mapped first, as a signed column would be.
 *
 * @param ints safe integers with |n| <= 2**52
 * @returns the concatenated varints
 * @example
 * plainVarintBytes([1, 200]).length; // => 3 (200 needs 2 bytes)
 * plainVarintBytes([1, -1, 64]).length; // => 4 (zigzag: 64 becomes 128, which needs 2 bytes)
 */
export function plainVarintBytes(ints: readonly number[]): Uint8Array {
  const signed = ints.some((n) => n < 0);
  return varintBytes(signed ? ints.map(zigzagEncode53) : ints);
}

/**
 * Zigzag + LEB128 varint bytes of signed integers (deltas).
 *
 * @param ints safe integers with |n| <= 2**52
 * @returns the concatenated varints
 * @example
 * zigzagVarintBytes([25, -15, 50]).length; // => 3
 */
export function zigzagVarintBytes(ints: readonly number[]): Uint8Array {
  return varintBytes(ints.map(zigzagEncode53));
}

function varintBytes(unsigned: readonly number[]): Uint8Array {
  let size = 0;
  for (const n of unsigned) size += varintLength(n);
  const out = new Uint8Array(size);
  let pos = 0;
  for (const n of unsigned) pos = writeVarint(out, pos, n);
  return out;
}

/**
 * The differences of consecutive integers, the first against 0.
 *
 * @example
 * integerDeltas([10050, 10075, 10060]); // => [10050, 25, -15]
 */
export function integerDeltas(ints: readonly number[]): number[] {
  return ints.map((n, i) => (i === 0 ? n : n - ints[i - 1]));
}

/**
 * Shannon entropy of the empirical distribution of some integers, in bits per value: the
 * fewest bits per value any coder that sees each value on its own can reach.
 *
 * @example
 * entropyBits([0, 0, 1, 1]); // => 1
 */
export function entropyBits(ints: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const n of ints) counts.set(n, (counts.get(n) ?? 0) + 1);
  let bits = 0;
  for (const c of counts.values()) {
    const p = c / ints.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function sizeOf(encoding: string, bytes: Uint8Array, count: number): EncodingSize {
  return {
    encoding,
    bytes: bytes.length,
    bytesPerValue: bytes.length / Math.max(1, count),
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    brotliBytes: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/**
 * Sizes of a decimal series (prices) in five representations, each also after gzip and
 * brotli: raw float64; the textbook float64 deltas; Gorilla's XOR of consecutive doubles; the
 * decimal integers as varints without delta; and `encodeDecimal` (delta + zigzag + varint, with its header and CRC).
 *
 * @param values a series whose values all fit one decimal scale
 * @returns one row per representation
 * @throws {DeltaError} `ERR_DELTA_NOT_INTEGER` when a value does not fit the scale
 * @example
 * compareSizes(new Float64Array([100.5, 100.75, 100.6, 101.1, 100.9]))[0].bytes; // => 40
 */
export function compareSizes(values: Float64Array): EncodingSize[] {
  // One decimal encoding serves both the scale detection and the codec row.
  const decimal = encodeDecimal(values);
  const { ints } = integersOf(values, decimal);
  const raw = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
  const textbook = Float64Array.from(deltaEncode(Array.from(values)));
  return [
    sizeOf("float64, raw", raw, values.length),
    sizeOf("float64, textbook deltas", new Uint8Array(textbook.buffer), values.length),
    sizeOf("float64, Gorilla XOR (encodeGorilla)", encodeGorilla(values), values.length),
    sizeOf("integers, varint, no delta", plainVarintBytes(ints), values.length),
    sizeOf("integers, delta + zigzag varint (encodeDecimal)", decimal, values.length),
  ];
}
