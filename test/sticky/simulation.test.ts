import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  type Scenario,
  defaultScenario,
  runSimulation,
  seedCartScenario,
} from "../../lib/sticky/simulation.js";
import { StickyError } from "../../lib/sticky/errors.js";

const crashA = (at = 60) => [{ at, type: "crash" as const, server: "A" }];

function expectStickyError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StickyError);
    expect((e as StickyError).code).toBe(code);
    return;
  }
  throw new Error("expected a StickyError");
}

describe("the seed's scenario", () => {
  it("session abc123 checks out with exactly [iPhone, iPad] on Server A", () => {
    const r = runSimulation(seedCartScenario());
    expect(r.scenario.servers).toEqual(["A", "B", "C"]);
    expect(r.checkouts).toEqual([{ t: 10, sessionId: "abc123", server: "A", cart: ["iPhone", "iPad"] }]);
    expect(r.trace?.map((e) => [e.action, e.server, e.via])).toEqual([
      ["add", "A", "balancer"],
      ["add", "A", "cookie"],
      ["checkout", "A", "cookie"],
    ]);
    expect(r.sessionsLost).toBe(0);
  });

  it("a crash of A between the adds loses the cart: the checkout happens on another server without the iPhone", () => {
    const r = runSimulation(seedCartScenario({ events: crashA(2) }));
    expect(r.sessionsLost).toBe(1);
    expect(r.checkouts[0].server).not.toBe("A");
    expect(r.checkouts[0].cart).toEqual(["iPad"]);
  });
});

describe("determinism", () => {
  it("the same scenario gives a deep-equal result; another seed differs", () => {
    const s = defaultScenario({ events: crashA(), trace: true });
    expect(runSimulation(s)).toEqual(runSimulation(s));
    expect(runSimulation({ ...s, seed: 43 }).trace).not.toEqual(runSimulation(s).trace);
  });

  it("does not modify the scenario it is given", () => {
    const s = defaultScenario({ events: crashA() });
    const copy = JSON.parse(JSON.stringify(s));
    runSimulation(s);
    expect(s).toEqual(copy);
  });
});

describe("crash", () => {
  it("property: with redispatch on, no user is stuck and no request fails", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.constantFrom("cookie", "unsigned-cookie", "app-cookie", "none") as fc.Arbitrary<Scenario["mode"]>,
        fc.constantFrom("round-robin", "ring", "rendezvous", "maglev", "jump") as fc.Arbitrary<Scenario["strategy"]>,
        fc.integer({ min: 5, max: 100 }),
        (seed, mode, strategy, at) => {
          const r = runSimulation(defaultScenario({ seed, mode, strategy, users: 120, events: crashA(at) }));
          expect(r.stuckUsers).toBe(0);
          expect(r.failedRequests).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("with redispatch off (cookie mode), the crashed server's users fail until their session ends", () => {
    const r = runSimulation(defaultScenario({ redispatch: false, events: crashA(), trace: true }));
    const trace = r.trace!;
    const onA = new Set<string>();
    const lastBefore = new Map<string, string | null>();
    for (const e of trace) if (e.t < 60) lastBefore.set(e.sessionId, e.server);
    for (const [id, s] of lastBefore) if (s === "A") onA.add(id);
    const after = trace.filter((e) => e.t > 60 && onA.has(e.sessionId));
    expect(after.length).toBeGreaterThan(10);
    expect(after.every((e) => e.server === null)).toBe(true);
    const usersAfter = new Set(after.map((e) => e.sessionId));
    expect(r.stuckUsers).toBeGreaterThanOrEqual(usersAfter.size);
    // Users not on A are unaffected... except new users round robin sends to A.
    expect(r.failedRequests).toBeGreaterThanOrEqual(after.length);
  });

  it("sessions lost on a crash are that server's carts, about 1/N of them", () => {
    const shares: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const r = runSimulation(defaultScenario({ seed, events: crashA() }));
      const c = r.crashes[0];
      // Cookie mode with redispatch: each of A's users with a cart comes back once and finds it gone.
      expect(r.sessionsLost).toBe(c.cartsOnServer);
      expect(c.cartsUnreachable).toBe(c.cartsOnServer);
      shares.push(c.share);
    }
    const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.47);
  });

  it("a shared store loses no cart on any crash; replication survives one crash but not two", () => {
    const two = [...crashA(), { at: 60, type: "crash" as const, server: "B" }];
    for (let seed = 1; seed <= 4; seed++) {
      expect(runSimulation(defaultScenario({ seed, store: "shared", events: two })).sessionsLost).toBe(0);
      expect(runSimulation(defaultScenario({ seed, store: "replicated", events: crashA() })).sessionsLost).toBe(0);
      expect(runSimulation(defaultScenario({ seed, store: "local", events: crashA() })).sessionsLost).toBeGreaterThan(0);
    }
    expect(runSimulation(defaultScenario({ store: "replicated", events: two })).sessionsLost).toBeGreaterThan(0);
  });

  it("health checks stop the failures without redispatch once the crash is noticed", () => {
    const r = runSimulation(defaultScenario({ redispatch: false, healthCheck: { detectAfter: 2 }, events: crashA(), trace: true }));
    expect(r.failedRequests).toBeGreaterThan(0);
    expect(r.trace!.filter((e) => e.t > 62).every((e) => e.server !== null)).toBe(true);
    // Only users whose session ended inside the 2 s before detection end stuck.
    const last = new Map<string, { t: number; ok: boolean }>();
    for (const e of r.trace!) last.set(e.sessionId, { t: e.t, ok: e.server !== null });
    const stuck = [...last.values()].filter((v) => !v.ok);
    expect(stuck.length).toBe(r.stuckUsers);
    expect(stuck.every((v) => v.t >= 60 && v.t <= 62)).toBe(true);
    expect(r.membership[0].cause).toBe("crash-detected");
  });

  it("a restarted server comes back empty and takes users again", () => {
    const r = runSimulation(defaultScenario({ events: [...crashA(), { at: 80, type: "restart", server: "A" }], trace: true }));
    expect(r.trace!.some((e) => e.t > 80 && e.server === "A")).toBe(true);
    expect(r.failedRequests).toBe(0);
  });
});

