import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { buildMaglevTable, createMaglev, isPrime } from "../../../lib/sticky/strategies/index.js";
import { hash32 } from "../../../lib/sticky/hash.js";
import { expectStickyError, serverNames, sessionKeys } from "./helpers.js";

/**
 * The paper's Pseudocode 1, literally: an explicit permutation table and a
 * next[] index per server. The offset/skip hashes are the implementation's
 * (seeds copied from lib/sticky/strategies/maglev.ts).
 */
function populateReference(names: string[], m: number): number[] {
  const n = names.length;
  const permutation = names.map((name) => {
    const offset = hash32(name, 0x6d61676c) % m;
    const skip = (hash32(name, 0x65763136) % (m - 1)) + 1;
    return Array.from({ length: m }, (_, j) => (offset + j * skip) % m);
  });
  const next = new Array(n).fill(0);
  const entry = new Array(m).fill(-1);
  let filled = 0;
  for (;;) {
    for (let i = 0; i < n; i++) {
      let c = permutation[i][next[i]];
      while (entry[c] >= 0) {
        next[i]++;
        c = permutation[i][next[i]];
      }
      entry[c] = i;
      next[i]++;
      filled++;
      if (filled === m) return entry;
    }
  }
}

describe("Maglev table", () => {
  it("equals the paper's POPULATE pseudocode", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(13, 101, 251, 1009),
        (names, m) => {
          fc.pre(names.length <= m);
          expect(Array.from(buildMaglevTable(names, m))).toEqual(populateReference(names, m));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("gives every server floor(M/N) or ceil(M/N) slots (one claim per turn)", () => {
    for (const n of [1, 3, 10, 50, 333]) {
      const t = buildMaglevTable(serverNames(n), 65537);
      const counts = new Array(n).fill(0);
      for (const owner of t) counts[owner]++;
      expect(Math.min(...counts)).toBeGreaterThanOrEqual(Math.floor(65537 / n));
      expect(Math.max(...counts)).toBeLessThanOrEqual(Math.ceil(65537 / n));
    }
  });

  it("isPrime", () => {
    expect([2, 3, 13, 65537, 655373].every(isPrime)).toBe(true);
    expect([0, 1, 4, 65536, 65539 * 3, 1.5, -7].some(isPrime)).toBe(false);
  });
});

describe("createMaglev", () => {
  it("looks up slot hash32(key) mod M, servers in name order", () => {
    const servers = ["c", "a", "b"];
    const b = createMaglev(servers, { tableSize: 101 });
    const t = buildMaglevTable(["a", "b", "c"], 101);
    for (const k of sessionKeys(300)) expect(b.pick(k)).toBe(["a", "b", "c"][t[hash32(k.key) % 101]]);
    expect(createMaglev(servers).tableSize).toBe(65537);
  });

  it("rejects a table size that is not prime, too large, or below the server count", () => {
    for (const tableSize of [65536, 1, 0, -5, 2.5, 16777259]) {
      expectStickyError(() => createMaglev(["a"], { tableSize }), "ERR_STICKY_INPUT");
    }
    expectStickyError(() => createMaglev(serverNames(5), { tableSize: 3 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createMaglev([]).pick({ key: "x" }), "ERR_STICKY_NO_SERVER");
  });
});
