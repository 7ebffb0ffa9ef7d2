// Shared test fixtures: keys, a token signer that can build bad tokens, and a small in-process
// OpenID provider (fetch handler) that can be told to misbehave. Not a test file itself.
import { CompactSign, exportJWK, generateKeyPair, type JWK } from "jose";
import { createHash, randomBytes } from "node:crypto";
import { atHash } from "../../../lib/oidc/rp/at-hash.js";
import type { FetchLike } from "../../../lib/oidc/rp/http.js";

export const NOW = 1_700_000_000;

/** A JSON response (the project's DOM typings lack the static Response.json). */
export function json(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), { ...init, headers: { "content-type": "application/json" } });
}
export const ISSUER = "https://op.test";
export const CLIENT_ID = "app";
export const CLIENT_SECRET = "s3cret-for-tests-only-0123456789abcdef";
export const REDIRECT_URI = "https://rp.test/cb";

export interface TestKey {
  alg: string;
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function makeKey(alg: "RS256" | "ES256" | "PS256" | "ES384", kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg };
  return { alg, kid, privateKey, publicJwk };
}

export interface SignOptions {
  /** Header overrides; `undefined` values delete a parameter (e.g. kid). */
  header?: Record<string, unknown>;
  /** Raw payload text instead of JSON claims. */
  rawPayload?: string;
  /** Key to sign with instead of the TestKey's private key (e.g. an HMAC secret). */
  signingKey?: CryptoKey | Uint8Array;
  /** Produce alg none: no signature at all. */
  unsigned?: boolean;
}

export async function sign(key: TestKey, claims: Record<string, unknown>, opts: SignOptions = {}): Promise<string> {
  const header: Record<string, unknown> = { alg: key.alg, kid: key.kid, typ: "JWT" };
  for (const [k, v] of Object.entries(opts.header ?? {})) {
    if (v === undefined) delete header[k];
    else header[k] = v;
  }
  const payload = new TextEncoder().encode(opts.rawPayload ?? JSON.stringify(claims));
  if (opts.unsigned) {
    const b64 = (s: Uint8Array | string): string => Buffer.from(s).toString("base64url");
    return `${b64(JSON.stringify(header))}.${b64(payload)}.`;
  }
  const crit = Array.isArray(header.crit) ? Object.fromEntries((header.crit as string[]).map((c) => [c, true])) : undefined;
  return new CompactSign(payload)
    .setProtectedHeader(header as { alg: string })
    .sign(opts.signingKey ?? key.privateKey, crit === undefined ? undefined : { crit });
}

export function goodClaims(over: Record<string, unknown> = {}, now = NOW): Record<string, unknown> {
  const c: Record<string, unknown> = {
    iss: ISSUER,
    sub: "alice",
    aud: CLIENT_ID,
    exp: now + 3600,
    iat: now,
    auth_time: now - 30,
    nonce: "n-0S6_WzA2Mj",
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete c[k];
    else c[k] = v;
  }
  return c;
}

/** A fetch handler serving a JSON Web Key Set, counting requests; the keys can change. */
export function jwksServer(initial: JWK[]): { fetch: FetchLike; set(keys: JWK[]): void; count(): number; fail(status: number | null): void } {
  let keys = initial;
  let n = 0;
  let failing: number | null = null;
  return {
    fetch: async () => {
      n++;
      if (failing !== null) return new Response("nope", { status: failing });
      return json({ keys });
    },
    set(k) {
      keys = k;
    },
    count: () => n,
    fail(status) {
      failing = status;
    },
  };
}

/** How the fake provider should misbehave (all optional). */
export interface FakeOpMode {
  /** Change the ID token claims before signing. */
  claims?: (c: Record<string, unknown>) => Record<string, unknown>;
  /** Sign options for the ID token. */
  signOptions?: SignOptions;
  /** Replace the whole token response. */
  tokenResponse?: { status: number; body: unknown };
  /** The iss query parameter: the issuer (default), another value, or null to omit it. */
  issParam?: string | null;
  /** Whether discovery advertises RFC 9207 (default true). */
  advertiseIss?: boolean;
  /** The discovery document's issuer (default the issuer). */
  discoveryIssuer?: string;
  /** UserInfo's sub (default the ID token's). */
  userinfoSub?: string;
  /** Send at_hash in ID tokens (default true); "wrong" sends a wrong one. */
  atHash?: boolean | "wrong";
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  nonce: string | null;
  challenge: string;
  used: boolean;
}

/**
 * A tiny in-process OpenID provider with the endpoints the RP calls: discovery, JWKS, token,
 * UserInfo. `authorize(url)` stands for the browser's trip through the login page: it reads the
 * authorization request and returns the callback URL.
 */
