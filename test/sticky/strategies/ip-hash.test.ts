import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { createIpHash, parseIpv4 } from "../../../lib/sticky/strategies/index.js";
import { expectStickyError, serverNames } from "./helpers.js";

const octet = fc.integer({ min: 0, max: 255 });

describe("parseIpv4", () => {
  it("parses every dotted quad to its 32-bit value", () => {
    fc.assert(
      fc.property(octet, octet, octet, octet, (a, b, c, d) => {
        expect(parseIpv4(`${a}.${b}.${c}.${d}`)).toBe(((a * 256 + b) * 256 + c) * 256 + d);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects malformed addresses", () => {
    for (const bad of ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "a.b.c.d", " 1.2.3.4", "1.2.3.4 ", "::1", "1.2.3.-4", "1.2.3.4."]) {
      expect(parseIpv4(bad), bad).toBe(-1);
    }
  });
});

describe("ip hash", () => {
  const servers = serverNames(10);

  it("/24 maps a whole /24 to one server, like nginx ip_hash", () => {
    const b = createIpHash(servers, { prefix: 24 });
    fc.assert(
      fc.property(octet, octet, octet, (a, c, d) => {
        const first = b.pick({ key: `${a}.${c}.${d}.0` });
        for (let last = 1; last < 256; last += 17) expect(b.pick({ key: `${a}.${c}.${d}.${last}` })).toBe(first);
      }),
      { numRuns: 50 },
    );
  });

  it("/32 (the default) spreads one /24 over the servers", () => {
    const b = createIpHash(servers);
    const used = new Set(Array.from({ length: 256 }, (_, i) => b.pick({ key: `198.51.100.${i}` })));
    expect(used.size).toBe(10);
  });

  it("NAT imbalance: 1,000 users behind 3 NAT addresses on 10 servers give max/mean > 2", () => {
    const nat = ["203.0.113.10", "198.51.100.20", "192.0.2.30"];
    for (const prefix of [32, 24] as const) {
      const b = createIpHash(servers, { prefix });
      const counts = new Map<string, number>();
      for (let u = 0; u < 1000; u++) {
        const s = b.pick({ key: nat[u % 3] });
        counts.set(s, (counts.get(s) ?? 0) + 1);
      }
      expect(counts.size).toBeLessThanOrEqual(3);
      expect(Math.max(...counts.values()) / (1000 / 10)).toBeGreaterThan(2);
    }
  });

  it("the same 1,000 users with their own addresses are spread (max/mean < 1.6)", () => {
    const b = createIpHash(servers);
    const counts = new Map<string, number>();
    for (let u = 0; u < 1000; u++) {
      const s = b.pick({ key: `10.${u >> 8}.${u & 255}.${(u * 7) & 255}` });
      counts.set(s, (counts.get(s) ?? 0) + 1);
    }
    expect(Math.max(...counts.values()) / 100).toBeLessThan(1.6);
  });

  it("bad IPs, bad prefixes and empty lists fail with codes", () => {
    const b = createIpHash(servers);
    for (const key of ["10.0.0", "10.0.0.256", "localhost", "::1"]) expectStickyError(() => b.pick({ key }), "ERR_STICKY_INPUT");
    expectStickyError(() => createIpHash(servers, { prefix: 16 as 24 }), "ERR_STICKY_INPUT");
    expectStickyError(() => createIpHash([]).pick({ key: "10.0.0.1" }), "ERR_STICKY_NO_SERVER");
  });
});
