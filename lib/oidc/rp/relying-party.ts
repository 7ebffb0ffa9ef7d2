/**
 * @module oidc/rp/relying-party
 *
 * The relying party of the authorization code flow ("Login with ..."), on WHATWG fetch:
 *
 * 1. {@link RelyingParty.authorizationRequest} makes the URL the browser is sent to, with fresh
 *    `state`, `nonce` and a PKCE S256 challenge; the three secrets stay in an in-memory
 *    transaction store keyed by `state` (single use, expiring).
 * 2. {@link RelyingParty.handleCallback} takes the URL the browser came back to: checks `state`
 *    (CSRF), the RFC 9207 `iss` parameter (mix-up; required when the provider advertises it),
 *    error responses, then exchanges the code at the token endpoint (client_secret_basic or
 *    client_secret_post, with the code_verifier) and validates the ID token (see `validate.ts`).
 * 3. {@link RelyingParty.fetchUserInfo} calls UserInfo and checks its `sub` is the ID token's.
 *
 * Secrets (client secret, verifier) never appear in `steps`, errors or `toJSON`.
 */

import { OidcError, type StepResult } from "../errors.js";
import type { ProviderMetadata } from "./discovery.js";
import { defaultFetch, isAbsoluteUrl, readJsonObject, type FetchLike } from "./http.js";
import { createJwksCache, type JwksCache } from "./jwks.js";
import { randomToken, s256Challenge } from "./pkce.js";
import {
  createIdTokenValidator,
  type IdTokenClaims,
  type IdTokenHeader,
  type ValidateIdTokenOptions,
  type ValidatedIdToken,
} from "./validate.js";

/** How the client authenticates at the token endpoint. */
export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post";

/** What {@link createRelyingParty} needs. */
export interface RelyingPartyOptions {
  /** The provider's metadata, from `discover()` (or written by hand). */
  metadata: ProviderMetadata;
  /** The client_id registered at the provider. */
  clientId: string;
  /** The client secret registered at the provider. */
  clientSecret: string;
  /** The redirect URI registered at the provider, exactly. */
  redirectUri: string;
  /** Client authentication at the token endpoint (default client_secret_basic). */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Accepted ID-token algorithms (default RS256, ES256; `none` never; HS* only if listed). */
  allowedAlgs?: readonly string[];
  /** Clock skew tolerated, seconds (default 60). */
  clockSkewSec?: number;
  /** max_age sent with every request that does not give its own, seconds. */
  maxAgeSec?: number;
  /** Oldest iat accepted, seconds (default 600). */
  iatWindowSec?: number;
  /** Audiences besides client_id allowed in `aud`. */
  trustedAudiences?: readonly string[];
  /** Clock in seconds since the epoch (default: the wall clock). */
  now?: () => number;
  /** How to make requests (default: the global fetch). */
  fetch?: FetchLike;
  /** JWKS kid-miss refetch cooldown, seconds (default 30). */
  jwksCooldownSec?: number;
  /** JWKS cache lifetime, seconds (default 600). */
  jwksMaxAgeSec?: number;
  /** How long a started login may take, seconds (default 600). */
  transactionTtlSec?: number;
}

/** Parameters of one authorization request. */
export interface AuthorizationRequestOptions {
  /** Space-separated scopes; must include `openid` (default "openid"). */
  scope?: string;
  /** max_age in seconds: the provider must re-authenticate a user whose login is older. */
  maxAge?: number;
  /** Extra query parameters (prompt, login_hint, ...); cannot override the protocol ones. */
  extraParams?: Record<string, string>;
}

/** A started login. `url` goes to the browser; the rest is kept by the RP too. */
export interface AuthorizationRequest {
  /** Where to send the browser. */
  url: string;
  /** The state value (the transaction's key). */
  state: string;
  /** The nonce the ID token must carry. */
  nonce: string;
  /** The PKCE verifier (secret: never display it). */
  codeVerifier: string;
}

/** A finished login. */
export interface LoginResult {
  /** The validated ID token's claims. */
  claims: IdTokenClaims;
  /** The ID token's header. */
  header: IdTokenHeader;
  /** The ID token as received. */
  idToken: string;
  /** The access token (for UserInfo). */
  accessToken: string;
  /** The access token's lifetime in seconds, if the provider said. */
  expiresIn: number | undefined;
  /** The granted scope, if the provider said. */
  scope: string | undefined;
  /** Every check of the callback, token exchange and ID token, in order. */
  steps: StepResult[];
}

