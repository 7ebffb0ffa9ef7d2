/**
 * @module delta/explain
 *
 * Which codec suits a series? `explain` encodes a sample with every candidate codec, reports
 * bits per value for each next to the order-0 entropy of the deltas, and picks the smallest,
 * the way a columnar writer chooses an encoding per column chunk.
 */
import { encodeBlocks } from "./blocks.js";
import { encodeDecimal, inspectDecimal } from "./decimal.js";
import { deflate } from "./deflate.js";
import { encodeDod } from "./dod.js";
import { DeltaError } from "./errors.js";
import { encodeGorilla } from "./gorilla.js";
import { isTypedArray } from "./guards.js";
import { encodeInt32 } from "./int32.js";
import { encodeParquetDelta } from "./parquet.js";
import { entropyBits } from "./sizes.js";

/** One codec's result on the sample. */
export interface ExplainCandidate {
  /** The codec, as the function to call. */
  codec: string;
  /** Bits per value on the sample, header and checksum included. */
  bitsPerValue: number;
}

/** What {@link explain} found. */
export interface Explanation {
  /** "int32" for integer input, "float64" otherwise. */
  kind: "int32" | "float64";
  /** Values in the input. */
  count: number;
  /** Values in the sample the candidates were measured on. */
  sampled: number;
  /** Every candidate, smallest first. */
  candidates: ExplainCandidate[];
  /** The smallest candidate's codec. */
  pick: string;
  /** Order-0 entropy of the deltas (of the decimal integers for float64 input), bits per value. */
  deltaEntropy: number;
  /** Order-0 entropy of the deltas of the deltas, bits per value. */
  deltaOfDeltaEntropy: number;
}

/** Default sample: 16 windows of 4,096 consecutive values. */
const WINDOWS = 16;
const WINDOW = 4096;

function sampleOf<T extends Int32Array | Float64Array>(values: T, size: number): T {
  if (values.length <= size) return values;
  const window = Math.max(1, Math.floor(size / WINDOWS));
  const out = new (values.constructor as { new (n: number): T })(window * WINDOWS);
  const stride = (values.length - window) / (WINDOWS - 1);
  for (let w = 0; w < WINDOWS; w++) {
    const from = Math.round(w * stride);
    out.set(values.subarray(from, from + window) as ArrayLike<number>, w * window);
  }
  return out;
}

function differences(ints: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 1; i < ints.length; i++) out.push(ints[i] - ints[i - 1]);
  return out;
}

function isInt32Array(values: readonly number[]): boolean {
  for (const v of values) if (!Number.isInteger(v) || v < -2147483648 || v > 2147483647 || Object.is(v, -0)) return false;
  return true;
}

/**
 * Measures every candidate codec on a sample of the series and picks the smallest.
 * Integer input (an Int32Array, or numbers that are all int32) is tried with delta + varint,
 * delta-of-delta, Parquet DELTA_BINARY_PACKED, blocks with and without a common divisor, each
 * also followed by the deflate stage, and the plain 32-bit layout. Float input is tried with the
 * decimal codec, Gorilla XOR, decimal integers in blocks when they fit int32, the same with
 * deflate, and plain 64-bit doubles.
 *
 * @param values the series
 * @param options `sample`: how many values to measure on (default 65,536, taken as 16 windows of
 *   consecutive values so that deltas stay meaningful)
 * @returns the candidates, smallest first, the pick and two entropy references
 * @throws {DeltaError} ERR_DELTA_INPUT for anything but an Int32Array, a Float64Array or an array of numbers
 * @example
 * explain(Int32Array.from({ length: 1000 }, (_, i) => i * 60)).pick; // => "encodeBlocks"
 */
export function explain(values: Int32Array | Float64Array | readonly number[], options: { sample?: number } = {}): Explanation {
  let input: Int32Array | Float64Array;
  if (isTypedArray(values, "Int32Array") || isTypedArray(values, "Float64Array")) input = values as Int32Array | Float64Array;
  else if (Array.isArray(values) && values.every((v) => typeof v === "number")) {
    input = isInt32Array(values) ? Int32Array.from(values) : Float64Array.from(values);
  } else throw new DeltaError("ERR_DELTA_INPUT", "explain requires an Int32Array, a Float64Array or an array of numbers");
  const size = options.sample ?? WINDOWS * WINDOW;
  if (!Number.isInteger(size) || size < WINDOWS) throw new DeltaError("ERR_DELTA_INPUT", `explain requires a sample of at least ${WINDOWS} values`);
  const sample = sampleOf(input, size);
  const n = Math.max(1, sample.length);
  const bits = (bytes: Uint8Array) => (8 * bytes.length) / n;
  const candidates: ExplainCandidate[] = [];
  const add = (codec: string, bytes: Uint8Array, withDeflate = true) => {
    candidates.push({ codec, bitsPerValue: bits(bytes) });
    if (withDeflate) candidates.push({ codec: `${codec} + deflate`, bitsPerValue: bits(deflate(bytes, { level: 9 })) });
  };

  let ints: ArrayLike<number> | null;
  if (sample instanceof Int32Array) {
    ints = sample;
    add("encodeInt32", encodeInt32(sample));
    add("encodeDod", encodeDod(sample));
    add("encodeParquetDelta", encodeParquetDelta(sample));
    add("encodeBlocks", encodeBlocks(sample));
    add("encodeBlocks (no divisor)", encodeBlocks(sample, { divisor: false }), false);
    candidates.push({ codec: "plain int32", bitsPerValue: 32 });
  } else {
    const decimal = encodeDecimal(sample);
    add("encodeDecimal", decimal);
    add("encodeGorilla", encodeGorilla(sample));
    const { scale, exceptions } = inspectDecimal(decimal);
    const p = 10 ** scale;
    const scaled = exceptions === 0 ? Array.from(sample, (v) => Math.round(v * p)) : null;
    ints = scaled && isInt32Array(scaled) ? Int32Array.from(scaled) : null;
    if (ints) add(`encodeBlocks of decimal integers (scale ${scale})`, encodeBlocks(ints as Int32Array));
    candidates.push({ codec: "plain float64", bitsPerValue: 64 });
  }
  candidates.sort((a, b) => a.bitsPerValue - b.bitsPerValue);
  const deltas = ints ? differences(ints) : [];
  return {
    kind: input instanceof Int32Array ? "int32" : "float64",
    count: input.length,
    sampled: sample.length,
    candidates,
    pick: candidates[0].codec,
    deltaEntropy: deltas.length ? entropyBits(deltas) : Number.NaN,
    deltaOfDeltaEntropy: deltas.length > 1 ? entropyBits(differences(deltas)) : Number.NaN,
  };
}
