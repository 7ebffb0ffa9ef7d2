/**
 * @module oidc/rp/discovery
 *
 * OpenID Connect Discovery 1.0: fetch `<issuer>/.well-known/openid-configuration` and keep the
 * few fields the relying party uses. The document's `issuer` must be *exactly* the issuer the
 * relying party expects (§4.3): no trailing-slash or case tolerance, because the same string is
 * later compared with every ID token's `iss`.
 */

import { OidcError } from "../errors.js";
import { defaultFetch, isAbsoluteUrl, readJsonObject, type FetchLike } from "./http.js";

/** The provider metadata the relying party uses (a subset of the discovery document). */
export interface ProviderMetadata {
  /** The issuer identifier, exactly as in ID tokens' `iss`. */
  issuer: string;
  /** Where the browser is sent to log in. */
  authorization_endpoint: string;
  /** Where the code is exchanged for tokens. */
  token_endpoint: string;
  /** Where the provider's public signing keys are published. */
  jwks_uri: string;
  /** The UserInfo endpoint, if any. */
  userinfo_endpoint?: string;
  /** RFC 9207: the provider puts `iss` in every authorization response. */
  authorization_response_iss_parameter_supported?: boolean;
  /** ID-token signing algorithms the provider supports. */
  id_token_signing_alg_values_supported?: string[];
  /** Client authentication methods the token endpoint supports. */
  token_endpoint_auth_methods_supported?: string[];
  /** PKCE methods the provider supports. */
  code_challenge_methods_supported?: string[];
  /** Scopes the provider supports. */
  scopes_supported?: string[];
}

/** Options of {@link discover}. */
export interface DiscoverOptions {
  /** How to make the request (default: the global fetch). */
  fetch?: FetchLike;
}

/**
 * The discovery URL of an issuer: the issuer without a trailing slash, then
 * `/.well-known/openid-configuration` (Discovery §4).
 *
 * @param issuer - the issuer identifier
 * @returns the URL to fetch
 * @example
 * discoveryUrl("https://op.example/tenant/"); // => "https://op.example/tenant/.well-known/openid-configuration"
 */
export function discoveryUrl(issuer: string): string {
  return issuer.replace(/\/$/, "") + "/.well-known/openid-configuration";
}

function requireUrl(doc: Record<string, unknown>, field: string): string {
  const v = doc[field];
  if (!isAbsoluteUrl(v)) {
    throw new OidcError("ERR_OIDC_DISCOVERY", "discovery", `discovery document: ${field} is missing or not a URL`);
  }
  return v;
}

function optionalStrings(doc: Record<string, unknown>, field: string): string[] | undefined {
  const v = doc[field];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    throw new OidcError("ERR_OIDC_DISCOVERY", "discovery", `discovery document: ${field} is not a list of strings`);
  }
  return v as string[];
}

/**
 * Checks a discovery document and keeps the fields the relying party uses.
 *
 * @param doc - the parsed discovery document
 * @param expectedIssuer - the issuer the relying party was told to trust
 * @returns the metadata
 * @throws OidcError `ERR_OIDC_DISCOVERY_ISSUER` when `doc.issuer !== expectedIssuer`,
 *   `ERR_OIDC_DISCOVERY` when a required field is missing or malformed
 * @example
 * parseProviderMetadata({ issuer: "https://op", authorization_endpoint: "https://op/auth",
 *   token_endpoint: "https://op/token", jwks_uri: "https://op/jwks" }, "https://op").issuer; // => "https://op"
 */
export function parseProviderMetadata(doc: Record<string, unknown>, expectedIssuer: string): ProviderMetadata {
  if (typeof doc.issuer !== "string" || doc.issuer !== expectedIssuer) {
    throw new OidcError(
      "ERR_OIDC_DISCOVERY_ISSUER",
      "discovery",
      `discovery issuer ${JSON.stringify(doc.issuer)} is not exactly ${JSON.stringify(expectedIssuer)}`,
    );
  }
  const meta: ProviderMetadata = {
    issuer: doc.issuer,
    authorization_endpoint: requireUrl(doc, "authorization_endpoint"),
    token_endpoint: requireUrl(doc, "token_endpoint"),
    jwks_uri: requireUrl(doc, "jwks_uri"),
  };
  if (doc.userinfo_endpoint !== undefined) meta.userinfo_endpoint = requireUrl(doc, "userinfo_endpoint");
  const issParam = doc.authorization_response_iss_parameter_supported;
  if (issParam !== undefined) {
    if (typeof issParam !== "boolean") {
      throw new OidcError("ERR_OIDC_DISCOVERY", "discovery", "authorization_response_iss_parameter_supported is not a boolean");
    }
    meta.authorization_response_iss_parameter_supported = issParam;
  }
  const lists = [
    "id_token_signing_alg_values_supported",
    "token_endpoint_auth_methods_supported",
    "code_challenge_methods_supported",
    "scopes_supported",
  ] as const;
  for (const f of lists) {
    const v = optionalStrings(doc, f);
    if (v !== undefined) meta[f] = v;
  }
  return meta;
}

/**
 * Fetches and checks an issuer's discovery document.
 *
 * @param issuer - the issuer identifier, exactly as ID tokens will carry it
 * @param options - `fetch` to use (default: the global fetch)
 * @returns the provider metadata
 * @throws OidcError `ERR_OIDC_DISCOVERY` (unreachable, not 200, not JSON, missing field),
 *   `ERR_OIDC_DISCOVERY_ISSUER` (issuer not exactly equal)
 * @example
 * const meta = await discover("http://127.0.0.1:4000", { fetch: provider.fetch });
 * meta.token_endpoint; // => "http://127.0.0.1:4000/token"
 */
export async function discover(issuer: string, options: DiscoverOptions = {}): Promise<ProviderMetadata> {
  if (!isAbsoluteUrl(issuer)) {
    throw new OidcError("ERR_OIDC_CONFIG", "config", "issuer must be an absolute URL");
  }
  const f = options.fetch ?? defaultFetch;
  let res: Response;
  try {
    res = await f(new Request(discoveryUrl(issuer), { headers: { accept: "application/json" }, redirect: "manual" }));
  } catch (e) {
    throw new OidcError("ERR_OIDC_DISCOVERY", "discovery", `discovery request failed: ${(e as Error).message}`);
  }
  if (res.status !== 200) {
    throw new OidcError("ERR_OIDC_DISCOVERY", "discovery", `discovery answered HTTP ${res.status}`);
  }
  const doc = await readJsonObject(res);
  if (doc === undefined) throw new OidcError("ERR_OIDC_DISCOVERY", "discovery", "discovery document is not a JSON object");
  return parseProviderMetadata(doc, issuer);
}
