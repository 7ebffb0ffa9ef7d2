import { createHash } from "node:crypto";
import {
  type JSONWebKeySet,
  EmbeddedJWK,
  compactDecrypt,
  compactVerify,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportSPKI,
  importJWK,
  importX509,
  jwtVerify,
} from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ATTACKER_ISSUER,
  MISBEHAVIORS,
  MISBEHAVIOR_NAMES,
  type Misbehavior,
  type Provider,
  UNKNOWN_CRIT_PARAM,
  UNTRUSTED_AUDIENCE,
  WRONG_AZP,
  atHash,
  createProvider,
} from "../../../lib/oidc/provider/index.js";
import { ISSUER, SECRET, config, exchange, getCode, makeClock } from "./fixtures.js";

const clock = makeClock();
let op: Provider;
beforeAll(async () => {
  op = await createProvider(config(clock.now, { misbehaviorParam: true }));
});

const enc = new TextEncoder();
const nowS = (): number => Math.floor(clock.t / 1000);

async function getJwks(): Promise<JSONWebKeySet> {
  return (await op.fetch(new Request(op.endpoints.jwks))).json();
}

interface Run {
  token: string;
  accessToken: string;
  nonce: string;
  state: string;
  callback: URLSearchParams;
  jwksBefore: JSONWebKeySet;
  jwksAfter: JSONWebKeySet;
  userinfo: Record<string, unknown>;
  discovery: Record<string, unknown>;
}

/** One login with the misbehavior in force (per login, or on the provider for the others). */
async function run(m: Misbehavior | undefined, clientId = "shop"): Promise<Run> {
  const perLogin = m === undefined || MISBEHAVIORS[m].perLogin;
  if (!perLogin) op.setMisbehavior(m);
  try {
    const jwksBefore = await getJwks();
    const got = await getCode(op, { client_id: clientId, misbehave: perLogin ? m : undefined });
    const { res, body } = await exchange(op, { code: got.code, verifier: got.verifier, clientId, auth: clientId === "poster" ? "post" : "basic" });
    expect(res.status).toBe(200);
    const accessToken = body.access_token as string;
    const ui = await op.fetch(new Request(op.endpoints.userinfo, { headers: { authorization: `Bearer ${accessToken}` } }));
    const discovery = await (await op.fetch(new Request(op.endpoints.discovery))).json();
    return {
      token: body.id_token as string, accessToken, nonce: got.nonce, state: got.state, callback: got.params,
      jwksBefore, jwksAfter: await getJwks(), userinfo: await ui.json(), discovery,
    };
  } finally {
    op.setMisbehavior(undefined);
  }
}

/** Verifies the signature with the provider's JWKS and returns the claims (the token is otherwise correct). */
async function verifiedClaims(token: string, jwks: JSONWebKeySet): Promise<Record<string, unknown>> {
  const { payload } = await compactVerify(token, createLocalJWKSet(jwks));
  return JSON.parse(new TextDecoder().decode(payload));
}

const claimCheck = (f: (c: Record<string, unknown>, r: Run) => void) => async (r: Run): Promise<void> => {
  f(await verifiedClaims(r.token, r.jwksAfter), r);
};

