// Promises the Day 3 notebook's prose makes that the library tests do not already pin down:
// the front channel carries the code but never a token, an ID token is refused where an access
// token is expected, and editing any claim of a signed ID token is caught at the signature step.
// In process, on a virtual clock; ES256 keys (fast to generate).
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Browser,
  type LoginResult,
  type Provider,
  type RelyingParty,
  createBrowser,
  createProvider,
  createRelyingParty,
  discover,
  isOidcError,
  randomToken,
  routeByOrigin,
} from "../../lib/oidc/index.js";

const ISSUER = "https://accounts.example";
const APP = "https://photos.example";
const REDIRECT = `${APP}/callback`;
const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

interface Login {
  op: Provider;
  rp: RelyingParty;
  browser: Browser;
  nonce: string;
  result: LoginResult;
}

/** The notebook's wiring: a provider, an app (relying party) and a scripted browser, in process. */
async function login(): Promise<Login> {
  const secret = randomToken();
  const password = randomToken();
  const op = await createProvider({
    issuer: ISSUER,
    now: () => T0,
    keys: { algs: ["ES256"] },
    clients: [{ client_id: "photos-web", client_secret: secret, redirect_uris: [REDIRECT], id_token_signed_response_alg: "ES256" }],
    users: [{ sub: "248289761001", username: "alice@example.com", password, claims: { name: "Alice Liddell", email: "alice@example.com" } }],
  });
  const toOp = routeByOrigin({ [ISSUER]: op.fetch });
  const rp = createRelyingParty({ metadata: await discover(ISSUER, { fetch: toOp }), clientId: "photos-web", clientSecret: secret, redirectUri: REDIRECT, fetch: toOp, now: () => T0 / 1000 });
  const auth = rp.authorizationRequest({ scope: "openid profile email" });
  const browser = createBrowser({ fetch: toOp, stopAt: [REDIRECT] });
  const front = await browser.login(auth.url, { username: "alice@example.com", password, redirectUri: REDIRECT });
  const result = await rp.handleCallback(front.callbackUrl);
  return { op, rp, browser, nonce: auth.nonce, result };
}

async function codeAndStep(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "accepted";
  } catch (e) {
    if (isOidcError(e)) return `${e.code} at ${e.step}`;
    throw e;
  }
}

describe("Day 3 notebook: what the prose promises", () => {
  let seed: Login;
  beforeAll(async () => {
    seed = await login();
  });

  it("the browser carries the authorization code, never the ID token or the access token", () => {
    const seen = seed.browser.history.flatMap((h) => [h.url, h.location ?? ""]).join("\n");
    const code = seed.browser.history.map((h) => h.location ?? "").find((l) => l.startsWith(REDIRECT));
    expect(code).toMatch(/[?&]code=[^&]+/);
    expect(seen).not.toContain(seed.result.idToken);
    expect(seen).not.toContain(seed.result.accessToken);
    expect(seen).not.toMatch(/[?&#](id_token|access_token)=/);
  });

  it("an ID token presented to UserInfo as a Bearer token is refused; the access token is accepted", async () => {
    const sub = seed.result.claims.sub;
    expect(await codeAndStep(seed.rp.fetchUserInfo(seed.result.idToken, sub))).toBe("ERR_OIDC_USERINFO at userinfo");
    const raw = await seed.op.fetch(new Request(seed.op.endpoints.userinfo, { headers: { authorization: `Bearer ${seed.result.idToken}` } }));
    expect(raw.status).toBe(401);
    expect((await seed.rp.fetchUserInfo(seed.result.accessToken, sub)).sub).toBe(sub);
  });

  it("changing any claim of the signed ID token, signature kept, is stopped at the signature step (property)", async () => {
    const [h, p, s] = seed.result.idToken.split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as Record<string, unknown>;
    const names = Object.keys(claims);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), fc.oneof(fc.string(), fc.integer(), fc.boolean()), async (name, value) => {
        fc.pre(JSON.stringify(claims[name]) !== JSON.stringify(value));
        const edited = `${h}.${Buffer.from(JSON.stringify({ ...claims, [name]: value })).toString("base64url")}.${s}`;
        expect(await codeAndStep(seed.rp.validateIdToken(edited, { nonce: seed.nonce, accessToken: seed.result.accessToken }))).toBe("ERR_OIDC_SIGNATURE at signature");
      }),
      { numRuns: 60, seed: 3 },
    );
  });
});
