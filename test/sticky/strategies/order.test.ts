/**
 * Properties over random server sets (fast-check): server-order independence
 * for the name-based strategies, and minimal movement on adding or removing a
 * random server.
 */
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createBalancer, type BalancerKind } from "../../../lib/sticky/strategies/index.js";
import { sessionKeys, shuffled } from "./helpers.js";

const KEYS = sessionKeys(1500);
const names = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 });
const draws = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 16 });

describe("server-order independence", () => {
  for (const kind of ["ring", "rendezvous", "maglev", "bounded-load"] as BalancerKind[]) {
    it(`${kind}: any permutation of the server list gives the same picks`, () => {
      fc.assert(
        fc.property(names, draws, (servers, r) => {
          const opts = { vnodes: 20, tableSize: 251 };
          const a = createBalancer(kind, servers, opts);
          const b = createBalancer(kind, shuffled(servers, r), opts);
          for (const k of KEYS) expect(b.pick(k)).toBe(a.pick(k));
        }),
        { numRuns: 25 },
      );
    });
  }
});

describe("minimal movement on membership change, random servers", () => {
  for (const kind of ["ring", "rendezvous"] as BalancerKind[]) {
    it(`${kind}: adding a server moves keys only TO it; removing one moves only ITS keys`, () => {
      fc.assert(
        fc.property(names, fc.string({ minLength: 1, maxLength: 12 }), (servers, extra) => {
          fc.pre(!servers.includes(extra));
          const small = createBalancer(kind, servers, { vnodes: 20 });
          const big = createBalancer(kind, [...servers, extra], { vnodes: 20 });
          for (const k of KEYS) {
            const a = small.pick(k);
            const b = big.pick(k);
            // Read both ways: small -> big (add) and big -> small (remove).
            if (a !== b) expect(b).toBe(extra);
          }
        }),
        { numRuns: 25 },
      );
    });
  }

  it("jump: appending a server moves keys only to it (the last bucket)", () => {
    fc.assert(
      fc.property(names, fc.string({ minLength: 1, maxLength: 12 }), (servers, extra) => {
        fc.pre(!servers.includes(extra));
        const small = createBalancer("jump", servers);
        const big = createBalancer("jump", [...servers, extra]);
        for (const k of KEYS) {
          const a = small.pick(k);
          const b = big.pick(k);
          if (a !== b) expect(b).toBe(extra);
        }
      }),
      { numRuns: 25 },
    );
  });
});
