// One test per error code: each bad token or response is rejected with its own code and step.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportSPKI } from "jose";
import { OIDC_ERROR_CODES, OidcError, type OidcErrorCode, type OidcStep } from "../../../lib/oidc/errors.js";
import { discover } from "../../../lib/oidc/rp/discovery.js";
import { createJwksCache, createStaticKeySource } from "../../../lib/oidc/rp/jwks.js";
import { createRelyingParty } from "../../../lib/oidc/rp/relying-party.js";
import { atHash } from "../../../lib/oidc/rp/at-hash.js";
import { createIdTokenValidator, type IdTokenValidator } from "../../../lib/oidc/rp/validate.js";
import { CLIENT_ID, CLIENT_SECRET, ISSUER, NOW, REDIRECT_URI, createFakeOp, goodClaims, json, makeKey, sign, type TestKey } from "./helpers.js";

let rsa: TestKey;
let rsa2: TestKey;
let es: TestKey;
let v: IdTokenValidator;
const seen = new Set<string>();

beforeAll(async () => {
  rsa = await makeKey("RS256", "rsa-1");
  rsa2 = await makeKey("RS256", "rsa-2");
  es = await makeKey("ES256", "ec-1");
  v = newValidator();
});

function newValidator(): IdTokenValidator {
  return createIdTokenValidator({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    keys: createStaticKeySource({ keys: [rsa.publicJwk, es.publicJwk] }),
    trustedAudiences: ["https://api.test"],
    now: () => NOW,
  });
}

async function expectCode(p: Promise<unknown> | (() => unknown), code: OidcErrorCode, step: OidcStep): Promise<OidcError> {
  let err: unknown;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, `expected ${code}`).toBeInstanceOf(OidcError);
  const o = err as OidcError;
  expect({ code: o.code, step: o.step }).toEqual({ code, step });
  seen.add(o.code);
  return o;
}

const NONCE = "n-0S6_WzA2Mj";

async function rejectToken(token: string, code: OidcErrorCode, step: OidcStep, opts: { nonce?: string | null; accessToken?: string; maxAge?: number } = {}): Promise<void> {
  const err = await expectCode(v.validate(token, { nonce: NONCE, ...opts }), code, step);
  // The partial steps end with the failing one.
  const last = err.steps[err.steps.length - 1];
  expect(last).toMatchObject({ step, ok: false });
  expect(err.steps.slice(0, -1).every((s) => s.ok)).toBe(true);
}