describe("forged and expired cookies", () => {
  it("property: forged or expired signed cookies steer no one; a forged unsigned cookie steers every forger", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.constantFrom("forged", "expired") as fc.Arbitrary<"forged" | "expired">, (seed, kind) => {
        const forgery = { fraction: 0.3, target: "C", kind };
        const signed = runSimulation(defaultScenario({ seed, users: 150, forgery }));
        expect(signed.forgery!.users).toBeGreaterThan(10);
        expect(signed.forgery!.honoured).toBe(0);
        // Round robin decides, so about a third land on C by chance, never all.
        expect(signed.forgery!.onTarget).toBeLessThan(signed.forgery!.users * 0.7);
        const unsigned = runSimulation(defaultScenario({ seed, users: 150, mode: "unsigned-cookie", forgery }));
        expect(unsigned.forgery!.onTarget).toBe(unsigned.forgery!.users);
        expect(unsigned.forgery!.honoured).toBeGreaterThan(0);
      }),
      { numRuns: 10 },
    );
  });
});

describe("drain", () => {
  it("property: a drained server gets no new users and its session count only decreases", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 10, max: 120 }),
        fc.constantFrom("cookie", "unsigned-cookie", "app-cookie") as fc.Arbitrary<Scenario["mode"]>,
        fc.constantFrom("round-robin", "ring", "least-connections", "bounded-load") as fc.Arbitrary<Scenario["strategy"]>,
        (seed, at, mode, strategy) => {
          const r = runSimulation(defaultScenario({ seed, mode, strategy, users: 150, events: [{ at, type: "drain", server: "A" }] }));
          const d = r.drains[0];
          expect(d.newUsersAfter).toBe(0);
          for (let i = 1; i < d.timeline.length; i++) expect(d.timeline[i].sessions).toBeLessThanOrEqual(d.timeline[i - 1].sessions);
          expect(d.timeline[d.timeline.length - 1].sessions).toBe(0);
        },
      ),
      { numRuns: 20 },
    );
  });

  it("ends with scale-in: the same id scaled out again is a fresh server that takes new users", () => {
    const r = runSimulation(
      defaultScenario({
        events: [
          { at: 30, type: "drain", server: "A" },
          { at: 70, type: "scaleIn", server: "A" },
          { at: 71, type: "scaleOut", server: "A" },
        ],
      }),
    );
    expect(r.drains).toHaveLength(1);
    const later = r.load.timeline.filter((p) => p.t > 90);
    expect(later.some((p) => (p.active.A ?? 0) > 0)).toBe(true);
    // The balancer already excluded the drained A, so its scale-in changes nothing there.
    expect(r.membership.map((m) => m.cause)).toEqual(["drain", "scaleOut"]);
  });

  it("in cookie mode, sticky users stay on the drained server until they leave (no cart lost)", () => {
    const r = runSimulation(defaultScenario({ events: [{ at: 60, type: "drain", server: "A" }] }));
    expect(r.drains[0].timeline[0].sessions).toBeGreaterThan(5);
    expect(r.sessionsLost).toBe(0);
    expect(r.serverSwitches).toBe(0);
  });
});

