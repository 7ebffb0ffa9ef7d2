/**
 * @module hash/fmix32
 *
 * MurmurHash3's 32-bit finalizer, shared by every hash in the project that
 * needs its bits spread (the balancers' string hashes, the simulated world's
 * seed streams and trace hash).
 */

/**
 * murmur3's 32-bit finalizer (fmix32): a bijection on 32-bit words with full
 * avalanche (every input bit flips every output bit with probability ~1/2).
 *
 * @param h - any number; only its low 32 bits are used
 * @returns the mixed word as an unsigned 32-bit integer
 * @throws never
 * @example
 * fmix32(0); // => 0
 * fmix32(1); // => 1364076727
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
