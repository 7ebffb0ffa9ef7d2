/**
 * @module delta/bitpack
 *
 * Fixed-width bit packing of unsigned 32-bit values, least significant bit
 * first: value k of width w occupies stream bits [k·w, k·w + w), and stream
 * bit b is bit (b mod 8) of byte ⌊b / 8⌋. This is the order Parquet uses in
 * the RLE/bit-packing hybrid and inside DELTA_BINARY_PACKED miniblocks (its
 * Encodings.md: "packed from the least significant bit of each byte to the
 * most significant bit"), and the one that lets a little-endian 32-bit load
 * pick several values out of one register.
 *
 * Speed comes from the group of 32: 32 values of width w take exactly w
 * little-endian 32-bit words (4·w bytes), always starting on a byte
 * boundary, so one straight-line function per width can unpack a group with
 * a fixed pattern of loads, shifts and masks and no per-value branches. The
 * functions are generated with `new Function`, each on its first use
 * (writing them out would be thousands of lines of shifts that no one could
 * review; the generator below is the reviewable spec). Word loads go
 * through a DataView, which V8 compiles to a single unaligned load; byte
 * loads assembled with `|` measured ~35 % slower.
 *
 * Families (all indexed by width 0..32, all unchecked: the caller
 * guarantees that the bytes exist and that the outputs have room):
 * - {@link UNPACK32}: a group into an Int32Array (bit patterns).
 * - {@link UNPACK_DELTA32}: a group of frame-of-reference deltas, fused with
 *   the running sum, `prev = (prev + add + x) | 0` (the delta decoders'
 *   hot loop: one pass, no intermediate array).
 * - {@link UNPACK_DELTA_MUL32}: the same with a multiplier (for a common
 *   divisor of the deltas), `prev = (prev + add + imul(x, mul)) | 0`.
 * - {@link UNPACK_DELTA128} and {@link UNPACK_DELTA_MUL128}: the same for
 *   four groups (a block of 128) in one call.
 * - {@link UNPACK_DELTA_PATCH128} and {@link UNPACK_DELTA_MUL_PATCH128}: the
 *   same plus a patch array added to the unpacked values (the exceptions of
 *   a patched frame of reference).
 * - {@link PACK32}: a group from an Int32Array (values already < 2**w).
 *
 * The checked public functions {@link packBits}, {@link packBitsInto},
 * {@link unpackBits} and {@link unpackBitsInto} handle any count (full
 * groups through the kernels, the last < 32 values through a simple loop).
 */

import { DeltaError } from "./errors.js";
import { isTypedArray } from "./guards.js";

/** Largest supported bit width. */
export const MAX_BIT_WIDTH = 32;

/**
 * Unpack 32 values of one width from `src` at byte `pos` into `out[outPos..outPos + 32)`.
 * Values wider than 31 bits are stored as their int32 bit pattern.
 */
export type UnpackKernel = (src: DataView, pos: number, out: Int32Array, outPos: number) => void;

/**
 * Unpack 32 deltas and add them to a running value: for each packed x,
 * `prev = (prev + add + x) | 0; out[outPos + k] = prev`. Returns the last prev.
 */
export type UnpackDeltaKernel = (
  src: DataView,
  pos: number,
  out: Int32Array,
  outPos: number,
  prev: number,
  add: number,
) => number;

/**
 * Like {@link UnpackDeltaKernel} with a multiplier:
 * `prev = (prev + add + Math.imul(x, mul)) | 0`. Returns the last prev.
 */
export type UnpackDeltaMulKernel = (
  src: DataView,
  pos: number,
  out: Int32Array,
  outPos: number,
  prev: number,
  add: number,
  mul: number,
) => number;

/**
 * Like {@link UnpackDeltaKernel} for 128 values, each unpacked x plus a patch:
 * `prev = (prev + add + x + patch[k]) | 0`. Returns the last prev. The patch
 * array (128 entries) holds the high parts of a patched block's exceptions
 * and zeros elsewhere.
 */
