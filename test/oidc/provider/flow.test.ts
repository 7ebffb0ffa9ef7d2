import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowser } from "../../../lib/oidc/browser.js";
import { type Provider, type ProviderServer, atHash, createProvider, listenProvider } from "../../../lib/oidc/provider/index.js";
import { CLIENTS, REDIRECT, SECRET, USERS, authorizeUrl, browserFor, config, exchange, getCode, makeClock, tokenRequest } from "./fixtures.js";

describe("code flow in-process", () => {
  const clock = makeClock();
  let op: Provider;
  beforeAll(async () => {
    op = await createProvider(config(clock.now));
  });

  it("login, consent, code, token exchange: an ID token that verifies against the JWKS, with at_hash", async () => {
    const got = await getCode(op);
    // The sequence of requests the browser made.
    expect(got.browser.history.map((h) => `${h.method} ${new URL(h.url).pathname} ${h.status}`)).toEqual([
      "GET /authorize 303",
      "GET /login 200",
      "POST /login 303",
      "GET /consent 200",
      "POST /consent 303",
    ]);
    expect(got.params.get("state")).toBe(got.state);
    expect(got.params.get("iss")).toBe(op.issuer);
    const { res, body } = await exchange(op, { code: got.code, verifier: got.verifier });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 300, scope: "openid profile email" });
    const jwks = await (await op.fetch(new Request(op.endpoints.jwks))).json();
    const { payload, protectedHeader } = await jwtVerify(body.id_token as string, createLocalJWKSet(jwks), {
      issuer: op.issuer,
      audience: "shop",
      algorithms: ["RS256"],
      typ: "JWT",
      currentDate: new Date(clock.t),
    });
    expect(protectedHeader.kid).toBe(op.keys.activeKey("RS256").kid);
    const iat = Math.floor(clock.t / 1000);
    expect(payload).toEqual({
      iss: op.issuer,
      sub: "u-alice",
      aud: "shop",
      iat,
      exp: iat + 300,
      auth_time: iat,
      nonce: got.nonce,
      at_hash: atHash(body.access_token as string),
      name: "Alice Liddell",
      given_name: "Alice",
      email: "alice@example.com",
      email_verified: true,
    });
  });

  it("ES256 client and client_secret_post; HS256 client keyed with its secret", async () => {
    const es = await getCode(op, { client_id: "poster" });
    const r1 = await exchange(op, { code: es.code, verifier: es.verifier, clientId: "poster", auth: "post" });
    expect(r1.res.status).toBe(200);
    const jwks = await (await op.fetch(new Request(op.endpoints.jwks))).json();
    const v1 = await jwtVerify(r1.body.id_token as string, createLocalJWKSet(jwks), { issuer: op.issuer, audience: "poster", algorithms: ["ES256"], currentDate: new Date(clock.t) });
    expect(v1.protectedHeader.kid).toBe(op.keys.activeKey("ES256").kid);
    const hs = await getCode(op, { client_id: "hmac" });
    const r2 = await exchange(op, { code: hs.code, verifier: hs.verifier, clientId: "hmac" });
    const v2 = await jwtVerify(r2.body.id_token as string, new TextEncoder().encode(SECRET), { issuer: op.issuer, audience: "hmac", algorithms: ["HS256"], currentDate: new Date(clock.t) });
    expect(v2.protectedHeader.kid).toBeUndefined();
  });

  it("several audiences: aud is a list and azp is the client", async () => {
    const got = await getCode(op, { client_id: "multi" });
    const { body } = await exchange(op, { code: got.code, verifier: got.verifier, clientId: "multi" });
    const jwks = await (await op.fetch(new Request(op.endpoints.jwks))).json();
    const { payload } = await jwtVerify(body.id_token as string, createLocalJWKSet(jwks), { audience: "multi", currentDate: new Date(clock.t) });
    expect(payload.aud).toEqual(["multi", "https://api.example"]);
    expect(payload.azp).toBe("multi");
  });

  it("userinfo: Bearer token gives sub and the scopes' claims; no token or a bad one gives 401", async () => {
    const got = await getCode(op, { scope: "openid email" });
    const { body } = await exchange(op, { code: got.code, verifier: got.verifier });
    const ok = await op.fetch(new Request(op.endpoints.userinfo, { headers: { authorization: `Bearer ${body.access_token as string}` } }));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sub: "u-alice", email: "alice@example.com", email_verified: true });
    const none = await op.fetch(new Request(op.endpoints.userinfo));
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const bad = await op.fetch(new Request(op.endpoints.userinfo, { headers: { authorization: "Bearer nope" } }));
    expect(bad.status).toBe(401);
    expect(bad.headers.get("www-authenticate")).toContain('error="invalid_token"');
    // Expired after the access token lifetime.
    clock.advance(301);
    const late = await op.fetch(new Request(op.endpoints.userinfo, { headers: { authorization: `Bearer ${body.access_token as string}` } }));
    expect(late.status).toBe(401);
  });

  it("a second login in the same browser skips login and consent (SSO); prompt=login asks again", async () => {
    const first = await getCode(op);
    const again = authorizeUrl(op.issuer);
    const res = await first.browser.login(again.url, { username: "x", password: "y", redirectUri: REDIRECT });
    expect(res.params.get("code")).not.toBeNull();
    expect(res.pages.length).toBe(1);
    const forced = authorizeUrl(op.issuer, { prompt: "login" });
    const page = await first.browser.get(forced.url);
    expect(new URL(page.url).pathname).toBe("/login");
  });

  it("prompt=none: login_required without a session, a code with one; max_age forces a new login", async () => {
    const fresh = browserFor(op);
    const none = authorizeUrl(op.issuer, { prompt: "none" });
    const r0 = await fresh.login(none.url, { username: "alice", password: "alice-pw", redirectUri: REDIRECT });
    expect(r0.params.get("error")).toBe("login_required");
    expect(r0.params.get("state")).toBe(none.state);
    const first = await getCode(op, {}, fresh);
    expect(first.code).toBeTruthy();
    const r1 = await fresh.login(authorizeUrl(op.issuer, { prompt: "none" }).url, { username: "", password: "", redirectUri: REDIRECT });
    expect(r1.params.get("code")).not.toBeNull();
    clock.advance(120);
    const page = await fresh.get(authorizeUrl(op.issuer, { max_age: "60" }).url);
    expect(new URL(page.url).pathname).toBe("/login");
    const withinAge = await fresh.get(authorizeUrl(op.issuer, { max_age: "600" }).url);
    expect(withinAge.callback).toBeDefined();
  });

  it("deny on the consent page redirects with access_denied, state and iss", async () => {
    const req = authorizeUrl(op.issuer);
    const res = await browserFor(op).login(req.url, { username: "alice", password: "alice-pw", redirectUri: REDIRECT, consent: "deny" });
    expect(Object.fromEntries(res.params)).toMatchObject({ error: "access_denied", state: req.state, iss: op.issuer });
  });
});

