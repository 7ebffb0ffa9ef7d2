/**
 * Day 3, ID tokens: a standards-exact OpenID Provider on jose. Discovery, JWKS with staged key
 * rotation, the authorization endpoint (code flow, PKCE S256, exact redirect URIs, RFC 9207
 * `iss`), login and consent pages, the token endpoint, ID tokens and UserInfo, as one fetch
 * handler that runs in-process or over HTTP, plus a misbehaving mode that commits one named
 * deviation at a time for the conformance harness.
 * @module oidc/provider
 */
export { OidcProviderError, type OidcProviderErrorCode } from "./errors.js";
export {
  type AsymmetricAlg,
  type IdTokenAlg,
  type TokenEndpointAuthMethod,
  type ClientConfig,
  type UserConfig,
  type Lifetimes,
  type KeyOptions,
  type ProviderConfig,
  checkIssuer,
} from "./config.js";
export {
  type KeyState,
  type SigningKey,
  type KeyInfo,
  type KeyEvent,
  type RotationResult,
  type RotateOptions,
  type KeyRing,
  type KeyRingOptions,
  generateSigningKey,
  createKeyRing,
} from "./keys.js";
export {
  type MisbehaviorTarget,
  type MisbehaviorInfo,
  type Misbehavior,
  MISBEHAVIORS,
  MISBEHAVIOR_NAMES,
  ATTACKER_ISSUER,
  UNTRUSTED_AUDIENCE,
  WRONG_AZP,
  UNKNOWN_CRIT_PARAM,
  isMisbehavior,
} from "./misbehaviors.js";
export { atHash, type IssuedIdToken } from "./id-token.js";
export { s256Challenge, verifyS256 } from "./pkce.js";
export { escapeHtml } from "./html.js";
export { SCOPES, claimsForScopes } from "./context.js";
export { attackerKey, type AttackerKey } from "./attacker.js";
export { type Provider, type ProviderEndpoints, type RequestLogEntry, createProvider } from "./provider.js";
export { type FetchHandler, type ListenOptions, type FetchServer, type ProviderServer, listenFetch, listenProvider } from "./listen.js";
