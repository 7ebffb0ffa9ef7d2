/**
 * @module oidc/rp/jwks
 *
 * The provider's public keys, cached. Keys are fetched from `jwks_uri` once, kept for
 * `maxAgeSec`, and refetched early when a token names a key the cache does not have (OIDC Core
 * §10.1.1: an unknown `kid` means the provider rotated), but at most once per `cooldownSec`, so
 * a stream of tokens with made-up `kid`s cannot turn the relying party into a flood of requests
 * to the provider.
 *
 * The key is chosen by the relying party, never by the token: the header's `alg` must be in the
 * allow-list (checked before this), and only keys whose type and curve fit that `alg` are
 * candidates (RFC 8725 §3.1: pin the algorithm to the key). Without a `kid` a token is accepted
 * only when exactly one key fits (RP certification `kid-absent-single-jwks` / `-multiple-jwks`).
 */

import { type CryptoKey, importJWK, type JWK } from "jose";
import { OidcError } from "../errors.js";
import { defaultFetch, readJsonObject, type FetchLike } from "./http.js";

/** A JSON Web Key Set as published at `jwks_uri`. */
export interface JsonWebKeySet {
  /** The keys. */
  keys: JWK[];
}

/** A key chosen for one token. */
export interface SelectedKey {
  /** The imported public key, ready for `compactVerify`. */
  key: CryptoKey | Uint8Array;
  /** The chosen key's `kid`, if it has one. */
  kid: string | undefined;
  /** True when this selection fetched the JWKS (first use, expired cache or unknown kid). */
  refetched: boolean;
  /** In words, how the key was found. */
  detail: string;
}

/** Where the validator gets verification keys. */
export interface KeySource {
  /**
   * Finds the one key that fits a token's `alg` and `kid`.
   * @throws OidcError ERR_OIDC_KID_UNKNOWN, ERR_OIDC_KID_AMBIGUOUS, ERR_OIDC_JWKS
   */
  selectKey(alg: string, kid: string | undefined): Promise<SelectedKey>;
}

/** Counters of a {@link JwksCache}, for tests and notebooks. */
export interface JwksCacheStats {
  /** JWKS requests made (successful or not). */
  fetches: number;
  /** Of those, how many failed. */
  failures: number;
  /** Refetches a key miss wanted but the cooldown suppressed. */
  suppressed: number;
  /** Time of the last request (seconds since the epoch), or null before the first. */
  lastFetchAt: number | null;
  /** Keys currently cached. */
  keyCount: number;
  /** The cached keys' `kid`s (keys without one show as "(no kid)"). */
  kids: string[];
}

/** A cached, refetching JWKS. */
export interface JwksCache extends KeySource {
  /** The counters. */
  stats(): JwksCacheStats;
  /** Fetches the JWKS now (ignores max age and cooldown). */
  refresh(): Promise<void>;
}

/** Options of {@link createJwksCache}. */
export interface JwksCacheOptions {
  /** The provider's `jwks_uri`. */
  jwksUri: string;
  /** How to make requests (default: the global fetch). */
  fetch?: FetchLike;
  /** Clock in seconds since the epoch (default: the wall clock). */
  now?: () => number;
  /** Least time between two refetches caused by an unknown kid, seconds (default 30). */
  cooldownSec?: number;
  /** Keys older than this are refetched before use, seconds (default 600). */
  maxAgeSec?: number;
}

/** Default least time between two kid-miss refetches, seconds (jose uses the same 30 s). */
export const DEFAULT_JWKS_COOLDOWN_SEC = 30;
/** Default JWKS cache lifetime, seconds (jose's default is also 10 minutes). */
export const DEFAULT_JWKS_MAX_AGE_SEC = 600;

