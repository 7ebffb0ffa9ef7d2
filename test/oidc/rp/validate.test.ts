import { beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { OidcError } from "../../../lib/oidc/errors.js";
import { atHash } from "../../../lib/oidc/rp/at-hash.js";
import { createStaticKeySource } from "../../../lib/oidc/rp/jwks.js";
import { createIdTokenValidator, type IdTokenValidatorOptions } from "../../../lib/oidc/rp/validate.js";
import { CLIENT_ID, CLIENT_SECRET, ISSUER, NOW, goodClaims, makeKey, sign, type TestKey } from "./helpers.js";

let rsa: TestKey;
let es: TestKey;
const NONCE = "n-0S6_WzA2Mj";

beforeAll(async () => {
  rsa = await makeKey("RS256", "rsa-1");
  es = await makeKey("ES256", "ec-1");
});

function validator(over: Partial<IdTokenValidatorOptions> = {}) {
  return createIdTokenValidator({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    keys: createStaticKeySource({ keys: [rsa.publicJwk, es.publicJwk] }),
    now: () => NOW,
    ...over,
  });
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (e) {
    if (!(e instanceof OidcError)) throw e;
    return e.code;
  }
}

describe("a valid ID token", () => {
  it("passes every step, in the documented order, with the claims returned", async () => {
    const at = "access-token-123";
    const token = await sign(rsa, goodClaims({ at_hash: atHash(at, "RS256") }));
    const { claims, header, steps } = await validator().validate(token, { nonce: NONCE, accessToken: at, maxAge: 300 });
    expect(claims.sub).toBe("alice");
    expect(header).toMatchObject({ alg: "RS256", kid: "rsa-1" });
    expect(steps.map((s) => s.step)).toEqual(["header", "alg", "typ", "jwks", "signature", "claims", "iss", "aud", "azp", "exp", "iat", "nonce", "at_hash", "auth_time"]);
    expect(steps.every((s) => s.ok && s.detail.length > 0)).toBe(true);
    expect(steps.find((s) => s.step === "at_hash")?.detail).toBe("at_hash matches the access token");
  });

  it("is accepted when signed with ES256 (both default algorithms)", async () => {
    const { claims } = await validator().validate(await sign(es, goodClaims()), { nonce: NONCE });
    expect(claims.iss).toBe(ISSUER);
  });

  it("accepts no kid when exactly one key fits (rp-id_token-kid-absent-single-jwks)", async () => {
    const v = validator({ keys: createStaticKeySource({ keys: [rsa.publicJwk] }) });
    await expect(v.validate(await sign(rsa, goodClaims(), { header: { kid: undefined } }), { nonce: NONCE })).resolves.toBeDefined();
    // With an RSA and an EC key, only one fits RS256: still unambiguous.
    await expect(validator().validate(await sign(rsa, goodClaims({ nonce: "n2" }), { header: { kid: undefined } }), { nonce: "n2" })).resolves.toBeDefined();
  });

  it("accepts typ absent, JWT or application/jwt", async () => {
    const v = validator();
    for (const [i, typ] of [undefined, "JWT", "jwt", "application/jwt"].entries()) {
      const t = await sign(rsa, goodClaims({ nonce: `n${i}` }), { header: { typ } });
      await expect(v.validate(t, { nonce: `n${i}` })).resolves.toBeDefined();
    }
  });

  it("accepts HS256 keyed with the client secret only when configured, and PS256 only when listed", async () => {
    const hsToken = await sign(rsa, goodClaims(), { header: { alg: "HS256", kid: undefined }, signingKey: new TextEncoder().encode(CLIENT_SECRET) });
    expect(await codeOf(validator().validate(hsToken, { nonce: NONCE }))).toBe("ERR_OIDC_ALG_NOT_ALLOWED");
    expect(await codeOf(validator({ clientSecret: CLIENT_SECRET, allowedAlgs: ["HS256"] }).validate(hsToken, { nonce: NONCE }))).toBe("accepted");
    const ps = await makeKey("PS256", "ps-1");
    const psToken = await sign(ps, goodClaims());
    const keys = createStaticKeySource({ keys: [ps.publicJwk] });
    expect(await codeOf(validator({ keys }).validate(psToken, { nonce: NONCE }))).toBe("ERR_OIDC_ALG_NOT_ALLOWED");
    expect(await codeOf(validator({ keys, allowedAlgs: ["PS256"] }).validate(psToken, { nonce: NONCE }))).toBe("accepted");
  });

  it("accepts a trusted second audience with azp = client_id", async () => {
    const t = await sign(rsa, goodClaims({ aud: [CLIENT_ID, "https://api.test"], azp: CLIENT_ID }));
    expect(await codeOf(validator({ trustedAudiences: ["https://api.test"] }).validate(t, { nonce: NONCE }))).toBe("accepted");
    expect(await codeOf(validator().validate(t, { nonce: NONCE }))).toBe("ERR_OIDC_AUD_UNTRUSTED");
  });

  it("skips the nonce check only when told no nonce was sent", async () => {
    const t = await sign(rsa, goodClaims({ nonce: undefined }));
    expect(await codeOf(validator().validate(t, { nonce: null }))).toBe("accepted");
    expect(await codeOf(validator().validate(t, { nonce: NONCE }))).toBe("ERR_OIDC_NONCE");
  });

  it("applies the validator's maxAgeSec when the call gives none", async () => {
    const t = await sign(rsa, goodClaims({ auth_time: NOW - 1000 }));
    expect(await codeOf(validator().validate(t, { nonce: NONCE }))).toBe("accepted");
    expect(await codeOf(validator({ maxAgeSec: 600 }).validate(t, { nonce: NONCE }))).toBe("ERR_OIDC_AUTH_TIME");
  });
});

describe("time checks", () => {
  it("accepts a token exactly when exp, iat and auth_time are within skew and window (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 120 }),
        fc.integer({ min: -900, max: 200 }),
        fc.integer({ min: -200, max: 200 }),
        fc.integer({ min: -500, max: 200 }),
        async (skew, dIat, dExp, dAuth) => {
          const window = 600;
          const maxAge = 300;
          const v = validator({ clockSkewSec: skew, iatWindowSec: window });
          const token = await sign(es, goodClaims({ iat: NOW + dIat, exp: NOW + dExp, auth_time: NOW + dAuth, nonce: undefined }));
          let expected = "accepted";
          if (!(NOW < NOW + dExp + skew)) expected = "ERR_OIDC_EXPIRED";
          else if (NOW + dIat > NOW + skew) expected = "ERR_OIDC_IAT_FUTURE";
          else if (NOW + dIat < NOW - window - skew) expected = "ERR_OIDC_IAT_TOO_OLD";
          else if (dAuth > skew || dAuth + maxAge < -skew) expected = "ERR_OIDC_AUTH_TIME";
          expect(await codeOf(v.validate(token, { nonce: null, maxAge }))).toBe(expected);
        },
      ),
      { numRuns: 300, seed: 20240603 },
    );
  });

  it("treats exp + skew as the first instant of expiry", async () => {
    const t = await sign(rsa, goodClaims({ exp: NOW - 60, iat: NOW - 100, nonce: undefined }));
    expect(await codeOf(validator({ now: () => NOW - 0.001 }).validate(t, { nonce: null }))).toBe("accepted");
    expect(await codeOf(validator({ now: () => NOW }).validate(t, { nonce: null }))).toBe("ERR_OIDC_EXPIRED");
  });
});

