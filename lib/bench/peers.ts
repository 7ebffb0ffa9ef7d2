/**
 * The peers the delta codecs are measured against, each wrapped as a benchmark case:
 * hyparquet's DELTA_BINARY_PACKED, fastintcompression, node:zlib, and a plain copy.
 * @module bench/peers
 */
import FastIntegerCompression from "fastintcompression";
import { deltaBinaryUnpack } from "hyparquet/src/delta.js";
import { ByteWriter } from "hyparquet-writer/src/bytewriter.js";
import { deltaBinaryPack } from "hyparquet-writer/src/delta.js";
import { brotliCompressSync, brotliDecompressSync, constants, gzipSync, gunzipSync } from "node:zlib";
import { type BenchCase, sameValues } from "./harness.js";

function view(bytes: Uint8Array): { view: DataView; offset: number } {
  return { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
}

/**
 * hyparquet-writer's DELTA_BINARY_PACKED encoder and hyparquet's decoder (INT32).
 *
 * @example
 * runCases([hyparquet32(values)], values.length);
 */
export function hyparquet32(values: Int32Array): BenchCase {
  return {
    name: "hyparquet DELTA_BINARY_PACKED",
    by: "hyparquet(-writer)",
    reference: true,
    encode() {
      const w = new ByteWriter();
      deltaBinaryPack(w, values, "INT32");
      return new Uint8Array(w.getBytes());
    },
    decode: (bytes) => {
      const out = new Int32Array(values.length);
      deltaBinaryUnpack(view(bytes), values.length, out);
      return out;
    },
    verify: (out) => sameValues(values, out as Int32Array),
  };
}

/** The same for INT64: hyparquet decodes with a BigInt per value. */
export function hyparquet64(values: BigInt64Array): BenchCase {
  return {
    name: "hyparquet DELTA_BINARY_PACKED (INT64)",
    by: "hyparquet(-writer)",
    reference: true,
    encode() {
      const w = new ByteWriter();
      deltaBinaryPack(w, values, "INT64");
      return new Uint8Array(w.getBytes());
    },
    decode: (bytes) => {
      const out = new BigInt64Array(values.length);
      deltaBinaryUnpack(view(bytes), values.length, out);
      return out;
    },
    verify: (out) => sameValues(values, out as BigInt64Array),
  };
}

function deltasOf(values: Int32Array): Int32Array {
  const d = new Int32Array(values.length);
  let prev = 0;
  for (let i = 0; i < values.length; i++) {
    d[i] = (values[i] - prev) | 0;
    prev = values[i];
  }
  return d;
}

function prefixSum(d: ArrayLike<number>): Int32Array {
  const out = new Int32Array(d.length);
  let acc = 0;
  for (let i = 0; i < d.length; i++) out[i] = acc = (acc + d[i]) | 0;
  return out;
}

/** fastintcompression (Lemire): signed VByte of deltas computed in JS. */
export function fastint(values: Int32Array): BenchCase {
  return {
    name: "fastintcompression (VByte of deltas)",
    by: "fastintcompression",
    encode: () => new Uint8Array(FastIntegerCompression.compressSigned(deltasOf(values))),
    decode: (bytes) =>
      prefixSum(FastIntegerCompression.uncompressSigned(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer)),
    verify: (out) => sameValues(values, out as Int32Array),
  };
}

/** node:zlib gzip (level 6) of the int32 deltas. */
export function gzipDeltas(values: Int32Array): BenchCase {
  return {
    name: "gzip -6 of deltas",
    by: "node:zlib",
    encode: () => gzipSync(new Uint8Array(deltasOf(values).buffer), { level: 6 }),
    decode: (bytes) => {
      const raw = gunzipSync(bytes);
      return prefixSum(new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4));
    },
    verify: (out) => sameValues(values, out as Int32Array),
  };
}

/** node:zlib brotli (quality 5) of the int32 deltas. */
export function brotliDeltas(values: Int32Array): BenchCase {
  return {
    name: "brotli -5 of deltas",
    by: "node:zlib",
    encode: () => brotliCompressSync(new Uint8Array(deltasOf(values).buffer), { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }),
    decode: (bytes) => {
      const raw = brotliDecompressSync(bytes);
      return prefixSum(new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4));
    },
    verify: (out) => sameValues(values, out as Int32Array),
  };
}

/** gzip of raw float64 values (what a CSV-less dump would do). */
export function gzipFloat64(values: Float64Array, verify: (out: unknown) => boolean): BenchCase {
  return {
    name: "gzip -6 of raw float64",
    by: "node:zlib",
    encode: () => gzipSync(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), { level: 6 }),
    decode: (bytes) => {
      const raw = gunzipSync(bytes);
      return new Float64Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    },
    verify,
  };
}

/** A plain copy of the typed array: the memory ceiling no codec can beat. */
export function copy(values: Int32Array | BigInt64Array | Float64Array, verify: (out: unknown) => boolean): BenchCase {
  const Ctor = values.constructor as { new (b: ArrayBuffer): typeof values };
  return {
    name: "typed-array copy (ceiling)",
    by: "memory",
    encode: () => new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)),
    decode: (bytes) => new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer),
    verify,
  };
}
