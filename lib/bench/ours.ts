/**
 * Our codecs wrapped as benchmark cases, for `npm run bench` and the notebooks.
 * @module bench/ours
 */
import {
  decodeBlocks,
  decodeBlocksInto,
  decodeDod,
  decodeInt32,
  decodeParquetDelta,
  encodeBlocks,
  encodeDod,
  encodeInt32,
  encodeParquetDelta,
} from "../delta/index.js";
import { type BenchCase, sameValues } from "./harness.js";

/**
 * Our int32 codecs on one input: blocks (allocating and into a reused array), Parquet
 * DELTA_BINARY_PACKED, delta + varint and Gorilla's delta-of-delta.
 *
 * @example
 * runCases(ourInt32Cases(values), values.length);
 */
export function ourInt32Cases(values: Int32Array): BenchCase[] {
  const same = (out: unknown) => sameValues(values, out as Int32Array);
  const into = new Int32Array(values.length);
  return [
    { name: "blocks (encodeBlocks)", by: "ours", encode: () => encodeBlocks(values), decode: (b) => decodeBlocks(b), verify: same },
    {
      name: "blocks, decodeBlocksInto",
      by: "ours",
      encode: () => encodeBlocks(values),
      decode: (b) => (decodeBlocksInto(b, into), into),
      verify: same,
    },
    { name: "Parquet DELTA_BINARY_PACKED (ours)", by: "ours", encode: () => encodeParquetDelta(values), decode: (b) => decodeParquetDelta(b), verify: same },
    { name: "delta + zigzag + varint (encodeInt32)", by: "ours", encode: () => encodeInt32(values), decode: (b) => decodeInt32(b), verify: same },
    { name: "Gorilla delta-of-delta (encodeDod)", by: "ours", encode: () => encodeDod(values), decode: (b) => decodeDod(b), verify: same },
  ];
}
