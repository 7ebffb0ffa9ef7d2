/**
 * @module oidc/provider/token
 *
 * The token endpoint (RFC 6749 section 4.1.3, OIDC Core 3.1.3): client authentication by the
 * client's registered method (client_secret_basic or client_secret_post), the
 * authorization_code grant with single-use, short-lived codes, the redirect_uri and the PKCE
 * code_verifier checked, and the ID token issued. A replayed code fails and revokes every token
 * issued from it (RFC 6749 section 4.1.2). Errors are RFC 6749 section 5.2 JSON; every answer
 * is `Cache-Control: no-store`.
 */
import { randomId, claimsForScopes, type OpContext } from "./context.js";
import type { ResolvedClient } from "./config.js";
import { issueIdToken } from "./id-token.js";
import { verifyS256 } from "./pkce.js";
import { type Params, jsonResponse, oauthErrorResponse, readForm, safeEqual } from "./respond.js";

/** Decodes one half of a Basic credential (form-urlencoded, RFC 6749 section 2.3.1). */
function formDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return undefined;
  }
}

type AuthResult = { client: ResolvedClient } | { error: Response };

/** Authenticates the client of a token request. */
function authenticate(ctx: OpContext, request: Request, form: Params): AuthResult {
  const header = request.headers.get("authorization");
  const basic = header !== null && /^basic /i.test(header);
  const postSecret = form.get("client_secret");
  const unauthorized = (description: string): AuthResult => ({
    error: oauthErrorResponse(401, "invalid_client", description, basic ? { "www-authenticate": 'Basic realm="token", charset="UTF-8"' } : {}),
  });
  if (basic && postSecret !== undefined) {
    return { error: oauthErrorResponse(400, "invalid_request", "use one client authentication method, not two") };
  }
  if (basic) {
    let decoded: string;
    try {
      decoded = Buffer.from((header as string).slice(6).trim(), "base64").toString("utf8");
    } catch {
      return unauthorized("malformed Basic credentials");
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return unauthorized("malformed Basic credentials");
    const id = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    if (id === undefined || secret === undefined) return unauthorized("malformed Basic credentials");
    const client = ctx.config.clients.get(id);
    const bodyId = form.get("client_id");
    if (client === undefined || !safeEqual(secret, client.client_secret)) return unauthorized("client authentication failed");
    if (client.token_endpoint_auth_method !== "client_secret_basic") return unauthorized("this client is registered for client_secret_post");
    if (bodyId !== undefined && bodyId !== id) return unauthorized("client_id in the body differs from the authenticated client");
    return { client };
  }
  if (postSecret !== undefined) {
    const id = form.get("client_id");
    const client = id === undefined ? undefined : ctx.config.clients.get(id);
    if (client === undefined || !safeEqual(postSecret, client.client_secret)) return unauthorized("client authentication failed");
    if (client.token_endpoint_auth_method !== "client_secret_post") return unauthorized("this client is registered for client_secret_basic");
    return { client };
  }
  return unauthorized("client authentication is required");
}

/**
 * POST /token: the authorization_code grant.
 *
 * @param ctx - the provider context
 * @param request - the token request (form body)
 * @returns `{ access_token, token_type, expires_in, scope, id_token }` or an RFC 6749 5.2 error
 * @throws never
 * @example
 * const res = await handleToken(ctx, request);
 * (await res.json()).token_type; // => "Bearer"
 */
export async function handleToken(ctx: OpContext, request: Request): Promise<Response> {
  const now = ctx.config.now();
  const form = await readForm(request);
  if (form === undefined) return oauthErrorResponse(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
  if (form.duplicates.length > 0) return oauthErrorResponse(400, "invalid_request", `parameters repeated: ${form.duplicates.join(", ")}`);
  const auth = authenticate(ctx, request, form);
  if ("error" in auth) return auth.error;
  const { client } = auth;

  const grantType = form.get("grant_type");
  if (grantType === undefined) return oauthErrorResponse(400, "invalid_request", "grant_type is required");
  if (grantType !== "authorization_code") return oauthErrorResponse(400, "unsupported_grant_type", "only authorization_code is supported");
  const code = form.get("code");
  if (code === undefined) return oauthErrorResponse(400, "invalid_request", "code is required");
  const rec = ctx.codes.get(code);
  if (rec === undefined || rec.clientId !== client.client_id) return oauthErrorResponse(400, "invalid_grant", "unknown code");
  if (rec.usedAt !== undefined) {
    for (const t of rec.accessTokens) {
      const at = ctx.accessTokens.get(t);
      if (at !== undefined) at.revoked = true;
    }
    return oauthErrorResponse(400, "invalid_grant", "code already used: the tokens issued from it are revoked");
  }
  if (now >= rec.expiresAt) return oauthErrorResponse(400, "invalid_grant", "code expired");
  if (form.get("redirect_uri") !== rec.redirectUri) return oauthErrorResponse(400, "invalid_grant", "redirect_uri does not match the authorization request");
  const verifier = form.get("code_verifier");
  if (verifier === undefined) return oauthErrorResponse(400, "invalid_grant", "code_verifier is required (PKCE)");
  if (!verifyS256(verifier, rec.codeChallenge)) return oauthErrorResponse(400, "invalid_grant", "code_verifier does not match the code_challenge");

  // Redeem: single use from now on.
  rec.usedAt = now;
  const user = ctx.config.users.find((u) => u.sub === rec.sub);
  if (user === undefined) return oauthErrorResponse(400, "invalid_grant", "the user no longer exists");
  const misbehave = rec.misbehave ?? ctx.misbehavior();
  const accessToken = randomId();
  const lifetime = ctx.config.lifetimes.accessToken;
  ctx.accessTokens.set(accessToken, {
    clientId: client.client_id,
    sub: rec.sub,
    scopes: rec.scopes,
    expiresAt: now + lifetime * 1000,
    revoked: false,
    ...(misbehave === undefined ? {} : { misbehave }),
  });
  rec.accessTokens.push(accessToken);
  const { token: idToken } = await issueIdToken({
    issuer: ctx.config.issuer,
    client,
    sub: rec.sub,
    ...(rec.nonce === undefined ? {} : { nonce: rec.nonce }),
    authTime: rec.authTime,
    accessToken,
    claims: ctx.config.claimsInIdToken ? claimsForScopes(user, rec.scopes) : {},
    now,
    lifetime: ctx.config.lifetimes.idToken,
    keys: ctx.keys,
    ...(misbehave === undefined ? {} : { misbehave }),
  });
  return jsonResponse(
    200,
    { access_token: accessToken, token_type: "Bearer", expires_in: lifetime, scope: rec.scopes.join(" "), id_token: idToken },
    { "cache-control": "no-store", pragma: "no-cache" },
  );
}
