/**
 * @module oidc/provider/config
 *
 * The provider's configuration (clients, users, lifetimes, clock, keys) and its validation:
 * {@link resolveConfig} checks everything once and fills in the defaults, so the endpoints can
 * trust what they read.
 */
import { OidcProviderError } from "./errors.js";
import { type Misbehavior, checkMisbehavior } from "./misbehaviors.js";

/** An asymmetric algorithm the provider holds key pairs for. */
export type AsymmetricAlg = "RS256" | "ES256";
/** An algorithm a client can register for its ID tokens (HS256 is keyed with its secret). */
export type IdTokenAlg = AsymmetricAlg | "HS256";
/** How a client authenticates at the token endpoint. */
export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post";

/** A registered client (a relying party). */
export interface ClientConfig {
  /** The client identifier. */
  client_id: string;
  /** The client secret (never printed). */
  client_secret: string;
  /** The redirect URIs, matched exactly (string equality). */
  redirect_uris: string[];
  /** Client authentication at the token endpoint; default `client_secret_basic`. */
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  /** The ID token signing algorithm; default `RS256`. */
  id_token_signed_response_alg?: IdTokenAlg;
  /** A name to show on the consent page; default the client_id. */
  client_name?: string;
  /** Further audiences put into its ID tokens' `aud` (then `azp` is added). */
  extra_audiences?: string[];
}

/** A user who can log in. */
export interface UserConfig {
  /** The subject identifier (1 to 255 ASCII characters, stable). */
  sub: string;
  /** The login name typed into the login page. */
  username: string;
  /** The password (never printed). */
  password: string;
  /** Profile claims: name, email, email_verified, given_name, ... (not `sub`). */
  claims?: Record<string, unknown>;
}

/** Lifetimes in seconds. */
export interface Lifetimes {
  /** Authorization code; default 60. */
  code?: number;
  /** ID token (`exp - iat`); default 300. */
  idToken?: number;
  /** Access token; default 300. */
  accessToken?: number;
  /** Login session (the provider's cookie); default 3600. */
  session?: number;
  /** A pending login/consent interaction; default 600. */
  interaction?: number;
}

/** Key management options. */
export interface KeyOptions {
  /** The asymmetric algorithms to hold keys for; default `["RS256", "ES256"]`. */
  algs?: AsymmetricAlg[];
  /** Seconds a retired key stays published; default twice the ID token lifetime. */
  retiredKeyTtl?: number;
  /** Publish the next key (pending) before it signs; default true. */
  prepublish?: boolean;
}

/** Everything {@link createProvider} needs. */
export interface ProviderConfig {
  /** The issuer identifier: an http(s) URL without query, fragment or trailing slash. */
  issuer: string;
  /** The registered clients. */
  clients: ClientConfig[];
  /** The users. */
  users: UserConfig[];
  /** Lifetimes in seconds. */
  lifetimes?: Lifetimes;
  /** The clock in milliseconds since the epoch; default `Date.now`. */
  now?: () => number;
  /** Key options. */
  keys?: KeyOptions;
  /** A misbehavior for every response, or undefined (behave). */
  misbehave?: Misbehavior;
  /** Honour a `misbehave` parameter on authorization requests (for the harness); default false. */
  misbehaviorParam?: boolean;
  /** Put the scopes' profile/email claims into the ID token too (not only UserInfo); default true. */
  claimsInIdToken?: boolean;
}

/** A client after validation, defaults filled in. */
export interface ResolvedClient {
  readonly client_id: string;
  readonly client_secret: string;
  readonly redirect_uris: readonly string[];
  readonly token_endpoint_auth_method: TokenEndpointAuthMethod;
  readonly id_token_signed_response_alg: IdTokenAlg;
  readonly client_name: string;
  readonly extra_audiences: readonly string[];
}

/** A configuration after validation, defaults filled in. */
export interface ResolvedConfig {
  readonly issuer: string;
  /** The issuer's path without trailing slash ("" for an origin issuer): the endpoints live under it. */
  readonly basePath: string;
  readonly secureCookies: boolean;
  readonly clients: ReadonlyMap<string, ResolvedClient>;
  readonly users: readonly UserConfig[];
  readonly lifetimes: Readonly<Required<Lifetimes>>;
  readonly now: () => number;
  readonly keys: { readonly algs: readonly AsymmetricAlg[]; readonly retiredKeyTtl: number; readonly prepublish: boolean };
  readonly misbehave: Misbehavior | undefined;
  readonly misbehaviorParam: boolean;
  readonly claimsInIdToken: boolean;
}

