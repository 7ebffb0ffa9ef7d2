/**
 * @module oidc/provider/authorize
 *
 * The front channel: the authorization endpoint (code flow only, PKCE S256 required, exact
 * redirect-URI match, `state` passed through, RFC 9207 `iss` on every redirect), the login page
 * and the consent page. Until the client and its redirect URI are known to be good, errors are
 * shown as a page, never redirected (RFC 6749 section 4.1.2.1, RFC 9700 section 4.11); after
 * that they are OAuth error redirects.
 */
import type { ResolvedClient } from "./config.js";
import {
  BROWSER_COOKIE,
  type Interaction,
  type OpContext,
  SCOPES,
  SESSION_COOKIE,
  type Session,
  randomId,
  sweep,
} from "./context.js";
import { consentPage, errorPage, loginPage } from "./html.js";
import { ATTACKER_ISSUER, type Misbehavior, MISBEHAVIORS, isMisbehavior } from "./misbehaviors.js";
import { isS256Challenge } from "./pkce.js";
import { type Params, htmlResponse, readCookies, readForm, redirectResponse, safeEqual, setCookie, toParams } from "./respond.js";

/** Parameters at most this long are accepted (state, nonce, ...). */
const MAX_PARAM_LENGTH = 2048;

function grantKey(clientId: string, scopes: readonly string[]): string {
  return `${clientId} ${[...scopes].sort().join(" ")}`;
}

function cookieAttrs(ctx: OpContext, maxAge?: number): { path: string; secure: boolean; maxAge?: number } {
  const a: { path: string; secure: boolean; maxAge?: number } = { path: ctx.config.basePath === "" ? "/" : ctx.config.basePath, secure: ctx.config.secureCookies };
  if (maxAge !== undefined) a.maxAge = maxAge;
  return a;
}

/** The valid session of a request, if any. */
function currentSession(ctx: OpContext, request: Request, now: number): Session | undefined {
  const id = readCookies(request).get(SESSION_COOKIE);
  if (id === undefined) return undefined;
  const s = ctx.sessions.get(id);
  if (s === undefined || now >= s.expiresAt) return undefined;
  return s;
}

/** The redirect back to the client, with RFC 9207 `iss` and `state`, misbehaviors applied. */
function clientRedirect(
  ctx: OpContext,
  redirectUri: string,
  state: string | undefined,
  misbehave: Misbehavior | undefined,
  params: Record<string, string>,
  setCookies: string[] = [],
): Response {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
  if (misbehave === "wrong-state") u.searchParams.append("state", state === undefined ? "injected-state" : `${state}-tampered`);
  else if (state !== undefined) u.searchParams.append("state", state);
  if (misbehave === "wrong-iss-param") u.searchParams.append("iss", ATTACKER_ISSUER);
  else if (misbehave !== "missing-iss-param") u.searchParams.append("iss", ctx.config.issuer);
  return redirectResponse(u.href, setCookies);
}

function errorRedirect(
  ctx: OpContext,
  redirectUri: string,
  state: string | undefined,
  misbehave: Misbehavior | undefined,
  error: string,
  description: string,
): Response {
  return clientRedirect(ctx, redirectUri, state, misbehave, { error, error_description: description });
}

/** Issues the code for a finished interaction and redirects to the client. */
function issueCode(ctx: OpContext, it: Interaction, session: Session, now: number, setCookies: string[] = []): Response {
  const code = randomId();
  ctx.codes.set(code, {
    clientId: it.clientId,
    redirectUri: it.redirectUri,
    sub: session.sub,
    scopes: it.scopes,
    ...(it.nonce === undefined ? {} : { nonce: it.nonce }),
    codeChallenge: it.codeChallenge,
    authTime: session.authTime,
    expiresAt: now + ctx.config.lifetimes.code * 1000,
    accessTokens: [],
    ...(it.misbehave === undefined ? {} : { misbehave: it.misbehave }),
  });
  ctx.interactions.delete(it.id);
  return clientRedirect(ctx, it.redirectUri, it.state, it.misbehave ?? ctx.misbehavior(), { code }, setCookies);
}