/** Key type (and curve) each asymmetric signing algorithm needs. */
const KEY_FOR_ALG: Record<string, { kty: string; crv?: string }> = {
  RS256: { kty: "RSA" },
  RS384: { kty: "RSA" },
  RS512: { kty: "RSA" },
  PS256: { kty: "RSA" },
  PS384: { kty: "RSA" },
  PS512: { kty: "RSA" },
  ES256: { kty: "EC", crv: "P-256" },
  ES384: { kty: "EC", crv: "P-384" },
  ES512: { kty: "EC", crv: "P-521" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
  Ed25519: { kty: "OKP", crv: "Ed25519" },
};

/** Asymmetric algorithms a JWKS key can verify. */
export const ASYMMETRIC_ALGS: readonly string[] = Object.keys(KEY_FOR_ALG);

/**
 * True when a JWK may verify a token signed with `alg`: right key type and curve, a public key
 * (no private members), `use` absent or "sig", `key_ops` absent or including "verify", `alg`
 * absent or equal.
 *
 * @param jwk - a key from the JWKS
 * @param alg - the token's (already allowed) algorithm
 * @returns whether the key is a candidate
 * @example
 * isSuitableKey({ kty: "EC", crv: "P-256", x: "..", y: ".." }, "ES256"); // => true
 * isSuitableKey({ kty: "EC", crv: "P-256", x: "..", y: ".." }, "RS256"); // => false
 */
export function isSuitableKey(jwk: JWK, alg: string): boolean {
  const need = KEY_FOR_ALG[alg];
  if (need === undefined || typeof jwk !== "object" || jwk === null) return false;
  if (jwk.kty !== need.kty) return false;
  if (need.crv !== undefined && jwk.crv !== need.crv) return false;
  if (jwk.d !== undefined || jwk.p !== undefined || jwk.k !== undefined) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify"))) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  return true;
}

/** Outcome of {@link findKeys}. */
export type KeyMatch = { kind: "one"; jwk: JWK } | { kind: "none" } | { kind: "many"; count: number };

/**
 * Picks the key for a token from a key list: the suitable keys ({@link isSuitableKey}) with the
 * token's `kid`, or, without a `kid`, all suitable keys. Exactly one must remain.
 *
 * @param keys - the JWKS keys
 * @param alg - the token's algorithm
 * @param kid - the token's kid, if any
 * @returns one key, none, or how many matched
 * @example
 * findKeys([{ kty: "RSA", kid: "a", n: "..", e: "AQAB" }], "RS256", undefined).kind; // => "one"
 */
export function findKeys(keys: readonly JWK[], alg: string, kid: string | undefined): KeyMatch {
  let found: JWK | undefined;
  let count = 0;
  for (const k of keys) {
    if (kid !== undefined && k.kid !== kid) continue;
    if (!isSuitableKey(k, alg)) continue;
    found = k;
    count++;
  }
  if (count === 0 || found === undefined) return { kind: "none" };
  return count === 1 ? { kind: "one", jwk: found } : { kind: "many", count };
}

/** Imported keys, per JWK object and algorithm (a refetched JWKS has new objects). */
const imported = new WeakMap<JWK, Map<string, Promise<CryptoKey | Uint8Array>>>();

function importCached(jwk: JWK, alg: string): Promise<CryptoKey | Uint8Array> {
  let byAlg = imported.get(jwk);
  if (byAlg === undefined) {
    byAlg = new Map();
    imported.set(jwk, byAlg);
  }
  let p = byAlg.get(alg);
  if (p === undefined) {
    p = importJWK(jwk, alg);
    byAlg.set(alg, p);
  }
  return p;
}

/** A map key for one (alg, kid) selection; no kid is distinct from every kid. */
function selectionId(alg: string, kid: string | undefined): string {
  return kid === undefined ? alg : `${alg}\u0000${kid}`;
}

function describeKid(kid: string | undefined): string {
  return kid === undefined ? "no kid" : `kid ${JSON.stringify(kid)}`;
}

async function importSelected(jwk: JWK, alg: string, kid: string | undefined): Promise<CryptoKey | Uint8Array> {
  try {
    return await importCached(jwk, alg);
  } catch (e) {
    throw new OidcError("ERR_OIDC_JWKS", "jwks", `the JWKS key for ${describeKid(kid)} does not import: ${(e as Error).message}`);
  }
}

/**
 * Checks that a value is a JWKS (`{ keys: [...] }`) and returns its object keys.
 *
 * @param doc - the parsed JSON
 * @returns the keys (non-object entries dropped)
 * @throws OidcError ERR_OIDC_JWKS when `keys` is not an array
 * @example
 * parseJwks({ keys: [{ kty: "RSA", n: "..", e: "AQAB" }] }).length; // => 1
 */
export function parseJwks(doc: unknown): JWK[] {
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (typeof doc !== "object" || doc === null || !Array.isArray(keys)) {
    throw new OidcError("ERR_OIDC_JWKS", "jwks", "the JWKS is not an object with a keys array");
  }
  return keys.filter((k): k is JWK => typeof k === "object" && k !== null && !Array.isArray(k));
}

function matchError(match: KeyMatch, alg: string, kid: string | undefined, why: string): OidcError {
  if (match.kind === "many") {
    return new OidcError(
      "ERR_OIDC_KID_AMBIGUOUS",
      "jwks",
      `${match.count} keys fit ${alg} with ${describeKid(kid)}: refusing to guess`,
    );
  }
  return new OidcError("ERR_OIDC_KID_UNKNOWN", "jwks", `no ${alg} key with ${describeKid(kid)} in the JWKS (${why})`);
}

/**
 * A fixed key set (no fetching): for tests, benchmarks and notebooks that hold the keys.
 *
 * @param jwks - the key set
 * @returns a key source over it
 * @throws OidcError ERR_OIDC_JWKS when `jwks` is not a JWKS
 * @example
 * const keys = createStaticKeySource({ keys: [publicJwk] });
 * (await keys.selectKey("RS256", publicJwk.kid)).kid; // => publicJwk.kid
 */
export function createStaticKeySource(jwks: JsonWebKeySet): KeySource {
  const keys = parseJwks(jwks);
  // Successful selections only (bounded by the fixed key set); failures are never cached.
  const chosen = new Map<string, SelectedKey>();
  return {
    async selectKey(alg, kid) {
      const id = selectionId(alg, kid);
      const hit = chosen.get(id);
      if (hit !== undefined) return hit;
      const match = findKeys(keys, alg, kid);
      if (match.kind !== "one") throw matchError(match, alg, kid, "static key set");
      const selected: SelectedKey = Object.freeze({ key: await importSelected(match.jwk, alg, kid), kid: match.jwk.kid, refetched: false, detail: `${describeKid(kid)} found in the static key set` });
      chosen.set(id, selected);
      return selected;
    },
  };
}

function positive(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
    throw new OidcError("ERR_OIDC_CONFIG", "config", `${name} must be a finite number >= 0`);
  }
  return v;
}

