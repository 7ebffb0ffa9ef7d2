import { beforeAll, describe, expect, it } from "vitest";
import { type Provider, createProvider } from "../../../lib/oidc/provider/index.js";
import { ISSUER, config, makeClock } from "./fixtures.js";

let op: Provider;
beforeAll(async () => {
  op = await createProvider(config(makeClock().now));
});

describe("discovery and JWKS", () => {
  it("the discovery document has every required field, code flow only, S256 only, RFC 9207 iss", async () => {
    const res = await op.fetch(new Request(`${ISSUER}/.well-known/openid-configuration`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const d = await res.json();
    expect(d).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/authorize`,
      token_endpoint: `${ISSUER}/token`,
      userinfo_endpoint: `${ISSUER}/userinfo`,
      jwks_uri: `${ISSUER}/jwks`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code"],
      subject_types_supported: ["public"],
      code_challenge_methods_supported: ["S256"],
      authorization_response_iss_parameter_supported: true,
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    });
    expect(d.id_token_signing_alg_values_supported).toEqual(["RS256", "ES256", "HS256"]);
    expect(d.scopes_supported).toContain("openid");
    expect(d.claims_supported).toEqual(expect.arrayContaining(["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "email", "name"]));
    expect(op.endpoints.discovery).toBe(`${ISSUER}/.well-known/openid-configuration`);
  });

  it("the JWKS holds public keys only, each with kid, use and alg: one active and one pending per algorithm", async () => {
    const res = await op.fetch(new Request(`${ISSUER}/jwks`));
    expect(res.headers.get("content-type")).toMatch(/^application\/jwk-set\+json/);
    const { keys } = await res.json();
    expect(keys.length).toBe(4);
    for (const k of keys) {
      expect(typeof k.kid).toBe("string");
      expect(k.use).toBe("sig");
      expect(["RS256", "ES256"]).toContain(k.alg);
      for (const priv of ["d", "p", "q", "dp", "dq", "qi", "k"]) expect(k).not.toHaveProperty(priv);
      if (k.alg === "RS256") expect(Object.keys(k).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
      else expect(Object.keys(k).sort()).toEqual(["alg", "crv", "kid", "kty", "use", "x", "y"]);
    }
    expect(new Set(keys.map((k: { kid: string }) => k.kid)).size).toBe(4);
    expect(op.keys.list().map((k) => `${k.alg}:${k.state}`)).toEqual(["RS256:active", "RS256:pending", "ES256:active", "ES256:pending"]);
  });

  it("an issuer with a path serves its endpoints under that path", async () => {
    const op2 = await createProvider({ issuer: "https://op.example/tenant-a", clients: [], users: [], keys: { algs: ["ES256"] } });
    const d = await (await op2.fetch(new Request("https://op.example/tenant-a/.well-known/openid-configuration"))).json();
    expect(d.issuer).toBe("https://op.example/tenant-a");
    expect(d.jwks_uri).toBe("https://op.example/tenant-a/jwks");
    expect((await op2.fetch(new Request("https://op.example/.well-known/openid-configuration"))).status).toBe(404);
    expect((await op2.fetch(new Request("https://op.example/tenant-a/jwks"))).status).toBe(200);
  });

  it("unknown paths are 404, wrong methods 405, and every request is logged without its query", async () => {
    expect((await op.fetch(new Request(`${ISSUER}/nope`))).status).toBe(404);
    expect((await op.fetch(new Request(`${ISSUER}/jwks`, { method: "POST" }))).status).toBe(405);
    await op.fetch(new Request(`${ISSUER}/authorize?client_id=secret-looking`));
    const last = op.requestLog[op.requestLog.length - 1];
    expect(last).toMatchObject({ method: "GET", path: "/authorize", status: 400 });
    expect(JSON.stringify(op.requestLog)).not.toContain("secret-looking");
  });
});
