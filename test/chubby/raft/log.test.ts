import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { RaftLog, type Entry } from "../../../lib/chubby/raft/index.js";

/** A log with the given terms at indexes 1..n. */
function logOf(terms: number[]): RaftLog {
  return new RaftLog(terms.map((term, i) => ({ term, index: i + 1, data: i })));
}

const sortedTerms = fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 40 }).map((a) => a.sort((x, y) => x - y));

describe("RaftLog", () => {
  it("termAt: 0 at index 0, -1 past the end", () => {
    const log = logOf([1, 1, 2]);
    expect([log.termAt(0), log.termAt(1), log.termAt(3), log.termAt(4)]).toEqual([0, 1, 2, -1]);
    expect([log.lastIndex, log.lastTerm]).toEqual([3, 2]);
  });

  it("property: findConflictByTerm equals the linear scan down from index", () => {
    fc.assert(
      fc.property(sortedTerms, fc.integer({ min: 0, max: 45 }), fc.integer({ min: 0, max: 7 }), (terms, index, term) => {
        const log = logOf(terms);
        let j = Math.min(index, terms.length);
        while (j > 0 && terms[j - 1] > term) j--;
        expect(log.findConflictByTerm(index, term)).toBe(j);
      }),
    );
  });

  it("append refuses a gap", () => {
    const log = logOf([1]);
    expect(() => log.append({ term: 1, index: 3, data: null })).toThrow(RangeError);
  });

  it("property: replaying takeUnstable onto a copy of storage keeps it equal to the log", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("append" as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.integer({ min: 1, max: 30 }) }),
      fc.record({ kind: fc.constant("persist" as const) }),
    );
    fc.assert(
      fc.property(sortedTerms, fc.array(op, { maxLength: 40 }), (initial, ops) => {
        const log = logOf(initial);
        const stored: Entry[] = log.copy();
        let term = initial.length ? initial[initial.length - 1] : 1;
        const persist = (): void => {
          const u = log.takeUnstable();
          if (u === null) return;
          if (u.truncateFrom !== undefined) {
            expect(u.entries.length === 0 || u.entries[0].index >= u.truncateFrom).toBe(true);
            stored.length = u.truncateFrom - 1;
          }
          for (const e of u.entries) {
            expect(e.index).toBe(stored.length + 1);
            stored.push(e);
          }
        };
        for (const o of ops) {
          if (o.kind === "append") {
            term++;
            for (let k = 0; k < o.n; k++) log.append({ term, index: log.lastIndex + 1, data: k });
          } else if (o.kind === "truncate") {
            if (o.at <= log.lastIndex) log.truncateFrom(o.at);
          } else persist();
        }
        persist();
        expect(stored).toEqual(log.copy());
        expect(log.hasUnstable).toBe(false);
      }),
    );
  });

  it("counts truncations and remembers where the last one cut", () => {
    const log = logOf([1, 1, 2, 2]);
    log.truncateFrom(3);
    log.truncateFrom(9); // past the end: nothing to cut
    expect([log.truncations, log.lastTruncatedFrom, log.lastIndex]).toEqual([1, 3, 2]);
  });

  it("slice returns at most max entries from the range", () => {
    const log = logOf([1, 1, 1, 1, 1]);
    expect(log.slice(2, 5, 2).map((e) => e.index)).toEqual([2, 3]);
    expect(log.slice(6, 9, 10)).toEqual([]);
  });
});