/**
 * A JWKS fetched from `jwks_uri` and cached: refetched when older than `maxAgeSec`, or when a
 * token's key is missing and the last fetch is at least `cooldownSec` old.
 *
 * @param options - where and how to fetch, the clock, cooldown and max age
 * @returns the cache (a {@link KeySource} with counters)
 * @throws OidcError ERR_OIDC_CONFIG on a bad option
 * @example
 * const jwks = createJwksCache({ jwksUri: meta.jwks_uri, fetch: provider.fetch });
 * await jwks.selectKey("RS256", "key-1");
 * jwks.stats().fetches; // => 1
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const f = options.fetch ?? defaultFetch;
  const now = options.now ?? (() => Date.now() / 1000);
  const cooldownSec = positive("cooldownSec", options.cooldownSec, DEFAULT_JWKS_COOLDOWN_SEC);
  const maxAgeSec = positive("maxAgeSec", options.maxAgeSec, DEFAULT_JWKS_MAX_AGE_SEC);
  const uri = options.jwksUri;
  if (typeof uri !== "string" || uri === "") throw new OidcError("ERR_OIDC_CONFIG", "config", "jwksUri is required");

  let keys: JWK[] = [];
  // The key chosen for each (alg, kid) from the current `keys`; emptied by every fetch.
  let chosen = new Map<string, { key: CryptoKey | Uint8Array; kid: string | undefined }>();
  let lastFetchAt: number | null = null;
  let fetches = 0;
  let failures = 0;
  let suppressed = 0;
  let inflight: Promise<void> | null = null;
  let lastError: OidcError | null = null;

  async function doFetch(): Promise<void> {
    fetches++;
    lastFetchAt = now();
    try {
      await fetchOnce();
      lastError = null;
    } catch (e) {
      failures++;
      lastError = e as OidcError;
      throw e;
    }
  }

  async function fetchOnce(): Promise<void> {
    let res: Response;
    try {
      res = await f(new Request(uri, { headers: { accept: "application/json" }, redirect: "manual" }));
    } catch (e) {
      throw new OidcError("ERR_OIDC_JWKS", "jwks", `JWKS request failed: ${(e as Error).message}`);
    }
    if (res.status !== 200) {
      throw new OidcError("ERR_OIDC_JWKS", "jwks", `JWKS answered HTTP ${res.status}`);
    }
    keys = parseJwks(await readJsonObject(res));
    chosen = new Map();
  }

  function refresh(): Promise<void> {
    if (inflight === null) {
      inflight = doFetch().finally(() => {
        inflight = null;
      });
    }
    return inflight;
  }

  return {
    refresh,
    stats: () => ({
      fetches,
      failures,
      suppressed,
      lastFetchAt,
      keyCount: keys.length,
      kids: keys.map((k) => (typeof k.kid === "string" ? k.kid : "(no kid)")),
    }),
    async selectKey(alg, kid) {
      let refetched = false;
      if (inflight !== null) await inflight;
      if (lastFetchAt === null || now() - lastFetchAt >= maxAgeSec) {
        await refresh();
        refetched = true;
      }
      const id = selectionId(alg, kid);
      const hit = chosen.get(id);
      if (hit !== undefined) {
        return { key: hit.key, kid: hit.kid, refetched, detail: `${describeKid(kid)} found in the JWKS${refetched ? " (fetched now)" : " (cached)"}` };
      }
      let match = findKeys(keys, alg, kid);
      if (match.kind === "none" && !refetched) {
        if (lastFetchAt !== null && now() - lastFetchAt < cooldownSec) {
          suppressed++;
          if (lastError !== null) {
            throw new OidcError("ERR_OIDC_JWKS", "jwks", `the last JWKS fetch failed (${lastError.message}); retry after the ${cooldownSec} s cooldown`);
          }
          throw matchError(match, alg, kid, `refetch suppressed: last fetch ${Math.round(now() - lastFetchAt)} s ago, cooldown ${cooldownSec} s`);
        }
        await refresh();
        refetched = true;
        match = findKeys(keys, alg, kid);
      }
      if (match.kind !== "one") throw matchError(match, alg, kid, refetched ? "also after a fresh fetch" : "cached");
      const fetchedFrom = keys;
      const key = await importSelected(match.jwk, alg, kid);
      // Remember it unless a fetch replaced the keys meanwhile.
      if (keys === fetchedFrom) chosen.set(id, { key, kid: match.jwk.kid });
      return { key, kid: match.jwk.kid, refetched, detail: `${describeKid(kid)} found in the JWKS${refetched ? " (fetched now)" : " (cached)"}` };
    },
  };
}
