import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  CheckError,
  type LockHold,
  type Operation,
  atMostOneValidLease,
  checkAll,
  fencedTokensIncrease,
  fifoGrants,
  formatSummary,
  livenessMasterWithin,
  lockDelayRespected,
  monotonic,
  noConflictingLockHolders,
  noStaleCachedReads,
  sessionsOutliveLeases,
} from "../../../lib/chubby/check/index.js";

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof CheckError ? e.code : "other";
  }
  return "none";
}

const hold = (holder: string, from: number, to: number, mode: LockHold["mode"] = "exclusive", generation = 1, lock = "L"): LockHold => ({
  lock,
  holder,
  mode,
  from,
  to,
  generation,
});

describe("atMostOneValidLease", () => {
  it("passes for back-to-back leases of different masters and for one master's overlapping renewals", () => {
    expect(
      atMostOneValidLease([
        { node: "r1", epoch: 1, from: 0, to: 5000 },
        { node: "r1", epoch: 1, from: 4000, to: 9000 },
        { node: "r2", epoch: 2, from: 9000, to: 14000 },
      ]),
    ).toEqual([]);
  });

  it("reports two masters whose leases overlap, at the start of the overlap", () => {
    const v = atMostOneValidLease([
      { node: "r2", epoch: 2, from: 4000, to: 9000 },
      { node: "r1", epoch: 1, from: 0, to: 5000 },
    ]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: "atMostOneValidLease", at: 4000 });
    expect(v[0].detail).toContain("[4000, 5000)");
  });

  it("matches a brute-force pairwise check (property)", () => {
    const lease = fc.record({ node: fc.constantFrom("a", "b", "c"), epoch: fc.nat(5), from: fc.nat(100), len: fc.nat(30) });
    fc.assert(
      fc.property(fc.array(lease, { maxLength: 12 }), (ls) => {
        const leases = ls.map((l) => ({ node: l.node, epoch: l.epoch, from: l.from, to: l.from + l.len }));
        let pairs = 0;
        for (let i = 0; i < leases.length; i++)
          for (let j = i + 1; j < leases.length; j++) {
            const a = leases[i];
            const b = leases[j];
            // Both non-empty and sharing an instant.
            if (a.node !== b.node && a.from < a.to && b.from < b.to && a.from < b.to && b.from < a.to) pairs++;
          }
        expect(atMostOneValidLease(leases)).toHaveLength(pairs);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects an interval that ends before it starts", () => {
    expect(codeOf(() => atMostOneValidLease([{ node: "a", epoch: 1, from: 5, to: 4 }]))).toBe("ERR_CHECK_HISTORY");
  });
});

describe("noConflictingLockHolders", () => {
  it("passes for shared holders together and exclusive holders one after another", () => {
    expect(noConflictingLockHolders([hold("a", 0, 10, "shared"), hold("b", 5, 20, "shared"), hold("c", 20, 30), hold("d", 30, Infinity)])).toEqual([]);
  });

  it("reports an exclusive holder overlapping anyone, per lock", () => {
    const v = noConflictingLockHolders([hold("a", 0, 10, "shared"), hold("b", 5, 20), hold("c", 0, 100, "exclusive", 1, "other")]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: "noConflictingLockHolders", at: 5 });
    expect(v[0].detail).toMatch(/^L: a \(shared.*b \(exclusive/);
  });

  it("rejects an unknown mode", () => {
    expect(codeOf(() => noConflictingLockHolders([hold("a", 0, 1, "read" as "shared")]))).toBe("ERR_CHECK_HISTORY");
  });
});

describe("fencedTokensIncrease", () => {
  it("passes for non-decreasing accepted tokens, whatever was rejected", () => {
    expect(
      fencedTokensIncrease([
        { resource: "db", token: 3, accepted: true, at: 0, holder: "a" },
        { resource: "db", token: 3, accepted: true, at: 5, holder: "a" },
        { resource: "db", token: 2, accepted: false, at: 6, holder: "old" },
        { resource: "db", token: 5, accepted: true, at: 9, holder: "b" },
        { resource: "log", token: 1, accepted: true, at: 10 },
      ]),
    ).toEqual([]);
  });

  it("reports a stale token accepted, and one token accepted from two holders", () => {
    const v = fencedTokensIncrease([
      { resource: "db", token: 5, accepted: true, at: 10, holder: "b" },
      { resource: "db", token: 4, accepted: true, at: 20, holder: "a" },
      { resource: "db", token: 5, accepted: true, at: 30, holder: "c" },
    ]);
    expect(v.map((x) => x.at)).toEqual([20, 30]);
    expect(v[0].detail).toContain("accepted token 4 from a at 20 after token 5");
    expect(v[1].detail).toContain("from both b");
  });
});

describe("lockDelayRespected", () => {
  const delay = { lock: "L", freedByFailureAt: 1000, delayMs: 5000 };

  it("passes when the next grant waits out the delay (and a release without failure has none)", () => {
    expect(lockDelayRespected([delay], [hold("a", 0, 1000), hold("b", 6000, 9000), hold("c", 1000, 2000, "exclusive", 1, "M")])).toEqual([]);
    expect(lockDelayRespected([{ ...delay, nextGrantAt: 6000 }], [])).toEqual([]);
  });

  it("reports a grant inside the delay, from holds or from nextGrantAt", () => {
    const v = lockDelayRespected([delay], [hold("a", 0, 1000), hold("b", 3000, 9000)]);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: "lockDelayRespected", at: 3000 });
    expect(v[0].detail).toContain("3000 ms early");
    expect(lockDelayRespected([{ ...delay, nextGrantAt: 1000 }], [])).toHaveLength(1);
    // Reported once when both say the same grant.
    expect(lockDelayRespected([{ ...delay, nextGrantAt: 3000 }], [hold("b", 3000, 9000)])).toHaveLength(1);
  });

  it("rejects a negative delay", () => {
    expect(codeOf(() => lockDelayRespected([{ ...delay, delayMs: -1 }], []))).toBe("ERR_CHECK_HISTORY");
  });
});

describe("sessionsOutliveLeases", () => {
  it("passes for sessions ending at or after their promise, or not at all", () => {
    expect(
      sessionsOutliveLeases([
        { session: "s1", promisedUntil: 12000, endedAt: 12000 },
        { session: "s2", promisedUntil: 12000 },
        { session: "s3", promisedUntil: 12000, endedAt: Infinity },
      ]),
    ).toEqual([]);
  });

  it("reports a session ended before its promised lease", () => {
    const v = sessionsOutliveLeases([{ session: "s1", promisedUntil: 12000, endedAt: 9000 }]);
    expect(v).toEqual([{ invariant: "sessionsOutliveLeases", at: 9000, detail: "session s1 ended at 9000, 3000 ms before its promised lease end 12000" }]);
  });
});

describe("monotonic", () => {
  it("passes for series that never decrease (in time order, whatever the input order)", () => {
    expect(
      monotonic([
        { series: "epoch", value: 2, at: 10 },
        { series: "epoch", value: 1, at: 0 },
        { series: "epoch", value: 2, at: 20 },
        { series: "gen", value: 0, at: 0 },
      ]),
    ).toEqual([]);
  });

  it("reports each decrease", () => {
    const v = monotonic([
      { series: "epoch", value: 3, at: 0 },
      { series: "epoch", value: 2, at: 5 },
      { series: "epoch", value: 4, at: 6 },
      { series: "epoch", value: 3, at: 7 },
    ]);
    expect(v.map((x) => x.at)).toEqual([5, 7]);
    expect(v[1].detail).toBe("epoch fell to 3 at 7 after 4 at 6");
    expect(codeOf(() => monotonic([{ series: "e", value: NaN, at: 0 }]))).toBe("ERR_CHECK_HISTORY");
  });
});

describe("noStaleCachedReads", () => {
  const writes = [
    { key: "f", value: "v1", generation: 1, at: 0, completeAt: 2 },
    { key: "f", value: "v2", generation: 2, at: 10, completeAt: 20 },
  ];

  it("passes for current values, a cache serving the old value until the new write completes, and the initial value", () => {
    expect(
      noStaleCachedReads(
        [
          { client: "c", key: "f", value: "v1", at: 5 },
          { client: "c", key: "f", value: "v1", at: 15 }, // v2 applied but not completed: caches may lag
          { client: "c", key: "f", value: "v2", at: 12 },
          { client: "c", key: "f", value: "v1", at: 30, invokeAt: 19, completeAt: 30 },
          { client: "c", key: "g", value: null, at: 40 },
          { client: "c", key: "f", value: "v2", generation: 2, at: 50 },
        ],
        writes,
      ),
    ).toEqual([]);
  });

  it("reports a read of a value superseded by a completed write, a value from the future, and a wrong generation", () => {
    const v = noStaleCachedReads(
      [
        { client: "c", key: "f", value: "v1", at: 25 },
        { client: "c", key: "f", value: "v2", at: 5 },
        { client: "c", key: "f", value: "v2", generation: 1, at: 50 },
      ],
      writes,
    );
    expect(v.map((x) => x.at)).toEqual([5, 25, 50]);
    expect(v[1].detail).toContain('"v2" had replaced it (took effect at 10, completed at 20)');
    expect(v[0].detail).toContain("no write had produced");
  });

  it("matches the definition checked by brute force (property)", () => {
    const write = fc.record({ value: fc.constantFrom("a", "b", "c"), at: fc.nat(50), lag: fc.nat(10) });
    const read = fc.record({ value: fc.constantFrom("a", "b", "c", null), inv: fc.nat(60), len: fc.nat(5) });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 6 }), fc.array(read, { maxLength: 6 }), (ws, rs) => {
        const writes = ws.map((w) => ({ key: "f", value: w.value, at: w.at, completeAt: w.at + w.lag }));
        const reads = rs.map((r, i) => ({ client: `c${i}`, key: "f", value: r.value, at: r.inv, invokeAt: r.inv, completeAt: r.inv + r.len }));
        const all = [{ key: "f", value: null as string | null, at: -Infinity, completeAt: -Infinity }, ...writes].sort((a, b) => a.at - b.at);
        const staleCount = reads.filter(
          (r) =>
            !all.some(
              (w, k) => w.at <= r.completeAt && w.value === r.value && all.slice(k + 1).every((later) => later.completeAt >= r.invokeAt),
            ),
        ).length;
        expect(noStaleCachedReads(reads, writes)).toHaveLength(staleCount);
      }),
      { numRuns: 500 },
    );
  });

  it("takes the initial value as an option", () => {
    expect(noStaleCachedReads([{ client: "c", key: "g", value: "boot", at: 1 }], [], { initial: "boot" })).toEqual([]);
    expect(noStaleCachedReads([{ client: "c", key: "g", value: "boot", at: 1 }], [])).toHaveLength(1);
  });
});

