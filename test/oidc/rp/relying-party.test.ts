import { beforeAll, describe, expect, it } from "vitest";
import { OidcError } from "../../../lib/oidc/errors.js";
import { discover } from "../../../lib/oidc/rp/discovery.js";
import { s256Challenge } from "../../../lib/oidc/rp/pkce.js";
import { createRelyingParty, type RelyingPartyOptions } from "../../../lib/oidc/rp/relying-party.js";
import { CLIENT_ID, CLIENT_SECRET, ISSUER, NOW, REDIRECT_URI, createFakeOp, makeKey, type TestKey } from "./helpers.js";

let rsa: TestKey;
let es: TestKey;
beforeAll(async () => {
  rsa = await makeKey("RS256", "rsa-1");
  es = await makeKey("ES256", "ec-1");
});

async function setup(key: TestKey, over: Partial<RelyingPartyOptions> = {}, authMethod: "client_secret_basic" | "client_secret_post" = "client_secret_basic") {
  const op = createFakeOp(key, { authMethod });
  const metadata = await discover(ISSUER, { fetch: op.fetch });
  let now = NOW;
  const rp = createRelyingParty({
    metadata,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    tokenEndpointAuthMethod: authMethod,
    fetch: op.fetch,
    now: () => now,
    ...over,
  });
  return { op, rp, setNow: (t: number) => (now = t) };
}

describe("authorization request", () => {
  it("carries code flow, client, redirect URI, scope, fresh state and nonce, and an S256 challenge of the verifier", async () => {
    const { rp } = await setup(rsa);
    const a = rp.authorizationRequest({ scope: "openid email", maxAge: 300, extraParams: { prompt: "login" } });
    const u = new URL(a.url);
    expect(u.origin + u.pathname).toBe(`${ISSUER}/auth`);
    expect(Object.fromEntries(u.searchParams)).toEqual({
      response_type: "code",
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      scope: "openid email",
      state: a.state,
      nonce: a.nonce,
      code_challenge: s256Challenge(a.codeVerifier),
      code_challenge_method: "S256",
      max_age: "300",
      prompt: "login",
    });
    for (const v of [a.state, a.nonce, a.codeVerifier]) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const b = rp.authorizationRequest();
    expect(new Set([a.state, a.nonce, a.codeVerifier, b.state, b.nonce, b.codeVerifier]).size).toBe(6);
    expect(rp.pendingTransactions()).toBe(2);
  });

  it("refuses a scope without openid and extra parameters that override protocol ones", async () => {
    const { rp } = await setup(rsa);
    expect(() => rp.authorizationRequest({ scope: "email" })).toThrow(OidcError);
    expect(() => rp.authorizationRequest({ extraParams: { redirect_uri: "https://evil.test/cb" } })).toThrow(/redirect_uri/);
  });

  it("refuses bad configuration", async () => {
    const op = createFakeOp(rsa);
    const metadata = await discover(ISSUER, { fetch: op.fetch });
    const base = { metadata, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI };
    for (const bad of [{ redirectUri: "/cb" }, { clientSecret: "" }, { allowedAlgs: ["none"] }, { tokenEndpointAuthMethod: "private_key_jwt" as never }, { clockSkewSec: -1 }]) {
      let code = "";
      try {
        createRelyingParty({ ...base, ...bad });
      } catch (e) {
        code = (e as OidcError).code;
      }
      expect(code).toBe("ERR_OIDC_CONFIG");
    }
  });
});