const CHECKS: Record<Misbehavior, (r: Run) => Promise<void>> = {
  "issuer-mismatch": claimCheck((c) => expect(c.iss).toBe(ATTACKER_ISSUER)),
  "issuer-trailing-slash": claimCheck((c) => expect(c.iss).toBe(`${ISSUER}/`)),
  "missing-sub": claimCheck((c) => expect(c).not.toHaveProperty("sub")),
  "sub-too-long": claimCheck((c) => expect((c.sub as string).length).toBe(256)),
  "sub-not-string": claimCheck((c) => expect(typeof c.sub).toBe("number")),
  "wrong-aud": claimCheck((c) => {
    expect(c.aud).toBe(UNTRUSTED_AUDIENCE);
    expect(c).not.toHaveProperty("azp");
  }),
  "missing-aud": claimCheck((c) => expect(c).not.toHaveProperty("aud")),
  "extra-untrusted-aud": claimCheck((c) => {
    expect(c.aud).toEqual(["shop", UNTRUSTED_AUDIENCE]);
    expect(c.azp).toBe("shop");
  }),
  "wrong-azp": claimCheck((c) => {
    expect(c.aud).toBe("shop");
    expect(c.azp).toBe(WRONG_AZP);
  }),
  "missing-iat": claimCheck((c) => expect(c).not.toHaveProperty("iat")),
  "iat-not-numeric": claimCheck((c) => expect(c.iat).toBe(String(nowS()))),
  "iat-in-future": claimCheck((c) => {
    expect(c.iat).toBe(nowS() + 3600);
    expect(c.exp).toBe(nowS() + 3600 + 300);
  }),
  "iat-too-old": claimCheck((c) => {
    expect(c.iat).toBe(nowS() - 86400);
    expect(c.exp).toBe(nowS() + 300);
  }),
  "missing-exp": claimCheck((c) => expect(c).not.toHaveProperty("exp")),
  "exp-not-numeric": claimCheck((c) => expect(c.exp).toBe(String(nowS() + 300))),
  expired: claimCheck((c) => {
    expect(c.exp).toBe(nowS() - 600);
    expect(c.iat).toBe(nowS() - 900);
  }),
  "auth-time-stale": claimCheck((c) => expect(c.auth_time).toBe(nowS() - 86400)),
  "wrong-nonce": claimCheck((c, r) => {
    expect(typeof c.nonce).toBe("string");
    expect(c.nonce).not.toBe(r.nonce);
  }),
  "missing-nonce": claimCheck((c) => expect(c).not.toHaveProperty("nonce")),
  "at-hash-mismatch": claimCheck((c, r) => {
    expect(typeof c.at_hash).toBe("string");
    expect(c.at_hash).not.toBe(atHash(r.accessToken));
  }),
  "kid-absent-single-key": async (r) => {
    const h = decodeProtectedHeader(r.token);
    expect(h).not.toHaveProperty("kid");
    expect(h.alg).toBe("RS256");
    expect(r.jwksAfter.keys.length).toBe(1);
    await verifiedClaims(r.token, r.jwksAfter);
  },
  "kid-absent-multiple-keys": async (r) => {
    expect(decodeProtectedHeader(r.token)).not.toHaveProperty("kid");
    expect(r.jwksAfter.keys.length).toBeGreaterThan(1);
    // Trying every key finds the signer.
    const results = await Promise.allSettled(r.jwksAfter.keys.map(async (k) => compactVerify(r.token, await importJWK(k, k.alg))));
    expect(results.filter((x) => x.status === "fulfilled").length).toBe(1);
  },
  "unknown-kid": async (r) => {
    const kid = decodeProtectedHeader(r.token).kid;
    expect(typeof kid).toBe("string");
    expect(r.jwksBefore.keys.map((k) => k.kid)).not.toContain(kid);
    expect(r.jwksAfter.keys.map((k) => k.kid)).not.toContain(kid);
  },
  "rotate-key-unannounced": async (r) => {
    const kid = decodeProtectedHeader(r.token).kid;
    expect(r.jwksBefore.keys.map((k) => k.kid)).not.toContain(kid);
    expect(r.jwksAfter.keys.map((k) => k.kid)).toContain(kid);
    expect(op.keys.activeKey("RS256").kid).toBe(kid);
    await verifiedClaims(r.token, r.jwksAfter);
  },
  "bad-signature": async (r) => {
    await expect(compactVerify(r.token, createLocalJWKSet(r.jwksAfter))).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
    expect(decodeProtectedHeader(r.token).kid).toBeDefined();
    expect(decodeJwt(r.token)).toMatchObject({ iss: ISSUER, sub: "u-alice", aud: "shop", nonce: r.nonce });
  },
  "alg-none": async (r) => {
    expect(decodeProtectedHeader(r.token)).toEqual({ alg: "none", typ: "JWT" });
    expect(r.token.endsWith(".")).toBe(true);
    expect(decodeJwt(r.token)).toMatchObject({ iss: ISSUER, sub: "u-alice", aud: "shop" });
  },
  "hs256-with-secret": async (r) => {
    expect(decodeProtectedHeader(r.token).alg).toBe("HS256");
    await jwtVerify(r.token, enc.encode(SECRET), { issuer: ISSUER, audience: "shop", currentDate: new Date(clock.t) });
  },
  "hs256-key-confusion": async (r) => {
    const h = decodeProtectedHeader(r.token);
    expect(h.alg).toBe("HS256");
    const jwk = r.jwksAfter.keys.find((k) => k.kid === h.kid);
    expect(jwk?.alg).toBe("RS256");
    // The classic attack: the verifier takes the RSA public key's PEM as the HMAC secret.
    const pem = await exportSPKI((await importJWK(jwk as never, "RS256", { extractable: true })) as never);
    await jwtVerify(r.token, enc.encode(pem), { issuer: ISSUER, audience: "shop", currentDate: new Date(clock.t) });
  },
  "alg-not-registered": async (r) => {
    expect(decodeProtectedHeader(r.token).alg).toBe("ES256");
    await verifiedClaims(r.token, r.jwksAfter);
  },
  "unknown-crit": async (r) => {
    expect(decodeProtectedHeader(r.token).crit).toEqual([UNKNOWN_CRIT_PARAM]);
    await expect(compactVerify(r.token, createLocalJWKSet(r.jwksAfter))).rejects.toMatchObject({ code: "ERR_JOSE_NOT_SUPPORTED" });
    await compactVerify(r.token, createLocalJWKSet(r.jwksAfter), { crit: { [UNKNOWN_CRIT_PARAM]: true } });
  },
  "jku-header": async (r) => {
    const h = decodeProtectedHeader(r.token);
    expect(h.jku).toBe(`${ISSUER}/attacker/jwks`);
    expect(r.jwksAfter.keys.map((k) => k.kid)).not.toContain(h.kid);
    const before = op.attackerFetches();
    const attacker = await (await op.fetch(new Request(h.jku as string))).json();
    expect(op.attackerFetches()).toBe(before + 1);
    await verifiedClaims(r.token, attacker);
  },
  "x5u-header": async (r) => {
    const h = decodeProtectedHeader(r.token);
    expect(h.x5u).toBe(`${ISSUER}/attacker/rsa.pem`);
    const pem = await (await op.fetch(new Request(h.x5u as string))).text();
    await compactVerify(r.token, await importX509(pem, "RS256"));
  },
  "jwk-header": async (r) => {
    const h = decodeProtectedHeader(r.token);
    expect(h.jwk?.kty).toBe("RSA");
    expect(h.jwk).not.toHaveProperty("d");
    await compactVerify(r.token, EmbeddedJWK);
  },
  "x5c-header": async (r) => {
    const h = decodeProtectedHeader(r.token);
    expect(h.x5c?.length).toBe(1);
    const der = (h.x5c as string[])[0];
    const pem = `-----BEGIN CERTIFICATE-----\n${der.match(/.{1,64}/g)?.join("\n")}\n-----END CERTIFICATE-----`;
    await compactVerify(r.token, await importX509(pem, "RS256"));
  },
  "typ-at+jwt": async (r) => {
    expect(decodeProtectedHeader(r.token).typ).toBe("at+jwt");
    await verifiedClaims(r.token, r.jwksAfter);
  },
  "nested-jwt": async (r) => {
    expect(decodeProtectedHeader(r.token).cty).toBe("JWT");
    const { payload } = await compactVerify(r.token, createLocalJWKSet(r.jwksAfter));
    const inner = new TextDecoder().decode(payload);
    const { payload: claims } = await jwtVerify(inner, createLocalJWKSet(r.jwksAfter), { issuer: ISSUER, audience: "shop", currentDate: new Date(clock.t) });
    expect(claims.nonce).toBe(r.nonce);
  },
  "encrypted-jwe": async (r) => {
    expect(r.token.split(".").length).toBe(5);
    const { plaintext, protectedHeader } = await compactDecrypt(r.token, createHash("sha256").update(SECRET).digest());
    expect(protectedHeader).toEqual({ alg: "dir", enc: "A256GCM", cty: "JWT" });
    await jwtVerify(new TextDecoder().decode(plaintext), createLocalJWKSet(r.jwksAfter), { issuer: ISSUER, audience: "shop", currentDate: new Date(clock.t) });
  },
  "malformed-two-parts": async (r) => {
    expect(r.token.split(".").length).toBe(2);
    expect(() => decodeJwt(r.token)).toThrow();
  },
  "malformed-base64": async (r) => {
    expect(r.token.split(".").length).toBe(3);
    expect(r.token.split(".")[1]).toMatch(/[^A-Za-z0-9_-]/);
    expect(() => decodeJwt(r.token)).toThrow();
  },
  "payload-not-object": async (r) => {
    const { payload } = await compactVerify(r.token, createLocalJWKSet(r.jwksAfter));
    const parsed = JSON.parse(new TextDecoder().decode(payload));
    expect(Array.isArray(parsed)).toBe(true);
    await expect(jwtVerify(r.token, createLocalJWKSet(r.jwksAfter))).rejects.toMatchObject({ code: "ERR_JWT_INVALID" });
  },
  "userinfo-sub-mismatch": async (r) => {
    const c = await verifiedClaims(r.token, r.jwksAfter);
    expect(c.sub).toBe("u-alice");
    expect(typeof r.userinfo.sub).toBe("string");
    expect(r.userinfo.sub).not.toBe("u-alice");
  },
  "discovery-issuer-mismatch": async (r) => {
    expect(r.discovery.issuer).toBe(ATTACKER_ISSUER);
    expect(r.discovery.token_endpoint).toBe(`${ISSUER}/token`);
    expect((await verifiedClaims(r.token, r.jwksAfter)).iss).toBe(ISSUER);
  },
  "missing-iss-param": async (r) => {
    expect(r.callback.has("iss")).toBe(false);
    expect(r.callback.get("state")).toBe(r.state);
  },
  "wrong-iss-param": async (r) => {
    expect(r.callback.get("iss")).toBe(ATTACKER_ISSUER);
  },
  "wrong-state": async (r) => {
    expect(r.callback.get("state")).not.toBe(r.state);
    expect(r.callback.get("iss")).toBe(ISSUER);
  },
};