const ASYMMETRIC: readonly AsymmetricAlg[] = ["RS256", "ES256"];
const ID_TOKEN_ALGS: readonly IdTokenAlg[] = ["RS256", "ES256", "HS256"];
const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ["client_secret_basic", "client_secret_post"];

function fail(message: string): never {
  throw new OidcProviderError("ERR_OP_CONFIG", message);
}

function nonEmptyString(v: unknown, what: string): string {
  if (typeof v !== "string" || v.length === 0) fail(`${what} must be a non-empty string`);
  return v;
}

function positiveInt(v: unknown, what: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0) fail(`${what} must be a positive integer (seconds)`);
  return v;
}

/**
 * Checks an issuer identifier: an absolute http(s) URL with no query, fragment, credentials or
 * trailing slash (OpenID Discovery compares it by string equality).
 *
 * @param issuer - the candidate
 * @returns the issuer unchanged
 * @throws {OidcProviderError} ERR_OP_CONFIG when it is not acceptable
 * @example
 * checkIssuer("https://op.example"); // => "https://op.example"
 */
export function checkIssuer(issuer: unknown): string {
  const s = nonEmptyString(issuer, "issuer");
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    fail("issuer must be an absolute URL");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") fail("issuer must be an http(s) URL");
  if (u.search !== "" || u.hash !== "" || s.includes("?") || s.includes("#")) fail("issuer must not have a query or fragment");
  if (u.username !== "" || u.password !== "") fail("issuer must not carry credentials");
  if (s.endsWith("/")) fail("issuer must not end with /");
  if (u.href !== s && u.href !== `${s}/`) fail("issuer must be in normalized form (lower-case scheme and host, no default port)");
  return s;
}

function resolveClient(c: ClientConfig, algs: readonly AsymmetricAlg[], i: number): ResolvedClient {
  if (c === null || typeof c !== "object") fail(`clients[${i}] must be an object`);
  const id = nonEmptyString(c.client_id, `clients[${i}].client_id`);
  const secret = nonEmptyString(c.client_secret, `clients[${i}].client_secret`);
  if (!Array.isArray(c.redirect_uris) || c.redirect_uris.length === 0) fail(`clients[${i}].redirect_uris must be a non-empty array`);
  for (const r of c.redirect_uris) {
    let u: URL;
    try {
      u = new URL(nonEmptyString(r, `clients[${i}].redirect_uris[]`));
    } catch (e) {
      if (e instanceof OidcProviderError) throw e;
      fail(`clients[${i}].redirect_uris: ${JSON.stringify(r)} is not an absolute URL`);
    }
    if (u.hash !== "") fail(`clients[${i}].redirect_uris must not have a fragment`);
    if (u.protocol !== "https:" && u.protocol !== "http:") fail(`clients[${i}].redirect_uris must be http(s) URLs`);
  }
  const method = c.token_endpoint_auth_method ?? "client_secret_basic";
  if (!AUTH_METHODS.includes(method)) fail(`clients[${i}].token_endpoint_auth_method must be one of ${AUTH_METHODS.join(", ")}`);
  const alg = c.id_token_signed_response_alg ?? "RS256";
  if (!ID_TOKEN_ALGS.includes(alg)) fail(`clients[${i}].id_token_signed_response_alg must be one of ${ID_TOKEN_ALGS.join(", ")}`);
  if (alg !== "HS256" && !algs.includes(alg)) fail(`clients[${i}] uses ${alg} but keys.algs does not hold it`);
  if (alg === "HS256" && Buffer.byteLength(secret) < 32) fail(`clients[${i}]: HS256 needs a client_secret of at least 32 bytes`);
  const extra = c.extra_audiences ?? [];
  if (!Array.isArray(extra)) fail(`clients[${i}].extra_audiences must be an array`);
  for (const a of extra) if (nonEmptyString(a, `clients[${i}].extra_audiences[]`) === id) fail(`clients[${i}].extra_audiences must not repeat the client_id`);
  return {
    client_id: id,
    client_secret: secret,
    redirect_uris: [...c.redirect_uris],
    token_endpoint_auth_method: method,
    id_token_signed_response_alg: alg,
    client_name: c.client_name === undefined ? id : nonEmptyString(c.client_name, `clients[${i}].client_name`),
    extra_audiences: [...extra],
  };
}

