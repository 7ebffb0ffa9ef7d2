import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeHtml } from "../../../lib/oidc/browser.js";
import { atHash, claimsForScopes, escapeHtml, s256Challenge, verifyS256 } from "../../../lib/oidc/provider/index.js";

const unreserved = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".split(""));
const verifier = fc.array(unreserved, { minLength: 43, maxLength: 128 }).map((a) => a.join(""));

describe("PKCE S256", () => {
  it("matches the RFC 7636 appendix B example", () => {
    expect(s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("property: a verifier matches its own challenge and no other verifier's", () => {
    fc.assert(
      fc.property(verifier, verifier, (a, b) => {
        expect(verifyS256(a, s256Challenge(a))).toBe(true);
        if (a !== b) expect(verifyS256(b, s256Challenge(a))).toBe(false);
      }),
    );
  });

  it("a verifier outside 43..128 unreserved characters never matches, even its own challenge", () => {
    for (const v of ["a".repeat(42), "a".repeat(129), `${"a".repeat(42)} `, `${"a".repeat(42)}/`]) expect(verifyS256(v, s256Challenge(v))).toBe(false);
  });
});

describe("at_hash", () => {
  it("matches the OpenID Connect Core example (A.3)", () => {
    expect(atHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")).toBe("77QmUPtjPfzWtF2AnpK9RQ");
  });
});

describe("HTML escaping", () => {
  it("property: the output has no markup characters and decodes back to the input", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(decodeHtml(e)).toBe(s);
      }),
    );
  });
});

describe("scope claims", () => {
  it("releases only the claims of the granted scopes, never sub", () => {
    const user = { sub: "1", username: "a", password: "p", claims: { name: "A", email: "a@x", email_verified: false, phone_number: "+1", custom: 1 } };
    expect(claimsForScopes(user, ["openid"])).toEqual({});
    expect(claimsForScopes(user, ["openid", "email"])).toEqual({ email: "a@x", email_verified: false });
    expect(claimsForScopes(user, ["openid", "profile", "phone", "unknown"])).toEqual({ name: "A", phone_number: "+1" });
  });
});