/**
 * GET or POST /authorize (OIDC Core 3.1.2.1: both methods are supported).
 *
 * @param ctx - the provider context
 * @param request - the request
 * @returns an error page, an error redirect, a redirect to the login or consent page, or (with a
 *   session and a remembered consent) the redirect with the code
 * @throws never
 * @example
 * await handleAuthorize(ctx, new Request(`${issuer}/authorize?client_id=...`));
 */
export async function handleAuthorize(ctx: OpContext, request: Request): Promise<Response> {
  const now = ctx.config.now();
  sweep(ctx, now);
  let params: Params;
  if (request.method === "POST") {
    const form = await readForm(request);
    if (form === undefined) return htmlResponse(400, errorPage("invalid_request", "POST to the authorization endpoint must be a form"));
    params = form;
  } else params = toParams(new URL(request.url).searchParams);

  // 1. Client and redirect URI: errors here are shown, never redirected.
  const clientId = params.get("client_id");
  const client: ResolvedClient | undefined = clientId === undefined ? undefined : ctx.config.clients.get(clientId);
  if (client === undefined) return htmlResponse(400, errorPage("invalid_client", "Unknown or missing client_id."));
  const redirectUri = params.get("redirect_uri");
  if (redirectUri === undefined || !client.redirect_uris.includes(redirectUri)) {
    return htmlResponse(400, errorPage("invalid_request", "The redirect_uri is missing or not registered for this client (exact match required)."));
  }
  if (params.duplicates.includes("client_id") || params.duplicates.includes("redirect_uri")) {
    return htmlResponse(400, errorPage("invalid_request", "client_id and redirect_uri must appear once."));
  }

  // 2. From here on, errors go back to the client.
  const rawState = params.get("state");
  const state = rawState !== undefined && rawState.length <= MAX_PARAM_LENGTH ? rawState : undefined;
  let misbehave: Misbehavior | undefined;
  const mParam = params.get("misbehave");
  const fail = (error: string, description: string): Response => errorRedirect(ctx, redirectUri, state, misbehave ?? ctx.misbehavior(), error, description);
  if (rawState !== undefined && state === undefined) return fail("invalid_request", "state is too long");
  if (params.duplicates.length > 0) return fail("invalid_request", `parameters repeated: ${params.duplicates.join(", ")}`);
  if (mParam !== undefined && ctx.config.misbehaviorParam) {
    if (!isMisbehavior(mParam)) return fail("invalid_request", "unknown misbehave value");
    if (!MISBEHAVIORS[mParam].perLogin) return fail("invalid_request", `${mParam} can only be set on the provider`);
    misbehave = mParam;
  }
  if (params.get("request") !== undefined) return fail("request_not_supported", "request objects are not supported");
  if (params.get("request_uri") !== undefined) return fail("request_uri_not_supported", "request_uri is not supported");
  const responseType = params.get("response_type");
  if (responseType === undefined) return fail("invalid_request", "response_type is required");
  if (responseType !== "code") return fail("unsupported_response_type", "only response_type=code is supported");
  const responseMode = params.get("response_mode");
  if (responseMode !== undefined && responseMode !== "query") return fail("invalid_request", "only response_mode=query is supported");
  const scopes = (params.get("scope") ?? "").split(" ").filter((s) => s !== "");
  if (!scopes.includes("openid")) return fail("invalid_scope", "scope must include openid");
  const granted = [...new Set(scopes.filter((s) => Object.prototype.hasOwnProperty.call(SCOPES, s)))];
  const challenge = params.get("code_challenge");
  const method = params.get("code_challenge_method");
  if (challenge === undefined) return fail("invalid_request", "code_challenge is required (PKCE with S256)");
  if (method !== "S256") return fail("invalid_request", "code_challenge_method must be S256 (plain is not supported)");
  if (!isS256Challenge(challenge)) return fail("invalid_request", "code_challenge must be 43 base64url characters");
  const nonce = params.get("nonce");
  if (nonce !== undefined && nonce.length > MAX_PARAM_LENGTH) return fail("invalid_request", "nonce is too long");
  const prompt = new Set((params.get("prompt") ?? "").split(" ").filter((s) => s !== ""));
  if (prompt.has("none") && prompt.size > 1) return fail("invalid_request", "prompt=none cannot be combined with other values");
  const maxAgeRaw = params.get("max_age");
  if (maxAgeRaw !== undefined && !/^\d{1,9}$/.test(maxAgeRaw)) return fail("invalid_request", "max_age must be a non-negative integer");
  const maxAge = maxAgeRaw === undefined ? undefined : Number(maxAgeRaw);

  // 3. Who is the user, and what is still needed?
  const session = currentSession(ctx, request, now);
  const needLogin = session === undefined || prompt.has("login") || (maxAge !== undefined && now - session.authTime > maxAge * 1000);
  const hasGrant = session !== undefined && session.grants.has(grantKey(client.client_id, granted));
  if (prompt.has("none")) {
    if (needLogin) return fail("login_required", "the user is not logged in (prompt=none)");
    if (!hasGrant) return fail("consent_required", "the user has not consented (prompt=none)");
  }
  const cookies = readCookies(request);
  let browser = cookies.get(BROWSER_COOKIE);
  const setCookies: string[] = [];
  if (browser === undefined || !/^[A-Za-z0-9_-]{43}$/.test(browser)) {
    browser = randomId();
    setCookies.push(setCookie(BROWSER_COOKIE, browser, cookieAttrs(ctx)));
  }
  const it: Interaction = {
    id: randomId(),
    csrf: randomId(),
    browser,
    clientId: client.client_id,
    redirectUri,
    scopes: granted,
    ...(state === undefined ? {} : { state }),
    ...(nonce === undefined ? {} : { nonce }),
    codeChallenge: challenge,
    needLogin,
    ...(needLogin ? {} : { sessionId: (session as Session).id }),
    ...(misbehave === undefined ? {} : { misbehave }),
    expiresAt: now + ctx.config.lifetimes.interaction * 1000,
  };
  ctx.interactions.set(it.id, it);
  if (!needLogin && hasGrant && !prompt.has("consent")) return issueCode(ctx, it, session as Session, now, setCookies);
  const next = needLogin ? "/login" : "/consent";
  return redirectResponse(`${ctx.url(next)}?interaction=${it.id}`, setCookies);
}

