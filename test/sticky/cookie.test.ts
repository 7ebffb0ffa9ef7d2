import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  affinityCookieHeader,
  isCookieSafeServerId,
  issueAffinityCookie,
  issueUnsignedAffinityCookie,
  readAffinityCookie,
  readUnsignedAffinityCookie,
} from "../../lib/sticky/cookie.js";
import { StickyError } from "../../lib/sticky/errors.js";

const key = Buffer.alloc(32, 7);
const otherKey = Buffer.alloc(32, 8);
const now = 1_700_000_000;

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

const serverId = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.= ;%";

describe("signed affinity cookie", () => {
  it("round-trips server id and expiry", () => {
    const v = issueAffinityCookie("A", { key, now, ttlSeconds: 3600 });
    expect(v).toMatch(/^A\.1700003600\.[A-Za-z0-9_-]{43}$/);
    expect(readAffinityCookie(v, { key, now: now + 10 })).toEqual({ serverId: "A", expiresAt: now + 3600 });
  });

  it("treats an expired cookie as absent, from the expiry instant on", () => {
    const v = issueAffinityCookie("A", { key, now, ttlSeconds: 60 });
    expect(readAffinityCookie(v, { key, now: now + 59.999 })).not.toBeNull();
    expect(readAffinityCookie(v, { key, now: now + 60 })).toBeNull();
    expect(readAffinityCookie(v, { key, now: now + 1e6 })).toBeNull();
  });

  it("rejects every single-character change of a valid value", () => {
    const v = issueAffinityCookie("srv_A-1", { key, now, ttlSeconds: 3600 });
    let tried = 0;
    for (let i = 0; i < v.length; i++) {
      for (const c of ALPHABET) {
        if (c === v[i]) continue;
        const changed = v.slice(0, i) + c + v.slice(i + 1);
        expect(readAffinityCookie(changed, { key, now })).toBeNull();
        tried++;
      }
      // deletion and insertion too
      expect(readAffinityCookie(v.slice(0, i) + v.slice(i + 1), { key, now })).toBeNull();
      expect(readAffinityCookie(v.slice(0, i) + "A" + v.slice(i), { key, now })).toBeNull();
    }
    expect(tried).toBeGreaterThan(v.length * 60);
  });

  it("rejects a forged server id carrying a copied mac, and an extended expiry", () => {
    const v = issueAffinityCookie("A", { key, now, ttlSeconds: 3600 });
    const [, exp, mac] = v.split(".");
    expect(readAffinityCookie(`B.${exp}.${mac}`, { key, now })).toBeNull();
    expect(readAffinityCookie(`A.${Number(exp) + 86400}.${mac}`, { key, now })).toBeNull();
    expect(readAffinityCookie(`A.0${exp}.${mac}`, { key, now })).toBeNull();
  });

  it("rejects a cookie signed with another key", () => {
    const v = issueAffinityCookie("A", { key: otherKey, now, ttlSeconds: 3600 });
    expect(readAffinityCookie(v, { key, now })).toBeNull();
  });

  it("treats malformed and non-string values as absent, never throwing", () => {
    for (const bad of [undefined, null, 42, {}, "", "A", "A.1", "A..x", "A.1.2.3", "A B.1.x", "x".repeat(500)]) {
      expect(readAffinityCookie(bad, { key, now })).toBeNull();
    }
  });

  it("rejects bad keys, server ids and ttl with typed errors", () => {
    expectStickyError(() => issueAffinityCookie("A", { key: Buffer.alloc(31), now, ttlSeconds: 1 }), "ERR_STICKY_INPUT");
    expectStickyError(() => issueAffinityCookie("A", { key: "x".repeat(40) as never, now, ttlSeconds: 1 }), "ERR_STICKY_INPUT");
    expectStickyError(() => readAffinityCookie("A.1.x", { key: new Uint8Array(8), now }), "ERR_STICKY_INPUT");
    expectStickyError(() => issueAffinityCookie("a.b", { key, now, ttlSeconds: 1 }), "ERR_STICKY_INPUT");
    expectStickyError(() => issueAffinityCookie("", { key, now, ttlSeconds: 1 }), "ERR_STICKY_INPUT");
    expectStickyError(() => issueAffinityCookie("x".repeat(65), { key, now, ttlSeconds: 1 }), "ERR_STICKY_INPUT");
    expectStickyError(() => issueAffinityCookie("A", { key, now, ttlSeconds: 0 }), "ERR_STICKY_INPUT");
    expectStickyError(() => issueAffinityCookie("A", { key, now, ttlSeconds: 1.5 }), "ERR_STICKY_INPUT");
    expectStickyError(() => issueAffinityCookie("A", { key, now: NaN, ttlSeconds: 1 }), "ERR_STICKY_INPUT");
  });

  it("accepts a Uint8Array key as well as a Buffer", () => {
    const u8 = new Uint8Array(32).fill(7);
    const v = issueAffinityCookie("A", { key: u8, now, ttlSeconds: 10 });
    expect(readAffinityCookie(v, { key, now })?.serverId).toBe("A");
  });

  it("property: any safe id and ttl round-trips until expiry, then reads as absent", () => {
    fc.assert(
      fc.property(serverId, fc.integer({ min: 1, max: 10 ** 7 }), fc.integer({ min: 0, max: 2 ** 32 }), (id, ttl, t) => {
        const v = issueAffinityCookie(id, { key, now: t, ttlSeconds: ttl });
        expect(readAffinityCookie(v, { key, now: t })).toEqual({ serverId: id, expiresAt: t + ttl });
        expect(readAffinityCookie(v, { key, now: t + ttl })).toBeNull();
        expect(readAffinityCookie(v, { key: otherKey, now: t })).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it("property: a random mutation of a valid value never verifies", () => {
    fc.assert(
      fc.property(
        serverId,
        fc.nat(),
        fc.constantFrom(...ALPHABET),
        fc.constantFrom("replace", "insert", "delete"),
        (id, pos, c, op) => {
          const v = issueAffinityCookie(id, { key, now, ttlSeconds: 3600 });
          const i = pos % v.length;
          const changed =
            op === "replace" ? v.slice(0, i) + c + v.slice(i + 1)
            : op === "insert" ? v.slice(0, i) + c + v.slice(i)
            : v.slice(0, i) + v.slice(i + 1);
          fc.pre(changed !== v);
          expect(readAffinityCookie(changed, { key, now })).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("property: an id swapped into another id's cookie never verifies", () => {
    fc.assert(
      fc.property(serverId, serverId, (a, b) => {
        fc.pre(a !== b);
        const [, exp, mac] = issueAffinityCookie(a, { key, now, ttlSeconds: 60 }).split(".");
        expect(readAffinityCookie(`${b}.${exp}.${mac}`, { key, now })).toBeNull();
      }),
      { numRuns: 300 },
    );
  });
});

describe("unsigned affinity cookie (for comparison)", () => {
  it("trusts whatever id the client sends: a forged value steers", () => {
    expect(issueUnsignedAffinityCookie("A")).toBe("A");
    expect(readUnsignedAffinityCookie("B")).toEqual({ serverId: "B" });
    expect(readUnsignedAffinityCookie("a b")).toBeNull();
    expect(readUnsignedAffinityCookie(undefined)).toBeNull();
    expectStickyError(() => issueUnsignedAffinityCookie("a;b"), "ERR_STICKY_INPUT");
  });

  it("validates cookie-safe server ids", () => {
    expect(isCookieSafeServerId("A")).toBe(true);
    expect(isCookieSafeServerId("srv-1_x")).toBe(true);
    expect(isCookieSafeServerId("10.0.0.1:80")).toBe(false);
    expect(isCookieSafeServerId(7)).toBe(false);
  });
});

describe("affinityCookieHeader", () => {
  it("defaults to HttpOnly, SameSite=Lax, Path=/", () => {
    expect(affinityCookieHeader("SRV", "A")).toBe("SRV=A; Path=/; HttpOnly; SameSite=Lax");
  });

  it("adds Max-Age and Secure, and can drop HttpOnly", () => {
    expect(affinityCookieHeader("SRV", "A.1.x", { maxAge: 60, secure: true })).toBe(
      "SRV=A.1.x; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure",
    );
    expect(affinityCookieHeader("SRV", "A", { httpOnly: false, sameSite: "Strict", path: "/shop" })).toBe(
      "SRV=A; Path=/shop; SameSite=Strict",
    );
    expect(affinityCookieHeader("SRV", "A", { sameSite: "None", secure: true })).toBe(
      "SRV=A; Path=/; HttpOnly; SameSite=None; Secure",
    );
  });

  it("carries a signed value unchanged", () => {
    const v = issueAffinityCookie("A", { key, now, ttlSeconds: 3600 });
    expect(affinityCookieHeader("SRV", v, { maxAge: 3600 }).startsWith(`SRV=${v}; `)).toBe(true);
  });

  it("rejects header injection and inconsistent attributes", () => {
    expectStickyError(() => affinityCookieHeader("S RV", "A"), "ERR_STICKY_COOKIE");
    expectStickyError(() => affinityCookieHeader("SRV", "A; Domain=evil"), "ERR_STICKY_COOKIE");
    expectStickyError(() => affinityCookieHeader("SRV", "A\r\nX: y"), "ERR_STICKY_COOKIE");
    expectStickyError(() => affinityCookieHeader("SRV", "A", { path: "/;x" }), "ERR_STICKY_COOKIE");
    expectStickyError(() => affinityCookieHeader("SRV", "A", { maxAge: -1 }), "ERR_STICKY_INPUT");
    expectStickyError(() => affinityCookieHeader("SRV", "A", { sameSite: "None" }), "ERR_STICKY_INPUT");
  });
});
