/**
 * @module oidc/provider/keys
 *
 * The provider's signing keys and their staged rotation. Each key lives through three stages:
 *
 * - **pending**: published in the JWKS, not yet signing, so relying parties can fetch it ahead;
 * - **active**: signs the ID tokens (one per algorithm);
 * - **retired**: no longer signs but stays published for `retiredKeyTtl` seconds, so tokens it
 *   signed still verify; then it is removed.
 *
 * {@link KeyRing.rotate} steps every algorithm once: pending becomes active, active becomes
 * retired, and a new pending key is generated. Key pairs come from jose; the `kid` is the
 * RFC 7638 JWK thumbprint.
 */
import { type CryptoKey, type JWK, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import type { AsymmetricAlg } from "./config.js";
import { OidcProviderError } from "./errors.js";

/** A key's stage. */
export type KeyState = "pending" | "active" | "retired";

/** A key pair with its identity. */
export interface SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  readonly kid: string;
  /** The algorithm it signs with. */
  readonly alg: AsymmetricAlg;
  /** The private key (never exported). */
  readonly privateKey: CryptoKey;
  /** The public key. */
  readonly publicKey: CryptoKey;
  /** The public JWK with kid, use and alg. */
  readonly publicJwk: JWK;
}

/** What {@link KeyRing.list} shows about one key (no key material). */
export interface KeyInfo {
  readonly kid: string;
  readonly alg: AsymmetricAlg;
  readonly state: KeyState;
  /** When it was generated (ms). */
  readonly createdAt: number;
  /** When it started signing (ms), if it did. */
  readonly activatedAt?: number;
  /** When it stopped signing (ms), if it did. */
  readonly retiredAt?: number;
  /** When it leaves the JWKS (ms), for a retired key. */
  readonly removeAt?: number;
}

/** One step in a key's life, for a rotation timeline. */
export interface KeyEvent {
  /** When it happened (ms; a removal is dated when it was due). */
  readonly at: number;
  readonly kid: string;
  readonly alg: AsymmetricAlg;
  readonly event: "created" | "activated" | "retired" | "removed";
}

/** What one {@link KeyRing.rotate} call did. */
export interface RotationResult {
  /** Kids that started signing. */
  readonly activated: string[];
  /** Kids that stopped signing. */
  readonly retired: string[];
  /** Kids generated (published as pending, or active at once in `immediate` mode). */
  readonly created: string[];
}

/** Options of {@link KeyRing.rotate}. */
export interface RotateOptions {
  /** Rotate only this algorithm; default all. */
  alg?: AsymmetricAlg;
  /**
   * `staged` (default): the pending key (published earlier) starts signing and a new pending
   * key is published. `immediate`: a brand-new key starts signing at once, unannounced (the
   * mistake that breaks relying parties with a warm JWKS cache); the pending key stays pending.
   */
  mode?: "staged" | "immediate";
}

/** The provider's key store. */
export interface KeyRing {
  /** The algorithms it holds keys for. */
  readonly algs: readonly AsymmetricAlg[];
  /** Seconds a retired key stays published. */
  readonly retiredKeyTtl: number;
  /** Every published key (pending, active, retired), oldest first. */
  list(): KeyInfo[];
  /** The public JSON Web Key Set (pending, active and retired keys; public parts only). */
  jwks(): { keys: JWK[] };
  /** The active key of an algorithm. */
  activeKey(alg: AsymmetricAlg): SigningKey;
  /** Steps the rotation (see {@link RotateOptions}). */
  rotate(options?: RotateOptions): Promise<RotationResult>;
  /** Makes `key` (generated elsewhere, not yet published) the active key of its algorithm at once. */
  adoptActive(key: SigningKey): void;
  /** The keys' life events, in order. */
  readonly events: readonly KeyEvent[];
}

interface Entry {
  key: SigningKey;
  state: KeyState;
  createdAt: number;
  activatedAt?: number;
  retiredAt?: number;
}

/**
 * Generates a key pair with jose and names it by its thumbprint.
 *
 * @param alg - RS256 (RSA 2048) or ES256 (P-256)
 * @returns the key pair, its kid and its public JWK (`use: "sig"`, `alg`)
 * @throws never (for a supported alg)
 * @example
 * const k = await generateSigningKey("ES256");
 * k.publicJwk.crv; // => "P-256"
 */
export async function generateSigningKey(alg: AsymmetricAlg): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, alg, privateKey, publicKey, publicJwk: { ...jwk, kid, use: "sig", alg } };
}

/** Options of {@link createKeyRing}. */
export interface KeyRingOptions {
  /** Algorithms; default `["RS256", "ES256"]`. */
  algs?: readonly AsymmetricAlg[];
  /** Seconds a retired key stays published; default 600. */
  retiredKeyTtl?: number;
  /** Keep a pending key published ahead; default true. */
  prepublish?: boolean;
  /** Clock in ms; default `Date.now`. */
  now?: () => number;
}

