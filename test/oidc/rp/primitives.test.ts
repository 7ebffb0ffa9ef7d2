import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OIDC_ERROR_CODES, OIDC_STEPS, OidcError, isOidcError } from "../../../lib/oidc/errors.js";
import { atHash, hashForAlg } from "../../../lib/oidc/rp/at-hash.js";
import { discoveryUrl, parseProviderMetadata } from "../../../lib/oidc/rp/discovery.js";
import { randomToken, s256Challenge } from "../../../lib/oidc/rp/pkce.js";
import { createNonceReplayCache } from "../../../lib/oidc/rp/replay.js";

describe("errors", () => {
  it("codes are distinct ERR_OIDC_* names, each with a description", () => {
    for (const [code, text] of Object.entries(OIDC_ERROR_CODES)) {
      expect(code).toMatch(/^ERR_OIDC_[A-Z_]+$/);
      expect(text.length).toBeGreaterThan(10);
    }
    expect(new Set(OIDC_STEPS).size).toBe(OIDC_STEPS.length);
  });

  it("OidcError keeps code, step and steps, and is recognised", () => {
    const e = new OidcError("ERR_OIDC_EXPIRED", "exp", "expired", [{ step: "exp", ok: false, detail: "expired" }]);
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.step, e.steps.length]).toEqual(["OidcError", "ERR_OIDC_EXPIRED", "exp", 1]);
    expect(isOidcError(e, "ERR_OIDC_EXPIRED")).toBe(true);
    expect(isOidcError(e, "ERR_OIDC_EXP")).toBe(false);
    expect(isOidcError(new Error("x"))).toBe(false);
  });
});

describe("at_hash", () => {
  it("matches OIDC Core Appendix A's example", () => {
    expect(atHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "RS256")).toBe("77QmUPtjPfzWtF2AnpK9RQ");
  });

  it("uses the alg's hash and keeps its left half", () => {
    expect(["RS256", "ES384", "PS512", "HS256", "EdDSA"].map(hashForAlg)).toEqual(["sha256", "sha384", "sha512", "sha256", "sha512"]);
    expect(atHash("t", "ES256")).toHaveLength(22);
    expect(atHash("t", "ES384")).toHaveLength(32);
    expect(atHash("t", "RS512")).toHaveLength(43);
    expect(() => hashForAlg("none")).toThrow(OidcError);
  });
});

describe("PKCE and random values", () => {
  it("S256 matches RFC 7636 Appendix B", () => {
    expect(s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("random tokens are 43 base64url characters and do not repeat", () => {
    const seen = new Set(Array.from({ length: 1000 }, randomToken));
    expect(seen.size).toBe(1000);
    for (const t of seen) expect(t).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe("nonce replay cache", () => {
  it("remembers each nonce exactly until its forget time (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 100 })), { maxLength: 30 }), fc.integer({ min: 0, max: 120 }), (adds, at) => {
        let now = 0;
        const c = createNonceReplayCache(() => now);
        const last = new Map<string, number>();
        for (const [n, t] of adds) {
          c.add(n, t);
          last.set(n, Math.max(t, last.get(n) ?? 0));
        }
        now = at;
        for (const [n, t] of last) expect(c.has(n)).toBe(at < t);
        expect(c.size()).toBe([...last.values()].filter((t) => at < t).length);
      }),
      { seed: 5 },
    );
  });
});

describe("discovery parsing", () => {
  const doc = { issuer: "https://op", authorization_endpoint: "https://op/auth", token_endpoint: "https://op/token", jwks_uri: "https://op/jwks" };
  it("builds the well-known URL without doubling a slash", () => {
    expect(discoveryUrl("https://op/")).toBe("https://op/.well-known/openid-configuration");
    expect(discoveryUrl("https://op/t1")).toBe("https://op/t1/.well-known/openid-configuration");
  });

  it("needs the endpoints as URLs and typed optional fields", () => {
    expect(parseProviderMetadata({ ...doc, authorization_response_iss_parameter_supported: true }, "https://op")).toMatchObject({ authorization_response_iss_parameter_supported: true });
    for (const bad of [{ jwks_uri: undefined }, { token_endpoint: "not a url" }, { scopes_supported: "openid" }, { authorization_response_iss_parameter_supported: "yes" }]) {
      expect(() => parseProviderMetadata({ ...doc, ...bad }, "https://op")).toThrow(expect.objectContaining({ code: "ERR_OIDC_DISCOVERY" }));
    }
    expect(() => parseProviderMetadata(doc, "https://OP")).toThrow(expect.objectContaining({ code: "ERR_OIDC_DISCOVERY_ISSUER" }));
  });
});