export type UnpackDeltaPatchKernel = (
  src: DataView,
  pos: number,
  out: Int32Array,
  outPos: number,
  prev: number,
  add: number,
  patch: Int32Array,
) => number;

/**
 * Like {@link UnpackDeltaPatchKernel} with a multiplier:
 * `prev = (prev + add + Math.imul(x + patch[k], mul)) | 0`. Returns the last prev.
 */
export type UnpackDeltaMulPatchKernel = (
  src: DataView,
  pos: number,
  out: Int32Array,
  outPos: number,
  prev: number,
  add: number,
  mul: number,
  patch: Int32Array,
) => number;

/**
 * Pack the 32 values `(src[srcPos + k] - sub) | 0` (each < 2**width as
 * uint32) into 4·width bytes of `dst` at byte `pos`. Subtracting the frame
 * of reference inside the kernel spares the encoders a pass over the data.
 */
export type PackKernel = (src: Int32Array, srcPos: number, dst: DataView, pos: number, sub: number) => void;

/**
 * Number of bits needed to write `x` as an unsigned integer.
 *
 * @param x - a number taken as uint32 (`x >>> 0`), so an int32 bit pattern
 *   such as -1 counts as 0xffffffff
 * @returns 0 for 0, else 1 + the index of the highest set bit (1..32)
 * @throws never
 * @example
 * bitWidth32(0) // => 0
 * bitWidth32(5) // => 3
 * bitWidth32(-1) // => 32
 */
export function bitWidth32(x: number): number {
  return 32 - Math.clz32(x);
}

/**
 * Number of bytes that `count` values of `width` bits take when packed.
 *
 * @param count - number of values (a non-negative safe integer)
 * @param width - bit width, 0..32
 * @returns `ceil(count * width / 8)`
 * @throws {DeltaError} ERR_DELTA_INPUT if `count` or `width` is out of range
 * @example
 * packedByteLength(32, 5) // => 20
 * packedByteLength(3, 3) // => 2
 */
export function packedByteLength(count: number, width: number): number {
  checkCount(count, "packedByteLength");
  checkWidth(width, "packedByteLength");
  return Math.ceil((count * width) / 8);
}

// ---------------------------------------------------------------------------
// Code generation. Everything below builds plain strings of JS; the emitted
// functions only use int32 arithmetic, DataView word access and typed array
// element access, so V8 compiles each to straight-line machine code.

/** JS expression for value k of width w (1..32), reading words named w0, w1, ... */
function valueExpr(k: number, w: number, use: (word: number) => string): string {
  if (w === 32) return use(k);
  const bit = k * w;
  const j = bit >>> 5;
  const sh = bit & 31;
  const mask = 2 ** w - 1;
  if (sh + w <= 32) {
    let e = sh === 0 ? use(j) : "(" + use(j) + " >>> " + sh + ")";
    // When the value ends exactly at the word's top, >>> already cleared the rest.
    if (sh + w < 32) e = "(" + e + " & " + mask + ")";
    return e;
  }
  // The value straddles two words: low part from word j, high part from j + 1.
  return "(((" + use(j) + " >>> " + sh + ") | (" + use(j + 1) + " << " + (32 - sh) + ")) & " + mask + ")";
}

/**
 * For the kernel generators (here and in unpack64.ts): a `use(word)` that emits
 * `const wN = s.getInt32(i + 4N, true);` into `lines` the first time word N is used.
 *
 * @example
 * const lines: string[] = []; wordLoader(lines)(2); // => "w2", lines has the const
 */
export function wordLoader(lines: string[]): (word: number) => string {
  const loaded: boolean[] = [];
  return (word: number): string => {
    if (!loaded[word]) {
      loaded[word] = true;
      lines.push("const w" + word + " = s.getInt32(i + " + 4 * word + ", true);");
    }
    return "w" + word;
  };
}

function genUnpack(w: number): UnpackKernel {
  const lines: string[] = [];
  const use = wordLoader(lines);
  for (let k = 0; k < 32; k++) {
    lines.push("o[j + " + k + "] = " + (w === 0 ? "0" : valueExpr(k, w, use)) + ";");
  }
  return new Function("s", "i", "o", "j", '"use strict";\n' + lines.join("\n")) as UnpackKernel;
}