/**
 * Creates a key ring with one active key per algorithm (and one pending key each when
 * `prepublish`).
 *
 * @param options - see {@link KeyRingOptions}
 * @returns the key ring
 * @throws {OidcProviderError} ERR_OP_KEYS for no algorithms, unknown ones or a bad TTL
 * @example
 * const ring = await createKeyRing({ algs: ["ES256"] });
 * ring.list().map((k) => k.state); // => ["active", "pending"]
 */
export async function createKeyRing(options: KeyRingOptions = {}): Promise<KeyRing> {
  const algs = [...(options.algs ?? ["RS256", "ES256"])];
  if (algs.length === 0 || algs.some((a) => a !== "RS256" && a !== "ES256") || new Set(algs).size !== algs.length) {
    throw new OidcProviderError("ERR_OP_KEYS", "algs must be distinct RS256 / ES256 values");
  }
  const ttl = options.retiredKeyTtl ?? 600;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) throw new OidcProviderError("ERR_OP_KEYS", "retiredKeyTtl must be a positive integer (seconds)");
  const prepublish = options.prepublish ?? true;
  const now = options.now ?? Date.now;
  const entries: Entry[] = [];
  const events: KeyEvent[] = [];
  const log = (at: number, key: SigningKey, event: KeyEvent["event"]): void => {
    events.push({ at, kid: key.kid, alg: key.alg, event });
  };

  const add = (key: SigningKey, state: KeyState, t: number): void => {
    const e: Entry = { key, state, createdAt: t };
    log(t, key, "created");
    if (state === "active") {
      e.activatedAt = t;
      log(t, key, "activated");
    }
    entries.push(e);
  };
  const retire = (e: Entry, t: number): void => {
    e.state = "retired";
    e.retiredAt = t;
    log(t, e.key, "retired");
  };
  const prune = (): void => {
    const t = now();
    for (let i = 0; i < entries.length; ) {
      const e = entries[i];
      if (e.state === "retired" && t >= (e.retiredAt as number) + ttl * 1000) {
        log((e.retiredAt as number) + ttl * 1000, e.key, "removed");
        entries.splice(i, 1);
      } else i++;
    }
  };
  const find = (alg: AsymmetricAlg, state: KeyState): Entry | undefined => entries.find((e) => e.key.alg === alg && e.state === state);
  const checkAlg = (alg: AsymmetricAlg): void => {
    if (!algs.includes(alg)) throw new OidcProviderError("ERR_OP_KEYS", `no keys for ${String(alg)}`);
  };

  const t0 = now();
  for (const alg of algs) {
    add(await generateSigningKey(alg), "active", t0);
    if (prepublish) add(await generateSigningKey(alg), "pending", t0);
  }

  return {
    algs,
    retiredKeyTtl: ttl,
    events,
    list(): KeyInfo[] {
      prune();
      return entries.map((e) => {
        const info: { -readonly [K in keyof KeyInfo]: KeyInfo[K] } = { kid: e.key.kid, alg: e.key.alg, state: e.state, createdAt: e.createdAt };
        if (e.activatedAt !== undefined) info.activatedAt = e.activatedAt;
        if (e.retiredAt !== undefined) {
          info.retiredAt = e.retiredAt;
          info.removeAt = e.retiredAt + ttl * 1000;
        }
        return info;
      });
    },
    jwks(): { keys: JWK[] } {
      prune();
      return { keys: entries.map((e) => ({ ...e.key.publicJwk })) };
    },
    activeKey(alg: AsymmetricAlg): SigningKey {
      checkAlg(alg);
      return (find(alg, "active") as Entry).key;
    },
    async rotate(opts: RotateOptions = {}): Promise<RotationResult> {
      const mode = opts.mode ?? "staged";
      if (mode !== "staged" && mode !== "immediate") throw new OidcProviderError("ERR_OP_KEYS", "mode must be staged or immediate");
      const which = opts.alg === undefined ? algs : [opts.alg];
      which.forEach(checkAlg);
      // Generate first (awaits), then switch every stage at one instant.
      const fresh = await Promise.all(which.map((alg) => generateSigningKey(alg)));
      const t = now();
      prune();
      const result: RotationResult = { activated: [], retired: [], created: [] };
      which.forEach((alg, i) => {
        const active = find(alg, "active") as Entry;
        const pending = find(alg, "pending");
        if (mode === "staged" && pending !== undefined) {
          retire(active, t);
          pending.state = "active";
          pending.activatedAt = t;
          log(t, pending.key, "activated");
          result.retired.push(active.key.kid);
          result.activated.push(pending.key.kid);
          if (prepublish) {
            add(fresh[i], "pending", t);
            result.created.push(fresh[i].kid);
          }
        } else {
          // immediate mode, or staged without prepublishing: the new key signs at once.
          retire(active, t);
          add(fresh[i], "active", t);
          result.retired.push(active.key.kid);
          result.created.push(fresh[i].kid);
          result.activated.push(fresh[i].kid);
        }
      });
      return result;
    },
    adoptActive(key: SigningKey): void {
      checkAlg(key.alg);
      if (entries.some((e) => e.key.kid === key.kid)) throw new OidcProviderError("ERR_OP_KEYS", "key already in the ring");
      const t = now();
      prune();
      retire(find(key.alg, "active") as Entry, t);
      add(key, "active", t);
    },
  };
}
