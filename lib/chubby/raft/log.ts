/**
 * @module chubby/raft/log
 *
 * A node's in-memory Raft log: entries by index (from 1), suffix truncation,
 * the term lookups the protocol needs, and bookkeeping of what changed since
 * the driver last persisted (so `ready()` hands out only the new suffix,
 * never a copy of the whole log).
 */
import type { Entry } from "./types.js";

/**
 * Shared empty entry list, so heartbeats allocate nothing.
 *
 * @example
 * NO_ENTRIES.length; // => 0
 */
export const NO_ENTRIES: readonly Entry[] = Object.freeze([]) as readonly Entry[];

/**
 * The unpersisted part of a log, as `RaftLog.takeUnstable` returns it.
 *
 * @example
 * const u: UnstableEntries = { entries: [{ term: 1, index: 1, data: null }] };
 */
export interface UnstableEntries {
  /** Entries to append to storage. */
  entries: Entry[];
  /** When set, storage drops entries with index >= truncateFrom first. */
  truncateFrom?: number;
}

/**
 * The log of one node. Terms never decrease along a valid Raft log, which
 * lets `findConflictByTerm` binary-search.
 *
 * @example
 * const log = new RaftLog([]);
 * log.append({ term: 1, index: 1, data: null });
 * log.termAt(1); // => 1
 */
export class RaftLog {
  private readonly items: Entry[];
  /** Lowest index written or removed since the last takeUnstable (Infinity: none). */
  private unstableFrom = Infinity;
  /** Last index the driver's storage holds, as of the last takeUnstable. */
  private stableLast: number;
  /** How many suffix truncations happened (monitors use it to spot rewrites). */
  truncations = 0;
  /** Index at which the latest truncation cut the log (0: never). */
  lastTruncatedFrom = 0;

  /**
   * @param initial - the persisted entries (copied once; indexes 1..n)
   */
  constructor(initial: readonly Entry[]) {
    this.items = initial.slice();
    this.stableLast = this.items.length;
  }

  /** Index of the last entry (0 when empty). */
  get lastIndex(): number {
    return this.items.length;
  }

  /** Term of the last entry (0 when empty). */
  get lastTerm(): number {
    const n = this.items.length;
    return n === 0 ? 0 : this.items[n - 1].term;
  }

  /**
   * Term of the entry at `index`: 0 for index 0, -1 when there is no such entry.
   *
   * @param index - a log index
   * @returns the term, 0 or -1
   * @example
   * new RaftLog([]).termAt(0); // => 0
   */
  termAt(index: number): number {
    if (index === 0) return 0;
    const e = this.items[index - 1];
    return e === undefined ? -1 : e.term;
  }

  /**
   * The entry at `index`, or undefined.
   *
   * @param index - a log index
   * @returns the entry (shared, not a copy)
   * @example
   * new RaftLog([]).entry(1); // => undefined
   */
  entry(index: number): Entry | undefined {
    return index >= 1 ? this.items[index - 1] : undefined;
  }

  /**
   * Appends one entry; its index must be lastIndex + 1.
   *
   * @param e - the entry
   * @returns nothing
   * @throws {RangeError} when the index does not follow the last one (a programming error)
   * @example
   * new RaftLog([]).append({ term: 1, index: 1, data: "x" });
   */
  append(e: Entry): void {
    if (e.index !== this.items.length + 1) throw new RangeError(`append at ${e.index} after ${this.items.length}`);
    this.items.push(e);
    if (e.index < this.unstableFrom) this.unstableFrom = e.index;
  }

  /**
   * Removes every entry with index >= from.
   *
   * @param from - first index to remove (1..lastIndex)
   * @returns nothing
   * @example
   * log.truncateFrom(5); // log.lastIndex === 4 afterwards
   */
  truncateFrom(from: number): void {
    if (from > this.items.length) return;
    this.items.length = from - 1;
    this.truncations++;
    this.lastTruncatedFrom = from;
    if (from < this.unstableFrom) this.unstableFrom = from;
  }

  /**
   * Entries with index in [from, to], at most `max` of them (shared objects, new array).
   *
   * @param from - first index (>= 1)
   * @param to - last index
   * @param max - most entries to return
   * @returns the entries
   * @example
   * log.slice(1, log.lastIndex, 64);
   */
  slice(from: number, to: number, max: number): Entry[] {
    const end = Math.min(to, this.items.length, from + max - 1);
    return end < from ? [] : this.items.slice(from - 1, end);
  }

  /**
   * The largest index j <= index whose term is <= term (0 when none): where a
   * log that disagrees from `index` on could still agree with one whose entry
   * at `index` has term `term` (etcd's findConflictByTerm). Binary search,
   * since terms never decrease along the log.
   *
   * @param index - the index to search down from
   * @param term - the term bound
   * @returns the index j
   * @example
   * // terms [1,1,2,2,3]: findConflictByTerm(5, 2) => 4
   */
  findConflictByTerm(index: number, term: number): number {
    let hi = Math.min(index, this.items.length);
    let lo = 0;
    // Invariant: termAt(lo) <= term (termAt(0) = 0), answer in [lo, hi].
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.items[mid - 1].term <= term) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Hands out what changed since the previous call and marks it persisted.
   *
   * @returns the entries to store and the truncation point, or null when nothing changed
   * @example
   * const u = log.takeUnstable(); // then write u.entries
   */
  takeUnstable(): UnstableEntries | null {
    const from = this.unstableFrom;
    if (from === Infinity) return null;
    const entries = from <= this.items.length ? this.items.slice(from - 1) : [];
    const out: UnstableEntries = from <= this.stableLast ? { entries, truncateFrom: from } : { entries };
    this.unstableFrom = Infinity;
    this.stableLast = this.items.length;
    return out;
  }

  /** True when some entries (or a truncation) are not handed out yet. */
  get hasUnstable(): boolean {
    return this.unstableFrom !== Infinity;
  }

  /**
   * A copy of the whole log (O(n): for display and tests, not hot paths).
   *
   * @returns the entries, indexes 1..n
   * @example
   * log.copy().length === log.lastIndex; // => true
   */
  copy(): Entry[] {
    return this.items.slice();
  }
}
