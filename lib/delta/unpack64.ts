/**
 * @module delta/unpack64
 *
 * Generated straight-line kernels for the INT64 Parquet DELTA_BINARY_PACKED
 * decoder (./parquet64.ts): each one unpacks a group of adjusted deltas of
 * one bit width (LSB first, see ./bitpack64.ts), adds the block's min delta
 * and accumulates the running 64-bit value as an (lo, hi) pair of int32
 * locals, writing every value straight into the Int32Array view of the
 * output (lo at even, hi at odd indexes: little-endian word order).
 *
 * Why generated: a group of 32 values of width w is exactly w 32-bit words,
 * so the word and shift of every value is known when the kernel is built;
 * one function per width has no per-value index arithmetic, no per-value
 * branch on whether a value straddles two words and no staging copy. The
 * generator is the reviewable spec (the emitted code would be ~15,000 lines
 * of shifts). Words are read through a DataView, which V8 compiles to single
 * unaligned loads.
 *
 * Calling convention, shared by all kernels: `(s, i, o, j, m[, mh])` where
 * `s` is a DataView of the packed bytes and `i` the byte position of the
 * group, `o` the output words and `j` the word index of the group's first
 * value, and (m, mh) the min delta's low and high words as int32 bit
 * patterns. The running value before the group is read from `o[j - 2]`
 * (lo) and `o[j - 1]` (hi), the value the previous group or the header
 * wrote, so `j >= 2`; no int32 crosses the call boundary, where V8 may box
 * it as a heap number.
 *
 * Families, each indexed by width and each kernel generated on its first use:
 * - {@link UNPACK_DELTA64_SAME_HI} (widths 0..32, 32 values) and
 *   {@link UNPACK_DELTA64_SAME_HI_128} (128 values): for a group whose
 *   running value provably keeps its high word (the caller checks the
 *   bounds), so the low word is a plain int32 running sum of `m + x` and
 *   the high word a constant: the int32 decoder's loop plus one store.
 * - {@link UNPACK_DELTA64} (widths 0..64, 32 values): any group, with
 *   explicit carries from the low to the high word (unsigned compares: the
 *   sum of two uint32 wrapped below one of its terms exactly when it carried).
 *
 * All kernels are unchecked: the caller guarantees that the packed bytes
 * exist (4·w bytes per 32 values from `i`), that `2 <= j` and that `o` has
 * room for two words per value from `j`.
 */

import { wordLoader } from "./bitpack.js";

/**
 * Unpack n (32 or 128) adjusted deltas x of one width <= 32 from byte `i`
 * of `s` and accumulate: starting from `l = o[j - 2]`, `h = o[j - 1]`, for
 * each x `l = (l + ((m + x) | 0)) | 0`, then `o[j + 2k] = l; o[j + 2k + 1] = h`.
 * Exact only when the true low word never leaves [0, 2**32) in the group.
 */
export type SameHiKernel = (s: DataView, i: number, o: Int32Array, j: number, m: number) => void;

/**
 * Unpack 32 adjusted deltas of one width (0..64) from byte `i` of `s`, add
 * the min delta (low word `m`, high word `mh`, int32 bit patterns) to each
 * and accumulate the running value from (`o[j - 2]`, `o[j - 1]`) with
 * carries, writing value k to `o[j + 2k]` (lo) and `o[j + 2k + 1]` (hi).
 */
export type CarryKernel = (s: DataView, i: number, o: Int32Array, j: number, m: number, mh: number) => void;

/**
 * JS expression for `len` (1..32) bits of the packed stream starting at bit
 * `bit`, reading words through `use`. The result's low 32 bits are the
 * field (an int32 or uint32 number; callers use it under `| 0` or `>>> 0`).
 */
function bitsExpr(bit: number, len: number, use: (word: number) => string): string {
  const j = bit >>> 5;
  const sh = bit & 31;
  const mask = len === 32 ? "" : " & " + (2 ** len - 1);
  if (sh === 0) return len === 32 ? use(j) : "(" + use(j) + mask + ")";
  if (sh + len <= 32) {
    // Ends at or below the word's top: when exactly at it, >>> cleared the rest.
    return sh + len === 32 ? "(" + use(j) + " >>> " + sh + ")" : "((" + use(j) + " >>> " + sh + ")" + mask + ")";
  }
  // Straddles words j and j + 1.
  return "(((" + use(j) + " >>> " + sh + ") | (" + use(j + 1) + " << " + (32 - sh) + "))" + mask + ")";
}