describe("login through the callback", () => {
  for (const [name, method] of [["client_secret_basic", "client_secret_basic"], ["client_secret_post", "client_secret_post"]] as const) {
    it(`completes with ${name}, RS256, at_hash checked, every step listed`, async () => {
      const { op, rp } = await setup(rsa, {}, method);
      const a = rp.authorizationRequest();
      const login = await rp.handleCallback(op.authorize(a.url));
      expect(login.claims).toMatchObject({ iss: ISSUER, sub: "alice", aud: CLIENT_ID, nonce: a.nonce });
      expect(login.steps.map((s) => s.step)).toEqual([
        "state", "iss-param", "callback", "token-endpoint", "header", "alg", "typ", "jwks", "signature", "claims", "iss", "aud", "azp", "exp", "iat", "nonce", "at_hash", "auth_time",
      ]);
      expect(login.steps.every((s) => s.ok)).toBe(true);
      expect(login.steps.find((s) => s.step === "at_hash")?.detail).toBe("at_hash matches the access token");
      expect(login.expiresIn).toBe(3600);
      expect(rp.pendingTransactions()).toBe(0);
      // Nothing secret in what a notebook would print.
      const shown = JSON.stringify(login.steps);
      for (const secret of [CLIENT_SECRET, a.codeVerifier, login.accessToken]) expect(shown).not.toContain(secret);
      const info = await rp.fetchUserInfo(login.accessToken, login.claims.sub);
      expect(info).toMatchObject({ sub: "alice", email: "alice@example.test" });
    });
  }

  it("completes with ES256 and reuses the cached JWKS for the next login", async () => {
    const { op, rp } = await setup(es);
    for (let i = 0; i < 3; i++) await rp.handleCallback(op.authorize(rp.authorizationRequest().url));
    expect(op.counts.jwks).toBe(1);
    expect(rp.jwks.stats().fetches).toBe(1);
  });

  it("rejects a wrong at_hash from the provider", async () => {
    const { op, rp } = await setup(rsa);
    op.mode.atHash = "wrong";
    await expect(rp.handleCallback(op.authorize(rp.authorizationRequest().url))).rejects.toMatchObject({ code: "ERR_OIDC_AT_HASH", step: "at_hash" });
  });

  it("accepts a callback without iss when the provider does not advertise RFC 9207", async () => {
    const op = createFakeOp(rsa);
    op.mode.advertiseIss = false;
    op.mode.issParam = null;
    const metadata = await discover(ISSUER, { fetch: op.fetch });
    const rp = createRelyingParty({ metadata, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, fetch: op.fetch, now: () => NOW });
    const login = await rp.handleCallback(op.authorize(rp.authorizationRequest().url));
    expect(login.steps[1]).toEqual({ step: "iss-param", ok: true, detail: "no iss parameter (not advertised)" });
  });

  it("sends max_age and checks auth_time against it", async () => {
    const { op, rp } = await setup(rsa);
    // The fake provider reports a login 30 s ago.
    await expect(rp.handleCallback(op.authorize(rp.authorizationRequest({ maxAge: 60 }).url))).resolves.toBeDefined();
    await expect(rp.handleCallback(op.authorize(rp.authorizationRequest({ maxAge: 0 }).url))).resolves.toBeDefined(); // within the 60 s skew
    const strict = await setup(rsa, { clockSkewSec: 5 });
    await expect(strict.rp.handleCallback(strict.op.authorize(strict.rp.authorizationRequest({ maxAge: 10 }).url))).rejects.toMatchObject({ code: "ERR_OIDC_AUTH_TIME" });
  });

  it("forgets a started login after transactionTtlSec", async () => {
    const { op, rp, setNow } = await setup(rsa, { transactionTtlSec: 300 });
    const cb = op.authorize(rp.authorizationRequest().url);
    setNow(NOW + 300);
    expect(rp.pendingTransactions()).toBe(0);
    await expect(rp.handleCallback(cb)).rejects.toMatchObject({ code: "ERR_OIDC_STATE" });
  });

  it("a replayed code is refused by the provider, and the state is already used", async () => {
    const { op, rp } = await setup(rsa);
    const a = rp.authorizationRequest();
    const cb = op.authorize(a.url);
    await rp.handleCallback(cb);
    // An attacker starts a new login and injects the stolen code into its callback.
    const b = rp.authorizationRequest();
    const injected = new URL(op.authorize(b.url));
    injected.searchParams.set("code", new URL(cb).searchParams.get("code") as string);
    await expect(rp.handleCallback(injected)).rejects.toMatchObject({ code: "ERR_OIDC_TOKEN_ERROR", step: "token-endpoint" });
  });
});
