/**
 * @module oidc/provider/id-token
 *
 * Issues ID tokens (OIDC Core section 2): `iss`, `sub`, `aud`, `exp`, `iat`, `auth_time`,
 * `nonce`, `at_hash` and `azp` when there are several audiences, in a JWS with `typ: JWT` and
 * the signing key's `kid`, signed by jose. Under a misbehavior it issues the named deviation
 * instead: changed claims, another key or algorithm, injected headers, or a broken compact
 * form (built from jose's base64url, never from hand-rolled crypto).
 */
import { createHash, randomBytes } from "node:crypto";
import { CompactEncrypt, CompactSign, type JWTHeaderParameters, SignJWT, base64url, exportSPKI } from "jose";
import { attackerKey } from "./attacker.js";
import type { AsymmetricAlg, ResolvedClient } from "./config.js";
import { OidcProviderError } from "./errors.js";
import { type KeyRing, type SigningKey, generateSigningKey } from "./keys.js";
import { ATTACKER_ISSUER, type Misbehavior, UNKNOWN_CRIT_PARAM, UNTRUSTED_AUDIENCE, WRONG_AZP } from "./misbehaviors.js";

/** Claims an ID token sets itself; profile claims with these names are never copied in. */
export const PROTOCOL_CLAIMS: readonly string[] = [
  "iss", "sub", "aud", "exp", "iat", "nbf", "jti", "auth_time", "nonce", "at_hash", "c_hash", "azp", "acr", "amr", "sid",
];

/**
 * The `at_hash` of an access token (OIDC Core 3.1.3.6): the left half of the SHA-256 of its
 * ASCII bytes, base64url-encoded (SHA-256 because RS256, ES256 and HS256 all use it).
 *
 * @param accessToken - the access token
 * @returns the at_hash value (22 characters)
 * @throws never
 * @example
 * atHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"); // => "77QmUPtjPfzWtF2AnpK9RQ"
 */
export function atHash(accessToken: string): string {
  return base64url.encode(createHash("sha256").update(accessToken, "ascii").digest().subarray(0, 16));
}

/** Everything one ID token is made from. */
export interface IdTokenInput {
  readonly issuer: string;
  readonly client: ResolvedClient;
  readonly sub: string;
  /** The nonce of the authorization request, if any. */
  readonly nonce?: string;
  /** When the user logged in (ms). */
  readonly authTime: number;
  /** The access token issued with it (for at_hash). */
  readonly accessToken: string;
  /** Profile claims to include (already filtered by scope). */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Now (ms). */
  readonly now: number;
  /** Lifetime in seconds. */
  readonly lifetime: number;
  readonly keys: KeyRing;
  readonly misbehave?: Misbehavior;
}

/** An issued ID token and how it was signed. */
export interface IssuedIdToken {
  /** The compact token. */
  readonly token: string;
  /** The header's alg ("none" when unsigned, "dir" for the JWE case). */
  readonly alg: string;
  /** The kid of the signing key, when there is one in the header. */
  readonly kid?: string;
}

const hiddenKeys = new Map<AsymmetricAlg, Promise<SigningKey>>();
/** A key that is never published anywhere (one per algorithm and process). */
function hiddenKey(alg: AsymmetricAlg): Promise<SigningKey> {
  let p = hiddenKeys.get(alg);
  if (p === undefined) {
    p = generateSigningKey(alg);
    hiddenKeys.set(alg, p);
  }
  return p;
}

const enc = new TextEncoder();

/** The asymmetric algorithm that stands for the client's (RS256 for an HS256 client when held). */
function asymmetricFor(client: ResolvedClient, keys: KeyRing): AsymmetricAlg {
  const alg = client.id_token_signed_response_alg;
  if (alg !== "HS256") return alg;
  return keys.algs.includes("RS256") ? "RS256" : keys.algs[0];
}

function flipFirstSignatureBit(token: string): string {
  const [h, p, s] = token.split(".");
  const sig = base64url.decode(s);
  sig[0] ^= 1;
  return `${h}.${p}.${base64url.encode(sig)}`;
}