export function createFakeOp(key: TestKey, opts: { authMethod?: "client_secret_basic" | "client_secret_post" } = {}) {
  const mode: FakeOpMode = {};
  const codes = new Map<string, CodeRecord>();
  const accessTokens = new Map<string, string>();
  const counts = { discovery: 0, jwks: 0, token: 0, userinfo: 0 };
  const authMethod = opts.authMethod ?? "client_secret_basic";
  let now = NOW;

  function discoveryDoc(): Record<string, unknown> {
    return {
      issuer: mode.discoveryIssuer ?? ISSUER,
      authorization_endpoint: `${ISSUER}/auth`,
      token_endpoint: `${ISSUER}/token`,
      jwks_uri: `${ISSUER}/jwks`,
      userinfo_endpoint: `${ISSUER}/me`,
      authorization_response_iss_parameter_supported: mode.advertiseIss ?? true,
      id_token_signing_alg_values_supported: [key.alg],
      token_endpoint_auth_methods_supported: [authMethod],
      code_challenge_methods_supported: ["S256"],
    };
  }

  function clientOk(req: Request, body: URLSearchParams): boolean {
    if (authMethod === "client_secret_post") {
      return req.headers.get("authorization") === null && body.get("client_id") === CLIENT_ID && body.get("client_secret") === CLIENT_SECRET;
    }
    const h = req.headers.get("authorization") ?? "";
    if (!h.startsWith("Basic ") || body.has("client_secret")) return false;
    const [id, secret] = Buffer.from(h.slice(6), "base64").toString().split(":").map((s) => decodeURIComponent(s.replace(/\+/g, " ")));
    return id === CLIENT_ID && secret === CLIENT_SECRET;
  }

  const fetch: FetchLike = async (req) => {
    const url = new URL(req.url);
    if (url.origin !== ISSUER) return new Response("wrong host", { status: 404 });
    switch (url.pathname) {
      case "/.well-known/openid-configuration":
        counts.discovery++;
        return json(discoveryDoc());
      case "/jwks":
        counts.jwks++;
        return json({ keys: [key.publicJwk] });
      case "/token": {
        counts.token++;
        if (req.method !== "POST") return new Response(null, { status: 405 });
        const body = new URLSearchParams(await req.text());
        if (mode.tokenResponse) return json(mode.tokenResponse.body, { status: mode.tokenResponse.status });
        if (!clientOk(req, body)) return json({ error: "invalid_client" }, { status: 401 });
        const rec = codes.get(body.get("code") ?? "");
        if (body.get("grant_type") !== "authorization_code" || rec === undefined || rec.used) {
          return json({ error: "invalid_grant", error_description: "code unknown or used" }, { status: 400 });
        }
        rec.used = true;
        if (rec.redirectUri !== body.get("redirect_uri")) return json({ error: "invalid_grant" }, { status: 400 });
        const verifier = body.get("code_verifier") ?? "";
        if (createHash("sha256").update(verifier).digest("base64url") !== rec.challenge) {
          return json({ error: "invalid_grant", error_description: "PKCE verification failed" }, { status: 400 });
        }
        const accessToken = randomBytes(24).toString("base64url");
        accessTokens.set(accessToken, "alice");
        let claims = goodClaims({ nonce: rec.nonce ?? undefined }, now);
        if (mode.atHash !== false) claims.at_hash = mode.atHash === "wrong" ? atHash("other", key.alg) : atHash(accessToken, key.alg);
        if (mode.claims) claims = mode.claims(claims);
        const idToken = await sign(key, claims, mode.signOptions);
        return json({ access_token: accessToken, token_type: "Bearer", expires_in: 3600, id_token: idToken, scope: "openid" });
      }
      case "/me": {
        counts.userinfo++;
        const auth = req.headers.get("authorization") ?? "";
        const sub = accessTokens.get(auth.replace(/^Bearer /, ""));
        if (sub === undefined) return new Response(null, { status: 401 });
        return json({ sub: mode.userinfoSub ?? sub, email: "alice@example.test" });
      }
      default:
        return new Response("not found", { status: 404 });
    }
  };

  /** The browser's trip: read the authorization request, "log in", return the callback URL. */
  function authorize(authUrl: string, error?: string): string {
    const u = new URL(authUrl);
    const p = u.searchParams;
    if (p.get("code_challenge_method") !== "S256" || p.get("response_type") !== "code") throw new Error("bad authorization request");
    const cb = new URL(p.get("redirect_uri") as string);
    cb.searchParams.set("state", p.get("state") as string);
    const iss = mode.issParam === undefined ? ISSUER : mode.issParam;
    if (iss !== null) cb.searchParams.set("iss", iss);
    if (error !== undefined) {
      cb.searchParams.set("error", error);
      return cb.href;
    }
    const code = randomBytes(16).toString("base64url");
    codes.set(code, {
      clientId: p.get("client_id") as string,
      redirectUri: p.get("redirect_uri") as string,
      nonce: p.get("nonce"),
      challenge: p.get("code_challenge") as string,
      used: false,
    });
    cb.searchParams.set("code", code);
    return cb.href;
  }

  return {
    fetch,
    authorize,
    mode,
    counts,
    metadata: () => discoveryDoc(),
    setNow(t: number) {
      now = t;
    },
  };
}