function genSameHi(w: number, n: number): SameHiKernel {
  const lines: string[] = ["let l = o[j - 2];", "const h = o[j - 1];"];
  const use = wordLoader(lines);
  // n values of one width are contiguous bits (consecutive miniblock bodies
  // of one width included), so value k simply starts at bit k·w.
  for (let k = 0; k < n; k++) {
    const x = w === 0 ? "" : bitsExpr(k * w, w, use);
    // `l + ((m + x) | 0)`: one add on the serial chain through l per value.
    lines.push(
      (w === 0 ? "l = (l + m) | 0;" : "l = (l + ((m + " + x + ") | 0)) | 0;") +
        " o[j + " + 2 * k + "] = l; o[j + " + (2 * k + 1) + "] = h;",
    );
  }
  return new Function("s", "i", "o", "j", "m", '"use strict";\n' + lines.join("\n")) as SameHiKernel;
}

function genCarry(w: number): CarryKernel {
  const lines: string[] = ["let l = o[j - 2], h = o[j - 1], a = 0, d = 0, e = 0, n = 0;"];
  const use = wordLoader(lines);
  for (let k = 0; k < 32; k++) {
    const bit = k * w;
    // Adjusted delta: low word a (the low min(w, 32) bits), high word the next w - 32 bits.
    const lo = w === 0 ? "0" : bitsExpr(bit, w < 32 ? w : 32, use);
    lines.push("a = " + lo + " | 0;");
    // Delta (d, e) = min + adjusted; the low add carried iff d < a unsigned.
    lines.push("d = (m + a) | 0;");
    const hi = w <= 32 ? "" : " + " + bitsExpr(bit + 32, w - 32, use);
    lines.push("e = (mh" + hi + " + ((d >>> 0) < (a >>> 0) ? 1 : 0)) | 0;");
    // Value += delta, the same way.
    lines.push("n = (l + d) | 0; h = (h + e + ((n >>> 0) < (d >>> 0) ? 1 : 0)) | 0; l = n;");
    lines.push("o[j + " + 2 * k + "] = l; o[j + " + (2 * k + 1) + "] = h;");
  }
  return new Function("s", "i", "o", "j", "m", "mh", '"use strict";\n' + lines.join("\n")) as CarryKernel;
}

/**
 * A table of kernels for widths 0..maxWidth, each generated on its first
 * call: a stream that only uses widths 11 and 12 compiles 2 functions, not
 * 65 (generating all of them up front costs tens of milliseconds).
 */
function lazyTable<F extends (...args: never[]) => unknown>(maxWidth: number, gen: (w: number) => F): readonly F[] {
  const table: F[] = [];
  for (let w = 0; w <= maxWidth; w++) {
    const stub = function (this: unknown, ...args: unknown[]): unknown {
      const f = gen(w);
      table[w] = f; // later lookups go straight to the generated function
      return (f as unknown as (...a: unknown[]) => unknown).apply(this, args);
    };
    table.push(stub as unknown as F);
  }
  return table;
}

/**
 * Same-high-word kernels for 32 values, indexed by width 0..32 (see {@link SameHiKernel}).
 *
 * @example
 * const o = new Int32Array(66);
 * o[0] = 10; o[1] = 7; // the previous value: 7 * 2**32 + 10
 * UNPACK_DELTA64_SAME_HI[0](new DataView(new ArrayBuffer(0)), 0, o, 2, 2); // o = [10, 7, 12, 7, 14, 7, ..., 74, 7]
 */
export const UNPACK_DELTA64_SAME_HI: readonly SameHiKernel[] = lazyTable(32, (w) => genSameHi(w, 32));

/**
 * Same-high-word kernels for 128 values (4·w words: a whole default block
 * whose four miniblocks share one width), indexed by width 0..32: one call
 * instead of four.
 *
 * @example
 * const o = new Int32Array(258);
 * o[0] = 10;
 * UNPACK_DELTA64_SAME_HI_128[0](new DataView(new ArrayBuffer(0)), 0, o, 2, 1); // o[256] = 138, every odd word 0
 */
export const UNPACK_DELTA64_SAME_HI_128: readonly SameHiKernel[] = lazyTable(32, (w) => genSameHi(w, 128));

/**
 * Carrying kernels for 32 values, indexed by width 0..64 (see {@link CarryKernel}).
 *
 * @example
 * const o = new Int32Array(66);
 * o[0] = -1; // the previous value: 2**32 - 1
 * UNPACK_DELTA64[0](new DataView(new ArrayBuffer(0)), 0, o, 2, 1, 0); // o = [-1, 0, 0, 1, 1, 1, ..., 31, 1]
 */
export const UNPACK_DELTA64: readonly CarryKernel[] = lazyTable(64, genCarry);

/**
 * Largest adjusted delta of each width, `2 ** w - 1` as a double, indexed
 * by width 0..64 (a table because `2 ** w` in a hot loop compiles to a
 * Math.pow call, which measured ~40 ns).
 *
 * @example
 * MAX_ADJUSTED[12] // => 4095
 */
export const MAX_ADJUSTED: readonly number[] = Array.from({ length: 65 }, (_, w) => 2 ** w - 1);
