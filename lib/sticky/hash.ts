/**
 * @module sticky/hash
 *
 * Fast, well-mixed, NON-cryptographic string hashes shared by the hash-based
 * balancers. A balancer only needs keys spread evenly and independently of
 * server names; speed matters more than collision resistance (an attacker who
 * can choose session ids can always pile onto one server anyway).
 *
 * Strings are hashed as UTF-16 code units (what `charCodeAt` returns), so no
 * encoder and no allocation is needed; for ASCII strings the 32-bit FNV-1a
 * core is exactly byte-wise FNV-1a.
 */

import { fmix32 } from "../hash/index.js";

export { fmix32 };

/**
 * 32-bit string hash: FNV-1a over UTF-16 code units, then the length and the
 * fmix32 finalizer. FNV-1a alone mixes high bits poorly (its low output bits
 * depend only on the low bits of the input), which hurts `hash % n` and ring
 * placement; the finalizer fixes that.
 *
 * @param s - the string to hash
 * @param seed - optional 32-bit seed; different seeds give unrelated hashes
 * @returns an unsigned 32-bit integer
 * @throws never (does not check its argument: callers validate)
 * @example
 * hash32("session-1") === hash32("session-1"); // => true
 * hash32("a", 1) !== hash32("a", 2);           // => true
 */
export function hash32(s: string, seed = 0): number {
  // The seed goes through fmix32 first so that seeds differing in one bit
  // start from unrelated states.
  let h = (0x811c9dc5 ^ fmix32(seed)) | 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return fmix32(h ^ s.length);
}

/**
 * 64-bit string hash written into `out` as two unsigned 32-bit words
 * (`out[0]` high, `out[1]` low), so hot paths can reuse one buffer and not
 * allocate. Two lanes run side by side: FNV-1a and a murmur2-style
 * multiply-xorshift lane (its right shift breaks FNV's low-bit structure);
 * they are then cross-mixed by an invertible step, so no entropy is lost.
 *
 * @param s - the string to hash
 * @param out - a buffer of length >= 2 that receives [high, low]
 * @returns nothing; the result is in `out`
 * @throws never (does not check its arguments)
 * @example
 * const out = new Uint32Array(2);
 * hash64Into("session-1", out); // out[0], out[1] now hold the hash
 */
export function hash64Into(s: string, out: Uint32Array): void {
  let a = 0x811c9dc5 | 0;
  let b = 0x9747b28c | 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= s.length;
  // (a, b) -> (hi, lo) is invertible: hi = f(a ^ g(b)), lo = f(b ^ k(hi)).
  const hi = fmix32(a ^ Math.imul(fmix32(b), 0x9e3779b1));
  const lo = fmix32(b ^ Math.imul(hi, 0x85ebca6b));
  out[0] = hi;
  out[1] = lo;
}

/**
 * The same 64-bit hash as {@link hash64Into}, as a BigInt (allocates: for
 * build time, tests and notebooks, not for hot paths).
 *
 * @param s - the string to hash
 * @returns an unsigned 64-bit BigInt
 * @throws never
 * @example
 * hash64("session-1") < 2n ** 64n; // => true
 */
export function hash64(s: string): bigint {
  const out = new Uint32Array(2);
  hash64Into(s, out);
  return (BigInt(out[0]) << 32n) | BigInt(out[1]);
}
