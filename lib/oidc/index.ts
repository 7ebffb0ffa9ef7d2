/**
 * Day 3, ID tokens: the public face a notebook imports. A standards-exact OpenID Provider (with
 * a misbehaving mode), a scripted browser, the relying party (discovery, PKCE, callback,
 * ID-token validation per OIDC Core 3.1.3.7 with every failure named), `explainIdToken`, and
 * the conformance harness with its verdict table.
 *
 * Names the provider and the relying party share are exported once: `atHash(accessToken, alg)`
 * and `s256Challenge` come from the relying party (the provider's SHA-256-only `atHash` is
 * `providerAtHash`), `TokenEndpointAuthMethod` is the same union on both sides, and the
 * browser's `LoginResult`/`LoginOptions` are `BrowserLoginResult`/`BrowserLoginOptions` (the
 * relying party's `LoginResult` keeps its name).
 * @module oidc
 */

// The relying party, its errors and explainIdToken.
export * from "./rp/index.js";

// The provider.
export {
  OidcProviderError,
  type OidcProviderErrorCode,
  type AsymmetricAlg,
  type IdTokenAlg,
  type ClientConfig,
  type UserConfig,
  type Lifetimes,
  type KeyOptions,
  type ProviderConfig,
  checkIssuer,
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
  atHash as providerAtHash,
  type IssuedIdToken,
  verifyS256,
  escapeHtml,
  SCOPES,
  claimsForScopes,
  attackerKey,
  type AttackerKey,
  type Provider,
  type ProviderEndpoints,
  type RequestLogEntry,
  createProvider,
  type FetchHandler,
  type ListenOptions,
  type FetchServer,
  type ProviderServer,
  listenFetch,
  listenProvider,
} from "./provider/index.js";

// The scripted browser.
export {
  BrowserError,
  type BrowserErrorCode,
  type BrowserFetch,
  type HistoryEntry,
  type FormField,
  type HtmlForm,
  type BrowserPage,
  type BrowserOptions,
  type SubmitOptions,
  type LoginResult as BrowserLoginResult,
  type LoginOptions as BrowserLoginOptions,
  type Browser,
  decodeHtml,
  parseForms,
  routeByOrigin,
  createBrowser,
} from "./browser.js";

// The conformance harness.
export * from "./conformance/index.js";
