// Real peer: our relying party logs in against panva's oidc-provider (v9) over real HTTP on
// 127.0.0.1, driving its login and consent forms with plain fetch and a tough-cookie jar.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair } from "jose";
import { CookieJar } from "tough-cookie";
import { discover, type ProviderMetadata } from "../../../lib/oidc/rp/discovery.js";
import { createRelyingParty, type RelyingParty, type TokenEndpointAuthMethod } from "../../../lib/oidc/rp/relying-party.js";
import { explainIdToken } from "../../../lib/oidc/explain.js";

const SECRET = "peer-test-secret-0123456789abcdefghijkl";
let server: Server;
let issuer: string;
let redirectUri: string;
let metadata: ProviderMetadata;
const timings: number[] = [];

beforeAll(async () => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  issuer = `http://127.0.0.1:${port}`;
  redirectUri = `http://127.0.0.1:${port}/rp/callback`; // never requested: the login stops at this redirect

  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const keys = [
    { ...(await exportJWK(rsa.privateKey)), kid: "op-rsa", alg: "RS256", use: "sig" },
    { ...(await exportJWK(ec.privateKey)), kid: "op-ec", alg: "ES256", use: "sig" },
  ];
  // No type declarations ship with oidc-provider: import it through a variable.
  const spec = "oidc-provider";
  const { default: Provider } = (await import(spec)) as { default: new (issuer: string, config: object) => { callback(): typeof handler } };
  const provider = new Provider(issuer, {
    clients: [
      { client_id: "rp-basic", client_secret: SECRET, redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"], token_endpoint_auth_method: "client_secret_basic" },
      {
        client_id: "rp-post-es",
        client_secret: SECRET,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "ES256",
      },
    ],
    pkce: { required: () => true },
    jwks: { keys },
    cookies: { keys: ["peer-test-cookie-key"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"] },
    features: { devInteractions: { enabled: true } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600, AuthorizationCode: 60 },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, email: `${sub}@example.test`, email_verified: true }),
    }),
  });
  handler = provider.callback();
  metadata = await discover(issuer);
});

afterAll(async () => {
  if (timings.length > 0) console.info(`oidc-provider logins (ms): ${timings.map((t) => t.toFixed(0)).join(", ")}`);
  if (server === undefined) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
});

/** Reads the first form of a page: its action and its inputs' names and values. */
function readForm(html: string, base: string): { action: string; fields: Record<string, string> } {
  const form = /<form\b[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (form === null) throw new Error(`no form in page: ${html.slice(0, 200)}`);
  const fields: Record<string, string> = {};
  for (const m of (form[2] as string).matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = m[1] as string;
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1];
    if (name !== undefined) fields[name] = /\bvalue="([^"]*)"/.exec(attrs)?.[1] ?? "";
  }
  return { action: new URL((form[1] as string).replace(/&amp;/g, "&"), base).href, fields };
}

/**
 * A browser without a browser: follows redirects, keeps cookies, fills the login form with
 * `login` and submits the consent form, until the provider redirects to the RP's callback.
 */
async function browserLogin(authUrl: string, login: string, jar = new CookieJar()): Promise<{ callback: string; pages: string[] }> {
  let url = authUrl;
  let body: string | undefined;
  const pages: string[] = [];
  for (let hop = 0; hop < 20; hop++) {
    const headers: Record<string, string> = { cookie: await jar.getCookieString(url) };
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(url, { method: body === undefined ? "GET" : "POST", headers, body, redirect: "manual" });
    for (const c of (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie()) await jar.setCookie(c, url);
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get("location") as string, url).href;
      await res.arrayBuffer();
      if (next.startsWith(redirectUri)) return { callback: next, pages };
      url = next;
      body = undefined;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`HTTP ${res.status} at ${url}: ${html.slice(0, 300)}`);
    const { action, fields } = readForm(html, url);
    pages.push(fields.prompt ?? "?");
    if ("login" in fields) fields.login = login;
    if ("password" in fields) fields.password = "any";
    url = action;
    body = new URLSearchParams(fields).toString();
  }
  throw new Error("too many hops");
}

