/**
 * @module chubby/cell/hash
 *
 * A fast, deterministic 64-bit string hash (two 32-bit lanes, cyrb53-style mixing) for state
 * digests and sequencer check digits. Not cryptographic: it detects accidents, not forgers.
 */

/**
 * Hashes a string to 16 hex digits; the same string gives the same digest on every machine.
 *
 * @param s - the string to hash
 * @param seed - optional 32-bit seed (default 0)
 * @returns 16 lowercase hex digits
 * @example
 * hashString("abc") === hashString("abc"); // => true
 * hashString("abc").length;                // => 16
 */
export function hashString(s: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h2 >>> 0).toString(16).padStart(8, "0") + (h1 >>> 0).toString(16).padStart(8, "0");
}