describe("fifoGrants", () => {
  it("passes when waiters are granted in request order (shared waiters together, a cancelled waiter skipped)", () => {
    expect(
      fifoGrants(
        [
          { lock: "L", client: "a", at: 10 },
          { lock: "L", client: "b", at: 20 },
          { lock: "L", client: "c", at: 30, cancelledAt: 35 },
          { lock: "L", client: "d", at: 40 },
        ],
        [
          { lock: "L", client: "a", at: 50 },
          { lock: "L", client: "b", at: 50 },
          { lock: "L", client: "d", at: 60 },
          { lock: "L", client: "z", at: 55 }, // a TryAcquire: no request, ignored
        ],
      ),
    ).toEqual([]);
  });

  it("reports a waiter granted before an earlier one, pairing by id when given", () => {
    const v = fifoGrants(
      [
        { lock: "L", client: "a", at: 10, id: 1 },
        { lock: "L", client: "b", at: 20, id: 2 },
      ],
      [
        { lock: "L", client: "b", at: 30, id: 2 },
        { lock: "L", client: "a", at: 40, id: 1 },
      ],
    );
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ invariant: "fifoGrants", at: 30 });
    expect(v[0].detail).toContain("a (requested at 10) still waited (granted at 40)");
    // A waiter never granted and never cancelled is overtaken too.
    expect(fifoGrants([{ lock: "L", client: "a", at: 1 }, { lock: "L", client: "b", at: 2 }], [{ lock: "L", client: "b", at: 3 }])).toHaveLength(1);
  });
});