/** The claims of a correct ID token. */
function correctClaims(input: IdTokenInput): Record<string, unknown> {
  const iat = Math.floor(input.now / 1000);
  const { client } = input;
  const aud: string | string[] = client.extra_audiences.length === 0 ? client.client_id : [client.client_id, ...client.extra_audiences];
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.sub,
    aud,
    exp: iat + input.lifetime,
    iat,
    auth_time: Math.floor(input.authTime / 1000),
  };
  if (input.nonce !== undefined) claims.nonce = input.nonce;
  claims.at_hash = atHash(input.accessToken);
  if (Array.isArray(aud)) claims.azp = client.client_id;
  for (const [k, v] of Object.entries(input.claims)) if (!PROTOCOL_CLAIMS.includes(k)) claims[k] = v;
  return claims;
}

/** Applies the claim-level misbehaviors in place. */
function misbehaveClaims(m: Misbehavior | undefined, c: Record<string, unknown>, input: IdTokenInput): void {
  const iat = c.iat as number;
  switch (m) {
    case "issuer-mismatch": c.iss = ATTACKER_ISSUER; break;
    case "issuer-trailing-slash": c.iss = `${input.issuer}/`; break;
    case "missing-sub": delete c.sub; break;
    case "sub-too-long": c.sub = "s".repeat(256); break;
    case "sub-not-string": c.sub = 1234567890; break;
    case "wrong-aud": c.aud = UNTRUSTED_AUDIENCE; delete c.azp; break;
    case "missing-aud": delete c.aud; delete c.azp; break;
    case "extra-untrusted-aud": c.aud = [input.client.client_id, UNTRUSTED_AUDIENCE]; c.azp = input.client.client_id; break;
    case "wrong-azp": c.aud = input.client.client_id; c.azp = WRONG_AZP; break;
    case "missing-iat": delete c.iat; break;
    case "iat-not-numeric": c.iat = String(iat); break;
    case "iat-in-future": c.iat = iat + 3600; c.exp = iat + 3600 + input.lifetime; break;
    case "iat-too-old": c.iat = iat - 86400; break;
    case "missing-exp": delete c.exp; break;
    case "exp-not-numeric": c.exp = String(c.exp); break;
    case "expired": c.exp = iat - 600; c.iat = iat - 600 - input.lifetime; break;
    case "auth-time-stale": c.auth_time = iat - 86400; break;
    case "wrong-nonce": c.nonce = base64url.encode(randomBytes(16)); break;
    case "missing-nonce": delete c.nonce; break;
    case "at-hash-mismatch": c.at_hash = atHash(base64url.encode(randomBytes(32))); break;
    default: break;
  }
}

/**
 * Issues one ID token for a client, correct or (under `misbehave`) with the named deviation.
 * `rotate-key-unannounced` also changes the key ring: the new key becomes active right after
 * signing.
 *
 * @param input - see {@link IdTokenInput}
 * @returns the compact token with its alg and kid
 * @throws {OidcProviderError} ERR_OP_KEYS when `alg-not-registered` finds no other algorithm's key
 * @example
 * const { token } = await issueIdToken({ issuer, client, sub: "u1", authTime: now, accessToken,
 *   claims: {}, now, lifetime: 300, keys });
 * decodeJwt(token).sub; // => "u1"
 */
