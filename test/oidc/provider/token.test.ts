import { beforeAll, describe, expect, it } from "vitest";
import { type Provider, createProvider } from "../../../lib/oidc/provider/index.js";
import { SECRET, config, exchange, getCode, makeClock, newVerifier } from "./fixtures.js";

const clock = makeClock();
let op: Provider;
beforeAll(async () => {
  op = await createProvider(config(clock.now, { lifetimes: { code: 60 } }));
});

async function userinfoStatus(accessToken: string): Promise<number> {
  return (await op.fetch(new Request(op.endpoints.userinfo, { headers: { authorization: `Bearer ${accessToken}` } }))).status;
}

function expectError(r: { res: Response; body: Record<string, unknown> }, status: number, error: string): void {
  expect(r.res.status).toBe(status);
  expect(r.body.error).toBe(error);
  expect(typeof r.body.error_description).toBe("string");
  expect(r.res.headers.get("cache-control")).toBe("no-store");
  expect(r.res.headers.get("content-type")).toMatch(/^application\/json/);
}

describe("token endpoint: PKCE and redirect_uri", () => {
  it("a wrong or missing code_verifier is refused, and the code still works with the right one", async () => {
    const got = await getCode(op);
    expectError(await exchange(op, { code: got.code, verifier: newVerifier() }), 400, "invalid_grant");
    expectError(await exchange(op, { code: got.code }), 400, "invalid_grant");
    expectError(await exchange(op, { code: got.code, verifier: "too-short" }), 400, "invalid_grant");
    expect((await exchange(op, { code: got.code, verifier: got.verifier })).res.status).toBe(200);
  });

  it("the redirect_uri must be the one of the authorization request", async () => {
    const got = await getCode(op);
    expectError(await exchange(op, { code: got.code, verifier: got.verifier, redirectUri: "https://shop.example/other" }), 400, "invalid_grant");
    expectError(await exchange(op, { code: got.code, verifier: got.verifier, redirectUri: "" }), 400, "invalid_grant");
  });
});

describe("token endpoint: codes single-use and short-lived", () => {
  it("a replayed code fails and revokes the access token issued from it", async () => {
    const got = await getCode(op);
    const first = await exchange(op, { code: got.code, verifier: got.verifier });
    expect(first.res.status).toBe(200);
    const at = first.body.access_token as string;
    expect(await userinfoStatus(at)).toBe(200);
    const replay = await exchange(op, { code: got.code, verifier: got.verifier });
    expectError(replay, 400, "invalid_grant");
    expect(replay.body.error_description).toMatch(/revoked/);
    expect(await userinfoStatus(at)).toBe(401);
  });

  it("a code expires after its lifetime (60 s)", async () => {
    const a = await getCode(op);
    clock.advance(59);
    expect((await exchange(op, { code: a.code, verifier: a.verifier })).res.status).toBe(200);
    const b = await getCode(op);
    clock.advance(60);
    expectError(await exchange(op, { code: b.code, verifier: b.verifier }), 400, "invalid_grant");
  });

  it("a code is bound to its client, and unknown codes are refused", async () => {
    const got = await getCode(op);
    expectError(await exchange(op, { code: got.code, verifier: got.verifier, clientId: "poster", auth: "post" }), 400, "invalid_grant");
    expectError(await exchange(op, { code: "no-such-code", verifier: got.verifier }), 400, "invalid_grant");
    expect((await exchange(op, { code: got.code, verifier: got.verifier })).res.status).toBe(200);
  });
});

describe("token endpoint: client authentication", () => {
  it("client_secret_basic for a basic client, client_secret_post for a post client", async () => {
    const a = await getCode(op);
    expect((await exchange(op, { code: a.code, verifier: a.verifier, auth: "basic" })).res.status).toBe(200);
    const b = await getCode(op, { client_id: "poster" });
    expect((await exchange(op, { code: b.code, verifier: b.verifier, clientId: "poster", auth: "post" })).res.status).toBe(200);
  });

  it("the method not registered for the client is refused", async () => {
    const a = await getCode(op);
    expectError(await exchange(op, { code: a.code, verifier: a.verifier, auth: "post" }), 401, "invalid_client");
    const b = await getCode(op, { client_id: "poster" });
    expectError(await exchange(op, { code: b.code, verifier: b.verifier, clientId: "poster", auth: "basic" }), 401, "invalid_client");
  });

  it("a wrong secret is 401 invalid_client (with WWW-Authenticate for Basic); none at all too; two methods at once is invalid_request", async () => {
    const a = await getCode(op);
    const basic = await exchange(op, { code: a.code, verifier: a.verifier, secret: `${SECRET}x` });
    expectError(basic, 401, "invalid_client");
    expect(basic.res.headers.get("www-authenticate")).toMatch(/^Basic/);
    const post = await exchange(op, { code: a.code, verifier: a.verifier, clientId: "poster", auth: "post", secret: "wrong" });
    expectError(post, 401, "invalid_client");
    expectError(await exchange(op, { code: a.code, verifier: a.verifier, auth: "none" }), 401, "invalid_client");
    expectError(await exchange(op, { code: a.code, verifier: a.verifier, auth: "both" }), 400, "invalid_request");
    expectError(await exchange(op, { code: a.code, verifier: a.verifier, clientId: "nobody" }), 401, "invalid_client");
    // None of this consumed the code.
    expect((await exchange(op, { code: a.code, verifier: a.verifier })).res.status).toBe(200);
  });

  it("Basic credentials are form-urlencoded before base64 (RFC 6749 2.3.1)", async () => {
    const special = "p@ss:w/rd+ ü";
    const op2 = await createProvider({
      issuer: "https://op2.example",
      clients: [{ client_id: "a:b c", client_secret: special, redirect_uris: ["https://shop.example/cb"], id_token_signed_response_alg: "ES256" }],
      users: [{ sub: "u", username: "alice", password: "alice-pw" }],
      keys: { algs: ["ES256"], prepublish: false },
      now: clock.now,
    });
    const got = await getCode(op2, { client_id: "a:b c" });
    const r = await exchange(op2, { code: got.code, verifier: got.verifier, clientId: "a:b c", secret: special });
    expect(r.res.status).toBe(200);
  });
});

describe("token endpoint: request shape", () => {
  it("unsupported grant types, JSON bodies and GET are refused per RFC 6749 5.2", async () => {
    const a = await getCode(op);
    expectError(await exchange(op, { code: a.code, verifier: a.verifier, extra: { grant_type: "refresh_token" } }), 400, "unsupported_grant_type");
    expectError(await exchange(op, { code: a.code, verifier: a.verifier, extra: { grant_type: "" } }), 400, "invalid_request");
    const json = await op.fetch(new Request(op.endpoints.token, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }));
    expect(json.status).toBe(400);
    expect((await json.json()).error).toBe("invalid_request");
    const get = await op.fetch(new Request(op.endpoints.token));
    expect(get.status).toBe(405);
  });
});