describe("ID-token validation: one code per failure", () => {
  it("ERR_OIDC_CONFIG: alg none or HS256 without a secret cannot be configured", async () => {
    const keys = createStaticKeySource({ keys: [] });
    await expectCode(() => createIdTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, keys, allowedAlgs: ["none"] }), "ERR_OIDC_CONFIG", "config");
    await expectCode(() => createIdTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, keys, allowedAlgs: ["HS256"] }), "ERR_OIDC_CONFIG", "config");
  });

  it("ERR_OIDC_MALFORMED: not three base64url parts, or a payload that is not a JSON object", async () => {
    await rejectToken("abc.def", "ERR_OIDC_MALFORMED", "header");
    await rejectToken("a$b.c.d", "ERR_OIDC_MALFORMED", "header");
    await rejectToken(`${Buffer.from("[1]").toString("base64url")}.e30.c2ln`, "ERR_OIDC_MALFORMED", "header");
    await rejectToken(await sign(rsa, {}, { rawPayload: "[1,2]" }), "ERR_OIDC_MALFORMED", "claims");
  });

  it("ERR_OIDC_ENCRYPTED: a five-part JWE is refused", async () => {
    await rejectToken("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d", "ERR_OIDC_ENCRYPTED", "header");
  });

  it("ERR_OIDC_ALG_NONE: an unsigned token", async () => {
    await rejectToken(await sign(rsa, goodClaims(), { unsigned: true, header: { alg: "none" } }), "ERR_OIDC_ALG_NONE", "alg");
  });

  it("ERR_OIDC_ALG_NOT_ALLOWED: RS256 -> HS256 key confusion (public key as HMAC secret)", async () => {
    const pem = new TextEncoder().encode(await exportSPKI(await crypto.subtle.importKey("jwk", rsa.publicJwk as JsonWebKey, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"])));
    const token = await sign(rsa, goodClaims(), { header: { alg: "HS256" }, signingKey: pem });
    await rejectToken(token, "ERR_OIDC_ALG_NOT_ALLOWED", "alg");
  });

  it("ERR_OIDC_CRIT: an unknown critical extension", async () => {
    await rejectToken(await sign(rsa, goodClaims(), { header: { crit: ["x-ext"], "x-ext": 1 } }), "ERR_OIDC_CRIT", "header");
  });

  it("ERR_OIDC_FORBIDDEN_HEADER: jku, x5u, jwk and x5c are each refused (and never fetched)", async () => {
    let fetched = 0;
    const spying = createIdTokenValidator({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      keys: createJwksCache({ jwksUri: `${ISSUER}/jwks`, now: () => NOW, fetch: async () => (fetched++, json({ keys: [rsa.publicJwk] })) }),
      now: () => NOW,
    });
    for (const h of [{ jku: "https://evil.test/jwks" }, { x5u: "https://evil.test/c.pem" }, { jwk: rsa2.publicJwk }, { x5c: ["MIIB"] }]) {
      await expectCode(spying.validate(await sign(rsa, goodClaims(), { header: h }), { nonce: NONCE }), "ERR_OIDC_FORBIDDEN_HEADER", "header");
    }
    expect(fetched).toBe(0);
  });

  it("ERR_OIDC_TYP: typ at+jwt (an access token) is not an ID token", async () => {
    await rejectToken(await sign(rsa, goodClaims(), { header: { typ: "at+jwt" } }), "ERR_OIDC_TYP", "typ");
  });

  it("ERR_OIDC_NESTED: cty JWT, or a payload that is itself a JWT", async () => {
    await rejectToken(await sign(rsa, goodClaims(), { header: { cty: "JWT" } }), "ERR_OIDC_NESTED", "header");
    const inner = await sign(rsa, goodClaims());
    await rejectToken(await sign(rsa, {}, { rawPayload: inner }), "ERR_OIDC_NESTED", "claims");
  });

  it("ERR_OIDC_KID_UNKNOWN: a kid the JWKS does not have", async () => {
    await rejectToken(await sign(rsa, goodClaims(), { header: { kid: "nope" } }), "ERR_OIDC_KID_UNKNOWN", "jwks");
  });

  it("ERR_OIDC_KID_AMBIGUOUS: no kid and two RS256 keys", async () => {
    const two = createIdTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, keys: createStaticKeySource({ keys: [rsa.publicJwk, rsa2.publicJwk] }), now: () => NOW });
    await expectCode(two.validate(await sign(rsa, goodClaims(), { header: { kid: undefined } }), { nonce: NONCE }), "ERR_OIDC_KID_AMBIGUOUS", "jwks");
  });

  it("ERR_OIDC_JWKS: the JWKS endpoint fails", async () => {
    const broken = createIdTokenValidator({
      issuer: ISSUER,
      clientId: CLIENT_ID,
      keys: createJwksCache({ jwksUri: `${ISSUER}/jwks`, now: () => NOW, fetch: async () => new Response("down", { status: 503 }) }),
      now: () => NOW,
    });
    await expectCode(broken.validate(await sign(rsa, goodClaims()), { nonce: NONCE }), "ERR_OIDC_JWKS", "jwks");
  });

  it("ERR_OIDC_SIGNATURE: bad RS256, ES256 and HS256 signatures", async () => {
    await rejectToken(await sign(rsa, goodClaims(), { signingKey: rsa2.privateKey }), "ERR_OIDC_SIGNATURE", "signature");
    const other = await makeKey("ES256", "other");
    await rejectToken(await sign(es, goodClaims(), { signingKey: other.privateKey }), "ERR_OIDC_SIGNATURE", "signature");
    const hs = createIdTokenValidator({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowedAlgs: ["HS256"], keys: createStaticKeySource({ keys: [] }), now: () => NOW });
    const bad = await sign(rsa, goodClaims(), { header: { alg: "HS256", kid: undefined }, signingKey: new TextEncoder().encode("not-the-secret") });
    await expectCode(hs.validate(bad, { nonce: NONCE }), "ERR_OIDC_SIGNATURE", "signature");
    // A tampered payload under a valid RS256 signature.
    const good = await sign(rsa, goodClaims());
    const [h, , s] = good.split(".");
    const forged = `${h}.${Buffer.from(JSON.stringify(goodClaims({ sub: "mallory" }))).toString("base64url")}.${s}`;
    await rejectToken(forged, "ERR_OIDC_SIGNATURE", "signature");
  });

  it("ERR_OIDC_SUB: sub missing, not a string, empty or over 255 characters", async () => {
    for (const sub of [undefined, 42, "", "x".repeat(256)]) {
      await rejectToken(await sign(rsa, goodClaims({ sub })), "ERR_OIDC_SUB", "claims");
    }
  });

  it("ERR_OIDC_ISS_MISMATCH: wrong, trailing-slash or missing iss", async () => {
    for (const iss of ["https://evil.test", `${ISSUER}/`, undefined]) {
      await rejectToken(await sign(rsa, goodClaims({ iss })), "ERR_OIDC_ISS_MISMATCH", "iss");
    }
  });

  it("ERR_OIDC_AUD_MISMATCH: wrong, missing or malformed aud", async () => {
    for (const aud of ["other-app", undefined, [], [42], { a: 1 }]) {
      await rejectToken(await sign(rsa, goodClaims({ aud })), "ERR_OIDC_AUD_MISMATCH", "aud");
    }
  });

  it("ERR_OIDC_AUD_UNTRUSTED: an extra untrusted audience", async () => {
    await rejectToken(await sign(rsa, goodClaims({ aud: [CLIENT_ID, "https://evil.test"], azp: CLIENT_ID })), "ERR_OIDC_AUD_UNTRUSTED", "aud");
  });

  it("ERR_OIDC_AZP: several audiences without azp, or a wrong azp", async () => {
    await rejectToken(await sign(rsa, goodClaims({ aud: [CLIENT_ID, "https://api.test"] })), "ERR_OIDC_AZP", "azp");
    await rejectToken(await sign(rsa, goodClaims({ aud: [CLIENT_ID, "https://api.test"], azp: "https://api.test" })), "ERR_OIDC_AZP", "azp");
    await rejectToken(await sign(rsa, goodClaims({ azp: "someone-else" })), "ERR_OIDC_AZP", "azp");
  });

  it("ERR_OIDC_EXP: exp missing or not numeric", async () => {
    for (const exp of [undefined, "soon", null, String(NOW + 60)]) {
      await rejectToken(await sign(rsa, goodClaims({ exp })), "ERR_OIDC_EXP", "exp");
    }
  });

  it("ERR_OIDC_EXPIRED: expired beyond the skew", async () => {
    await rejectToken(await sign(rsa, goodClaims({ exp: NOW - 60, iat: NOW - 120 })), "ERR_OIDC_EXPIRED", "exp");
  });

  it("ERR_OIDC_IAT: iat missing or not numeric", async () => {
    for (const iat of [undefined, "now"]) {
      await rejectToken(await sign(rsa, goodClaims({ iat })), "ERR_OIDC_IAT", "iat");
    }
  });

  it("ERR_OIDC_IAT_FUTURE: iat beyond now + skew", async () => {
    await rejectToken(await sign(rsa, goodClaims({ iat: NOW + 61 })), "ERR_OIDC_IAT_FUTURE", "iat");
  });

  it("ERR_OIDC_IAT_TOO_OLD: iat older than the window plus skew", async () => {
    await rejectToken(await sign(rsa, goodClaims({ iat: NOW - 600 - 61 })), "ERR_OIDC_IAT_TOO_OLD", "iat");
  });

  it("ERR_OIDC_NONCE: wrong or missing nonce", async () => {
    await rejectToken(await sign(rsa, goodClaims({ nonce: "other" })), "ERR_OIDC_NONCE", "nonce");
    await rejectToken(await sign(rsa, goodClaims({ nonce: undefined })), "ERR_OIDC_NONCE", "nonce");
  });

  it("ERR_OIDC_NONCE_REPLAY: the same valid token presented twice", async () => {
    const fresh = newValidator();
    const token = await sign(rsa, goodClaims({ nonce: "once" }));
    await fresh.validate(token, { nonce: "once" });
    await expectCode(fresh.validate(token, { nonce: "once" }), "ERR_OIDC_NONCE_REPLAY", "nonce");
  });

  it("ERR_OIDC_AT_HASH: at_hash of another access token", async () => {
    await rejectToken(await sign(rsa, goodClaims({ at_hash: atHash("another-token", "RS256") })), "ERR_OIDC_AT_HASH", "at_hash", { accessToken: "the-token" });
  });

  it("ERR_OIDC_AUTH_TIME: older than max_age, or missing when max_age was asked", async () => {
    await rejectToken(await sign(rsa, goodClaims({ auth_time: NOW - 400 })), "ERR_OIDC_AUTH_TIME", "auth_time", { maxAge: 300 });
    await rejectToken(await sign(rsa, goodClaims({ auth_time: undefined })), "ERR_OIDC_AUTH_TIME", "auth_time", { maxAge: 300 });
  });
});

