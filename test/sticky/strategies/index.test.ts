import { describe, it, expect } from "vitest";
import { BALANCER_KINDS, createBalancer, type BalancerKind } from "../../../lib/sticky/strategies/index.js";
import { expectStickyError, serverNames } from "./helpers.js";

/** A key every kind accepts (ip-hash needs an IPv4 address). */
const keyFor = (kind: BalancerKind, i: number): string => (kind === "ip-hash" ? `10.1.${i >> 8}.${i & 255}` : `session-${i}`);

describe("createBalancer", () => {
  it("builds every kind, reporting its kind and a frozen copy of the servers", () => {
    const servers = serverNames(5);
    for (const kind of BALANCER_KINDS) {
      const b = createBalancer(kind, servers);
      expect(b.kind).toBe(kind);
      expect(b.servers).toEqual(servers);
      expect(b.servers).not.toBe(servers);
      expect(Object.isFrozen(b.servers)).toBe(true);
      expect(servers).toContain(b.pick({ key: keyFor(kind, 1), loads: new Map() }));
    }
  });

  it("is deterministic: two balancers built alike make the same picks", () => {
    for (const kind of BALANCER_KINDS) {
      const a = createBalancer(kind, serverNames(7), { seed: 5 });
      const b = createBalancer(kind, serverNames(7), { seed: 5 });
      const loads = new Map<string, number>();
      for (let i = 0; i < 300; i++) {
        const s = a.pick({ key: keyFor(kind, i), loads });
        expect(b.pick({ key: keyFor(kind, i), loads })).toBe(s);
        loads.set(s, (loads.get(s) ?? 0) + 1);
      }
    }
  });

  it("bad server lists fail with ERR_STICKY_INPUT for every kind", () => {
    for (const kind of BALANCER_KINDS) {
      expectStickyError(() => createBalancer(kind, ["a", "b", "a"]), "ERR_STICKY_INPUT");
      expectStickyError(() => createBalancer(kind, ["a", ""]), "ERR_STICKY_INPUT");
      expectStickyError(() => createBalancer(kind, ["a", 3 as unknown as string]), "ERR_STICKY_INPUT");
      expectStickyError(() => createBalancer(kind, "ab" as unknown as string[]), "ERR_STICKY_INPUT");
    }
  });

  it("an empty server list builds, and pick throws ERR_STICKY_NO_SERVER, for every kind", () => {
    for (const kind of BALANCER_KINDS) {
      expectStickyError(() => createBalancer(kind, []).pick({ key: keyFor(kind, 0) }), "ERR_STICKY_NO_SERVER");
    }
  });

  it("bad options and unknown kinds fail with ERR_STICKY_INPUT", () => {
    expectStickyError(() => createBalancer("bounded-load", ["a"], { epsilon: 0 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBalancer("bounded-load", ["a"], { epsilon: -1 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBalancer("ring", ["a"], { vnodes: 0 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBalancer("bounded-load", ["a"], { vnodes: 0 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBalancer("maglev", ["a"], { tableSize: 100 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBalancer("ip-hash", ["a"], { prefix: 8 as 24 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBalancer("round-robin", ["a"], { seed: 0.5 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createBalancer("random" as BalancerKind, ["a"]), "ERR_STICKY_INPUT");
  });

  it("a missing or non-string key fails with ERR_STICKY_INPUT on the hash-based kinds", () => {
    for (const kind of ["ip-hash", "modulo", "ring", "rendezvous", "jump", "maglev", "bounded-load"] as BalancerKind[]) {
      const b = createBalancer(kind, ["a", "b"]);
      expectStickyError(() => b.pick({ key: undefined as unknown as string }), "ERR_STICKY_INPUT");
      expectStickyError(() => b.pick(null as unknown as { key: string }), "ERR_STICKY_INPUT");
    }
  });
});
