/**
 * @module chubby/world/trace-hash
 *
 * The running hash of a world's trace: two 32-bit lanes fed one 32-bit word
 * at a time (numbers as their 8 IEEE-754 bytes, strings as their length and
 * UTF-16 code units two per word). Lane A takes the word the way MurmurHash3
 * does, lane B the way xxHash32 does; every step is a bijection of each lane
 * for a fixed word, so a difference between two runs is never lost by a later
 * step. It only has to tell runs apart (it is no defence against an
 * adversary), and it is fast: the world folds every event into it.
 */

import { fmix32 } from "../../hash/index.js";

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;

/**
 * A 64-bit running hash of 32-bit words, numbers and strings.
 *
 * @example
 * const h = new TraceHash(); h.word(7); h.num(0.5); h.str("deliver");
 * h.hex(); // => 16 hex digits, the same for the same feed
 */
export class TraceHash {
  private a = 0x2f0b3c4d;
  private b = 0x165667b1;
  private n = 0;

  /**
   * Folds a 32-bit word.
   * @param x - the word (taken modulo 2^32)
   * @returns nothing
   * @example
   * new TraceHash().word(42);
   */
  word(x: number): void {
    let k = Math.imul(x | 0, C1);
    k = (k << 15) | (k >>> 17);
    let a = this.a ^ Math.imul(k, C2);
    a = (a << 13) | (a >>> 19);
    this.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    const b = (this.b + Math.imul(x | 0, P2)) | 0;
    this.b = Math.imul((b << 13) | (b >>> 19), P1);
    this.n++;
  }

  /**
   * Folds an integer: one word when it fits in int32, else as {@link TraceHash.num}.
   * @param x - the number
   * @returns nothing
   * @example
   * new TraceHash().int(3);
   */
  int(x: number): void {
    if ((x | 0) === x) this.word(x);
    else this.num(x);
  }

  /**
   * Folds a double (its 8 IEEE-754 bytes), so 0.1 + 0.2 and 0.3 differ.
   * @param x - the number
   * @returns nothing
   * @example
   * new TraceHash().num(0.5);
   */
  num(x: number): void {
    F64[0] = x;
    const lo = U32[0];
    const hi = U32[1];
    this.word(lo);
    this.word(hi);
  }

  /**
   * Folds a string: its length, then its UTF-16 code units, two per word.
   * @param s - the string
   * @returns nothing
   * @example
   * new TraceHash().str("hello");
   */
  str(s: string): void {
    const len = s.length;
    this.word(len);
    let i = 0;
    for (; i + 1 < len; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < len) this.word(s.charCodeAt(i));
  }

  /**
   * The hash so far, as 16 lowercase hex digits (the lanes, finalised with
   * the number of words fed).
   * @returns the digest
   * @example
   * new TraceHash().hex().length; // => 16
   */
  hex(): string {
    const a = fmix32(this.a ^ this.n);
    const b = fmix32(this.b ^ Math.imul(this.n, P1));
    return a.toString(16).padStart(8, "0") + b.toString(16).padStart(8, "0");
  }
}