/** A relying party (an OIDC client) for one provider. */
export interface RelyingParty {
  /** The provider metadata in use. */
  readonly metadata: ProviderMetadata;
  /** The client_id. */
  readonly clientId: string;
  /** The JWKS cache (its counters show fetches and cooldowns). */
  readonly jwks: JwksCache;
  /** Starts a login. @throws OidcError ERR_OIDC_CONFIG on a scope without openid or a bad max_age */
  authorizationRequest(options?: AuthorizationRequestOptions): AuthorizationRequest;
  /**
   * Finishes a login from the callback URL.
   * @throws OidcError: ERR_OIDC_CALLBACK, ERR_OIDC_STATE, ERR_OIDC_ISS_PARAM, ERR_OIDC_AUTHORIZATION,
   *   ERR_OIDC_TOKEN_ERROR, ERR_OIDC_TOKEN_RESPONSE, or any ID-token code; `err.steps` holds the checks
   */
  handleCallback(callbackUrl: string | URL): Promise<LoginResult>;
  /** Validates an ID token (see `createIdTokenValidator`). */
  validateIdToken(token: string, options: ValidateIdTokenOptions): Promise<ValidatedIdToken>;
  /**
   * Calls UserInfo with the access token; its `sub` must equal `expectedSub`.
   * @throws OidcError ERR_OIDC_USERINFO, ERR_OIDC_USERINFO_SUB
   */
  fetchUserInfo(accessToken: string, expectedSub: string): Promise<Record<string, unknown>>;
  /** Logins started and not yet finished (nor expired). */
  pendingTransactions(): number;
}

interface Transaction {
  nonce: string;
  codeVerifier: string;
  maxAge: number | undefined;
  expiresAt: number;
}

const PROTOCOL_PARAMS = ["response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge", "code_challenge_method", "max_age"];

function configError(message: string): OidcError {
  return new OidcError("ERR_OIDC_CONFIG", "config", message);
}

/** RFC 6749 §2.3.1: client_id and secret are form-urlencoded before Basic encoding. */
function basicAuth(id: string, secret: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, "+");
  return "Basic " + Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64");
}

/**
 * Creates a relying party for one provider and one registered client.
 *
 * @param options - provider metadata, client credentials, redirect URI, policy and clock
 * @returns the relying party
 * @throws OidcError ERR_OIDC_CONFIG on a bad option
 * @example
 * const rp = createRelyingParty({ metadata: await discover(issuer), clientId: "app",
 *   clientSecret: secret, redirectUri: "http://127.0.0.1:8080/cb" });
 * const { url } = rp.authorizationRequest({ scope: "openid email" });
 * // ... the browser logs in and comes back to /cb?code=...&state=...&iss=...
 * const { claims, steps } = await rp.handleCallback(callbackUrl);
 */
