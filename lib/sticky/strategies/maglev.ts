/**
 * @module sticky/strategies/maglev
 *
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software
 * Network Load Balancer", NSDI 2016, section 3.4). Each server derives a
 * permutation of the M slots of a lookup table from two hashes of its name
 * (offset and skip); servers then take turns claiming their next preferred
 * free slot until the table is full. A lookup is one hash and one array read.
 * Every server gets M/N slots, give or take one (near-perfect balance); on a
 * membership change most slots keep their owner, but not all: movement is
 * near-minimal, not minimal (the paper trades a little disruption for
 * balance). M must be prime so every skip visits every slot; the paper's
 * default is 65537 and it recommends M > 100 N.
 */
import { StickyError } from "../errors.js";
import { hash32 } from "../hash.js";
import { type Balancer, type RouteInput, checkKey, checkServers, noServer } from "./balancer.js";

/** Options for {@link createMaglev}. */
export interface MaglevOptions {
  /** Lookup table size M: a prime >= the number of servers and <= 2^24 (default 65537). */
  tableSize?: number;
}

/** The paper's default table size, a prime. */
export const DEFAULT_MAGLEV_TABLE_SIZE = 65537;

// Two unrelated seeds for the offset and skip hashes of a server name.
const OFFSET_SEED = 0x6d61676c; // "magl"
const SKIP_SEED = 0x65763136; // "ev16"

/**
 * Is n prime? Trial division by 6k +- 1 (fine for the table sizes allowed here).
 *
 * @param n - a number
 * @returns true if n is a prime integer
 * @throws never
 * @example
 * isPrime(65537); // => true
 * isPrime(65536); // => false
 */
export function isPrime(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 2) return false;
  if (n < 4) return true;
  if (n % 2 === 0 || n % 3 === 0) return false;
  for (let d = 5; d * d <= n; d += 6) {
    if (n % d === 0 || n % (d + 2) === 0) return false;
  }
  return true;
}

/**
 * Fills a Maglev lookup table exactly as the paper's Pseudocode 1 (POPULATE):
 * servers take turns, in the order given, each claiming the next slot of its
 * permutation `(offset + j * skip) mod M` that is still free, until all M
 * slots are taken. offset = h1(name) mod M, skip = h2(name) mod (M - 1) + 1.
 *
 * @param names - server names, in the turn order (non-empty, at most M)
 * @param tableSize - M, a prime
 * @returns `entry[slot]` = index into `names` of the slot's owner
 * @throws never (callers check M and the names)
 * @example
 * buildMaglevTable(["a", "b"], 7); // => Int32Array [0, 0, 0, 1, 0, 1, 1]
 */
export function buildMaglevTable(names: readonly string[], tableSize: number): Int32Array {
  const m = tableSize;
  const n = names.length;
  const offset = new Float64Array(n);
  const skip = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    offset[i] = hash32(names[i], OFFSET_SEED) % m;
    skip[i] = (hash32(names[i], SKIP_SEED) % (m - 1)) + 1;
  }
  // next[i] is kept as the current permutation VALUE (offset + next * skip)
  // mod M, advanced by one skip at a time: same sequence, no big products.
  const cursor = Float64Array.from(offset);
  const entry = new Int32Array(m).fill(-1);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      let c = cursor[i];
      while (entry[c] >= 0) {
        c += skip[i];
        if (c >= m) c -= m;
      }
      entry[c] = i;
      c += skip[i];
      if (c >= m) c -= m;
      cursor[i] = c;
      filled++;
      if (filled === m) return entry;
    }
  }
}

/**
 * A Maglev balancer. Servers take turns in NAME order (not list order), so
 * the table depends only on the names.
 *
 * @param servers - distinct non-empty server ids (may be empty: pick then throws)
 * @param options - `tableSize` M (prime, default 65537)
 * @returns the balancer
 * @throws StickyError ERR_STICKY_INPUT on a bad server list, or M not a prime
 *   in [number of servers, 2^24] (pick: on a non-string key)
 * @example
 * const b = createMaglev(["a", "b", "c"]);
 * b.pick({ key: "session-1" }); // one of "a", "b", "c", the same every time
 */
export function createMaglev(servers: readonly string[], options: MaglevOptions = {}): Balancer & { readonly tableSize: number } {
  const m = options.tableSize === undefined ? DEFAULT_MAGLEV_TABLE_SIZE : options.tableSize;
  const list = checkServers(servers);
  if (!isPrime(m) || m > 2 ** 24) {
    throw new StickyError("ERR_STICKY_INPUT", `Maglev table size must be a prime <= 2^24, got ${m}`);
  }
  if (m < list.length) {
    throw new StickyError("ERR_STICKY_INPUT", `Maglev table size ${m} is smaller than the ${list.length} servers`);
  }
  return new MaglevBalancer(list, m);
}

class MaglevBalancer implements Balancer {
  readonly kind = "maglev" as const;
  private readonly sorted: readonly string[];
  private readonly entry: Int32Array;

  constructor(readonly servers: readonly string[], readonly tableSize: number) {
    this.sorted = servers.slice().sort();
    this.entry = this.sorted.length === 0 ? new Int32Array(0) : buildMaglevTable(this.sorted, tableSize);
  }

  pick(input: RouteInput): string {
    const key = checkKey(input);
    if (this.sorted.length === 0) throw noServer(this.kind);
    return this.sorted[this.entry[hash32(key) % this.tableSize]];
  }
}
