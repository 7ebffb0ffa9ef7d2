/**
 * @module bench/harness
 *
 * A small benchmark harness: codecs of one comparison run in one process, interleaved over
 * rounds (the order rotates each round), medians reported, and every decode checked for an
 * exact round trip before its time counts.
 */

/** One codec under test, closed over its input. */
export interface BenchCase {
  /** Display name. */
  name: string;
  /** Who wrote it: "ours", or the peer's package name. */
  by: string;
  /** Encodes the comparison's input. */
  encode(): Uint8Array;
  /** Decodes bytes produced by `encode`. */
  decode(bytes: Uint8Array): unknown;
  /** True when `decode`'s result is exactly the input. */
  verify(decoded: unknown): boolean;
  /** Marks a case that is the reference (ratios are taken against it). */
  reference?: boolean;
}

/** Medians of one case. */
export interface BenchResult {
  name: string;
  by: string;
  bytes: number;
  bitsPerValue: number;
  encodeMs: number;
  decodeMs: number;
  encodeMvps: number;
  decodeMvps: number;
  reference: boolean;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs every case `rounds` times (after `warmup` uncounted rounds), rotating the order each
 * round, and returns medians. Throws if any decode is not an exact round trip.
 *
 * @param cases the codecs, each closed over the same input
 * @param count values in the input (for bits per value and values per second)
 * @param rounds counted rounds (default 15)
 * @param warmup uncounted rounds first, for the JIT (default 3)
 * @returns one row per case, in the order given
 * @throws {Error} when a decode is not an exact round trip
 * @example
 * const v = jitteredTimestamps(1000);
 * runCases([hyparquet32(v)], v.length, 3, 1)[0].bitsPerValue; // => about 6.3
 */
export function runCases(cases: BenchCase[], count: number, rounds = 15, warmup = 3): BenchResult[] {
  const enc: number[][] = cases.map(() => []);
  const dec: number[][] = cases.map(() => []);
  const sizes = cases.map(() => 0);
  for (let r = 0; r < warmup + rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const i = (k + r) % cases.length;
      const c = cases[i];
      const t0 = performance.now();
      const bytes = c.encode();
      const t1 = performance.now();
      const out = c.decode(bytes);
      const t2 = performance.now();
      if (!c.verify(out)) throw new Error(`${c.name}: decode is not an exact round trip`);
      sizes[i] = bytes.length;
      if (r >= warmup) {
        enc[i].push(t1 - t0);
        dec[i].push(t2 - t1);
      }
    }
  }
  return cases.map((c, i) => {
    const encodeMs = median(enc[i]);
    const decodeMs = median(dec[i]);
    return {
      name: c.name,
      by: c.by,
      bytes: sizes[i],
      bitsPerValue: (8 * sizes[i]) / count,
      encodeMs,
      decodeMs,
      encodeMvps: count / encodeMs / 1000,
      decodeMvps: count / decodeMs / 1000,
      reference: c.reference === true,
    };
  });
}

/**
 * True when two array-likes hold the same elements (=== equality, and NaN equals NaN).
 *
 * @example
 * sameValues(Int32Array.of(1, 2), [1, 2]); // => true
 */
export function sameValues(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !Object.is(a[i], b[i])) return false;
  return true;
}

/**
 * True when two Float64Arrays hold the same bits (so -0 differs from 0, and NaN payloads count).
 *
 * @example
 * sameBits(Float64Array.of(-0), Float64Array.of(0)); // => false
 */
export function sameBits(a: Float64Array, b: unknown): boolean {
  if (!(b instanceof Float64Array) || a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length * 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}
