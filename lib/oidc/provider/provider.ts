/**
 * @module oidc/provider/provider
 *
 * The OpenID Provider as a pure request handler: `fetch(Request) => Promise<Response>` on the
 * WHATWG types, so a notebook can call it in-process and {@link listenProvider} can serve the
 * very same handler over HTTP. Endpoints, relative to the issuer:
 *
 * | path | what |
 * |---|---|
 * | `/.well-known/openid-configuration` | discovery (OpenID Discovery 1.0 section 3) |
 * | `/jwks` | the public keys: pending, active and retired |
 * | `/authorize` | authorization endpoint (code flow, PKCE S256) |
 * | `/login`, `/consent` | the HTML pages |
 * | `/token` | token endpoint |
 * | `/userinfo` | UserInfo (Bearer access token) |
 * | `/attacker/jwks`, `/attacker/rsa.pem`, `/attacker/ec.pem` | the attacker's keys for the header-injection cases; every fetch is logged |
 */
import type { JWK } from "jose";
import { attackerKey } from "./attacker.js";
import { handleAuthorize, handleConsentPage, handleConsentSubmit, handleLoginPage, handleLoginSubmit } from "./authorize.js";
import { type ProviderConfig, type ResolvedConfig, resolveConfig } from "./config.js";
import { type AccessTokenRecord, type CodeRecord, type Interaction, type OpContext, SCOPES, type Session, claimsForScopes } from "./context.js";
import { type KeyRing, type RotateOptions, type RotationResult, createKeyRing } from "./keys.js";
import { ATTACKER_ISSUER, type Misbehavior, checkMisbehavior } from "./misbehaviors.js";
import { jsonResponse, oauthErrorResponse } from "./respond.js";
import { handleToken } from "./token.js";

/** One request the provider answered. */
export interface RequestLogEntry {
  /** When (ms, the provider's clock). */
  readonly at: number;
  readonly method: string;
  /** The path (no query: codes and states stay out of the log). */
  readonly path: string;
  readonly status: number;
  /** The message of an unexpected failure (answered as a bare 500), for debugging. */
  readonly error?: string;
}

/** The absolute URLs of the provider's endpoints. */
export interface ProviderEndpoints {
  readonly discovery: string;
  readonly authorization: string;
  readonly token: string;
  readonly userinfo: string;
  readonly jwks: string;
}

/** A running OpenID Provider. */
export interface Provider {
  /** The issuer identifier. */
  readonly issuer: string;
  /** Its endpoints. */
  readonly endpoints: ProviderEndpoints;
  /** Answers one HTTP request (never throws: unexpected failures become 500). */
  fetch(request: Request): Promise<Response>;
  /** The signing keys and their rotation. */
  readonly keys: KeyRing;
  /** Steps the key rotation (pending to active to retired); see {@link KeyRing.rotate}. */
  rotateKeys(options?: RotateOptions): Promise<RotationResult>;
  /** The misbehavior in force for every response, or undefined. */
  readonly misbehavior: Misbehavior | undefined;
  /** Sets (or with undefined clears) the provider-wide misbehavior. */
  setMisbehavior(misbehave: Misbehavior | undefined): void;
  /** The last 1000 requests answered, oldest first. */
  readonly requestLog: readonly RequestLogEntry[];
  /** How many times anything under `/attacker/` was fetched (a correct RP never does). */
  attackerFetches(): number;
}

const LOG_LIMIT = 1000;