describe("livenessMasterWithin", () => {
  const leases = [{ node: "r2", epoch: 2, from: 7000, to: 12000 }];

  it("passes when a master lease starts within the bound after the heal (or is already valid)", () => {
    expect(livenessMasterWithin(leases, 5000, 2000)).toEqual([]);
    expect(livenessMasterWithin(leases, 8000, 0)).toEqual([]);
  });

  it("reports no master within the bound; rejects a negative bound", () => {
    expect(livenessMasterWithin(leases, 5000, 1000)).toEqual([
      { invariant: "livenessMasterWithin", at: 6000, detail: "no master lease within 1000 ms of the heal at 5000" },
    ]);
    expect(livenessMasterWithin(leases, 12000, 100_000)).toHaveLength(1);
    expect(codeOf(() => livenessMasterWithin(leases, 0, -1))).toBe("ERR_CHECK_INPUT");
  });
});

describe("checkAll and formatSummary", () => {
  const ops: Operation[] = [
    { id: 1, client: "a", op: "write", key: "/ls/cell/leader", input: "web-1", status: "ok", invokeAt: 0, completeAt: 10 },
    { id: 2, client: "b", op: "read", key: "/ls/cell/leader", output: "web-1", status: "ok", invokeAt: 20, completeAt: 30 },
  ];

  it("runs the checks whose records are present and says ok on one line", () => {
    const r = checkAll({ leases: [{ node: "r1", epoch: 1, from: 0, to: 100 }], holds: [hold("a", 0, 50)], operations: ops, heals: [{ at: 0, bound: 10 }] });
    expect(r.violations).toEqual([]);
    expect(Object.keys(r.counts).sort()).toEqual(["atMostOneValidLease", "linearizable", "livenessMasterWithin", "noConflictingLockHolders"]);
    expect(r.linearizability?.ok).toBe(true);
    expect(formatSummary(r)).toBe(
      "ok: 0 violations (atMostOneValidLease 1 checked, noConflictingLockHolders 1 checked, livenessMasterWithin 1 checked, linearizable 2 checked)",
    );
  });

  it("collects violations by time, counts them per invariant, and summarises the first", () => {
    const stale: Operation = { id: 3, client: "c", op: "read", key: "/ls/cell/leader", output: null, status: "ok", invokeAt: 40, completeAt: 41 };
    const r = checkAll({
      holds: [hold("a", 0, 50), hold("b", 20, 60)],
      sessions: [{ session: "s", promisedUntil: 100, endedAt: 90 }],
      monotonic: [],
      operations: [...ops, stale],
    });
    expect(r.violations.map((v) => [v.invariant, v.at])).toEqual([
      ["noConflictingLockHolders", 20],
      ["linearizable", 40],
      ["sessionsOutliveLeases", 90],
    ]);
    expect(r.counts.monotonic).toEqual({ checked: 0, violations: 0 });
    expect(r.counts.linearizable).toEqual({ checked: 3, violations: 1 });
    const line = formatSummary(r);
    expect(line).not.toContain("\n");
    expect(line).toMatch(/^FAIL: 3 violations \(noConflictingLockHolders 1, sessionsOutliveLeases 1, linearizable 1\); first at 20: noConflictingLockHolders: L: a/);
  });

  it("can skip linearizability, and notes a search over budget without calling it a violation", () => {
    expect(checkAll({ operations: ops }, { linearizability: false }).counts).toEqual({});
    const r = checkAll({ operations: ops }, { linearizability: { maxSteps: 1 } });
    expect(r.violations).toEqual([]);
    expect(formatSummary(r)).toContain('linearizability unknown on key "/ls/cell/leader" (search budget exceeded)');
  });
});