describe("misbehaving provider", () => {
  it("every misbehavior has a one-line description and a target", () => {
    expect(MISBEHAVIOR_NAMES.length).toBe(Object.keys(CHECKS).length);
    for (const name of MISBEHAVIOR_NAMES) {
      expect(MISBEHAVIORS[name].description).toMatch(/^[^\n]{10,140}$/);
      expect(["id-token", "jwks+id-token", "authorization-response", "userinfo", "discovery"]).toContain(MISBEHAVIORS[name].where);
    }
  });

  it.each(MISBEHAVIOR_NAMES)("%s produces the deviation it names", async (name) => {
    await CHECKS[name](await run(name));
  });

  it("a correct login is correct: the checks above fail on it", async () => {
    const r = await run(undefined);
    const claims = await verifiedClaims(r.token, r.jwksAfter);
    expect(claims).toMatchObject({ iss: ISSUER, sub: "u-alice", aud: "shop", nonce: r.nonce, at_hash: atHash(r.accessToken) });
    expect(r.callback.get("iss")).toBe(ISSUER);
    expect(r.userinfo.sub).toBe("u-alice");
    let failed = 0;
    for (const name of MISBEHAVIOR_NAMES) {
      try {
        await CHECKS[name](r);
      } catch {
        failed++;
      }
    }
    expect(failed).toBe(MISBEHAVIOR_NAMES.length);
  });

  it("bad-signature for RS256, ES256 and HS256 clients", async () => {
    for (const [clientId, verifyKey] of [["shop", undefined], ["poster", undefined], ["hmac", enc.encode(SECRET)]] as const) {
      const r = await run("bad-signature", clientId);
      const key = verifyKey ?? createLocalJWKSet(r.jwksAfter);
      await expect(compactVerify(r.token, key as never)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });
      expect(decodeProtectedHeader(r.token).alg).toBe(clientId === "shop" ? "RS256" : clientId === "poster" ? "ES256" : "HS256");
    }
  });

  it("provider-wide misbehavior applies to every login; provider-only ones are refused as a parameter", async () => {
    op.setMisbehavior("expired");
    try {
      const got = await getCode(op);
      const { body } = await exchange(op, { code: got.code, verifier: got.verifier });
      expect(decodeJwt(body.id_token as string).exp).toBe(nowS() - 600);
    } finally {
      op.setMisbehavior(undefined);
    }
    await expect(getCode(op, { misbehave: "discovery-issuer-mismatch" })).rejects.toThrow(/no code/);
    await expect(getCode(op, { misbehave: "not-a-misbehavior" })).rejects.toThrow(/no code/);
  });
});
