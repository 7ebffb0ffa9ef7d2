/**
 * @module delta
 *
 * Delta encoding, from the textbook floating-point version to two lossless
 * binary codecs (int32 and decimal doubles). This file only re-exports: it is
 * the public face of `lib/delta`.
 */

export { DeltaError } from "./errors.js";
export type { DeltaErrorCode } from "./errors.js";
export { deltaEncode, deltaDecode } from "./textbook.js";
export {
  zigzagEncode32,
  zigzagDecode32,
  zigzagEncode53,
  zigzagDecode53,
  ZIGZAG53_MAX_MAGNITUDE,
  ZIGZAG53_MAX_ENCODED,
} from "./zigzag.js";
export {
  varintLength,
  encodeVarint,
  decodeVarint,
  writeVarint,
  VARINT_MAX_VALUE,
  VARINT32_MAX_BYTES,
  VARINT53_MAX_BYTES,
} from "./varint.js";
export { crc32, CRC32_BYTES } from "./checksum.js";
export { encodeInt32, decodeInt32, INT32_FORMAT_TAG, INT32_FORMAT_VERSION } from "./int32.js";
export {
  encodeDecimal,
  decodeDecimal,
  inspectDecimal,
  DECIMAL_FORMAT_TAG,
  DECIMAL_FORMAT_VERSION,
  DECIMAL_MAX_SCALE,
  DECIMAL_MAX_MAGNITUDE,
} from "./decimal.js";
export { type EncodingSize, compareSizes, decimalIntegers, plainVarintBytes, zigzagVarintBytes, integerDeltas, entropyBits } from "./sizes.js";
export { type SweepPoint, type SweepOptions, volatilitySweep, stopsPaying } from "./sweep.js";
export {
  encodeParquetDelta64,
  decodeParquetDelta64,
  decodeParquetDelta64Into,
  type ParquetDelta64EncodeOptions,
  type ParquetDelta64DecodeOptions,
  PARQUET_DELTA64_BLOCK_SIZE,
  PARQUET_DELTA64_MINIBLOCKS,
} from "./parquet64.js";
export { zigzagEncode64, zigzagDecode64, bitWidth64, int64WordsView } from "./int64.js";
export { deflate, inflate, DEFLATE_FORMAT_TAG, DEFLATE_MAX_BYTES } from "./deflate.js";
export { encodeDod, decodeDod, decodeDodInto, deltaOfDelta, inverseDeltaOfDelta, dodBits, DOD_FORMAT_TAG } from "./dod.js";
export { encodeGorilla, decodeGorilla, decodeGorillaInto, GORILLA_FORMAT_TAG } from "./gorilla.js";
export { gcdOfDeltas } from "./stride.js";
export {
  encodeParquetDelta,
  decodeParquetDelta,
  decodeParquetDeltaInto,
  type ParquetDeltaOptions,
  type ParquetDeltaEncodeOptions,
  PARQUET_BLOCK_SIZE,
  PARQUET_MINIBLOCKS,
} from "./parquet.js";
export {
  encodeBlocks,
  decodeBlocks,
  decodeBlocksInto,
  blockValueAt,
  openBlocks,
  type BlockReader,
  inspectBlocks,
  type EncodeBlocksOptions,
  type BlocksInfo,
  BLOCKS_FORMAT_TAG,
  BLOCKS_FORMAT_VERSION,
  BLOCK_VALUES,
} from "./blocks.js";
export { BlockStreamEncoder, decodeBlockStream, type BlockStreamOptions, STREAM_FRAME_VALUES } from "./stream.js";
export { decode, decodeInto } from "./decode.js";
export { explain, type Explanation, type ExplainCandidate } from "./explain.js";
