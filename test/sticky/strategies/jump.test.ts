import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createJump, jumpHash } from "../../../lib/sticky/strategies/index.js";
import { hash64 } from "../../../lib/sticky/hash.js";
import { expectStickyError, serverNames, sessionKeys } from "./helpers.js";

const MASK64 = (1n << 64n) - 1n;

/** The paper's code (Lamping & Veach 2014, Figure 1), transcribed with BigInt for the 64-bit key. */
function jumpReference(key: bigint, numBuckets: number): number {
  let b = -1n;
  let j = 0n;
  while (j < BigInt(numBuckets)) {
    b = j;
    key = (key * 2862933555777941757n + 1n) & MASK64;
    // j = (b + 1) * (double(1LL << 31) / double((key >> 33) + 1)), truncated to int64
    j = BigInt(Math.floor(Number(b + 1n) * (2 ** 31 / Number((key >> 33n) + 1n))));
  }
  return Number(b);
}

const jump64 = (key: bigint, n: number): number => jumpHash(Number(key >> 32n), Number(key & 0xffffffffn), n);

describe("jumpHash", () => {
  it("matches a BigInt transcription of the paper's code on random 64-bit keys", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MASK64 }), fc.integer({ min: 1, max: 100_000 }), (key, n) => {
        expect(jump64(key, n)).toBe(jumpReference(key, n));
      }),
      { numRuns: 3000 },
    );
  });

  it("matches published golden values (Guava's Hashing.consistentHash, the same algorithm)", () => {
    // Guava HashingTest: consistentHash(i, 100) for i = 0..19, and a few more.
    const golden100 = [0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83];
    expect(golden100.map((_, i) => jump64(BigInt(i), 100))).toEqual(golden100);
    expect(jump64(10863919174838991n, 11)).toBe(6);
    expect(jump64(2016238256797177309n, 11)).toBe(3);
    expect(jump64(1673758223894951030n, 11)).toBe(5);
    expect(jump64(2n, 100001)).toBe(80343);
    expect(jump64(2201n, 100001)).toBe(22152);
    expect(jump64(2202n, 100001)).toBe(15018);
  });

  it("returns a bucket in range, monotone: growing N only ever moves a key to the new bucket", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MASK64 }), fc.integer({ min: 1, max: 500 }), (key, n) => {
        const a = jump64(key, n);
        const b = jump64(key, n + 1);
        expect(a >= 0 && a < n).toBe(true);
        expect(b === a || b === n).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("rejects bucket counts outside [1, 2^31)", () => {
    for (const n of [0, -1, 1.5, 2 ** 31, NaN]) expectStickyError(() => jumpHash(0, 0, n), "ERR_STICKY_INPUT");
  });
});

describe("createJump", () => {
  it("maps bucket i to the i-th server and uses the 64-bit key hash", () => {
    const servers = serverNames(7);
    const b = createJump(servers);
    for (const k of sessionKeys(500)) expect(b.pick(k)).toBe(servers[jump64(hash64(k.key), 7)]);
  });

  it("removing a server in the MIDDLE moves far more keys than removing the last (documented limit)", () => {
    const keys = sessionKeys(20_000);
    const all = createJump(serverNames(10));
    const withoutLast = createJump(serverNames(9));
    const withoutMiddle = createJump(serverNames(10).filter((s) => s !== "server-4"));
    let movedLast = 0;
    let movedMiddle = 0;
    for (const k of keys) {
      if (all.pick(k) !== withoutLast.pick(k)) movedLast++;
      if (all.pick(k) !== withoutMiddle.pick(k)) movedMiddle++;
    }
    expect(movedLast / keys.length).toBeLessThan(0.12);
    expect(movedMiddle / keys.length).toBeGreaterThan(0.3);
  });
});
