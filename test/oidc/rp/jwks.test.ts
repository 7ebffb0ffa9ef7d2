import { beforeAll, describe, expect, it } from "vitest";
import type { JWK } from "jose";
import { OidcError } from "../../../lib/oidc/errors.js";
import { createJwksCache, findKeys, isSuitableKey, parseJwks } from "../../../lib/oidc/rp/jwks.js";
import { createIdTokenValidator } from "../../../lib/oidc/rp/validate.js";
import { CLIENT_ID, ISSUER, NOW, goodClaims, jwksServer, makeKey, sign, type TestKey } from "./helpers.js";

let k1: TestKey;
let k2: TestKey;
let ec: TestKey;

beforeAll(async () => {
  k1 = await makeKey("RS256", "k1");
  k2 = await makeKey("RS256", "k2");
  ec = await makeKey("ES256", "e1");
});

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "found";
  } catch (e) {
    if (!(e instanceof OidcError)) throw e;
    return e.code;
  }
}

describe("JWKS cache", () => {
  it("fetches on first use, then serves from the cache", async () => {
    const srv = jwksServer([k1.publicJwk]);
    const cache = createJwksCache({ jwksUri: `${ISSUER}/jwks`, fetch: srv.fetch, now: () => NOW });
    const a = await cache.selectKey("RS256", "k1");
    const b = await cache.selectKey("RS256", "k1");
    expect([a.refetched, b.refetched]).toEqual([true, false]);
    expect(srv.count()).toBe(1);
    expect(cache.stats()).toMatchObject({ fetches: 1, failures: 0, keyCount: 1, kids: ["k1"], lastFetchAt: NOW });
  });

  it("refetches on an unknown kid at most once per cooldown (rotation: rp-key-rotation-op-sign-key)", async () => {
    const srv = jwksServer([k1.publicJwk]);
    let now = NOW;
    const cache = createJwksCache({ jwksUri: `${ISSUER}/jwks`, fetch: srv.fetch, now: () => now, cooldownSec: 30 });
    await cache.selectKey("RS256", "k1");
    srv.set([k1.publicJwk, k2.publicJwk]); // the provider rotates
    // 10 s later: the cache is 10 s old, within the cooldown: no refetch, the kid is unknown.
    now = NOW + 10;
    for (let i = 0; i < 5; i++) expect(await codeOf(cache.selectKey("RS256", "k2"))).toBe("ERR_OIDC_KID_UNKNOWN");
    expect(srv.count()).toBe(1);
    expect(cache.stats().suppressed).toBe(5);
    // 30 s after the last fetch: one refetch finds the new key.
    now = NOW + 30;
    const sel = await cache.selectKey("RS256", "k2");
    expect(sel).toMatchObject({ kid: "k2", refetched: true });
    expect(srv.count()).toBe(2);
    // A made-up kid right after: refetch suppressed again.
    expect(await codeOf(cache.selectKey("RS256", "made-up"))).toBe("ERR_OIDC_KID_UNKNOWN");
    expect(srv.count()).toBe(2);
    // Past the cooldown a made-up kid costs exactly one more fetch, then fails.
    now = NOW + 61;
    expect(await codeOf(cache.selectKey("RS256", "made-up"))).toBe("ERR_OIDC_KID_UNKNOWN");
    expect(srv.count()).toBe(3);
  });

  it("refetches when older than maxAgeSec", async () => {
    const srv = jwksServer([k1.publicJwk]);
    let now = NOW;
    const cache = createJwksCache({ jwksUri: `${ISSUER}/jwks`, fetch: srv.fetch, now: () => now, maxAgeSec: 600 });
    await cache.selectKey("RS256", "k1");
    now = NOW + 599;
    await cache.selectKey("RS256", "k1");
    expect(srv.count()).toBe(1);
    now = NOW + 600;
    await cache.selectKey("RS256", "k1");
    expect(srv.count()).toBe(2);
  });

  it("shares one request among concurrent first uses", async () => {
    const srv = jwksServer([k1.publicJwk, ec.publicJwk]);
    const cache = createJwksCache({ jwksUri: `${ISSUER}/jwks`, fetch: srv.fetch, now: () => NOW });
    const got = await Promise.all([cache.selectKey("RS256", "k1"), cache.selectKey("ES256", "e1"), cache.selectKey("RS256", undefined)]);
    expect(got.map((g) => g.kid)).toEqual(["k1", "e1", "k1"]);
    expect(srv.count()).toBe(1);
  });

  it("reports a failing JWKS as ERR_OIDC_JWKS, retried only after the cooldown", async () => {
    const srv = jwksServer([k1.publicJwk]);
    srv.fail(500);
    let now = NOW;
    const cache = createJwksCache({ jwksUri: `${ISSUER}/jwks`, fetch: srv.fetch, now: () => now, cooldownSec: 30 });
    expect(await codeOf(cache.selectKey("RS256", "k1"))).toBe("ERR_OIDC_JWKS");
    srv.fail(null);
    now = NOW + 5;
    expect(await codeOf(cache.selectKey("RS256", "k1"))).toBe("ERR_OIDC_JWKS");
    expect(srv.count()).toBe(1);
    now = NOW + 30;
    expect(await codeOf(cache.selectKey("RS256", "k1"))).toBe("found");
    expect(cache.stats()).toMatchObject({ fetches: 2, failures: 1 });
  });

  it("keeps validating across a rotation with a warm cache: zero failed logins once the next key is published first", async () => {
    const srv = jwksServer([k1.publicJwk]);
    let now = NOW;
    const keys = createJwksCache({ jwksUri: `${ISSUER}/jwks`, fetch: srv.fetch, now: () => now, cooldownSec: 30, maxAgeSec: 600 });
    const v = createIdTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, keys, now: () => now });
    let failed = 0;
    const login = async (k: TestKey, i: number) => {
      const t = await sign(k, goodClaims({ nonce: `r${i}` }, Math.floor(now)));
      if ((await codeOf(v.validate(t, { nonce: `r${i}` }))) !== "found") failed++;
    };
    // k1 active; k2 pending (published) from t = 100; k2 active from t = 800 (> max age); k1 retired.
    for (let i = 0; i < 40; i++) {
      now = NOW + i * 50;
      if (i === 2) srv.set([k1.publicJwk, k2.publicJwk]);
      await login(now >= NOW + 800 ? k2 : k1, i);
      if (i === 30) srv.set([k2.publicJwk]);
    }
    expect(failed).toBe(0);
  });
});

