/**
 * @module delta/checksum
 *
 * The CRC-32 trailer shared by both binary formats: the last 4 bytes of every
 * encoding are the CRC-32 (IEEE, as in zip/PNG) of all bytes before them,
 * little-endian. A CRC-32 detects every single-bit flip and every burst error
 * of up to 32 bits, and random damage with probability 1 - 2**-32.
 */

import CRC32 from "crc-32";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/** Size of the CRC-32 trailer in bytes. */
export const CRC32_BYTES = 4;

/**
 * CRC-32 (IEEE 802.3 polynomial) of some bytes, as an unsigned integer.
 *
 * @param bytes - data to checksum
 * @returns the CRC-32 in [0, 2**32 - 1]
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array
 * @example
 * crc32(new TextEncoder().encode("123456789")) // => 0xcbf43926 (3421780262)
 */
export function crc32(bytes: Uint8Array): number {
  if (!isTypedArray(bytes, "Uint8Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", "crc32 requires a Uint8Array");
  }
  // crc-32 returns a signed int32; `>>> 0` gives the conventional unsigned form.
  return CRC32.buf(bytes) >>> 0;
}

/**
 * Write the CRC-32 of `buf[0, length)` little-endian at `buf[length, length + 4)`.
 *
 * @param buf - buffer with at least `length + 4` bytes
 * @param length - number of payload bytes already written
 * @returns `length + 4`, the total encoded length
 * @throws never
 * @example
 * const buf = new Uint8Array(5); buf[0] = 7;
 * appendCrc32(buf, 1) // => 5
 */
export function appendCrc32(buf: Uint8Array, length: number): number {
  const c = CRC32.buf(buf.subarray(0, length));
  buf[length] = c & 0xff;
  buf[length + 1] = (c >>> 8) & 0xff;
  buf[length + 2] = (c >>> 16) & 0xff;
  buf[length + 3] = (c >>> 24) & 0xff;
  return length + CRC32_BYTES;
}

/**
 * Check the CRC-32 trailer of a complete encoding.
 *
 * @param bytes - an encoding of at least 4 bytes
 * @param label - function name for the error message
 * @returns nothing
 * @throws {DeltaError} ERR_DELTA_CORRUPT if the stored and computed CRCs differ
 * @example
 * verifyCrc32(encodeInt32([1, 2, 3]), "demo") // passes silently
 */
export function verifyCrc32(bytes: Uint8Array, label: string): void {
  const n = bytes.length - CRC32_BYTES;
  const stored = (bytes[n] | (bytes[n + 1] << 8) | (bytes[n + 2] << 16) | (bytes[n + 3] << 24)) >>> 0;
  if ((CRC32.buf(bytes.subarray(0, n)) >>> 0) !== stored) {
    throw new DeltaError("ERR_DELTA_CORRUPT", label + ": checksum mismatch");
  }
}