function genUnpackDelta(w: number, withMul: boolean, groups: number, patched = false): UnpackDeltaKernel & UnpackDeltaMulKernel {
  const lines: string[] = [];
  const use = wordLoader(lines);
  for (let k = 0; k < 32 * groups; k++) {
    // Group g of 32 values starts at word g * w: shift the word numbers.
    const base = (k >>> 5) * w;
    let x = w === 0 ? "" : valueExpr(k & 31, w, (word) => use(base + word));
    // A patch adds a high part to the unpacked value (exact modulo 2**32:
    // the sum is below 2**53, and `| 0` or Math.imul wraps it). Measured
    // faster than passing the exception positions as a 128-bit mask and
    // extracting a bit per value.
    if (patched) x = w === 0 ? "P[" + k + "]" : x + " + P[" + k + "]";
    // `p + ((m + x) | 0)`, not `p + m + x`: the running sum is a serial
    // dependency chain, and this way it has one add per value instead of
    // two (measured 4 % faster for 32 values, 15 % for 128).
    let step: string;
    if (x === "") step = "p = (p + m) | 0;";
    else if (withMul) step = "p = (p + ((m + Math.imul(" + x + ", g)) | 0)) | 0;";
    else step = "p = (p + ((m + " + x + ") | 0)) | 0;";
    lines.push(step + " o[j + " + k + "] = p;");
  }
  lines.push("return p;");
  const params = withMul ? ["s", "i", "o", "j", "p", "m", "g"] : ["s", "i", "o", "j", "p", "m"];
  if (patched) params.push("P");
  return new Function(...params, '"use strict";\n' + lines.join("\n")) as UnpackDeltaKernel & UnpackDeltaMulKernel;
}

function genPack(w: number): PackKernel {
  const lines: string[] = [];
  if (w > 0) {
    for (let k = 0; k < 32; k++) lines.push("const v" + k + " = (s[j + " + k + "] - m) | 0;");
    for (let word = 0; word < w; word++) {
      const lo = 32 * word;
      const terms: string[] = [];
      for (let k = 0; k < 32; k++) {
        const start = k * w;
        const end = start + w;
        if (start >= lo && start < lo + 32) {
          // The value begins in this word (its top bits may spill into the next).
          terms.push(start === lo ? "v" + k : "(v" + k + " << " + (start - lo) + ")");
        } else if (start < lo && end > lo) {
          // The value began in the previous word: its remaining high bits.
          terms.push("(v" + k + " >>> " + (lo - start) + ")");
        }
      }
      lines.push("d.setInt32(i + " + 4 * word + ", " + terms.join(" | ") + ", true);");
    }
  }
  return new Function("s", "j", "d", "i", "m", '"use strict";\n' + lines.join("\n")) as PackKernel;
}

/**
 * A table of 33 kernels, each generated on its first call: a program that
 * only ever sees widths 5 and 6 compiles 2 functions, not 33 (generating and
 * compiling all six families up front took ~35 ms at module load).
 */
function lazyTable<F extends (...args: never[]) => unknown>(gen: (w: number) => F): readonly F[] {
  const table: F[] = [];
  for (let w = 0; w <= MAX_BIT_WIDTH; w++) {
    const stub = function (this: unknown, ...args: unknown[]): unknown {
      const f = gen(w);
      table[w] = f; // later calls go straight to the generated function
      return (f as unknown as (...a: unknown[]) => unknown).apply(this, args);
    };
    table.push(stub as unknown as F);
  }
  return table;
}

/**
 * Unchecked group unpackers, indexed by width 0..32 (see {@link UnpackKernel}).
 *
 * @example
 * const out = new Int32Array(32);
 * UNPACK32[1](new DataView(new Uint8Array([5, 0, 0, 0]).buffer), 0, out, 0); // out[0] = 1, out[2] = 1
 */
export const UNPACK32: readonly UnpackKernel[] = lazyTable(genUnpack);

