// lib/oidc/index.ts: one import gives a notebook the provider, the browser, the relying party,
// explainIdToken and the harness; names the modules share are exported once, unambiguously.
import { describe, expect, it } from "vitest";
import * as oidc from "../../../lib/oidc/index.js";
import { atHash as providerAtHash } from "../../../lib/oidc/provider/index.js";
import { atHash as rpAtHash } from "../../../lib/oidc/rp/index.js";

describe("lib/oidc/index.ts", () => {
  it("exports the entry points of every part", () => {
    for (const name of ["createProvider", "listenProvider", "createBrowser", "routeByOrigin", "discover", "createRelyingParty",
      "createIdTokenValidator", "explainIdToken", "OidcError", "runConformance", "verdictTable", "listenRelyingPartyApp", "MISBEHAVIORS", "CONFORMANCE_CASES"]) {
      expect(typeof (oidc as Record<string, unknown>)[name], name).not.toBe("undefined");
    }
  });

  it("atHash is the relying party's (any alg); the provider's SHA-256 one is providerAtHash, and they agree on RS256", () => {
    expect(oidc.atHash).toBe(rpAtHash);
    expect(oidc.providerAtHash).toBe(providerAtHash);
    const token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"; // OIDC Core A.3
    expect(oidc.atHash(token, "RS256")).toBe(oidc.providerAtHash(token));
    expect(oidc.atHash(token, "ES384")).not.toBe(oidc.providerAtHash(token));
    expect(oidc.s256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });
});
