// The conformance harness: every case through our relying party, openid-client (default and
// strict) and bare jose.jwtVerify against the misbehaving provider.
import { beforeAll, describe, expect, it } from "vitest";
import {
  CONFORMANCE_CASES,
  CONFORMANCE_CASE_NAMES,
  type ConformanceRow,
  runConformance,
} from "../../../lib/oidc/conformance/index.js";
import { OIDC_ERROR_CODES } from "../../../lib/oidc/errors.js";

let rows: ConformanceRow[];
const byName = (name: string): ConformanceRow => {
  const r = rows.find((x) => x.case === name);
  if (r === undefined) throw new Error(`no row ${name}`);
  return r;
};

beforeAll(async () => {
  const t0 = performance.now();
  rows = await runConformance();
  // Measured and reported only (never asserted): the budget is about 10 s.
  console.log(`conformance harness: ${rows.length} cases x 4 relying parties in ${Math.round(performance.now() - t0)} ms (in-process)`);
}, 60_000);

describe("our relying party against every case", () => {
  it("runs every case once, in catalogue order", () => {
    expect(rows.map((r) => r.case)).toEqual(CONFORMANCE_CASE_NAMES);
    expect(new Set(CONFORMANCE_CASE_NAMES).size).toBe(CONFORMANCE_CASE_NAMES.length);
  });

  it.each(CONFORMANCE_CASES.map((c) => [c.name, c.expected] as const))("%s: ours gives the expected verdict (%s)", (name, expected) => {
    const r = byName(name);
    expect(r.ours.verdict).toBe(expected);
    if (expected === "reject") {
      expect(r.ours.code !== null && r.ours.code in OIDC_ERROR_CODES).toBe(true);
      expect(r.ours.step).not.toBeNull();
    } else {
      expect(r.ours).toEqual({ verdict: "accept", code: null, step: null, detail: null });
    }
  });

  it("rejections are named by distinct codes: one code per check, one check per code", () => {
    const rejects = rows.filter((r) => r.expected === "reject");
    const codeOf = new Map<string, Set<string>>();
    const checkOf = new Map<string, Set<string>>();
    for (const r of rejects) {
      const code = r.ours.code as string;
      (codeOf.get(r.check) ?? codeOf.set(r.check, new Set()).get(r.check))?.add(code);
      (checkOf.get(code) ?? checkOf.set(code, new Set()).get(code))?.add(r.check);
    }
    // Cases attacking different rules never share a code ...
    for (const [code, checks] of checkOf) expect([code, [...checks]]).toEqual([code, [...checks].slice(0, 1)]);
    // ... and cases attacking the same rule (bad RS256/ES256/HS256 signature, say) share one.
    for (const [check, codes] of codeOf) expect([check, [...codes]]).toEqual([check, [...codes].slice(0, 1)]);
    // Most rules are attacked by one case only, so most codes are unique to one case.
    expect(checkOf.size).toBeGreaterThanOrEqual(25);
  });

  it("jku, x5u, jwk and x5c: the attacker's keys are never fetched, by ours or by the peers", () => {
    for (const name of ["jku-header", "x5u-header", "jwk-header", "x5c-header"]) {
      const r = byName(name);
      expect(r.ours.code).toBe("ERR_OIDC_FORBIDDEN_HEADER");
      expect(r.attackerFetches).toEqual({ ours: 0, openidClient: 0, openidClientStrict: 0, joseJwtVerify: 0 });
    }
  });

  it("the rejections name the step the issue expects for the headline attacks", () => {
    expect([byName("alg-none").ours.step, byName("hs256-key-confusion").ours.step, byName("bad-signature-es256").ours.step]).toEqual(["alg", "alg", "signature"]);
    expect([byName("state-mismatch").ours.step, byName("mix-up-wrong-iss").ours.step, byName("code-replay").ours.step]).toEqual(["state", "iss-param", "token-endpoint"]);
    expect(byName("userinfo-sub-mismatch").ours.code).toBe("ERR_OIDC_USERINFO_SUB");
    expect(byName("discovery-issuer-mismatch").ours.code).toBe("ERR_OIDC_DISCOVERY_ISSUER");
  });

  it("rows carry no token and no credential", () => {
    const text = JSON.stringify(rows);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no JWT
    expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}|client_secret=|code=|password/i);
  });
});

/**
 * What the peers do, recorded as observed facts with openid-client 6.9.0 (oauth4webapi 3.8.8)
 * and jose 6.2.18. [openid-client default, openid-client strict, bare jwtVerify].
 */