/**
 * Unchecked fused unpack + running sum of one group of 32, indexed by width
 * 0..32 (see {@link UnpackDeltaKernel}).
 *
 * @example
 * const out = new Int32Array(32);
 * UNPACK_DELTA32[0](new DataView(new ArrayBuffer(0)), 0, out, 0, 10, 2); // => 74, out = [12, 14, ..., 74]
 */
export const UNPACK_DELTA32: readonly UnpackDeltaKernel[] = lazyTable((w) => genUnpackDelta(w, false, 1));

/**
 * Unchecked fused unpack + multiply + running sum of one group of 32,
 * indexed by width 0..32 (see {@link UnpackDeltaMulKernel}).
 *
 * @example
 * const out = new Int32Array(32);
 * UNPACK_DELTA_MUL32[0](new DataView(new ArrayBuffer(0)), 0, out, 0, 0, 60, 60); // => 1920
 */
export const UNPACK_DELTA_MUL32: readonly UnpackDeltaMulKernel[] = lazyTable((w) => genUnpackDelta(w, true, 1));

/**
 * Like {@link UNPACK_DELTA32} for four consecutive groups (128 values from
 * 16·w bytes, writing out[outPos..outPos + 128)): one call per block of the
 * block codec, which lets V8 keep the running sum in a register across the
 * block (~15 % faster than four calls).
 *
 * @example
 * const out = new Int32Array(128);
 * UNPACK_DELTA128[0](new DataView(new ArrayBuffer(0)), 0, out, 0, 0, 1); // => 128
 */
export const UNPACK_DELTA128: readonly UnpackDeltaKernel[] = lazyTable((w) => genUnpackDelta(w, false, 4));

/**
 * Like {@link UNPACK_DELTA_MUL32} for four consecutive groups (128 values).
 *
 * @example
 * const out = new Int32Array(128);
 * UNPACK_DELTA_MUL128[0](new DataView(new ArrayBuffer(0)), 0, out, 0, 0, 60, 60); // => 7680
 */
export const UNPACK_DELTA_MUL128: readonly UnpackDeltaMulKernel[] = lazyTable((w) => genUnpackDelta(w, true, 4));

/**
 * Like {@link UNPACK_DELTA128} with a patch array of 128 values added to the
 * unpacked values (see {@link UnpackDeltaPatchKernel}): decodes a patched
 * block (frame of reference with exceptions) in one pass.
 *
 * @example
 * const out = new Int32Array(128);
 * const patch = new Int32Array(128);
 * patch[1] = 100;
 * UNPACK_DELTA_PATCH128[0](new DataView(new ArrayBuffer(0)), 0, out, 0, 0, 1, patch); // => 228, out = [1, 102, 103, ...]
 */
export const UNPACK_DELTA_PATCH128: readonly UnpackDeltaPatchKernel[] = lazyTable(
  (w) => genUnpackDelta(w, false, 4, true) as unknown as UnpackDeltaPatchKernel,
);

/**
 * Like {@link UNPACK_DELTA_MUL128} with a patch array (see {@link UnpackDeltaMulPatchKernel}).
 *
 * @example
 * const out = new Int32Array(128);
 * const patch = new Int32Array(128);
 * patch[0] = 1;
 * UNPACK_DELTA_MUL_PATCH128[0](new DataView(new ArrayBuffer(0)), 0, out, 0, 0, 0, 60, patch); // => 60, out = [60, 60, ...]
 */
export const UNPACK_DELTA_MUL_PATCH128: readonly UnpackDeltaMulPatchKernel[] = lazyTable(
  (w) => genUnpackDelta(w, true, 4, true) as unknown as UnpackDeltaMulPatchKernel,
);

/**
 * Unchecked group packers, indexed by width 0..32 (see {@link PackKernel}).
 *
 * @example
 * const dst = new Uint8Array(4);
 * PACK32[1](new Int32Array(32).fill(6), 0, new DataView(dst.buffer), 0, 5); // dst = [255, 255, 255, 255]
 */
export const PACK32: readonly PackKernel[] = lazyTable(genPack);