describe("scale-out", () => {
  it("ring moves about 1/(N+1) of keys; cookie mode moves none of the existing users", () => {
    const ev = [{ at: 60, type: "scaleOut" as const, server: "D" }];
    const hashed = runSimulation(defaultScenario({ mode: "app-cookie", strategy: "ring", events: ev }));
    const m = hashed.membership[0];
    expect(m.ideal).toBeCloseTo(0.25, 10);
    expect(m.probeMovedFraction).toBeGreaterThan(0.25 * 0.6);
    expect(m.probeMovedFraction).toBeLessThan(0.25 * 1.4);
    expect(hashed.sessionsLost).toBeGreaterThan(0);
    const cookie = runSimulation(defaultScenario({ mode: "cookie", strategy: "ring", events: ev }));
    expect(cookie.membership[0].activeKeysMoved).toBeGreaterThan(0);
    expect(cookie.membership[0].activeRerouted).toBe(0);
    expect(cookie.serverSwitches).toBe(0);
    expect(cookie.sessionsLost).toBe(0);
  });

  it("property: for N -> N+1, consistent hashing stays near the ideal while modulo moves most keys", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 9 }), (n) => {
        const servers = Array.from({ length: n }, (_, i) => `S${i}`);
        const ev = [{ at: 30, type: "scaleOut" as const, server: "NEW" }];
        const base = { servers, users: 40, mode: "app-cookie" as const, events: ev, probeKeys: 5000 };
        const ideal = 1 / (n + 1);
        for (const strategy of ["rendezvous", "jump", "maglev"] as const) {
          const f = runSimulation(defaultScenario({ ...base, strategy })).membership[0].probeMovedFraction;
          expect(f).toBeLessThan(ideal * 1.25);
          expect(f).toBeGreaterThan(ideal * 0.75);
        }
        const mod = runSimulation(defaultScenario({ ...base, strategy: "modulo" })).membership[0].probeMovedFraction;
        expect(mod).toBeGreaterThan(0.5);
      }),
      { numRuns: 6 },
    );
  });

  it("scale-in makes the removed server's cookies count as absent", () => {
    const r = runSimulation(defaultScenario({ events: [{ at: 60, type: "scaleIn", server: "A" }] }));
    expect(r.failedRequests).toBe(0);
    expect(r.sessionsLost).toBeGreaterThan(0);
    expect(r.membership[0].ideal).toBeCloseTo(1 / 3, 10);
  });
});

describe("NAT", () => {
  it("NAT + ip-hash gives max/mean > 2; without NAT it stays near 1", () => {
    const servers = ["A", "B", "C", "D", "E"];
    for (const prefix of [32, 24] as const) {
      const nat = runSimulation(
        defaultScenario({ servers, mode: "ip", strategy: "ip-hash", strategyOptions: { prefix }, nat: { addresses: 3, enabled: true } }),
      );
      expect(nat.load.summary.maxOverMean).toBeGreaterThan(2);
    }
    const open = runSimulation(defaultScenario({ servers, mode: "ip", strategy: "ip-hash", users: 1000 }));
    expect(open.load.summary.maxOverMean).toBeLessThan(1.35);
  });

  it("a nat event switches sharing on mid-run", () => {
    const r = runSimulation(
      defaultScenario({ mode: "ip", strategy: "ip-hash", nat: { addresses: 1 }, events: [{ at: 50, type: "nat", enabled: true }], trace: true }),
    );
    const late = new Set(r.trace!.filter((e) => e.t > 60 && e.action !== "checkout").map((e) => e.server));
    expect(late.size).toBe(1);
  });
});

describe("no affinity", () => {
  it("mode none with round robin scatters sessions and loses carts", () => {
    const r = runSimulation(defaultScenario({ mode: "none" }));
    expect(r.serverSwitches).toBeGreaterThan(r.requests / 2);
    expect(r.sessionsLost).toBeGreaterThan(50);
  });

  it("reports load over time and at the end", () => {
    const r = runSimulation(defaultScenario());
    expect(r.load.timeline.length).toBeGreaterThan(50);
    expect(Object.values(r.load.requests).reduce((a, b) => a + b, 0)).toBe(r.requests - r.failedRequests);
    expect(r.load.summary.maxOverMean).toBeGreaterThanOrEqual(1);
    expect(r.checkouts.length).toBe(300);
    expect(r.finishedUsers).toBe(300);
  });

  it("stops at the duration", () => {
    const r = runSimulation(defaultScenario({ duration: 30 }));
    expect(r.endTime).toBe(30);
    expect(r.finishedUsers).toBeLessThan(r.users);
  });
});

describe("bad input", () => {
  it("rejects bad scenarios and impossible events with ERR_STICKY_INPUT", () => {
    expectStickyError(() => runSimulation(defaultScenario({ servers: [] })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ servers: ["A", "A"] })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ servers: ["a.b"] })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ arrivalRate: 0 })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ mode: "x" as never })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ strategy: "ip-hash" })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ events: [{ at: 5, type: "crash", server: "Z" }] })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ events: [{ at: 5, type: "scaleOut", server: "A" }] })), "ERR_STICKY_INPUT");
    expectStickyError(() => runSimulation(defaultScenario({ events: [{ at: -1, type: "drain", server: "A" }] })), "ERR_STICKY_INPUT");
  });
});