/** The interaction a login/consent request names, if it belongs to this browser and is alive. */
function findInteraction(ctx: OpContext, request: Request, id: string | undefined, now: number): Interaction | undefined {
  if (id === undefined) return undefined;
  const it = ctx.interactions.get(id);
  if (it === undefined || now >= it.expiresAt) return undefined;
  const browser = readCookies(request).get(BROWSER_COOKIE);
  if (browser === undefined || !safeEqual(browser, it.browser)) return undefined;
  return it;
}

const EXPIRED = (): Response =>
  htmlResponse(400, errorPage("interaction_expired", "This sign-in request has expired or belongs to another browser. Go back to the application and start again."));

/**
 * GET /login?interaction=... : the login form.
 *
 * @param ctx - the provider context
 * @param request - the request
 * @returns the login page, or an error page for an unknown interaction
 * @throws never
 * @example
 * await handleLoginPage(ctx, request);
 */
export function handleLoginPage(ctx: OpContext, request: Request): Response {
  const now = ctx.config.now();
  const it = findInteraction(ctx, request, new URL(request.url).searchParams.get("interaction") ?? undefined, now);
  if (it === undefined) return EXPIRED();
  const client = ctx.config.clients.get(it.clientId) as ResolvedClient;
  return htmlResponse(200, loginPage({ action: ctx.path("/login"), interaction: it.id, csrf: it.csrf, clientName: client.client_name }));
}

/**
 * POST /login: checks the CSRF token and the credentials, starts a session, and continues to the
 * consent page (303). A wrong password shows the form again (401) with the username escaped.
 *
 * @param ctx - the provider context
 * @param request - the form submission
 * @returns the next response
 * @throws never
 * @example
 * await handleLoginSubmit(ctx, request);
 */
