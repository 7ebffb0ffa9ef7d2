/** Shared test setup for the provider tests: a configuration, a clock, request builders. */
import { randomBytes } from "node:crypto";
import { type ClientConfig, type Provider, type ProviderConfig, s256Challenge } from "../../../lib/oidc/provider/index.js";
import { type Browser, createBrowser, routeByOrigin } from "../../../lib/oidc/browser.js";

export const ISSUER = "https://op.example";
export const REDIRECT = "https://shop.example/cb";
export const SECRET = "shop-secret-0123456789-abcdefghijklmnop";

/** A settable clock (ms), starting at 2030-01-01. */
export function makeClock(start = Date.UTC(2030, 0, 1)): { now: () => number; t: number; advance(seconds: number): void } {
  const c = {
    t: start,
    now: () => c.t,
    advance(seconds: number) {
      c.t += seconds * 1000;
    },
  };
  return c;
}

export const CLIENTS: ClientConfig[] = [
  { client_id: "shop", client_secret: SECRET, redirect_uris: [REDIRECT], client_name: "The Shop" },
  { client_id: "poster", client_secret: SECRET, redirect_uris: [REDIRECT], token_endpoint_auth_method: "client_secret_post", id_token_signed_response_alg: "ES256" },
  { client_id: "hmac", client_secret: SECRET, redirect_uris: [REDIRECT], id_token_signed_response_alg: "HS256" },
  { client_id: "multi", client_secret: SECRET, redirect_uris: [REDIRECT], extra_audiences: ["https://api.example"] },
];

export const USERS = [
  { sub: "u-alice", username: "alice", password: "alice-pw", claims: { name: "Alice Liddell", email: "alice@example.com", email_verified: true, given_name: "Alice" } },
  { sub: "u-mallory", username: "<script>alert(1)</script>", password: "m-pw", claims: { name: "<img src=x onerror=alert(2)>" } },
];

/** A full configuration (issuer, clients, users, clock). */
export function config(now: () => number, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { issuer: ISSUER, clients: CLIENTS, users: USERS, now, ...extra };
}

/** A fresh PKCE verifier (43+ unreserved characters). */
export function newVerifier(): string {
  return randomBytes(32).toString("base64url");
}

export interface AuthRequest {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

/** Builds an authorization URL; `params` override or (with undefined) remove parameters. */
export function authorizeUrl(issuerOrEndpoint: string, params: Record<string, string | undefined> = {}): AuthRequest {
  const verifier = newVerifier();
  const state = randomBytes(8).toString("base64url");
  const nonce = randomBytes(8).toString("base64url");
  const endpoint = issuerOrEndpoint.endsWith("/authorize") ? issuerOrEndpoint : `${issuerOrEndpoint}/authorize`;
  const u = new URL(endpoint);
  const all: Record<string, string | undefined> = {
    response_type: "code",
    client_id: "shop",
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    state,
    nonce,
    code_challenge: s256Challenge(verifier),
    code_challenge_method: "S256",
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) u.searchParams.set(k, v);
  return { url: u.href, verifier, state, nonce };
}

/** A browser routed to the provider in-process, stopping at REDIRECT. */
export function browserFor(op: Provider): Browser {
  return createBrowser({ fetch: routeByOrigin({ [op.issuer]: op.fetch }), stopAt: [REDIRECT] });
}

export interface TokenRequest {
  code: string;
  verifier?: string;
  redirectUri?: string;
  clientId?: string;
  secret?: string;
  auth?: "basic" | "post" | "none" | "both";
  extra?: Record<string, string>;
}

/** A hand-written token request (form body; Basic or post client authentication). */
export function tokenRequest(tokenEndpoint: string, r: TokenRequest): Request {
  const clientId = r.clientId ?? "shop";
  const secret = r.secret ?? SECRET;
  const auth = r.auth ?? "basic";
  const body = new URLSearchParams({ grant_type: "authorization_code", code: r.code, redirect_uri: r.redirectUri ?? REDIRECT });
  if (r.verifier !== undefined) body.set("code_verifier", r.verifier);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (auth === "basic" || auth === "both") {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString("base64")}`;
  }
  if (auth === "post" || auth === "both") {
    body.set("client_id", clientId);
    body.set("client_secret", secret);
  }
  for (const [k, v] of Object.entries(r.extra ?? {})) body.set(k, v);
  return new Request(tokenEndpoint, { method: "POST", headers, body: body.toString() });
}

/** Logs alice in through the browser and returns the code with the request that asked for it. */
export async function getCode(
  op: Provider,
  params: Record<string, string | undefined> = {},
  browser: Browser = browserFor(op),
  user: { username: string; password: string } = { username: "alice", password: "alice-pw" },
): Promise<AuthRequest & { code: string; params: URLSearchParams; browser: Browser }> {
  const req = authorizeUrl(op.issuer, params);
  const res = await browser.login(req.url, { ...user, redirectUri: params.redirect_uri ?? REDIRECT });
  const code = res.params.get("code");
  if (code === null) throw new Error(`no code: ${res.callbackUrl}`);
  return { ...req, code, params: res.params, browser };
}

/** Exchanges a code for tokens; returns the JSON body and the response. */
export async function exchange(op: Provider, r: TokenRequest): Promise<{ res: Response; body: Record<string, unknown> }> {
  const res = await op.fetch(tokenRequest(op.endpoints.token, r));
  return { res, body: (await res.json()) as Record<string, unknown> };
}
