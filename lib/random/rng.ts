/**
 * A seeded pseudo-random number generator for simulations: the same seed gives the same
 * sequence on every machine. Built on pure-rand's Mersenne Twister (MT19937), whose seeding
 * spreads even small seeds well (xoroshiro128+ from a small seed starts with near-constant words).
 * @module random/rng
 */
import prand from "pure-rand";

/** Uniform, integer and normal draws from one seeded stream. */
export interface Rng {
  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number;
  /** A uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  /** A standard normal draw (mean 0, standard deviation 1). */
  normal(): number;
}

/**
 * Creates a seeded generator.
 *
 * @param seed any integer; the same seed gives the same draws
 * @returns the generator
 * @throws {RangeError} when the seed is not a safe integer
 * @example
 * const rng = createRng(42);
 * rng.uniform(); // => the same number on every run and machine
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`createRng requires an integer seed, got ${seed}`);
  const gen = prand.mersenne(seed | 0);
  let spare: number | null = null;
  const uniform = (): number => {
    // 26 + 27 bits from two 32-bit outputs make one 53-bit fraction.
    const hi = gen.unsafeNext() >>> 6;
    const lo = gen.unsafeNext() >>> 5;
    return (hi * 134217728 + lo) / 9007199254740992;
  };
  return {
    uniform,
    int(min: number, max: number): number {
      if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || max < min) {
        throw new RangeError(`int requires integers min <= max, got ${min}, ${max}`);
      }
      return min + Math.floor(uniform() * (max - min + 1));
    },
    normal(): number {
      // Marsaglia's polar method: two normals per accepted pair; keep the second.
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      for (;;) {
        const u = 2 * uniform() - 1;
        const v = 2 * uniform() - 1;
        const s = u * u + v * v;
        if (s > 0 && s < 1) {
          const f = Math.sqrt((-2 * Math.log(s)) / s);
          spare = v * f;
          return u * f;
        }
      }
    },
  };
}