function checkUser(u: UserConfig, i: number): UserConfig {
  if (u === null || typeof u !== "object") fail(`users[${i}] must be an object`);
  const sub = nonEmptyString(u.sub, `users[${i}].sub`);
  if (sub.length > 255 || !/^[\x21-\x7e]+$/.test(sub)) fail(`users[${i}].sub must be 1 to 255 printable ASCII characters`);
  nonEmptyString(u.username, `users[${i}].username`);
  nonEmptyString(u.password, `users[${i}].password`);
  const claims = u.claims ?? {};
  if (claims === null || typeof claims !== "object" || Array.isArray(claims)) fail(`users[${i}].claims must be an object`);
  if ("sub" in claims) fail(`users[${i}].claims must not contain sub`);
  return { sub, username: u.username, password: u.password, claims: { ...claims } };
}

/**
 * Validates a provider configuration and fills in the defaults.
 *
 * @param config - the configuration
 * @returns the resolved configuration
 * @throws {OidcProviderError} ERR_OP_CONFIG for any bad field; ERR_OP_MISBEHAVIOR for an unknown `misbehave`
 * @example
 * const c = resolveConfig({ issuer: "https://op.example", clients: [], users: [] });
 * c.lifetimes.code; // => 60
 */
export function resolveConfig(config: ProviderConfig): ResolvedConfig {
  if (config === null || typeof config !== "object") fail("config must be an object");
  const issuer = checkIssuer(config.issuer);
  const url = new URL(issuer);
  const k = config.keys ?? {};
  const algs = k.algs ?? ["RS256", "ES256"];
  if (!Array.isArray(algs) || algs.length === 0 || algs.some((a) => !ASYMMETRIC.includes(a)) || new Set(algs).size !== algs.length) {
    fail("keys.algs must be a non-empty list of distinct RS256 / ES256");
  }
  const lt = config.lifetimes ?? {};
  const lifetimes = {
    code: positiveInt(lt.code, "lifetimes.code", 60),
    idToken: positiveInt(lt.idToken, "lifetimes.idToken", 300),
    accessToken: positiveInt(lt.accessToken, "lifetimes.accessToken", 300),
    session: positiveInt(lt.session, "lifetimes.session", 3600),
    interaction: positiveInt(lt.interaction, "lifetimes.interaction", 600),
  };
  if (!Array.isArray(config.clients)) fail("clients must be an array");
  if (!Array.isArray(config.users)) fail("users must be an array");
  const clients = new Map<string, ResolvedClient>();
  config.clients.forEach((c, i) => {
    const r = resolveClient(c, algs, i);
    if (clients.has(r.client_id)) fail(`duplicate client_id ${JSON.stringify(r.client_id)}`);
    clients.set(r.client_id, r);
  });
  const users = config.users.map(checkUser);
  if (new Set(users.map((u) => u.username)).size !== users.length) fail("usernames must be unique");
  if (new Set(users.map((u) => u.sub)).size !== users.length) fail("subs must be unique");
  const now = config.now ?? Date.now;
  if (typeof now !== "function") fail("now must be a function returning milliseconds");
  if (k.prepublish !== undefined && typeof k.prepublish !== "boolean") fail("keys.prepublish must be a boolean");
  return {
    issuer,
    basePath: url.pathname === "/" ? "" : url.pathname,
    secureCookies: url.protocol === "https:",
    clients,
    users,
    lifetimes,
    now,
    keys: {
      algs: [...algs],
      retiredKeyTtl: positiveInt(k.retiredKeyTtl, "keys.retiredKeyTtl", 2 * lifetimes.idToken),
      prepublish: k.prepublish ?? true,
    },
    misbehave: checkMisbehavior(config.misbehave, "misbehave"),
    misbehaviorParam: config.misbehaviorParam === true,
    claimsInIdToken: config.claimsInIdToken ?? true,
  };
}
