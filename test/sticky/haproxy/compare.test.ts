import { beforeAll, describe, expect, it } from "vitest";
import { StickyError } from "../../../lib/sticky/errors.js";
import {
  type ComparisonRow,
  HAPROXY_SKIP_MESSAGE,
  compareWithHaproxy,
  haproxyAvailable,
} from "../../../lib/sticky/haproxy/index.js";

const HAPROXY = haproxyAvailable();
if (HAPROXY === null) console.warn(HAPROXY_SKIP_MESSAGE);
const NEW_USERS = 6;

const find = (rows: ComparisonRow[], c: ComparisonRow["case"], variant: string): ComparisonRow => {
  const r = rows.find((x) => x.case === c && x.variant === variant);
  if (!r) throw new Error(`no row ${c} / ${variant} in ${JSON.stringify(rows.map((x) => [x.case, x.variant]))}`);
  return r;
};
const report = (rows: ComparisonRow[]): void => {
  for (const r of rows.filter((x) => x.case === "crash")) {
    console.log(`[measured] ${r.proxy} crash (${r.variant}): ${r.status} in ${r.ms} ms, SIGKILL -> first 200: ${r.recoverMs === null ? "never" : `${r.recoverMs} ms`}`);
  }
};

let ours: ComparisonRow[] = [];

describe("compareWithHaproxy: our proxy (no HAProxy needed)", () => {
  beforeAll(async () => {
    ours = await compareWithHaproxy({ proxies: ["ours"], newUsers: NEW_USERS });
    report(ours);
  }, 60_000);

  it("one row per case and variant, all ours", () => {
    expect(ours.every((r) => r.proxy === "ours")).toBe(true);
    expect(ours.map((r) => `${r.case}/${r.variant}`)).toEqual([
      "seed/GET, add iPhone, add iPad, GET",
      "crash/redispatch, check",
      "crash/no redispatch, check",
      "crash/redispatch, no check",
      "crash/no redispatch, no check",
      "tamper/forged: names B",
      "tamper/garbage: ZZZ",
      "drain/drain A",
      "drain/maint A",
    ]);
  });

  it("seed: abc123's [iPhone, iPad] stays on Server A; the cookie is set once", () => {
    expect(find(ours, "seed", "GET, add iPhone, add iPad, GET")).toMatchObject({ status: 200, server: "A", cartKept: true, newCookie: false });
  });

  it("crash with redispatch: no user stuck, the very next request is 200 elsewhere with a new cookie (cart lost)", () => {
    for (const v of ["redispatch, check", "redispatch, no check"]) {
      const r = find(ours, "crash", v);
      expect(r).toMatchObject({ status: 200, cartKept: false, newCookie: true, stuck: false });
      expect(r.server).not.toBe("A");
      expect(r.recoverMs).not.toBeNull();
    }
  });

  it("crash without redispatch: 503; health checks then free her, without them she is stuck", () => {
    expect(find(ours, "crash", "no redispatch, check")).toMatchObject({ status: 503, server: null, stuck: false });
    expect(find(ours, "crash", "no redispatch, no check")).toMatchObject({ status: 503, stuck: true, recoverMs: null });
  });

  it("tamper: a forged or garbage cookie steers no one; each is re-issued", () => {
    for (const v of ["forged: names B", "garbage: ZZZ"]) {
      const r = find(ours, "tamper", v);
      expect(r).toMatchObject({ status: 200, steered: false, honoured: 0, newCookie: true });
      // Round robin spreads the forgers over all three servers, as new users.
      expect(Object.values(r.spread!).reduce((a, b) => a + b, 0)).toBe(NEW_USERS);
      expect(Object.keys(r.spread!).sort()).toEqual(["A", "B", "C"]);
    }
  });

  it("drain: the sticky user keeps her cart on A, new users never go to A; maint moves her", () => {
    const d = find(ours, "drain", "drain A");
    expect(d).toMatchObject({ status: 200, server: "A", cartKept: true, newCookie: false });
    expect(d.spread!.A ?? 0).toBe(0);
    expect(Object.values(d.spread!).reduce((a, b) => a + b, 0)).toBe(NEW_USERS);
    const m = find(ours, "drain", "maint A");
    expect(m).toMatchObject({ status: 200, cartKept: false, newCookie: true });
    expect(m.server).not.toBe("A");
    expect(m.spread!.A ?? 0).toBe(0);
  });

  it("rejects bad options with StickyError", async () => {
    for (const o of [{ proxies: [] }, { proxies: ["nginx"] }, { cases: ["nope"] }, { newUsers: 0 }, { settleMs: 1.5 }, { crashVariants: [{ redispatch: 1 }] }]) {
      await expect(compareWithHaproxy(o as never)).rejects.toThrow(StickyError);
    }
  });
});

describe.skipIf(HAPROXY === null)("compareWithHaproxy: HAProxy on the same cases", () => {
  let hap: ComparisonRow[] = [];
  beforeAll(async () => {
    hap = await compareWithHaproxy({ proxies: ["haproxy"], newUsers: NEW_USERS });
    report(hap);
  }, 90_000);

  it("seed: sticky on A with SERVERID, set once", () => {
    expect(find(hap, "seed", "GET, add iPhone, add iPad, GET")).toMatchObject({ proxy: "haproxy", status: 200, server: "A", cartKept: true, newCookie: false });
  });

  it("tamper: a forged SERVERID=B steers her and every forger to B; garbage is re-issued", () => {
    expect(find(hap, "tamper", "forged: names B")).toMatchObject({ status: 200, server: "B", steered: true, newCookie: false, honoured: NEW_USERS, spread: { B: NEW_USERS } });
    expect(find(hap, "tamper", "garbage: ZZZ")).toMatchObject({ status: 200, steered: false, honoured: 0, newCookie: true });
  });

  it("crash without redispatch, with checks: the first request after the crash fails, then checks move her", () => {
    const r = find(hap, "crash", "no redispatch, check");
    expect(r.status).toBe(503);
    expect(r.stuck).toBe(false);
    expect(find(hap, "crash", "no redispatch, no check")).toMatchObject({ status: 503, stuck: true });
  });

  it("crash with redispatch: 200 elsewhere after HAProxy's connect retries, new cookie, cart lost", () => {
    for (const v of ["redispatch, check", "redispatch, no check"]) {
      const r = find(hap, "crash", v);
      expect(r).toMatchObject({ status: 200, cartKept: false, newCookie: true, stuck: false });
      expect(r.server).not.toBe("A");
    }
  });

  it("drain and maint: the same outcomes as ours", () => {
    for (const v of ["drain A", "maint A"]) {
      const h = find(hap, "drain", v);
      const o = find(ours, "drain", v);
      expect({ s: h.status, c: h.cartKept, n: h.newCookie, a: h.spread!.A ?? 0 }).toEqual({ s: o.status, c: o.cartKept, n: o.newCookie, a: o.spread!.A ?? 0 });
    }
    expect(find(hap, "drain", "drain A")).toMatchObject({ server: "A", cartKept: true });
  });

  it("side by side: crash outcomes agree in kind; only the forged cookie differs", () => {
    for (const v of ["redispatch, check", "no redispatch, check", "redispatch, no check", "no redispatch, no check"]) {
      const h = find(hap, "crash", v);
      const o = find(ours, "crash", v);
      expect({ s: h.status, k: h.cartKept, n: h.newCookie, st: h.stuck }).toEqual({ s: o.status, k: o.cartKept, n: o.newCookie, st: o.stuck });
    }
    expect(find(hap, "tamper", "forged: names B").steered).not.toBe(find(ours, "tamper", "forged: names B").steered);
  });
});