// ---------------------------------------------------------------------------
// Loops for fewer than 32 values (the end of a run). Simple and branchy: they
// run at most once per call of the public functions and once per encoding in
// the block codec.

/**
 * Unpack `count` values (any count, typically < 32) of `width` bits starting
 * at byte `pos` (bit 0 of that byte). Reads only the
 * `ceil(count * width / 8)` bytes that hold them: the caller checks they exist.
 *
 * @param bytes - packed bytes
 * @param pos - byte index of the first value
 * @param width - bit width, 0..32
 * @param count - number of values
 * @param out - destination (int32 bit patterns)
 * @param outPos - index of the first value in `out`
 * @returns nothing
 * @throws never (unchecked)
 * @example
 * const out = new Int32Array(3);
 * unpackTail(new Uint8Array([0x88, 0xc6, 0xfa]), 0, 3, 3, out, 0); // out = [0, 1, 2]
 */
export function unpackTail(
  bytes: Uint8Array,
  pos: number,
  width: number,
  count: number,
  out: Int32Array,
  outPos: number,
): void {
  if (width === 0) {
    out.fill(0, outPos, outPos + count);
    return;
  }
  const mask = width === 32 ? -1 : 2 ** width - 1;
  for (let k = 0; k < count; k++) {
    const bit = k * width;
    const byte = pos + Math.floor(bit / 8);
    const sh = bit & 7;
    // Bytes this value touches: sh + width bits, rounded up (at most 5).
    const n = (sh + width + 7) >>> 3;
    let lo = bytes[byte];
    if (n > 1) lo |= bytes[byte + 1] << 8;
    if (n > 2) lo |= bytes[byte + 2] << 16;
    if (n > 3) lo |= bytes[byte + 3] << 24;
    let v = lo >>> sh;
    if (n > 4) v |= bytes[byte + 4] << (32 - sh);
    out[outPos + k] = v & mask;
  }
}

/**
 * Pack `count` values `(src[srcPos + k] - sub) | 0` (any count, typically
 * < 32) at `width` bits into `dst` starting at byte `pos`; writes exactly
 * `ceil(count * width / 8)` bytes (unused high bits of the last byte are zero).
 *
 * @param src - values (each minus `sub` < 2**width as uint32)
 * @param srcPos - index of the first value
 * @param count - number of values
 * @param width - bit width, 0..32
 * @param dst - destination bytes (the caller checks there is room)
 * @param pos - byte index to start at
 * @param sub - frame of reference subtracted from every value (default 0)
 * @returns the byte index just after the packed values
 * @throws never (unchecked)
 * @example
 * const dst = new Uint8Array(3);
 * packTail(Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7), 0, 8, 3, dst, 0); // => 3, dst = [0x88, 0xc6, 0xfa]
 */
export function packTail(
  src: Int32Array,
  srcPos: number,
  count: number,
  width: number,
  dst: Uint8Array,
  pos: number,
  sub = 0,
): number {
  const end = pos + Math.ceil((count * width) / 8);
  dst.fill(0, pos, end);
  if (width === 0) return end;
  for (let k = 0; k < count; k++) {
    const v = (src[srcPos + k] - sub) | 0;
    const bit = k * width;
    let byte = pos + Math.floor(bit / 8);
    const sh = bit & 7;
    dst[byte] |= v << sh; // the typed array keeps the low 8 bits
    // Bits of v already written: the 8 - sh that fit in the first byte.
    for (let done = 8 - sh; done < width; done += 8) dst[++byte] = v >>> done;
  }
  return end;
}

// ---------------------------------------------------------------------------
// Checked public API.

function checkWidth(width: number, label: string): void {
  if (typeof width !== "number" || !Number.isInteger(width) || width < 0 || width > MAX_BIT_WIDTH) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a bit width in 0..32");
  }
}

function checkCount(count: number, label: string): void {
  if (typeof count !== "number" || !Number.isSafeInteger(count) || count < 0) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a non-negative integer count");
  }
}

