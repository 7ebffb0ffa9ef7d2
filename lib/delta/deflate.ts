/**
 * @module delta/deflate
 *
 * An optional general-purpose stage after any codec: the codec's bytes compressed with
 * zlib (DEFLATE with an Adler-32 checksum, node:zlib). Delta coding leaves small, repetitive
 * numbers; DEFLATE's LZ77 and Huffman coding then squeeze runs and skewed distributions that a
 * fixed-width or varint layout cannot (ClickHouse's `CODEC(Delta, ZSTD)` is the same idea).
 *
 * Byte format (version 1):
 *
 *     offset 0   0x5A ('Z')             format tag
 *     offset 1   0x01                   format version
 *     rest       zlib stream            RFC 1950: DEFLATE + Adler-32 of the inner bytes
 *
 * Decoding caps the inflated size (default 1 GiB, or the caller's `maxBytes`), so a forged
 * stream cannot make it allocate without bound.
 */
import { deflateSync, inflateSync } from "node:zlib";
import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/** First byte of a deflated encoding ('Z'). */
export const DEFLATE_FORMAT_TAG = 0x5a;

/** Second byte of a deflated encoding. */
export const DEFLATE_FORMAT_VERSION = 1;

/** Default cap on the inflated size: 1 GiB. */
export const DEFLATE_MAX_BYTES = 2 ** 30;

/**
 * Compresses a codec's bytes with zlib.
 *
 * @param bytes any codec's output
 * @param options `level`: zlib level 1 (fastest) to 9 (smallest), default 6
 * @returns the tagged, compressed bytes
 * @throws {DeltaError} ERR_DELTA_INPUT if `bytes` is not a Uint8Array or the level is not 1..9
 * @example
 * inflate(deflate(encodeInt32(Int32Array.of(1, 2, 3)))); // => the encodeInt32 bytes again
 */
export function deflate(bytes: Uint8Array, options: { level?: number } = {}): Uint8Array {
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", "deflate requires a Uint8Array");
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw new DeltaError("ERR_DELTA_INPUT", "deflate requires a level from 1 to 9");
  const z = deflateSync(bytes, { level });
  const out = new Uint8Array(2 + z.length);
  out[0] = DEFLATE_FORMAT_TAG;
  out[1] = DEFLATE_FORMAT_VERSION;
  out.set(z, 2);
  return out;
}

/**
 * Undoes {@link deflate}: returns the codec's bytes, checked by zlib's Adler-32.
 *
 * @param bytes output of `deflate`
 * @param options `maxBytes`: largest inflated size accepted (default 1 GiB)
 * @returns the inner codec's bytes
 * @throws {DeltaError} ERR_DELTA_INPUT for a non-Uint8Array; ERR_DELTA_CORRUPT for a wrong tag
 *   or version, a damaged stream or an inflated size over `maxBytes`; ERR_DELTA_TRUNCATED for a
 *   stream that ends early
 * @example
 * inflate(deflate(Uint8Array.of(1, 2, 3))); // => Uint8Array [1, 2, 3]
 */
export function inflate(bytes: Uint8Array, options: { maxBytes?: number } = {}): Uint8Array {
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", "inflate requires a Uint8Array");
  if (bytes.length < 2) throw new DeltaError("ERR_DELTA_TRUNCATED", "inflate: shorter than its header");
  if (bytes[0] !== DEFLATE_FORMAT_TAG || bytes[1] !== DEFLATE_FORMAT_VERSION) {
    throw new DeltaError("ERR_DELTA_CORRUPT", "inflate: not a deflated delta encoding");
  }
  const maxBytes = options.maxBytes ?? DEFLATE_MAX_BYTES;
  try {
    const out = inflateSync(bytes.subarray(2), { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "Z_BUF_ERROR") throw new DeltaError("ERR_DELTA_TRUNCATED", "inflate: the zlib stream ends early");
    if (code === "ERR_BUFFER_TOO_LARGE" || (e instanceof RangeError && /maxOutputLength|too large/i.test(e.message))) {
      throw new DeltaError("ERR_DELTA_CORRUPT", `inflate: inflated size over the ${maxBytes}-byte cap`);
    }
    throw new DeltaError("ERR_DELTA_CORRUPT", `inflate: damaged zlib stream (${(e as Error).message})`);
  }
}