export function createRelyingParty(options: RelyingPartyOptions): RelyingParty {
  const { metadata, clientId, clientSecret, redirectUri } = options;
  if (typeof metadata !== "object" || metadata === null || typeof metadata.issuer !== "string") {
    throw configError("metadata (from discover()) is required");
  }
  for (const f of ["authorization_endpoint", "token_endpoint", "jwks_uri"] as const) {
    if (!isAbsoluteUrl(metadata[f])) throw configError(`metadata.${f} must be an absolute URL`);
  }
  if (typeof clientId !== "string" || clientId === "") throw configError("clientId is required");
  if (typeof clientSecret !== "string" || clientSecret === "") throw configError("clientSecret is required");
  if (!isAbsoluteUrl(redirectUri)) throw configError("redirectUri must be an absolute URL");
  const authMethod = options.tokenEndpointAuthMethod ?? "client_secret_basic";
  if (authMethod !== "client_secret_basic" && authMethod !== "client_secret_post") {
    throw configError(`unsupported tokenEndpointAuthMethod ${String(authMethod)}`);
  }
  const ttl = options.transactionTtlSec ?? 600;
  if (typeof ttl !== "number" || !(ttl > 0)) throw configError("transactionTtlSec must be > 0");
  if (options.maxAgeSec !== undefined && !(Number.isInteger(options.maxAgeSec) && options.maxAgeSec >= 0)) {
    throw configError("maxAgeSec must be an integer >= 0");
  }
  const f = options.fetch ?? defaultFetch;
  const now = options.now ?? (() => Date.now() / 1000);
  const jwks = createJwksCache({
    jwksUri: metadata.jwks_uri,
    fetch: f,
    now,
    cooldownSec: options.jwksCooldownSec,
    maxAgeSec: options.jwksMaxAgeSec,
  });
  const validator = createIdTokenValidator({
    issuer: metadata.issuer,
    clientId,
    clientSecret,
    keys: jwks,
    allowedAlgs: options.allowedAlgs,
    clockSkewSec: options.clockSkewSec,
    iatWindowSec: options.iatWindowSec,
    maxAgeSec: options.maxAgeSec,
    trustedAudiences: options.trustedAudiences,
    now,
  });
  const transactions = new Map<string, Transaction>();
  const redirect = new URL(redirectUri);

  function sweep(): void {
    const t = now();
    for (const [s, tx] of transactions) if (tx.expiresAt <= t) transactions.delete(s);
  }

  function authorizationRequest(req: AuthorizationRequestOptions = {}): AuthorizationRequest {
    const scope = req.scope ?? "openid";
    if (typeof scope !== "string" || !scope.split(" ").includes("openid")) throw configError("scope must include openid");
    const maxAge = req.maxAge ?? options.maxAgeSec;
    if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0)) throw configError("maxAge must be an integer >= 0");
    sweep();
    const state = randomToken();
    const nonce = randomToken();
    const codeVerifier = randomToken();
    const url = new URL(metadata.authorization_endpoint);
    const params: Record<string, string> = {
      response_type: "code",
      client_id: clientId,
      redirect_uri: redirectUri,
      scope,
      state,
      nonce,
      code_challenge: s256Challenge(codeVerifier),
      code_challenge_method: "S256",
    };
    if (maxAge !== undefined) params.max_age = String(maxAge);
    for (const [k, v] of Object.entries(req.extraParams ?? {})) {
      if (PROTOCOL_PARAMS.includes(k)) throw configError(`extraParams cannot set ${k}`);
      params[k] = v;
    }
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    transactions.set(state, { nonce, codeVerifier, maxAge, expiresAt: now() + ttl });
    return { url: url.href, state, nonce, codeVerifier };
  }

  async function handleCallback(callbackUrl: string | URL): Promise<LoginResult> {
    const steps: StepResult[] = [];
    const failWith = (err: OidcError): never => {
      steps.push({ step: err.step, ok: false, detail: err.message });
      err.steps = steps;
      throw err;
    };
    let cb: URL;
    try {
      cb = new URL(String(callbackUrl));
    } catch {
      return failWith(new OidcError("ERR_OIDC_CALLBACK", "callback", "the callback is not a URL"));
    }
    if (cb.origin !== redirect.origin || cb.pathname !== redirect.pathname) {
      return failWith(new OidcError("ERR_OIDC_CALLBACK", "callback", "the callback is not the registered redirect URI"));
    }
    const p = cb.searchParams;
    const single = (name: string): string | null => {
      const all = p.getAll(name);
      if (all.length > 1) failWith(new OidcError("ERR_OIDC_CALLBACK", "callback", `parameter ${name} is repeated`));
      return all.length === 1 ? (all[0] as string) : null;
    };

    // state: the transaction is taken (single use) before anything else is believed.
    sweep();
    const state = single("state");
    const tx = state === null ? undefined : transactions.get(state);
    if (state === null || tx === undefined) {
      return failWith(new OidcError("ERR_OIDC_STATE", "state", state === null ? "the callback has no state" : "state is unknown, expired or already used"));
    }
    transactions.delete(state);
    steps.push({ step: "state", ok: true, detail: "state matches a login started here (now used up)" });

    // RFC 9207 iss: required when advertised; compared whenever present.
    const iss = single("iss");
    if (iss === null && metadata.authorization_response_iss_parameter_supported === true) {
      return failWith(new OidcError("ERR_OIDC_ISS_PARAM", "iss-param", "the provider advertises RFC 9207 but the response has no iss"));
    }
    if (iss !== null && iss !== metadata.issuer) {
      return failWith(new OidcError("ERR_OIDC_ISS_PARAM", "iss-param", `iss ${JSON.stringify(iss)} is not ${JSON.stringify(metadata.issuer)}: a mix-up`));
    }
    steps.push({ step: "iss-param", ok: true, detail: iss === null ? "no iss parameter (not advertised)" : "iss parameter is the issuer" });

    const error = single("error");
    if (error !== null) {
      const desc = single("error_description");
      return failWith(new OidcError("ERR_OIDC_AUTHORIZATION", "callback", `the provider answered ${error}${desc === null ? "" : `: ${desc}`}`));
    }
    const code = single("code");
    if (code === null || code === "") return failWith(new OidcError("ERR_OIDC_CALLBACK", "callback", "the callback has no code"));
    steps.push({ step: "callback", ok: true, detail: "authorization code received" });

    // Token exchange.
    const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, code_verifier: tx.codeVerifier });
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
    if (authMethod === "client_secret_basic") headers.authorization = basicAuth(clientId, clientSecret);
    else {
      body.set("client_id", clientId);
      body.set("client_secret", clientSecret);
    }
    let res: Response;
    try {
      res = await f(new Request(metadata.token_endpoint, { method: "POST", headers, body: body.toString(), redirect: "manual" }));
    } catch (e) {
      return failWith(new OidcError("ERR_OIDC_TOKEN_ERROR", "token-endpoint", `token request failed: ${(e as Error).message}`));
    }
    const json = await readJsonObject(res);
    if (res.status !== 200) {
      const err = typeof json?.error === "string" ? json.error : `HTTP ${res.status}`;
      const desc = typeof json?.error_description === "string" ? `: ${json.error_description}` : "";
      return failWith(new OidcError("ERR_OIDC_TOKEN_ERROR", "token-endpoint", `token endpoint answered ${err}${desc}`));
    }
    if (json === undefined) return failWith(new OidcError("ERR_OIDC_TOKEN_RESPONSE", "token-endpoint", "token response is not a JSON object"));
    const { id_token: idToken, access_token: accessToken, token_type: tokenType } = json;
    if (typeof idToken !== "string") return failWith(new OidcError("ERR_OIDC_TOKEN_RESPONSE", "token-endpoint", "token response has no id_token"));
    if (typeof accessToken !== "string") return failWith(new OidcError("ERR_OIDC_TOKEN_RESPONSE", "token-endpoint", "token response has no access_token"));
    if (typeof tokenType !== "string" || tokenType.toLowerCase() !== "bearer") {
      return failWith(new OidcError("ERR_OIDC_TOKEN_RESPONSE", "token-endpoint", `token_type ${JSON.stringify(tokenType)} is not Bearer`));
    }
    steps.push({ step: "token-endpoint", ok: true, detail: `code exchanged (${authMethod}, PKCE S256)` });

    let validated: ValidatedIdToken;
    try {
      validated = await validator.validate(idToken, { nonce: tx.nonce, accessToken, maxAge: tx.maxAge });
    } catch (e) {
      if (e instanceof OidcError) {
        e.steps = [...steps, ...e.steps];
      }
      throw e;
    }
    return {
      claims: validated.claims,
      header: validated.header,
      idToken,
      accessToken,
      expiresIn: typeof json.expires_in === "number" ? json.expires_in : undefined,
      scope: typeof json.scope === "string" ? json.scope : undefined,
      steps: [...steps, ...validated.steps],
    };
  }

  async function fetchUserInfo(accessToken: string, expectedSub: string): Promise<Record<string, unknown>> {
    const endpoint = metadata.userinfo_endpoint;
    if (!isAbsoluteUrl(endpoint)) throw new OidcError("ERR_OIDC_USERINFO", "userinfo", "the provider has no userinfo_endpoint");
    let res: Response;
    try {
      res = await f(new Request(endpoint, { headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" }, redirect: "manual" }));
    } catch (e) {
      throw new OidcError("ERR_OIDC_USERINFO", "userinfo", `UserInfo request failed: ${(e as Error).message}`);
    }
    if (res.status !== 200) throw new OidcError("ERR_OIDC_USERINFO", "userinfo", `UserInfo answered HTTP ${res.status}`);
    const ctype = res.headers.get("content-type") ?? "";
    if (!/^application\/json\b/i.test(ctype)) throw new OidcError("ERR_OIDC_USERINFO", "userinfo", `UserInfo content-type ${ctype} is not application/json`);
    const json = await readJsonObject(res);
    if (json === undefined) throw new OidcError("ERR_OIDC_USERINFO", "userinfo", "UserInfo response is not a JSON object");
    if (json.sub !== expectedSub) {
      throw new OidcError("ERR_OIDC_USERINFO_SUB", "userinfo", `UserInfo sub ${JSON.stringify(json.sub)} is not the ID token's ${JSON.stringify(expectedSub)}`);
    }
    return json;
  }

  return {
    metadata,
    clientId,
    jwks,
    authorizationRequest,
    handleCallback,
    validateIdToken: (token, opts) => validator.validate(token, opts),
    fetchUserInfo,
    pendingTransactions: () => {
      sweep();
      return transactions.size;
    },
  };
}