/** The values as an Int32Array of bit patterns (a view for typed input, a checked copy for arrays). */
function valuesAsInt32(values: Uint32Array | Int32Array | readonly number[], label: string): Int32Array {
  if (isTypedArray(values, "Int32Array")) return values as Int32Array;
  if (isTypedArray(values, "Uint32Array")) {
    const u = values as Uint32Array;
    return new Int32Array(u.buffer, u.byteOffset, u.length);
  }
  if (!Array.isArray(values)) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint32Array, an Int32Array or an array of numbers");
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== "number") {
      throw new DeltaError("ERR_DELTA_INPUT", label + " requires numbers, got " + typeof v + " at index " + i);
    }
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      throw new DeltaError("ERR_DELTA_NOT_INTEGER", label + " requires integers in [0, 2**32 - 1], got " + v + " at index " + i);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Bit-pack values into a new byte array (LSB-first, see the module comment).
 *
 * @param values - unsigned values: a Uint32Array, an Int32Array (read as
 *   uint32 bit patterns, so -1 needs width 32) or an array of integers in
 *   [0, 2**32 - 1]
 * @param width - bit width 0..32; every value must fit in it
 * @returns `ceil(values.length * width / 8)` bytes
 * @throws {DeltaError} ERR_DELTA_INPUT for a bad argument or a value wider
 *   than `width`; ERR_DELTA_NOT_INTEGER for an array element that is not an
 *   integer in [0, 2**32 - 1]
 * @example
 * packBits([0, 1, 2, 3, 4, 5, 6, 7], 3) // => Uint8Array [0x88, 0xc6, 0xfa]
 */
export function packBits(values: Uint32Array | Int32Array | readonly number[], width: number): Uint8Array {
  checkWidth(width, "packBits");
  const src = valuesAsInt32(values, "packBits");
  const out = new Uint8Array(Math.ceil((src.length * width) / 8));
  packChecked(src, width, out, 0, "packBits");
  return out;
}

/**
 * Bit-pack values into an existing byte array at `offset`.
 *
 * @param values - as for {@link packBits}
 * @param width - bit width 0..32; every value must fit in it
 * @param out - destination; needs `ceil(values.length * width / 8)` bytes from `offset`
 * @param offset - byte index to start writing at
 * @returns the byte index just after the last byte written
 * @throws {DeltaError} ERR_DELTA_INPUT for a bad argument, too little room
 *   or a value wider than `width`; ERR_DELTA_NOT_INTEGER as for {@link packBits}
 * @example
 * const out = new Uint8Array(4);
 * packBitsInto([1, 2], 4, out, 1) // => 2, out = [0, 0x21, 0, 0]
 */
