/**
 * @module delta/decode
 *
 * One entry point for every framed codec of this library: the first byte of an encoding names
 * its format ('I' int32 varints, 'B' blocks, 'T' delta-of-delta, 'D' decimal, 'G' Gorilla XOR,
 * 'Z' the deflate stage around any of them), so `decode` and `decodeInto` need no hint.
 * (Parquet DELTA_BINARY_PACKED streams carry no tag: decode them with `decodeParquetDelta`.)
 */
import { BLOCKS_FORMAT_TAG, decodeBlocks, decodeBlocksInto } from "./blocks.js";
import { DECIMAL_FORMAT_TAG, decodeDecimal } from "./decimal.js";
import { DEFLATE_FORMAT_TAG, inflate } from "./deflate.js";
import { DOD_FORMAT_TAG, decodeDod, decodeDodInto } from "./dod.js";
import { DeltaError } from "./errors.js";
import { GORILLA_FORMAT_TAG, decodeGorilla, decodeGorillaInto } from "./gorilla.js";
import { isTypedArray } from "./guards.js";
import { INT32_FORMAT_TAG, decodeInt32 } from "./int32.js";

function tagOf(bytes: Uint8Array, fn: string): number {
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", `${fn} requires a Uint8Array`);
  if (bytes.length === 0) throw new DeltaError("ERR_DELTA_TRUNCATED", `${fn}: empty input`);
  return bytes[0];
}

/**
 * Decodes any framed encoding of this library, whichever codec made it.
 *
 * @param bytes output of encodeInt32, encodeBlocks, encodeDod, encodeDecimal, encodeGorilla, or deflate of one of them
 * @returns an Int32Array for the integer codecs, a Float64Array for decimal and Gorilla
 * @throws {DeltaError} ERR_DELTA_CORRUPT for an unknown format tag, and whatever the codec's decoder throws
 * @example
 * decode(encodeBlocks(Int32Array.of(1, 2, 3))); // => Int32Array [1, 2, 3]
 */
export function decode(bytes: Uint8Array): Int32Array | Float64Array {
  switch (tagOf(bytes, "decode")) {
    case INT32_FORMAT_TAG:
      return decodeInt32(bytes);
    case BLOCKS_FORMAT_TAG:
      return decodeBlocks(bytes);
    case DOD_FORMAT_TAG:
      return decodeDod(bytes);
    case DECIMAL_FORMAT_TAG:
      return decodeDecimal(bytes);
    case GORILLA_FORMAT_TAG:
      return decodeGorilla(bytes);
    case DEFLATE_FORMAT_TAG:
      return decode(inflate(bytes));
    default:
      throw new DeltaError("ERR_DELTA_CORRUPT", `decode: unknown format tag 0x${bytes[0].toString(16)}`);
  }
}

/**
 * Decodes any framed encoding into a caller's typed array, without allocating the output
 * (allocation alone costs about half of a fast decode). Integer codecs fill an Int32Array,
 * decimal and Gorilla a Float64Array.
 *
 * @param bytes a framed encoding
 * @param out where the values go; must be long enough and of the codec's type
 * @returns the number of values written
 * @throws {DeltaError} ERR_DELTA_INPUT when `out` is of the wrong type or too short; the codec's errors
 * @example
 * const out = new Int32Array(3);
 * decodeInto(encodeBlocks(Int32Array.of(1, 2, 3)), out); // => 3, out is [1, 2, 3]
 */
export function decodeInto(bytes: Uint8Array, out: Int32Array | Float64Array): number {
  const tag = tagOf(bytes, "decodeInto");
  const float = tag === DECIMAL_FORMAT_TAG || tag === GORILLA_FORMAT_TAG;
  if (tag !== DEFLATE_FORMAT_TAG && !isTypedArray(out, float ? "Float64Array" : "Int32Array")) {
    throw new DeltaError("ERR_DELTA_INPUT", `decodeInto requires ${float ? "a Float64Array" : "an Int32Array"} for this format`);
  }
  switch (tag) {
    case BLOCKS_FORMAT_TAG:
      return decodeBlocksInto(bytes, out as Int32Array);
    case DOD_FORMAT_TAG:
      return decodeDodInto(bytes, out as Int32Array);
    case GORILLA_FORMAT_TAG:
      return decodeGorillaInto(bytes, out as Float64Array);
    case DEFLATE_FORMAT_TAG:
      return decodeInto(inflate(bytes), out);
    default: {
      // int32 varints and decimal have no in-place decoder: decode, then copy.
      const values = decode(bytes);
      if (values.length > out.length) {
        throw new DeltaError("ERR_DELTA_INPUT", `decodeInto: out holds ${out.length} values, the encoding ${values.length}`);
      }
      out.set(values as Int32Array & Float64Array);
      return values.length;
    }
  }
}
