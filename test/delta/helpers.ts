/**
 * @module test/delta/helpers
 *
 * Shared helpers for the delta codec tests: bitwise comparison of doubles,
 * hand-built encodings with a valid CRC, and error assertions.
 */

import CRC32 from "crc-32";
import fc from "fast-check";
import { expect } from "vitest";
import { DeltaError, type DeltaErrorCode } from "../../lib/delta/index.js";

/** Raw bytes of a Float64Array (a view, no copy). */
export function bytesOf(f: Float64Array): Uint8Array {
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

/** Assert two Float64Arrays are identical bit for bit (NaN payloads, -0 included). */
export function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  expect(Array.from(bytesOf(actual))).toEqual(Array.from(bytesOf(expected)));
}

/** Append a little-endian CRC-32 (computed independently of the codec) to `body`. */
export function withCrc(body: readonly number[] | Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  const c = CRC32.buf(out.subarray(0, body.length)) >>> 0;
  out[body.length] = c & 0xff;
  out[body.length + 1] = (c >>> 8) & 0xff;
  out[body.length + 2] = (c >>> 16) & 0xff;
  out[body.length + 3] = (c >>> 24) & 0xff;
  return out;
}

/** Everything before the 4-byte CRC trailer, as a plain array. */
export function bodyOf(encoded: Uint8Array): number[] {
  return Array.from(encoded.subarray(0, encoded.length - 4));
}

/** Run `fn`, assert it throws a DeltaError (with `code` if given), return the error. */
export function expectDeltaError(fn: () => unknown, code?: DeltaErrorCode): DeltaError {
  let caught: unknown = undefined;
  let threw = false;
  try {
    fn();
  } catch (e) {
    threw = true;
    caught = e;
  }
  expect(threw, "expected a DeltaError to be thrown").toBe(true);
  expect(caught).toBeInstanceOf(DeltaError);
  const err = caught as DeltaError;
  if (code !== undefined) expect(err.code).toBe(code);
  return err;
}

/** Build a Float64Array holding the given raw 64-bit patterns ([hi, lo] uint32 pairs). */
export function fromBits(bits: ReadonlyArray<readonly [number, number]>): Float64Array {
  const f = new Float64Array(bits.length);
  const dv = new DataView(f.buffer);
  for (let i = 0; i < bits.length; i++) {
    dv.setUint32(i * 8, bits[i][1], true);
    dv.setUint32(i * 8 + 4, bits[i][0], true);
  }
  return f;
}

/** The [hi, lo] bit pattern of a number. */
export function bitsOf(v: number): [number, number] {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v, true);
  return [dv.getUint32(4, true), dv.getUint32(0, true)];
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** int32 values biased towards extremes and small numbers. */
export const int32Value = fc.oneof(
  fc.integer({ min: INT32_MIN, max: INT32_MAX }),
  fc.constantFrom(INT32_MIN, INT32_MAX, 0, -1, 1, INT32_MIN + 1, INT32_MAX - 1),
  fc.integer({ min: -300, max: 300 }),
);

/** NaN (or, when the mantissa happens to be 0, ±Infinity) with a random payload and sign. */
export const nanBits = fc
  .tuple(fc.boolean(), fc.integer({ min: 0, max: 0xfffff }), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([neg, mHi, lo]): [number, number] => [((neg ? 0x80000000 : 0) | 0x7ff00000 | mHi) >>> 0, lo]);

/** Doubles of every kind, as bit patterns: arbitrary, decimal-looking, special, NaN payloads. */
export const doubleBits: fc.Arbitrary<[number, number]> = fc.oneof(
  fc.double().map(bitsOf),
  fc.integer({ min: -100_000_000, max: 100_000_000 }).map((k) => bitsOf(k / 100)),
  fc
    .tuple(fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), fc.integer({ min: 0, max: 15 }))
    .map(([k, e]) => bitsOf(k / 10 ** e)),
  fc.integer({ min: -(2 ** 51), max: 2 ** 51 }).map((k) => bitsOf(k / 1000)),
  fc
    .constantFrom(
      -0,
      0,
      Infinity,
      -Infinity,
      NaN,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      2.2250738585072e-308, // subnormal
      Number.MAX_VALUE,
      2 ** 53 + 2,
      2 ** 51,
      -(2 ** 51),
      2 ** 51 + 1,
      0.1 + 0.2,
      1e-300,
    )
    .map(bitsOf),
  nanBits,
);
