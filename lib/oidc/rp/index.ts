/**
 * Day 3, ID tokens: the OpenID Connect relying party. Discovery, the authorization request with
 * state, nonce and PKCE, the callback (state, RFC 9207 iss), the code exchange, ID-token
 * validation per OIDC Core §3.1.3.7 with the signature always verified and every failure named
 * by a stable code and step, a cached JWKS with kid-miss refetch and cooldown, and UserInfo.
 * @module oidc/rp
 */
export { OidcError, OIDC_ERROR_CODES, OIDC_STEPS, isOidcError, type OidcErrorCode, type OidcStep, type StepResult } from "../errors.js";
export { type FetchLike, defaultFetch, isAbsoluteUrl } from "./http.js";
export { type ProviderMetadata, type DiscoverOptions, discover, discoveryUrl, parseProviderMetadata } from "./discovery.js";
export {
  type JsonWebKeySet,
  type SelectedKey,
  type KeySource,
  type KeyMatch,
  type JwksCache,
  type JwksCacheOptions,
  type JwksCacheStats,
  DEFAULT_JWKS_COOLDOWN_SEC,
  DEFAULT_JWKS_MAX_AGE_SEC,
  ASYMMETRIC_ALGS,
  isSuitableKey,
  findKeys,
  parseJwks,
  createStaticKeySource,
  createJwksCache,
} from "./jwks.js";
export { atHash, hashForAlg } from "./at-hash.js";
export { randomToken, s256Challenge } from "./pkce.js";
export { type NonceReplayCache, createNonceReplayCache } from "./replay.js";
export {
  type IdTokenClaims,
  type IdTokenHeader,
  type IdTokenValidatorOptions,
  type ValidateIdTokenOptions,
  type ValidatedIdToken,
  type IdTokenValidator,
  DEFAULT_ALLOWED_ALGS,
  DEFAULT_CLOCK_SKEW_SEC,
  DEFAULT_IAT_WINDOW_SEC,
  MAX_TOKEN_LENGTH,
  checkIdTokenHeader,
  createIdTokenValidator,
} from "./validate.js";
export {
  type TokenEndpointAuthMethod,
  type RelyingPartyOptions,
  type AuthorizationRequestOptions,
  type AuthorizationRequest,
  type LoginResult,
  type RelyingParty,
  createRelyingParty,
} from "./relying-party.js";
export { type ExplainedIdToken, type ExplainRow, type ExplainOptions, explainIdToken } from "../explain.js";
