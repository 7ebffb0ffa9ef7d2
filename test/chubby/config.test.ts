import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChubbyError, DEFAULT_TIMING, resolveScenario, resolveTiming, variantFlags } from "../../lib/chubby/index.js";

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof ChubbyError ? e.code : `not a ChubbyError: ${String(e)}`;
  }
  return undefined;
}

describe("resolveTiming", () => {
  it("fills in the paper's defaults: 12 s session lease, 45 s grace, a 3 s master lease under a 4 s election timeout", () => {
    const t = resolveTiming();
    expect(t).toEqual(DEFAULT_TIMING);
    expect(t.sessionLeaseMs).toBe(12_000);
    expect(t.graceMs).toBe(45_000);
    expect(t.leaseTicks * t.tickMs).toBeLessThan(t.electionTicks * t.tickMs);
  });

  it("refuses a master lease that could outlive the election timeout under the drift (ERR_CHUBBY_BAD_CONFIG)", () => {
    expect(codeOf(() => resolveTiming({ leaseTicks: 40, electionTicks: 40 }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    // 38 < 40, but 38 * 1.02 > 39 * 0.98: unsafe once drift is counted.
    expect(codeOf(() => resolveTiming({ leaseTicks: 38, electionTicks: 40, clockDrift: 0.02 }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => resolveTiming({ leaseTicks: 38, electionTicks: 40, clockDrift: 0 }))).toBeUndefined();
  });

  it("refuses a KeepAlive margin the clients' conservative lease would eat (ERR_CHUBBY_BAD_CONFIG)", () => {
    expect(codeOf(() => resolveTiming({ clockDrift: 0.05, keepAliveMarginMs: 1000 }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => resolveTiming({ keepAliveMarginMs: 7000 }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => resolveTiming({ tickMs: -1 }))).toBe("ERR_CHUBBY_BAD_CONFIG");
  });

  it("accepts exactly the lease/election pairs that satisfy the drift margin (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 80 }), fc.integer({ min: 2, max: 80 }), fc.double({ min: 0, max: 0.05, noNaN: true }), (lease, election, d) => {
        const safe = lease * (1 + d) <= (election - 1) * (1 - d) && 1 < lease;
        const code = codeOf(() => resolveTiming({ leaseTicks: lease, electionTicks: election, heartbeatTicks: 1, clockDrift: d, keepAliveMarginMs: 2000 }));
        expect(code === undefined).toBe(safe);
      }),
      { numRuns: 300 },
    );
  });
});

describe("resolveScenario", () => {
  it("gives the seed's scenario: 5 replicas, 3 web servers, the lock file, a master crash and a holder crash", () => {
    const s = resolveScenario();
    expect(s.replicas).toBe(5);
    expect(s.webServers).toBe(3);
    expect(s.lockPath).toBe("/ls/cell/web/leader");
    expect(s.faults.map((f) => `${f.kind} ${f.target}`)).toEqual(["crash master", "crash holder"]);
  });

  it("refuses bad scenarios with ERR_CHUBBY_BAD_CONFIG", () => {
    expect(codeOf(() => resolveScenario({ replicas: 0 }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => resolveScenario({ lockDelayMs: 61_000 }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => resolveScenario({ lockPath: "/ls/other/x" }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => resolveScenario({ faults: [{ at: 5, kind: "crash" }] }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => resolveScenario({ variant: "no-such" as never }))).toBe("ERR_CHUBBY_BAD_CONFIG");
    expect(codeOf(() => variantFlags("nope"))).toBe("ERR_CHUBBY_BAD_CONFIG");
  });
});
