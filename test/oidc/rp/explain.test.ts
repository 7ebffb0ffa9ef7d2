import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { OidcError } from "../../../lib/oidc/errors.js";
import { explainIdToken } from "../../../lib/oidc/explain.js";
import { NOW, goodClaims, makeKey, sign, type TestKey } from "./helpers.js";

let rsa: TestKey;
let es: TestKey;
beforeAll(async () => {
  rsa = await makeKey("RS256", "rsa-1");
  es = await makeKey("ES256", "ec-1");
});

describe("explainIdToken", () => {
  it("decodes header, claims, readable times and the signature size", async () => {
    const e = explainIdToken(await sign(rsa, goodClaims()), { now: NOW });
    expect(e.header).toEqual({ alg: "RS256", kid: "rsa-1", typ: "JWT" });
    expect(e.claims).toEqual(goodClaims());
    expect(e.times).toEqual({
      exp: new Date((NOW + 3600) * 1000).toISOString(),
      iat: "2023-11-14T22:13:20.000Z",
      auth_time: "2023-11-14T22:12:50.000Z",
      nbf: null,
      expiresIn: "expires in 3600 s",
    });
    expect(e.signature).toEqual({ alg: "RS256", bytes: 256 });
    expect(explainIdToken(await sign(es, goodClaims()), { now: NOW }).signature).toEqual({ alg: "ES256", bytes: 64 });
  });

  it("gives one row per header parameter and claim, then the signature", async () => {
    const e = explainIdToken(await sign(rsa, goodClaims()), { now: NOW + 4000 });
    expect(e.rows.map((r) => `${r.part}:${r.name}`)).toEqual([
      "header:alg", "header:kid", "header:typ",
      "claims:iss", "claims:sub", "claims:aud", "claims:exp", "claims:iat", "claims:auth_time", "claims:nonce",
      "signature:signature",
    ]);
    const exp = e.rows.find((r) => r.name === "exp");
    expect(exp?.value).toBe(`${NOW + 3600} (${e.times.exp})`);
    expect(exp?.meaning).toContain("expired 400 s ago");
  });

  it("shows odd values without trusting or failing on them", async () => {
    const e = explainIdToken(await sign(rsa, goodClaims({ exp: "soon", sub: 42 }), { header: { jku: "https://evil.test/k" } }), { now: NOW });
    expect(e.times.exp).toBeNull();
    expect(e.times.expiresIn).toBeNull();
    expect(e.rows.find((r) => r.name === "sub")?.value).toBe("42");
    expect(e.rows.find((r) => r.name === "jku")?.meaning).toContain("never fetched");
  });

  it("throws ERR_OIDC_MALFORMED, and only that, on anything that is not a JWS with JSON objects", async () => {
    for (const bad of ["", "a.b", "a.b.c.d.e", "!!.e30.c2ln", `${Buffer.from('{"alg":"RS256"}').toString("base64url")}.${Buffer.from("[1]").toString("base64url")}.c2ln`]) {
      expect(() => explainIdToken(bad)).toThrow(OidcError);
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        try {
          explainIdToken(s);
        } catch (e) {
          expect(e).toBeInstanceOf(OidcError);
          expect((e as OidcError).code).toBe("ERR_OIDC_MALFORMED");
        }
      }),
      { numRuns: 500, seed: 3 },
    );
  });
});
