/**
 * @module chubby/world/streams
 *
 * One seed, many independent random streams. Each purpose ("clock:r1",
 * "net:r1>r2", "faults", ...) gets its own generator seeded from a hash of
 * (seed, purpose), so drawing more numbers for one purpose never shifts the
 * numbers of another: adding a fault does not change network delays
 * elsewhere. The generators are {@link createRng} from `lib/random`.
 */
import { type Rng, createRng } from "../../random/index.js";
import { fmix32 } from "../../hash/index.js";
import { WorldError } from "./errors.js";

/**
 * Derives the seed of one purpose's stream: FNV-1a over "seed:purpose",
 * then MurmurHash3's 32-bit finaliser to spread the bits.
 *
 * @param seed - the run's seed (a safe integer)
 * @param purpose - any label; different labels give unrelated seeds
 * @returns a 32-bit signed integer seed
 * @throws {WorldError} ERR_WORLD_INPUT when seed is not a safe integer
 * @example
 * splitSeed(42, "faults") === splitSeed(42, "faults"); // => true
 * splitSeed(42, "faults") === splitSeed(42, "clock");  // => false
 */
export function splitSeed(seed: number, purpose: string): number {
  if (!Number.isSafeInteger(seed)) throw new WorldError("ERR_WORLD_INPUT", `seed must be a safe integer, got ${seed}`);
  const s = `${seed}:${purpose}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h = Math.imul(h ^ (c & 0xff), 0x01000193);
    h = Math.imul(h ^ (c >>> 8), 0x01000193);
  }
  return fmix32(h) | 0;
}

/**
 * A generator for one purpose, independent of every other purpose's.
 *
 * @param seed - the run's seed (a safe integer)
 * @param purpose - the stream's label
 * @returns a seeded {@link Rng}
 * @throws {WorldError} ERR_WORLD_INPUT when seed is not a safe integer
 * @example
 * const rng = streamRng(7, "faults");
 * rng.uniform(); // => the same number on every run
 */
export function streamRng(seed: number, purpose: string): Rng {
  return createRng(splitSeed(seed, purpose));
}