const OBSERVED: Record<string, [string, string, string]> = {
  "good-login": ["accept", "accept", "accept"],
  "good-login-es256": ["accept", "accept", "accept"],
  // enableNonRepudiationChecks verifies through the jwks_uri only: oauth4webapi's
  // getPublicSigKeyFromIssuerJwksUri throws "unsupported JWS algorithm" for HS*, so strict mode
  // refuses even a valid HS256 ID token.
  "good-login-hs256": ["accept", "reject", "accept"],
  "issuer-mismatch": ["reject", "reject", "reject"],
  // jwtVerify checks only the claims it is given options for (requiredClaims not set).
  "missing-sub": ["reject", "reject", "accept"],
  "wrong-aud": ["reject", "reject", "reject"],
  "missing-iat": ["reject", "reject", "accept"],
  "kid-absent-single-key": ["accept", "accept", "accept"],
  // openid-client v6 does not verify the ID token signature in the code flow by default
  // (OIDC Core 3.1.3.7 step 6 lets a client trust the TLS channel to the token endpoint; the
  // openid-client docs of enableNonRepudiationChecks; research note §3): every key and
  // signature defect below is accepted by default and rejected in strict mode.
  "kid-absent-multiple-keys": ["accept", "reject", "reject"],
  "unknown-kid": ["accept", "reject", "reject"],
  "bad-signature-rs256": ["accept", "reject", "reject"],
  "bad-signature-es256": ["accept", "reject", "reject"],
  "bad-signature-hs256": ["accept", "reject", "reject"],
  "alg-none": ["reject", "reject", "reject"],
  // The nonce is not jwtVerify's business: a bare integration must compare it itself.
  "wrong-nonce": ["reject", "reject", "accept"],
  "missing-nonce": ["reject", "reject", "accept"],
  // at_hash is optional in the code flow (OIDC Core 3.1.3.8: MAY); only ours checks it.
  "at-hash-mismatch": ["accept", "accept", "accept"],
  // Warm cache 31 s old: openid-client refetches on an unknown kid only when its cache is at
  // least 60 s old (oauth4webapi getPublicSigKeyFromIssuerJwksUri: `if (age >= 60)`); jose's
  // createRemoteJWKSet and ours have a 30 s cooldown.
  "key-rotation": ["accept", "reject", "accept"],
  "userinfo-sub-mismatch": ["reject", "reject", "n/a"],
  "discovery-issuer-mismatch": ["reject", "reject", "n/a"],
  "hs256-key-confusion": ["reject", "reject", "reject"],
  // No `algorithms` option: jwtVerify accepts any algorithm the published key supports.
  "alg-not-registered": ["reject", "reject", "accept"],
  "unknown-crit": ["reject", "reject", "reject"],
  // Default openid-client never looks at the key (no signature check); strict and jose look
  // the attacker's kid up in the provider's JWKS only, and find nothing.
  "jku-header": ["accept", "reject", "reject"],
  "x5u-header": ["accept", "reject", "reject"],
  "jwk-header": ["accept", "reject", "reject"],
  "x5c-header": ["accept", "reject", "reject"],
  // Cross-JWT confusion (RFC 8725 3.11): nobody but ours checks typ.
  "typ-at+jwt": ["accept", "accept", "accept"],
  "nested-jwt": ["reject", "reject", "reject"],
  "malformed-two-parts": ["reject", "reject", "reject"],
  "malformed-base64": ["reject", "reject", "reject"],
  "payload-not-object": ["reject", "reject", "reject"],
  // The 255-character limit of OIDC Core §2 is checked by ours only.
  "sub-too-long": ["accept", "accept", "accept"],
  "sub-not-string": ["reject", "reject", "accept"],
  "exp-not-numeric": ["reject", "reject", "reject"],
  "iat-not-numeric": ["reject", "reject", "reject"],
  // iat is only type-checked (research note §3); jwtVerify needs maxTokenAge for it.
  "iat-in-future": ["accept", "accept", "accept"],
  "expired": ["reject", "reject", "reject"],
  "issuer-trailing-slash": ["reject", "reject", "reject"],
  // With one trusted audience configured nowhere, only ours refuses extra audiences; azp is
  // ignored by the peers when aud is a single value (OIDC Core errata 2 allows ignoring azp).
  "extra-untrusted-aud": ["accept", "accept", "accept"],
  "wrong-azp": ["accept", "accept", "accept"],
  "state-mismatch": ["reject", "reject", "n/a"],
  "mix-up-wrong-iss": ["reject", "reject", "n/a"],
  "mix-up-missing-iss": ["reject", "reject", "n/a"],
  "code-replay": ["reject", "reject", "n/a"],
  "wrong-code-verifier": ["reject", "reject", "n/a"],
  "redirect-uri-mismatch": ["reject", "reject", "n/a"],
};

describe("the peers' verdicts (observed facts)", () => {
  it("every case has an observation", () => {
    expect(Object.keys(OBSERVED).sort()).toEqual([...CONFORMANCE_CASE_NAMES].sort());
  });

  it.each(Object.entries(OBSERVED))("%s: openid-client, openid-client strict, jwtVerify = %j", (name, want) => {
    const r = byName(name);
    expect([r.openidClient.verdict, r.openidClientStrict.verdict, r.joseJwtVerify.verdict]).toEqual(want);
    for (const p of [r.openidClient, r.openidClientStrict, r.joseJwtVerify]) expect(p.error === null).toBe(p.verdict !== "reject");
  });

  it("the peers' errors name the reason: strict mode's signature check, jose's key selection, the token endpoint's invalid_grant", () => {
    expect(byName("bad-signature-rs256").openidClientStrict.error).toMatch(/^OAUTH_INVALID_RESPONSE: .*signature verification failed/);
    expect(byName("good-login-hs256").openidClientStrict.error).toMatch(/^OAUTH_UNSUPPORTED_OPERATION: .*unsupported JWS algorithm/);
    expect(byName("key-rotation").openidClientStrict.error).toMatch(/^OAUTH_KEY_SELECTION_FAILED: .*no applicable keys/);
    expect(byName("kid-absent-multiple-keys").joseJwtVerify.error).toMatch(/^ERR_JWKS_MULTIPLE_MATCHING_KEYS/);
    expect(byName("code-replay").openidClient.error).toMatch(/\[invalid_grant: code already used/);
    expect(byName("wrong-code-verifier").openidClient.error).toMatch(/\[invalid_grant: code_verifier does not match/);
    expect(byName("redirect-uri-mismatch").openidClient.error).toMatch(/\[invalid_grant: redirect_uri does not match/);
  });

  it("the same failures reach ours through the provider's answer", () => {
    expect(byName("code-replay").ours.detail).toMatch(/code already used/);
    expect(byName("wrong-code-verifier").ours.detail).toMatch(/code_verifier/);
    expect(byName("redirect-uri-mismatch").ours.detail).toMatch(/redirect_uri/);
  });
});
