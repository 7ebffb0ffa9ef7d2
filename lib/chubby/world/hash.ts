/**
 * @module chubby/world/hash
 *
 * A running 64-bit FNV-1a hash (on 16-bit limbs, no BigInt), fed with
 * numbers and strings. The world folds every trace record into one, so two
 * runs can be compared by a 16-hex-digit string.
 */

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * Incremental FNV-1a, 64-bit: offset basis 0xcbf29ce484222325, prime
 * 0x100000001b3 = 2^40 + 0x1b3.
 *
 * @example
 * const h = new Fnv64(); h.byte(0x61); h.hex(); // => "af63dc4c8601ec8c" (FNV-1a 64 of "a")
 */
export class Fnv64 {
  // The 64-bit state as four 16-bit limbs, least significant first.
  private h0 = 0x2325;
  private h1 = 0x8422;
  private h2 = 0x9ce4;
  private h3 = 0xcbf2;

  /**
   * Folds one byte (its low 8 bits) into the hash.
   * @param b - the byte
   * @returns nothing
   * @example
   * new Fnv64().byte(0x61);
   */
  byte(b: number): void {
    // (h ^ b) * (2^40 + 435) mod 2^64 on 16-bit limbs: every product stays below 2^26.
    const h0 = this.h0 ^ (b & 0xff);
    const h1 = this.h1;
    const t0 = h0 * 435;
    let t1 = h1 * 435;
    let t2 = this.h2 * 435 + (h0 << 8);
    let t3 = this.h3 * 435 + (h1 << 8);
    t1 += t0 >>> 16;
    t2 += t1 >>> 16;
    t3 += t2 >>> 16;
    this.h0 = t0 & 0xffff;
    this.h1 = t1 & 0xffff;
    this.h2 = t2 & 0xffff;
    this.h3 = t3 & 0xffff;
  }

  /**
   * Folds a 32-bit integer (4 bytes, little-endian).
   * @param x - the integer (taken modulo 2^32)
   * @returns nothing
   * @example
   * new Fnv64().u32(7);
   */
  u32(x: number): void {
    // The four byte() steps, on locals (a hot path: every traced event folds several).
    let h0 = this.h0;
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    for (let k = 0; k < 32; k += 8) {
      const a0 = h0 ^ ((x >>> k) & 0xff);
      const t0 = a0 * 435;
      let t1 = h1 * 435;
      let t2 = h2 * 435 + (a0 << 8);
      let t3 = h3 * 435 + (h1 << 8);
      t1 += t0 >>> 16;
      t2 += t1 >>> 16;
      t3 += t2 >>> 16;
      h0 = t0 & 0xffff;
      h1 = t1 & 0xffff;
      h2 = t2 & 0xffff;
      h3 = t3 & 0xffff;
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
  }

  /**
   * Folds a double (its 8 IEEE-754 bytes), so 0.1 + 0.2 and 0.3 differ.
   * @param x - the number
   * @returns nothing
   * @example
   * new Fnv64().num(0.5);
   */
  num(x: number): void {
    F64[0] = x;
    this.u32(U32[0]);
    this.u32(U32[1]);
  }

  /**
   * Folds a string: its length, then each UTF-16 code unit as 2 bytes.
   * @param s - the string
   * @returns nothing
   * @example
   * new Fnv64().str("hello");
   */
  str(s: string): void {
    this.u32(s.length);
    let h0 = this.h0;
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      // The two byte() steps of the code unit, on locals.
      for (let k = 0; k < 16; k += 8) {
        const a0 = h0 ^ ((c >>> k) & 0xff);
        const t0 = a0 * 435;
        let t1 = h1 * 435;
        let t2 = h2 * 435 + (a0 << 8);
        let t3 = h3 * 435 + (h1 << 8);
        t1 += t0 >>> 16;
        t2 += t1 >>> 16;
        t3 += t2 >>> 16;
        h0 = t0 & 0xffff;
        h1 = t1 & 0xffff;
        h2 = t2 & 0xffff;
        h3 = t3 & 0xffff;
      }
    }
    this.h0 = h0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
  }

  /**
   * The hash so far, as 16 lowercase hex digits.
   * @returns the digest
   * @example
   * new Fnv64().hex(); // => "cbf29ce484222325"
   */
  hex(): string {
    const hex = (x: number): string => x.toString(16).padStart(4, "0");
    return hex(this.h3) + hex(this.h2) + hex(this.h1) + hex(this.h0);
  }
}