function makeRp(clientId: string, method: TokenEndpointAuthMethod, allowedAlgs?: string[]): RelyingParty {
  return createRelyingParty({ metadata, clientId, clientSecret: SECRET, redirectUri, tokenEndpointAuthMethod: method, allowedAlgs });
}

describe("our RP against oidc-provider", () => {
  it("discovers the provider, which advertises RFC 9207 and S256", () => {
    expect(metadata.issuer).toBe(issuer);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
    expect(metadata.code_challenge_methods_supported).toContain("S256");
  });

  it("completes a full login (client_secret_basic, RS256): login form, consent form, code, tokens, validated ID token, UserInfo", async () => {
    const rp = makeRp("rp-basic", "client_secret_basic");
    const started = performance.now();
    const req = rp.authorizationRequest({ scope: "openid email" });
    const { callback, pages } = await browserLogin(req.url, "alice");
    expect(pages).toEqual(["login", "consent"]);
    expect(new URL(callback).searchParams.get("iss")).toBe(issuer);
    const login = await rp.handleCallback(callback);
    timings.push(performance.now() - started);
    expect(login.header).toMatchObject({ alg: "RS256", kid: "op-rsa" });
    expect(login.claims).toMatchObject({ iss: issuer, sub: "alice", aud: "rp-basic", nonce: req.nonce });
    expect(login.steps.every((s) => s.ok)).toBe(true);
    expect(login.steps.find((s) => s.step === "iss-param")?.detail).toBe("iss parameter is the issuer");
    expect(login.steps.find((s) => s.step === "signature")?.detail).toBe("RS256 signature verified");
    const info = await rp.fetchUserInfo(login.accessToken, login.claims.sub);
    expect(info).toMatchObject({ sub: "alice", email: "alice@example.test" });
    const shown = explainIdToken(login.idToken);
    expect(shown.signature).toEqual({ alg: "RS256", bytes: 256 });
    expect(shown.times.expiresIn).toMatch(/^expires in \d+ s$/);
  });

  it("completes a login with client_secret_post and an ES256 ID token, and checks auth_time against max_age", async () => {
    const rp = makeRp("rp-post-es", "client_secret_post");
    const started = performance.now();
    const req = rp.authorizationRequest({ maxAge: 120 });
    const { callback } = await browserLogin(req.url, "bob");
    const login = await rp.handleCallback(callback);
    timings.push(performance.now() - started);
    expect(login.header).toMatchObject({ alg: "ES256", kid: "op-ec" });
    expect(login.claims.sub).toBe("bob");
    expect(typeof login.claims.auth_time).toBe("number");
    expect(login.steps.find((s) => s.step === "auth_time")?.detail).toMatch(/within max_age 120 s/);
    expect(rp.jwks.stats().fetches).toBe(1);
  });

  it("refuses the provider's ES256 token when the RP allows only RS256", async () => {
    const rp = makeRp("rp-post-es", "client_secret_post", ["RS256"]);
    const { callback } = await browserLogin(rp.authorizationRequest().url, "carol");
    await expect(rp.handleCallback(callback)).rejects.toMatchObject({ code: "ERR_OIDC_ALG_NOT_ALLOWED", step: "alg" });
  });

  it("a replayed code is refused by the provider (invalid_grant)", async () => {
    const rp = makeRp("rp-basic", "client_secret_basic");
    const first = await browserLogin(rp.authorizationRequest().url, "dave");
    await rp.handleCallback(first.callback);
    const second = await browserLogin(rp.authorizationRequest().url, "dave");
    const injected = new URL(second.callback);
    injected.searchParams.set("code", new URL(first.callback).searchParams.get("code") as string);
    await expect(rp.handleCallback(injected)).rejects.toMatchObject({ code: "ERR_OIDC_TOKEN_ERROR", message: expect.stringContaining("invalid_grant") });
  });

  it("refuses discovery under a trailing-slash issuer", async () => {
    await expect(discover(`${issuer}/`)).rejects.toMatchObject({ code: "ERR_OIDC_DISCOVERY_ISSUER" });
  });
});