/** The discovery document (OpenID Discovery 1.0 section 3). */
function discoveryDocument(ctx: OpContext): Record<string, unknown> {
  const algs = new Set<string>(["RS256", ...ctx.keys.algs]);
  for (const c of ctx.config.clients.values()) algs.add(c.id_token_signed_response_alg);
  const claims = new Set<string>(["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "azp"]);
  for (const s of Object.values(SCOPES)) for (const c of s.claims) claims.add(c);
  return {
    issuer: ctx.misbehavior() === "discovery-issuer-mismatch" ? ATTACKER_ISSUER : ctx.config.issuer,
    authorization_endpoint: ctx.url("/authorize"),
    token_endpoint: ctx.url("/token"),
    userinfo_endpoint: ctx.url("/userinfo"),
    jwks_uri: ctx.url("/jwks"),
    scopes_supported: Object.keys(SCOPES),
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...algs],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    claims_supported: [...claims],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: ["none", "login", "consent"],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
  };
}

/** GET /jwks. */
function jwksResponse(ctx: OpContext): Response {
  let set = ctx.keys.jwks();
  if (ctx.misbehavior() === "kid-absent-single-key") {
    const k = ctx.keys.activeKey(ctx.keys.algs.includes("RS256") ? "RS256" : ctx.keys.algs[0]);
    set = { keys: set.keys.filter((j: JWK) => j.kid === k.kid) };
  }
  return jsonResponse(200, set, { "content-type": "application/jwk-set+json; charset=utf-8" });
}

/** GET or POST /userinfo (OIDC Core 5.3) with a Bearer access token in the header. */
function userinfoResponse(ctx: OpContext, request: Request): Response {
  const header = request.headers.get("authorization");
  const m = header === null ? null : /^bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (m === null) return new Response(null, { status: 401, headers: { "www-authenticate": 'Bearer realm="userinfo"', "cache-control": "no-store" } });
  const now = ctx.config.now();
  const rec = ctx.accessTokens.get(m[1]);
  if (rec === undefined || rec.revoked || now >= rec.expiresAt) {
    return jsonResponse(401, { error: "invalid_token", error_description: "the access token is unknown, expired or revoked" }, {
      "www-authenticate": 'Bearer realm="userinfo", error="invalid_token", error_description="the access token is unknown, expired or revoked"',
      "cache-control": "no-store",
    });
  }
  const user = ctx.config.users.find((u) => u.sub === rec.sub);
  if (user === undefined) return jsonResponse(401, { error: "invalid_token", error_description: "the user no longer exists" }, { "www-authenticate": 'Bearer error="invalid_token"' });
  const sub = (rec.misbehave ?? ctx.misbehavior()) === "userinfo-sub-mismatch" ? `${rec.sub}-someone-else` : rec.sub;
  return jsonResponse(200, { sub, ...claimsForScopes(user, rec.scopes) }, { "cache-control": "no-store" });
}

async function attackerResponse(path: string): Promise<Response> {
  if (path === "/attacker/jwks") {
    const keys = await Promise.all((["RS256", "ES256"] as const).map(async (a) => (await attackerKey(a)).publicJwk));
    return jsonResponse(200, { keys });
  }
  const alg = path === "/attacker/rsa.pem" ? "RS256" : path === "/attacker/ec.pem" ? "ES256" : undefined;
  if (alg === undefined) return jsonResponse(404, { error: "not_found" });
  return new Response((await attackerKey(alg)).certPem, { status: 200, headers: { "content-type": "application/x-pem-file" } });
}

function methodNotAllowed(allow: string): Response {
  return jsonResponse(405, { error: "method_not_allowed" }, { allow });
}

/**
 * Creates an OpenID Provider from its configuration: validates it, generates the keys (one
 * active and, by default, one pending key per algorithm) and returns the request handler.
 *
 * @param config - issuer, clients, users, lifetimes, clock, keys, misbehavior; see {@link ProviderConfig}
 * @returns the provider
 * @throws {OidcProviderError} ERR_OP_CONFIG / ERR_OP_MISBEHAVIOR for a bad configuration
 * @example
 * const op = await createProvider({ issuer: "https://op.example", clients: [{ client_id: "shop",
 *   client_secret: "s3cret", redirect_uris: ["https://shop.example/cb"] }],
 *   users: [{ sub: "u1", username: "alice", password: "pw", claims: { name: "Alice" } }] });
 * const res = await op.fetch(new Request("https://op.example/.well-known/openid-configuration"));
 * (await res.json()).issuer; // => "https://op.example"
 */
export async function createProvider(config: ProviderConfig): Promise<Provider> {
  const cfg: ResolvedConfig = resolveConfig(config);
  const keys = await createKeyRing({ algs: cfg.keys.algs, retiredKeyTtl: cfg.keys.retiredKeyTtl, prepublish: cfg.keys.prepublish, now: cfg.now });
  let misbehave = cfg.misbehave;
  const log: RequestLogEntry[] = [];
  let attackerHits = 0;
  const ctx: OpContext = {
    config: cfg,
    keys,
    interactions: new Map<string, Interaction>(),
    sessions: new Map<string, Session>(),
    codes: new Map<string, CodeRecord>(),
    accessTokens: new Map<string, AccessTokenRecord>(),
    misbehavior: () => misbehave,
    url: (p: string) => `${cfg.issuer}${p}`,
    path: (p: string) => `${cfg.basePath}${p}`,
  };

  const route = async (request: Request, path: string): Promise<Response> => {
    const m = request.method;
    switch (path) {
      case "/.well-known/openid-configuration":
        return m === "GET" || m === "HEAD" ? jsonResponse(200, discoveryDocument(ctx)) : methodNotAllowed("GET");
      case "/jwks":
        return m === "GET" || m === "HEAD" ? jwksResponse(ctx) : methodNotAllowed("GET");
      case "/authorize":
        return m === "GET" || m === "POST" ? handleAuthorize(ctx, request) : methodNotAllowed("GET, POST");
      case "/login":
        return m === "GET" ? handleLoginPage(ctx, request) : m === "POST" ? handleLoginSubmit(ctx, request) : methodNotAllowed("GET, POST");
      case "/consent":
        return m === "GET" ? handleConsentPage(ctx, request) : m === "POST" ? handleConsentSubmit(ctx, request) : methodNotAllowed("GET, POST");
      case "/token":
        return m === "POST" ? handleToken(ctx, request) : oauthErrorResponse(405, "invalid_request", "use POST", { allow: "POST" });
      case "/userinfo":
        return m === "GET" || m === "POST" ? userinfoResponse(ctx, request) : methodNotAllowed("GET, POST");
      default:
        if (path.startsWith("/attacker/")) {
          attackerHits++;
          return attackerResponse(path);
        }
        return jsonResponse(404, { error: "not_found" });
    }
  };

  return {
    issuer: cfg.issuer,
    endpoints: {
      discovery: ctx.url("/.well-known/openid-configuration"),
      authorization: ctx.url("/authorize"),
      token: ctx.url("/token"),
      userinfo: ctx.url("/userinfo"),
      jwks: ctx.url("/jwks"),
    },
    keys,
    rotateKeys: (options?: RotateOptions) => keys.rotate(options),
    get misbehavior() {
      return misbehave;
    },
    setMisbehavior(m: Misbehavior | undefined): void {
      misbehave = checkMisbehavior(m, "setMisbehavior");
    },
    requestLog: log,
    attackerFetches: () => attackerHits,
    async fetch(request: Request): Promise<Response> {
      let url: URL;
      try {
        url = new URL(request.url);
      } catch {
        return jsonResponse(400, { error: "invalid_request" });
      }
      let response: Response;
      let error: string | undefined;
      const path = url.pathname.startsWith(`${cfg.basePath}/`) ? url.pathname.slice(cfg.basePath.length) : "";
      try {
        response = await route(request, path);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
        response = jsonResponse(500, { error: "server_error", error_description: "unexpected failure" }, { "cache-control": "no-store" });
      }
      const entry: RequestLogEntry = { at: cfg.now(), method: request.method, path: url.pathname, status: response.status };
      log.push(error === undefined ? entry : { ...entry, error });
      if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
      return response;
    },
  };
}