describe("nonce replay", () => {
  it("remembers an accepted nonce until exp + skew, then forgets it", async () => {
    let now = NOW;
    const v = validator({ now: () => now });
    const token = await sign(rsa, goodClaims({ nonce: "r1", exp: NOW + 100 }));
    await v.validate(token, { nonce: "r1" });
    expect(v.replay.has("r1")).toBe(true);
    expect(await codeOf(v.validate(token, { nonce: "r1" }))).toBe("ERR_OIDC_NONCE_REPLAY");
    now = NOW + 100 + 60;
    expect(v.replay.has("r1")).toBe(false);
    expect(v.replay.size()).toBe(0);
  });

  it("does not burn the nonce of a token that failed a later check", async () => {
    const v = validator();
    const bad = await sign(rsa, goodClaims({ nonce: "r2", at_hash: atHash("other", "RS256") }));
    expect(await codeOf(v.validate(bad, { nonce: "r2", accessToken: "mine" }))).toBe("ERR_OIDC_AT_HASH");
    expect(v.replay.has("r2")).toBe(false);
  });
});

describe("robustness", () => {
  it("rejects every single-character change of a valid token (or it decodes to the same bytes)", async () => {
    const token = await sign(es, goodClaims({ nonce: undefined }));
    const v = validator();
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
    const sigPart = token.split(".")[2] as string;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), async (i, c) => {
        fc.pre(token[i] !== c);
        const changed = token.slice(0, i) + c + token.slice(i + 1);
        const code = await codeOf(v.validate(changed, { nonce: null }));
        if (code === "accepted") {
          // Only a non-canonical base64url spelling of the same signature may pass.
          const parts = changed.split(".");
          expect(parts.slice(0, 2).join(".")).toBe(token.split(".").slice(0, 2).join("."));
          expect(Buffer.from(parts[2] as string, "base64url").equals(Buffer.from(sigPart, "base64url"))).toBe(true);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("throws only OidcErrors on arbitrary strings", async () => {
    const v = validator();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.base64String(), fc.array(fc.base64String(), { maxLength: 4 }).map((a) => a.join("."))), async (s) => {
        expect(await codeOf(v.validate(s, { nonce: null }))).not.toBe("accepted");
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
