// Key rotation seen from warm relying parties: many logins, RS256 and ES256, through several
// rotations of the provider's keys, on a virtual clock (deterministic, no timers).
import { randomBytes } from "node:crypto";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { createBrowser, routeByOrigin } from "../../lib/oidc/browser.js";
import { createProvider } from "../../lib/oidc/provider/index.js";
import { type RelyingParty, createRelyingParty, discover } from "../../lib/oidc/rp/index.js";

const ISSUER = "https://op.example";
const REDIRECT = "https://rp.example/cb";
const ROTATIONS = 3;
const LOGINS_PER_PHASE = 20; // per algorithm
const LOGIN_EVERY_SEC = 45; // 20 x 45 s = 15 min between rotations
const JWKS_MAX_AGE_SEC = 600; // the relying parties' cache lifetime (their default)

interface Outcome {
  logins: number;
  failures: string[];
  /** Per algorithm, the kids that signed, in order of first use. */
  signers: Record<string, string[]>;
  /** JWKS fetches made before the cache had reached its max age: refetches forced by an unknown kid. */
  emergencyFetches: number;
  fetches: number;
  /** Tokens issued just before a rotation that still validated right after it. */
  oldTokensValid: number;
}

async function scenario(mode: "staged" | "immediate"): Promise<Outcome> {
  let t = Date.UTC(2030, 0, 1);
  const secret = randomBytes(32).toString("base64url");
  const password = randomBytes(12).toString("base64url");
  const op = await createProvider({
    issuer: ISSUER,
    clients: [
      { client_id: "rs", client_secret: secret, redirect_uris: [REDIRECT] },
      { client_id: "es", client_secret: secret, redirect_uris: [REDIRECT], id_token_signed_response_alg: "ES256", token_endpoint_auth_method: "client_secret_post" },
    ],
    users: [{ sub: "u-alice", username: "alice", password }],
    now: () => t,
    lifetimes: { idToken: 300 },
  });
  const route = routeByOrigin({ [ISSUER]: op.fetch });
  const metadata = await discover(ISSUER, { fetch: route });
  const out: Outcome = { logins: 0, failures: [], signers: { RS256: [], ES256: [] }, emergencyFetches: 0, fetches: 0, oldTokensValid: 0 };

  const parties = (["rs", "es"] as const).map((id) => {
    let lastFetch = -Infinity;
    const rp: RelyingParty = createRelyingParty({
      metadata,
      clientId: id,
      clientSecret: secret,
      redirectUri: REDIRECT,
      tokenEndpointAuthMethod: id === "es" ? "client_secret_post" : "client_secret_basic",
      allowedAlgs: [id === "es" ? "ES256" : "RS256"],
      jwksMaxAgeSec: JWKS_MAX_AGE_SEC,
      now: () => t / 1000,
      fetch: (req) => {
        if (new URL(req.url).pathname === "/jwks") {
          out.fetches++;
          if (t - lastFetch < JWKS_MAX_AGE_SEC * 1000) out.emergencyFetches++;
          lastFetch = t;
        }
        return route(req);
      },
    });
    // One browser per party: the user's session at the provider carries over between logins.
    return { rp, browser: createBrowser({ fetch: route, stopAt: [REDIRECT] }), lastToken: "" };
  });

  for (let phase = 0; phase <= ROTATIONS; phase++) {
    for (let i = 0; i < LOGINS_PER_PHASE; i++) {
      for (const p of parties) {
        out.logins++;
        try {
          const a = p.rp.authorizationRequest({ scope: "openid" });
          const { callbackUrl } = await p.browser.login(a.url, { username: "alice", password, redirectUri: REDIRECT });
          const login = await p.rp.handleCallback(callbackUrl);
          const { alg, kid } = decodeProtectedHeader(login.idToken);
          const seen = out.signers[alg as string];
          if (!seen.includes(kid as string)) seen.push(kid as string);
          p.lastToken = login.idToken;
        } catch (e) {
          out.failures.push(`${p.rp.clientId} phase ${phase}: ${(e as Error).message}`);
        }
      }
      t += LOGIN_EVERY_SEC * 1000;
    }
    if (phase === ROTATIONS) break;
    await op.rotateKeys({ mode });
    // A token issued just before the rotation, checked just after it: the retired key still verifies.
    for (const p of parties) {
      await p.rp.validateIdToken(p.lastToken, { nonce: null });
      out.oldTokensValid++;
    }
  }
  return out;
}

describe("key rotation with warm relying-party caches", () => {
  it("staged (pending -> active -> retired): zero failed logins, and no refetch forced by an unknown kid", async () => {
    const r = await scenario("staged");
    expect(r.logins).toBe(2 * LOGINS_PER_PHASE * (ROTATIONS + 1));
    expect(r.failures).toEqual([]);
    // Every rotation moved both algorithms to a new signing key ...
    expect([r.signers.RS256.length, r.signers.ES256.length]).toEqual([ROTATIONS + 1, ROTATIONS + 1]);
    // ... that the caches already held: the next key was published before it signed.
    expect(r.emergencyFetches).toBe(0);
    expect(r.oldTokensValid).toBe(2 * ROTATIONS);
    // Only the max-age refreshes: 60 min of logins with a 10 min cache, two parties.
    console.log(`staged rotation: ${r.logins} logins, ${r.fetches} JWKS fetches, ${r.emergencyFetches} forced by an unknown kid`);
  }, 60_000);

  it("immediate (unannounced): still zero failed logins, but only thanks to one forced refetch per rotation and party", async () => {
    const r = await scenario("immediate");
    expect(r.failures).toEqual([]);
    expect([r.signers.RS256.length, r.signers.ES256.length]).toEqual([ROTATIONS + 1, ROTATIONS + 1]);
    expect(r.emergencyFetches).toBe(2 * ROTATIONS);
    expect(r.oldTokensValid).toBe(2 * ROTATIONS);
    console.log(`immediate rotation: ${r.logins} logins, ${r.fetches} JWKS fetches, ${r.emergencyFetches} forced by an unknown kid`);
  }, 60_000);
});