export async function handleLoginSubmit(ctx: OpContext, request: Request): Promise<Response> {
  const now = ctx.config.now();
  const form = await readForm(request);
  if (form === undefined) return htmlResponse(400, errorPage("invalid_request", "Expected a form submission."));
  const it = findInteraction(ctx, request, form.get("interaction"), now);
  if (it === undefined) return EXPIRED();
  const csrf = form.get("csrf");
  if (csrf === undefined || !safeEqual(csrf, it.csrf)) return htmlResponse(403, errorPage("csrf", "The form's CSRF token is missing or wrong."));
  const client = ctx.config.clients.get(it.clientId) as ResolvedClient;
  const username = form.get("username") ?? "";
  const password = form.get("password") ?? "";
  const user = ctx.config.users.find((u) => u.username === username);
  // Compare even for an unknown user, so both cases take the same time.
  const ok = safeEqual(password, user === undefined ? "\u0000no-such-user" : user.password) && user !== undefined;
  if (!ok || user === undefined) {
    return htmlResponse(401, loginPage({
      action: ctx.path("/login"), interaction: it.id, csrf: it.csrf, clientName: client.client_name, username,
      error: "Wrong username or password.",
    }));
  }
  const session: Session = { id: randomId(), sub: user.sub, authTime: now, expiresAt: now + ctx.config.lifetimes.session * 1000, grants: new Set() };
  const old = readCookies(request).get(SESSION_COOKIE);
  if (old !== undefined) ctx.sessions.delete(old);
  ctx.sessions.set(session.id, session);
  it.needLogin = false;
  it.sessionId = session.id;
  const cookie = setCookie(SESSION_COOKIE, session.id, cookieAttrs(ctx));
  return redirectResponse(`${ctx.url("/consent")}?interaction=${it.id}`, [cookie]);
}

/** The session allowed to consent for an interaction, if the request carries it. */
function consentSession(ctx: OpContext, request: Request, it: Interaction, now: number): Session | undefined {
  if (it.needLogin || it.sessionId === undefined) return undefined;
  const s = currentSession(ctx, request, now);
  return s !== undefined && s.id === it.sessionId ? s : undefined;
}

/**
 * GET /consent?interaction=... : what the client asks for, with Allow and Deny.
 *
 * @param ctx - the provider context
 * @param request - the request
 * @returns the consent page; a redirect to the login page without a session
 * @throws never
 * @example
 * await handleConsentPage(ctx, request);
 */
export function handleConsentPage(ctx: OpContext, request: Request): Response {
  const now = ctx.config.now();
  const it = findInteraction(ctx, request, new URL(request.url).searchParams.get("interaction") ?? undefined, now);
  if (it === undefined) return EXPIRED();
  const session = consentSession(ctx, request, it, now);
  if (session === undefined) {
    it.needLogin = true;
    return redirectResponse(`${ctx.url("/login")}?interaction=${it.id}`);
  }
  const client = ctx.config.clients.get(it.clientId) as ResolvedClient;
  const user = ctx.config.users.find((u) => u.sub === session.sub);
  const name = user?.claims?.name;
  return htmlResponse(200, consentPage({
    action: ctx.path("/consent"), interaction: it.id, csrf: it.csrf, clientName: client.client_name,
    username: user?.username ?? session.sub,
    ...(typeof name === "string" ? { displayName: name } : {}),
    scopes: it.scopes.map((s) => ({ scope: s, description: SCOPES[s].description })),
  }));
}

/**
 * POST /consent: Allow issues the code and redirects to the client (303); Deny redirects with
 * `error=access_denied`.
 *
 * @param ctx - the provider context
 * @param request - the form submission
 * @returns the redirect, or an error page
 * @throws never
 * @example
 * await handleConsentSubmit(ctx, request);
 */
export async function handleConsentSubmit(ctx: OpContext, request: Request): Promise<Response> {
  const now = ctx.config.now();
  const form = await readForm(request);
  if (form === undefined) return htmlResponse(400, errorPage("invalid_request", "Expected a form submission."));
  const it = findInteraction(ctx, request, form.get("interaction"), now);
  if (it === undefined) return EXPIRED();
  const csrf = form.get("csrf");
  if (csrf === undefined || !safeEqual(csrf, it.csrf)) return htmlResponse(403, errorPage("csrf", "The form's CSRF token is missing or wrong."));
  const session = consentSession(ctx, request, it, now);
  if (session === undefined) return htmlResponse(403, errorPage("login_required", "Sign in first."));
  const decision = form.get("decision");
  if (decision === "approve") {
    session.grants.add(grantKey(it.clientId, it.scopes));
    return issueCode(ctx, it, session, now);
  }
  ctx.interactions.delete(it.id);
  return errorRedirect(ctx, it.redirectUri, it.state, it.misbehave ?? ctx.misbehavior(), "access_denied", "the user denied the request");
}