describe("relying party flow: one code per failure", () => {
  async function setup(authMethod: "client_secret_basic" | "client_secret_post" = "client_secret_basic") {
    const op = createFakeOp(rsa, { authMethod });
    const metadata = await discover(ISSUER, { fetch: op.fetch });
    const rp = createRelyingParty({ metadata, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, tokenEndpointAuthMethod: authMethod, fetch: op.fetch, now: () => NOW });
    return { op, rp };
  }

  it("ERR_OIDC_STATE: an unknown, missing or reused state", async () => {
    const { op, rp } = await setup();
    const cb = new URL(op.authorize(rp.authorizationRequest().url));
    const forged = new URL(cb);
    forged.searchParams.set("state", "attacker-state");
    await expectCode(rp.handleCallback(forged), "ERR_OIDC_STATE", "state");
    forged.searchParams.delete("state");
    await expectCode(rp.handleCallback(forged), "ERR_OIDC_STATE", "state");
    await rp.handleCallback(cb);
    await expectCode(rp.handleCallback(cb), "ERR_OIDC_STATE", "state");
  });

  it("ERR_OIDC_ISS_PARAM: a mix-up (another iss) or a missing iss when advertised", async () => {
    const { op, rp } = await setup();
    op.mode.issParam = "https://evil.test";
    await expectCode(rp.handleCallback(op.authorize(rp.authorizationRequest().url)), "ERR_OIDC_ISS_PARAM", "iss-param");
    op.mode.issParam = null;
    await expectCode(rp.handleCallback(op.authorize(rp.authorizationRequest().url)), "ERR_OIDC_ISS_PARAM", "iss-param");
  });

  it("ERR_OIDC_AUTHORIZATION: the provider answers with error=access_denied", async () => {
    const { op, rp } = await setup();
    const err = await expectCode(rp.handleCallback(op.authorize(rp.authorizationRequest().url, "access_denied")), "ERR_OIDC_AUTHORIZATION", "callback");
    expect(err.message).toContain("access_denied");
  });

  it("ERR_OIDC_CALLBACK: another path than the redirect URI, or no code", async () => {
    const { op, rp } = await setup();
    const cb = new URL(op.authorize(rp.authorizationRequest().url));
    const other = new URL(cb);
    other.pathname = "/elsewhere";
    await expectCode(rp.handleCallback(other), "ERR_OIDC_CALLBACK", "callback");
    cb.searchParams.delete("code");
    await expectCode(rp.handleCallback(cb), "ERR_OIDC_CALLBACK", "callback");
  });

  it("ERR_OIDC_TOKEN_ERROR: the token endpoint refuses (wrong client auth method)", async () => {
    const op = createFakeOp(rsa, { authMethod: "client_secret_post" });
    const metadata = await discover(ISSUER, { fetch: op.fetch });
    const rp = createRelyingParty({ metadata, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT_URI, fetch: op.fetch, now: () => NOW });
    const err = await expectCode(rp.handleCallback(op.authorize(rp.authorizationRequest().url)), "ERR_OIDC_TOKEN_ERROR", "token-endpoint");
    expect(err.message).toContain("invalid_client");
    expect(err.message).not.toContain(CLIENT_SECRET);
  });

  it("ERR_OIDC_TOKEN_RESPONSE: a 200 without id_token", async () => {
    const { op, rp } = await setup();
    op.mode.tokenResponse = { status: 200, body: { access_token: "x", token_type: "Bearer" } };
    await expectCode(rp.handleCallback(op.authorize(rp.authorizationRequest().url)), "ERR_OIDC_TOKEN_RESPONSE", "token-endpoint");
  });

  it("ERR_OIDC_DISCOVERY: no discovery document", async () => {
    await expectCode(discover(ISSUER, { fetch: async () => new Response("no", { status: 404 }) }), "ERR_OIDC_DISCOVERY", "discovery");
  });

  it("ERR_OIDC_DISCOVERY_ISSUER: the document names another issuer (trailing slash)", async () => {
    const op = createFakeOp(rsa);
    op.mode.discoveryIssuer = `${ISSUER}/`;
    await expectCode(discover(ISSUER, { fetch: op.fetch }), "ERR_OIDC_DISCOVERY_ISSUER", "discovery");
  });

  it("ERR_OIDC_USERINFO: UserInfo refuses the access token", async () => {
    const { rp } = await setup();
    await expectCode(rp.fetchUserInfo("not-a-token", "alice"), "ERR_OIDC_USERINFO", "userinfo");
  });

  it("ERR_OIDC_USERINFO_SUB: UserInfo names another user", async () => {
    const { op, rp } = await setup();
    const login = await rp.handleCallback(op.authorize(rp.authorizationRequest().url));
    op.mode.userinfoSub = "mallory";
    await expectCode(rp.fetchUserInfo(login.accessToken, login.claims.sub), "ERR_OIDC_USERINFO_SUB", "userinfo");
  });

  it("a bad ID token in a callback fails at its step, with the flow's steps before it", async () => {
    const { op, rp } = await setup();
    op.mode.claims = (c) => ({ ...c, aud: "other-app" });
    const err = await expectCode(rp.handleCallback(op.authorize(rp.authorizationRequest().url)), "ERR_OIDC_AUD_MISMATCH", "aud");
    expect(err.steps.map((s) => s.step)).toEqual(["state", "iss-param", "callback", "token-endpoint", "header", "alg", "typ", "jwks", "signature", "claims", "iss", "aud"]);
  });
});

afterAll(() => {
  // Checked last: every documented code was produced by some test above.
  expect([...Object.keys(OIDC_ERROR_CODES)].filter((c) => !seen.has(c))).toEqual([]);
});
