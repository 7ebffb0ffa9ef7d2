import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createKeyRing, createProvider, type Provider } from "../../../lib/oidc/provider/index.js";
import { CLIENTS, config, exchange, getCode, makeClock } from "./fixtures.js";

async function jwksKids(op: Provider): Promise<string[]> {
  const { keys } = await (await op.fetch(new Request(op.endpoints.jwks))).json();
  return keys.map((k: { kid: string }) => k.kid);
}

async function idToken(op: Provider): Promise<string> {
  const got = await getCode(op);
  const { body } = await exchange(op, { code: got.code, verifier: got.verifier });
  return body.id_token as string;
}

describe("key rotation: pending -> active -> retired", () => {
  it("the pending key is published before it signs; after rotate() it signs; the retired key still verifies, then disappears", async () => {
    const clock = makeClock();
    const op = await createProvider(config(clock.now, { clients: [CLIENTS[0]], keys: { algs: ["RS256"], retiredKeyTtl: 600 } }));
    const [k1, k2] = op.keys.list();
    expect([k1.state, k2.state]).toEqual(["active", "pending"]);
    // Published before it signs: the JWKS a relying party caches now already holds k2.
    const cachedJwks = await (await op.fetch(new Request(op.endpoints.jwks))).json();
    expect(cachedJwks.keys.map((k: { kid: string }) => k.kid)).toEqual([k1.kid, k2.kid]);
    const before = await idToken(op);
    expect(decodeProtectedHeader(before).kid).toBe(k1.kid);

    clock.advance(10);
    const step = await op.rotateKeys();
    expect(step.activated).toEqual([k2.kid]);
    expect(step.retired).toEqual([k1.kid]);
    expect(step.created.length).toBe(1);
    const k3 = step.created[0];
    expect(op.keys.list().map((k) => [k.kid, k.state])).toEqual([[k1.kid, "retired"], [k2.kid, "active"], [k3, "pending"]]);

    const after = await idToken(op);
    expect(decodeProtectedHeader(after).kid).toBe(k2.kid);
    // A relying party with the JWKS cached before the rotation verifies the new token without a refetch.
    const opts = { issuer: op.issuer, audience: "shop", currentDate: new Date(clock.t) };
    await expect(jwtVerify(after, createLocalJWKSet(cachedJwks), opts)).resolves.toBeDefined();
    // The retired key is still published, so the old token verifies against a fresh JWKS.
    const fresh = await (await op.fetch(new Request(op.endpoints.jwks))).json();
    await expect(jwtVerify(before, createLocalJWKSet(fresh), opts)).resolves.toBeDefined();

    clock.advance(599);
    expect(await jwksKids(op)).toContain(k1.kid);
    clock.advance(1);
    expect(await jwksKids(op)).toEqual([k2.kid, k3]);
    const gone = await (await op.fetch(new Request(op.endpoints.jwks))).json();
    await expect(jwtVerify(before, createLocalJWKSet(gone), { ...opts, currentDate: new Date(clock.t - 600_000) })).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
    // The timeline: created, activated, retired, removed (dated when due).
    const t0 = Date.UTC(2030, 0, 1);
    expect(op.keys.events.filter((e) => e.kid === k1.kid).map((e) => [e.event, (e.at - t0) / 1000])).toEqual([
      ["created", 0], ["activated", 0], ["retired", 10], ["removed", 610],
    ]);
  });

  it("immediate mode: a new key signs at once without being announced; the pending key stays pending", async () => {
    const clock = makeClock();
    const ring = await createKeyRing({ algs: ["ES256"], now: clock.now, retiredKeyTtl: 60 });
    const [a, p] = ring.list();
    const jwksBefore = ring.jwks().keys.map((k) => k.kid);
    const step = await ring.rotate({ mode: "immediate" });
    expect(step.retired).toEqual([a.kid]);
    expect(step.activated).toEqual(step.created);
    const fresh = step.created[0];
    expect(jwksBefore).not.toContain(fresh);
    expect(ring.activeKey("ES256").kid).toBe(fresh);
    expect(ring.list().find((k) => k.kid === p.kid)?.state).toBe("pending");
  });

  it("prepublish off: each rotation activates a brand-new key; rotating one algorithm leaves the other alone", async () => {
    const ring = await createKeyRing({ algs: ["ES256", "RS256"], prepublish: false });
    expect(ring.list().map((k) => k.state)).toEqual(["active", "active"]);
    const rs = ring.activeKey("RS256").kid;
    const step = await ring.rotate({ alg: "ES256" });
    expect(step.created).toEqual(step.activated);
    expect(ring.activeKey("RS256").kid).toBe(rs);
    await expect(ring.rotate({ alg: "PS256" as never })).rejects.toMatchObject({ code: "ERR_OP_KEYS" });
  });

  it("kids are RFC 7638 thumbprints and the JWKS never leaks private parts", async () => {
    const ring = await createKeyRing({ algs: ["RS256"] });
    for (const k of ring.jwks().keys) {
      expect(k.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(k).not.toHaveProperty("d");
    }
    await expect(createKeyRing({ algs: [] })).rejects.toMatchObject({ code: "ERR_OP_KEYS" });
  });
});