describe("key selection", () => {
  const rsa = { kty: "RSA", n: "AQAB", e: "AQAB" } satisfies JWK;
  it("only keys of the algorithm's type, curve, use, key_ops and alg fit", () => {
    expect(isSuitableKey(rsa, "RS256")).toBe(true);
    expect(isSuitableKey(rsa, "PS256")).toBe(true);
    expect(isSuitableKey(rsa, "ES256")).toBe(false);
    expect(isSuitableKey({ ...rsa, use: "enc" }, "RS256")).toBe(false);
    expect(isSuitableKey({ ...rsa, key_ops: ["encrypt"] }, "RS256")).toBe(false);
    expect(isSuitableKey({ ...rsa, key_ops: ["verify"] }, "RS256")).toBe(true);
    expect(isSuitableKey({ ...rsa, alg: "RS384" }, "RS256")).toBe(false);
    expect(isSuitableKey({ ...rsa, d: "secret" }, "RS256")).toBe(false);
    expect(isSuitableKey({ kty: "EC", crv: "P-384", x: "a", y: "b" }, "ES256")).toBe(false);
    expect(isSuitableKey({ kty: "oct", k: "c2VjcmV0" }, "HS256")).toBe(false);
  });

  it("needs a kid to pick among several fitting keys", () => {
    const keys: JWK[] = [{ ...rsa, kid: "a" }, { ...rsa, kid: "b" }, { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "c" }];
    expect(findKeys(keys, "RS256", "b")).toMatchObject({ kind: "one", jwk: { kid: "b" } });
    expect(findKeys(keys, "RS256", undefined)).toEqual({ kind: "many", count: 2 });
    expect(findKeys(keys, "ES256", undefined)).toMatchObject({ kind: "one", jwk: { kid: "c" } });
    expect(findKeys(keys, "ES256", "a")).toEqual({ kind: "none" });
    expect(findKeys([...keys, { ...rsa, kid: "a" }], "RS256", "a")).toEqual({ kind: "many", count: 2 });
  });

  it("refuses a JWKS without a keys array", () => {
    for (const doc of [null, {}, { keys: {} }, "x"]) expect(() => parseJwks(doc)).toThrow(OidcError);
    expect(parseJwks({ keys: [rsa, 1, null, []] })).toEqual([rsa]);
  });
});