export function packBitsInto(
  values: Uint32Array | Int32Array | readonly number[],
  width: number,
  out: Uint8Array,
  offset: number,
): number {
  checkWidth(width, "packBitsInto");
  const src = valuesAsInt32(values, "packBitsInto");
  if (!isTypedArray(out, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", "packBitsInto requires a Uint8Array out");
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset > out.length) {
    throw new DeltaError("ERR_DELTA_INPUT", "packBitsInto requires an offset within out");
  }
  if (offset + Math.ceil((src.length * width) / 8) > out.length) {
    throw new DeltaError("ERR_DELTA_INPUT", "packBitsInto: out is too small");
  }
  return packChecked(src, width, out, offset, "packBitsInto");
}

function packChecked(src: Int32Array, width: number, out: Uint8Array, offset: number, label: string): number {
  const n = src.length;
  // Every value must fit: OR-ing them gives the widest bit pattern.
  let all = 0;
  for (let i = 0; i < n; i++) all |= src[i];
  if (bitWidth32(all) > width) {
    throw new DeltaError("ERR_DELTA_INPUT", label + ": a value needs more than " + width + " bits");
  }
  const dv = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const kernel = PACK32[width];
  const groups = n >>> 5;
  let pos = offset;
  for (let g = 0; g < groups; g++) {
    kernel(src, g << 5, dv, pos, 0);
    pos += 4 * width;
  }
  return packTail(src, groups << 5, n - (groups << 5), width, out, pos, 0);
}

/**
 * Unpack `count` values of `width` bits from `bytes` at `offset` into a new Uint32Array.
 *
 * @param bytes - packed bytes
 * @param width - bit width 0..32
 * @param count - number of values to read
 * @param offset - byte index of the first value (default 0)
 * @returns the values
 * @throws {DeltaError} ERR_DELTA_INPUT for a bad argument;
 *   ERR_DELTA_TRUNCATED if fewer than `ceil(count * width / 8)` bytes follow `offset`
 * @example
 * unpackBits(new Uint8Array([0x88, 0xc6, 0xfa]), 3, 8) // => Uint32Array [0, 1, 2, 3, 4, 5, 6, 7]
 */
export function unpackBits(bytes: Uint8Array, width: number, count: number, offset = 0): Uint32Array {
  checkCount(count, "unpackBits");
  checkUnpackArgs(bytes, offset, width, count, "unpackBits");
  const out = new Uint32Array(count);
  unpackChecked(bytes, offset, width, count, new Int32Array(out.buffer), 0);
  return out;
}

/**
 * Unpack `count` values of `width` bits from `bytes` at `offset` into `out` at `outOffset`.
 *
 * @param bytes - packed bytes
 * @param offset - byte index of the first value
 * @param width - bit width 0..32
 * @param count - number of values to read
 * @param out - destination, a Uint32Array or an Int32Array (which gets the
 *   int32 bit patterns of values >= 2**31)
 * @param outOffset - index in `out` of the first value (default 0)
 * @returns the byte index just after the packed values
 * @throws {DeltaError} ERR_DELTA_INPUT for a bad argument or too small `out`;
 *   ERR_DELTA_TRUNCATED if the packed values run past the end of `bytes`
 * @example
 * const out = new Uint32Array(2);
 * unpackBitsInto(new Uint8Array([0, 0x21]), 1, 4, 2, out) // => 2, out = [1, 2]
 */
export function unpackBitsInto(
  bytes: Uint8Array,
  offset: number,
  width: number,
  count: number,
  out: Uint32Array | Int32Array,
  outOffset = 0,
): number {
  checkCount(count, "unpackBitsInto");
  checkUnpackArgs(bytes, offset, width, count, "unpackBitsInto");
  let view: Int32Array;
  if (isTypedArray(out, "Int32Array")) view = out as Int32Array;
  else if (isTypedArray(out, "Uint32Array")) view = new Int32Array(out.buffer, out.byteOffset, out.length);
  else throw new DeltaError("ERR_DELTA_INPUT", "unpackBitsInto requires a Uint32Array or Int32Array out");
  if (typeof outOffset !== "number" || !Number.isInteger(outOffset) || outOffset < 0 || outOffset + count > view.length) {
    throw new DeltaError("ERR_DELTA_INPUT", "unpackBitsInto: out is too small for count values at outOffset");
  }
  return unpackChecked(bytes, offset, width, count, view, outOffset);
}

function checkUnpackArgs(bytes: Uint8Array, offset: number, width: number, count: number, label: string): void {
  if (!isTypedArray(bytes, "Uint8Array")) throw new DeltaError("ERR_DELTA_INPUT", label + " requires a Uint8Array");
  checkWidth(width, label);
  if (typeof offset !== "number" || !Number.isInteger(offset) || offset < 0 || offset > bytes.length) {
    throw new DeltaError("ERR_DELTA_INPUT", label + " requires an offset within the bytes");
  }
  if (offset + Math.ceil((count * width) / 8) > bytes.length) {
    throw new DeltaError("ERR_DELTA_TRUNCATED", label + ": input ends too early");
  }
}

function unpackChecked(
  bytes: Uint8Array,
  offset: number,
  width: number,
  count: number,
  out: Int32Array,
  outOffset: number,
): number {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kernel = UNPACK32[width];
  const groups = Math.floor(count / 32);
  let pos = offset;
  for (let g = 0; g < groups; g++) {
    kernel(dv, pos, out, outOffset + g * 32);
    pos += 4 * width;
  }
  const rest = count - groups * 32;
  unpackTail(bytes, pos, width, rest, out, outOffset + groups * 32);
  return pos + Math.ceil((rest * width) / 8);
}
