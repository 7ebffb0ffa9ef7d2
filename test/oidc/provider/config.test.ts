import { describe, expect, it } from "vitest";
import { OidcProviderError, type ProviderConfig, checkIssuer, createProvider } from "../../../lib/oidc/provider/index.js";
import { CLIENTS, USERS } from "./fixtures.js";

const base: ProviderConfig = { issuer: "https://op.example", clients: CLIENTS, users: USERS, keys: { algs: ["RS256", "ES256"] } };

describe("configuration", () => {
  it("issuers: http(s), no query, fragment, credentials or trailing slash, normalized", () => {
    for (const good of ["https://op.example", "http://127.0.0.1:8080", "https://op.example/tenant"]) expect(checkIssuer(good)).toBe(good);
    for (const bad of ["https://op.example/", "op.example", "ftp://op.example", "https://op.example?x=1", "https://op.example#f", "https://u:p@op.example", "https://OP.example", "https://op.example:443", "", 42]) {
      expect(() => checkIssuer(bad)).toThrow(OidcProviderError);
    }
  });

  const bad: [string, Partial<ProviderConfig>][] = [
    ["duplicate client", { clients: [CLIENTS[0], CLIENTS[0]] }],
    ["redirect URI not absolute", { clients: [{ ...CLIENTS[0], redirect_uris: ["/cb"] }] }],
    ["redirect URI with fragment", { clients: [{ ...CLIENTS[0], redirect_uris: ["https://a.example/cb#x"] }] }],
    ["no redirect URIs", { clients: [{ ...CLIENTS[0], redirect_uris: [] }] }],
    ["unknown auth method", { clients: [{ ...CLIENTS[0], token_endpoint_auth_method: "private_key_jwt" as never }] }],
    ["unknown alg", { clients: [{ ...CLIENTS[0], id_token_signed_response_alg: "none" as never }] }],
    ["alg without keys", { keys: { algs: ["ES256"] } }],
    ["HS256 with a short secret", { clients: [{ ...CLIENTS[2], client_secret: "short" }] }],
    ["empty secret", { clients: [{ ...CLIENTS[0], client_secret: "" }] }],
    ["duplicate username", { users: [USERS[0], { ...USERS[0], sub: "other" }] }],
    ["sub too long", { users: [{ ...USERS[0], sub: "s".repeat(256) }] }],
    ["sub in claims", { users: [{ ...USERS[0], claims: { sub: "x" } }] }],
    ["lifetime zero", { lifetimes: { code: 0 } }],
    ["lifetime fractional", { lifetimes: { idToken: 1.5 } }],
    ["no key algs", { keys: { algs: [] } }],
  ];
  it.each(bad)("refuses %s with ERR_OP_CONFIG", async (_name, patch) => {
    await expect(createProvider({ ...base, ...patch })).rejects.toMatchObject({ code: "ERR_OP_CONFIG" });
  });

  it("refuses an unknown misbehavior with ERR_OP_MISBEHAVIOR, also when set later", async () => {
    await expect(createProvider({ ...base, misbehave: "be-evil" as never })).rejects.toMatchObject({ code: "ERR_OP_MISBEHAVIOR" });
    const op = await createProvider({ ...base, clients: [], keys: { algs: ["ES256"] } });
    expect(() => op.setMisbehavior("toString" as never)).toThrow(expect.objectContaining({ code: "ERR_OP_MISBEHAVIOR" }));
    op.setMisbehavior("expired");
    expect(op.misbehavior).toBe("expired");
    op.setMisbehavior(undefined);
    expect(op.misbehavior).toBeUndefined();
  });
});
