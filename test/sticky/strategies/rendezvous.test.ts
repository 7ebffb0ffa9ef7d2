import { describe, it, expect } from "vitest";
import { createRendezvous, hrwScore } from "../../../lib/sticky/strategies/index.js";
import { hash32 } from "../../../lib/sticky/hash.js";
import { expectStickyError, serverNames, sessionKeys } from "./helpers.js";

describe("rendezvous (HRW)", () => {
  it("picks the server with the highest score hrwScore(hash32(server), hash32(key))", () => {
    const servers = serverNames(9);
    const b = createRendezvous(servers);
    for (const k of sessionKeys(500)) {
      const scores = servers.map((s) => hrwScore(hash32(s), hash32(k.key)));
      expect(b.pick(k)).toBe(servers[scores.indexOf(Math.max(...scores))]);
    }
  });

  it("removing a server moves exactly that server's keys, each to its runner-up", () => {
    const servers = serverNames(8);
    const all = createRendezvous(servers);
    const without = createRendezvous(servers.filter((s) => s !== "server-5"));
    for (const k of sessionKeys(2000)) {
      const a = all.pick(k);
      if (a !== "server-5") expect(without.pick(k)).toBe(a);
    }
  });

  it("an empty list throws ERR_STICKY_NO_SERVER; a non-string key ERR_STICKY_INPUT", () => {
    expectStickyError(() => createRendezvous([]).pick({ key: "x" }), "ERR_STICKY_NO_SERVER");
    expectStickyError(() => createRendezvous(["a"]).pick({ key: 5 as unknown as string }), "ERR_STICKY_INPUT");
  });
});
