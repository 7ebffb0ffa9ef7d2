/**
 * @module sticky/strategies/jump
 *
 * Jump consistent hash (Lamping & Veach 2014, arXiv 1406.2294): maps a 64-bit
 * key to a bucket in [0, N) with no table, O(ln N) time, near-perfect balance
 * and the minimum movement: from N to N+1 buckets a key moves with
 * probability 1/(N+1), and only to the new bucket N.
 *
 * Jump hash is defined on bucket NUMBERS, not names: bucket i is the i-th
 * server in the list. It therefore only supports adding or removing the LAST
 * server of the list; removing one in the middle renumbers every later
 * bucket and moves far more keys (use ring, rendezvous or Maglev for that).
 */
import { StickyError } from "../errors.js";
import { hash64Into } from "../hash.js";
import { type Balancer, type RouteInput, checkKey, checkServers, noServer } from "./balancer.js";

// The paper's LCG multiplier 2862933555777941757 = 0x27BB2EE6_87B0B0FD,
// split for exact 64-bit arithmetic on 32-bit halves (and 16-bit quarters
// for the one 32x32 -> 64 product).
const M_HI = 0x27bb2ee6;
const M_LO = 0x87b0b0fd;
const M_LO_1 = M_LO >>> 16;
const M_LO_0 = M_LO & 0xffff;

/**
 * The published algorithm, exactly, on a 64-bit key given as two unsigned
 * 32-bit halves:
 *
 * ```c
 * int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) {
 *   int64_t b = -1, j = 0;
 *   while (j < num_buckets) {
 *     b = j;
 *     key = key * 2862933555777941757ULL + 1;
 *     j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1));
 *   }
 *   return b;
 * }
 * ```
 *
 * The 64-bit multiply is done on 32-bit halves (every intermediate stays
 * below 2^53, so doubles are exact) and the division is the same IEEE double
 * arithmetic as the C code, so results match the reference bit for bit.
 *
 * @param keyHi - high 32 bits of the key (unsigned)
 * @param keyLo - low 32 bits of the key (unsigned)
 * @param buckets - number of buckets, an integer in [1, 2^31)
 * @returns the bucket in [0, buckets)
 * @throws StickyError ERR_STICKY_INPUT if `buckets` is not an integer in [1, 2^31)
 * @example
 * jumpHash(0, 0, 1);     // => 0
 * jumpHash(0, 1, 10);    // the bucket of key 1 among 10
 */
export function jumpHash(keyHi: number, keyLo: number, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1 || buckets >= 2 ** 31) {
    throw new StickyError("ERR_STICKY_INPUT", `jump hash needs 1 <= buckets < 2^31, got ${buckets}`);
  }
  let hi = keyHi >>> 0;
  let lo = keyLo >>> 0;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    // key = key * M + 1 (mod 2^64). Low word: lo * M_LO, split in 16-bit parts.
    const a1 = lo >>> 16;
    const a0 = lo & 0xffff;
    const p00 = a0 * M_LO_0;
    const p01 = a0 * M_LO_1;
    const p10 = a1 * M_LO_0;
    const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
    const newLo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
    const carry = a1 * M_LO_1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
    // High word: carry + lo * M_HI + hi * M_LO, modulo 2^32 (imul keeps the low 32 bits).
    hi = (carry + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) >>> 0;
    lo = newLo + 1;
    if (lo === 4294967296) {
      lo = 0;
      hi = (hi + 1) >>> 0;
    }
    // key >> 33 is the top 31 bits of the high word.
    j = Math.floor((b + 1) * (2147483648 / ((hi >>> 1) + 1)));
  }
  return b;
}

/**
 * A jump-hash balancer: the key's 64-bit hash ({@link hash64Into}) goes to
 * bucket `jumpHash(hash, N)`, i.e. the server at that index in the list.
 * Only appending or removing the LAST server keeps movement minimal.
 *
 * @param servers - distinct non-empty server ids, in bucket order (may be empty: pick then throws)
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on a bad server list (pick: on a non-string key)
 * @example
 * const b = createJump(["a", "b", "c"]);
 * b.pick({ key: "session-1" }); // one of "a", "b", "c", the same every time
 */
export function createJump(servers: readonly string[]): Balancer {
  return new JumpBalancer(checkServers(servers));
}

class JumpBalancer implements Balancer {
  readonly kind = "jump" as const;
  /** Reused for every key hash: no allocation per pick. */
  private readonly scratch = new Uint32Array(2);

  constructor(readonly servers: readonly string[]) {}

  pick(input: RouteInput): string {
    const key = checkKey(input);
    const n = this.servers.length;
    if (n === 0) throw noServer(this.kind);
    hash64Into(key, this.scratch);
    return this.servers[jumpHash(this.scratch[0], this.scratch[1], n)];
  }
}