describe("code flow over HTTP (listenProvider on 127.0.0.1)", () => {
  let srv: ProviderServer;
  beforeAll(async () => {
    srv = await listenProvider({ clients: CLIENTS, users: USERS });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it("the issuer is the listening URL; a real-network browser logs in and the token verifies via the remote JWKS", async () => {
    expect(srv.provider.issuer).toBe(srv.url);
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const disc = await (await fetch(`${srv.url}/.well-known/openid-configuration`)).json();
    expect(disc.issuer).toBe(srv.url);
    const browser = createBrowser();
    const req = authorizeUrl(disc.authorization_endpoint as string);
    const res = await browser.login(req.url, { username: "alice", password: "alice-pw", redirectUri: REDIRECT });
    expect(res.params.get("iss")).toBe(srv.url);
    const tokenRes = await fetch(tokenRequest(disc.token_endpoint as string, { code: res.params.get("code") as string, verifier: req.verifier }));
    expect(tokenRes.status).toBe(200);
    expect(tokenRes.headers.get("cache-control")).toBe("no-store");
    const body = await tokenRes.json();
    const jwks = createRemoteJWKSet(new URL(disc.jwks_uri as string));
    const { payload } = await jwtVerify(body.id_token as string, jwks, { issuer: srv.url, audience: "shop", algorithms: ["RS256"] });
    expect(payload.nonce).toBe(req.nonce);
    expect(payload.at_hash).toBe(atHash(body.access_token as string));
    expect(decodeProtectedHeader(body.id_token as string).typ).toBe("JWT");
    // Cookies set over HTTP: host-only, HttpOnly, no Secure on http.
    const cookies = await browser.jar.getCookies(srv.url);
    expect(cookies.map((c) => [c.key, c.httpOnly, c.secure, c.sameSite]).sort()).toEqual([
      ["op_browser", true, false, "lax"],
      ["op_session", true, false, "lax"],
    ]);
    const ui = await fetch(disc.userinfo_endpoint as string, { headers: { authorization: `Bearer ${body.access_token as string}` } });
    expect((await ui.json()).sub).toBe("u-alice");
  });

  it("refuses to pick the issuer itself when one is given, and closes cleanly twice", async () => {
    await expect(listenProvider({ issuer: "https://x.example", clients: [], users: [] } as never)).rejects.toMatchObject({ code: "ERR_OP_CONFIG" });
    const other = await listenProvider({ clients: [], users: [], keys: { algs: ["ES256"] } });
    await other.close();
    await other.close();
    await expect(fetch(other.url)).rejects.toThrow();
  });
});