export async function issueIdToken(input: IdTokenInput): Promise<IssuedIdToken> {
  const { client, keys, misbehave: m } = input;
  const claims = correctClaims(input);
  misbehaveClaims(m, claims, input);
  const asym = asymmetricFor(client, keys);

  // The key and header a correct token would use.
  const alg: string = client.id_token_signed_response_alg;
  let key: SigningKey | Uint8Array;
  let kid: string | undefined;
  if (client.id_token_signed_response_alg === "HS256") {
    key = enc.encode(client.client_secret);
  } else {
    key = keys.activeKey(client.id_token_signed_response_alg);
    kid = key.kid;
  }
  const header: JWTHeaderParameters & Record<string, unknown> = { alg, typ: "JWT" };

  const sign = async (h: JWTHeaderParameters, k: SigningKey | Uint8Array, crit?: Record<string, boolean>): Promise<string> => {
    const material = k instanceof Uint8Array ? k : k.privateKey;
    return new SignJWT(claims).setProtectedHeader(h).sign(material, crit === undefined ? undefined : { crit });
  };
  const done = (token: string, a: string, k?: string): IssuedIdToken => (k === undefined ? { token, alg: a } : { token, alg: a, kid: k });

  switch (m) {
    case "kid-absent-single-key": {
      const k = keys.activeKey(keys.algs.includes("RS256") ? "RS256" : keys.algs[0]);
      return done(await sign({ alg: k.alg, typ: "JWT" }, k), k.alg);
    }
    case "kid-absent-multiple-keys":
      return done(await sign(header, key), alg);
    case "unknown-kid": {
      const k = await hiddenKey(asym);
      return done(await sign({ alg: k.alg, typ: "JWT", kid: k.kid }, k), k.alg, k.kid);
    }
    case "rotate-key-unannounced": {
      const k = await generateSigningKey(asym);
      const token = await sign({ alg: k.alg, typ: "JWT", kid: k.kid }, k);
      keys.adoptActive(k);
      return done(token, k.alg, k.kid);
    }
    case "alg-none": {
      const token = `${base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }))}.${base64url.encode(JSON.stringify(claims))}.`;
      return done(token, "none");
    }
    case "hs256-with-secret":
      return done(await sign({ alg: "HS256", typ: "JWT" }, enc.encode(client.client_secret)), "HS256");
    case "hs256-key-confusion": {
      const k = keys.activeKey(asym);
      const pem = await exportSPKI(k.publicKey);
      return done(await sign({ alg: "HS256", typ: "JWT", kid: k.kid }, enc.encode(pem)), "HS256", k.kid);
    }
    case "alg-not-registered": {
      const other = keys.algs.find((a) => a !== client.id_token_signed_response_alg);
      if (other === undefined) throw new OidcProviderError("ERR_OP_KEYS", "alg-not-registered needs keys of a second algorithm");
      const k = keys.activeKey(other);
      return done(await sign({ alg: k.alg, typ: "JWT", kid: k.kid }, k), k.alg, k.kid);
    }
    case "unknown-crit":
      return done(await sign({ ...header, kid, crit: [UNKNOWN_CRIT_PARAM], [UNKNOWN_CRIT_PARAM]: true }, key, { [UNKNOWN_CRIT_PARAM]: true }), alg, kid);
    case "jku-header":
    case "x5u-header":
    case "jwk-header":
    case "x5c-header": {
      const a = await attackerKey(asym);
      const h: JWTHeaderParameters = { alg: a.alg, typ: "JWT", kid: a.kid };
      if (m === "jku-header") h.jku = `${input.issuer}/attacker/jwks`;
      if (m === "x5u-header") h.x5u = `${input.issuer}/attacker/${a.alg === "RS256" ? "rsa" : "ec"}.pem`;
      if (m === "jwk-header") h.jwk = a.publicJwk;
      if (m === "x5c-header") h.x5c = [a.certDerBase64];
      return done(await sign(h, a), a.alg, a.kid);
    }
    case "typ-at+jwt":
      return done(await sign({ ...header, kid, typ: "at+jwt" }, key), alg, kid);
    default:
      break;
  }

  if (kid !== undefined) header.kid = kid;
  const token = await sign(header, key);
  switch (m) {
    case "bad-signature":
      return done(flipFirstSignatureBit(token), alg, kid);
    case "nested-jwt": {
      const material = key instanceof Uint8Array ? key : key.privateKey;
      const outer = await new CompactSign(enc.encode(token)).setProtectedHeader({ ...header, cty: "JWT" }).sign(material);
      return done(outer, alg, kid);
    }
    case "encrypted-jwe": {
      const cek = createHash("sha256").update(client.client_secret, "utf8").digest();
      const jwe = await new CompactEncrypt(enc.encode(token)).setProtectedHeader({ alg: "dir", enc: "A256GCM", cty: "JWT" }).encrypt(cek);
      return done(jwe, "dir");
    }
    case "malformed-two-parts": {
      const [h, p] = token.split(".");
      return done(`${h}.${p}`, alg, kid);
    }
    case "malformed-base64": {
      const [h, p, s] = token.split(".");
      return done(`${h}.${p.slice(0, 8)}!*${p.slice(8)}.${s}`, alg, kid);
    }
    case "payload-not-object": {
      const material = key instanceof Uint8Array ? key : key.privateKey;
      const arr = await new CompactSign(enc.encode(JSON.stringify([claims]))).setProtectedHeader(header).sign(material);
      return done(arr, alg, kid);
    }
    default:
      return done(token, alg, kid);
  }
}
