// The relying-party web app, driven by the scripted browser over real HTTP on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrowserPage, createBrowser } from "../../../lib/oidc/browser.js";
import { ConformanceError, listenRelyingPartyApp } from "../../../lib/oidc/conformance/index.js";
import { type AppFixture, USER, startApp } from "./app-fixture.js";

let fx: AppFixture;
beforeAll(async () => {
  fx = await startApp();
});
afterAll(async () => {
  await fx?.close();
});

/** GET /login, then sign in and approve: returns the page the app shows at /cb. */
async function loginThroughApp(): Promise<BrowserPage> {
  const b = createBrowser();
  const loginPage = await b.get(`${fx.app.url}/login`);
  expect(new URL(loginPage.url).origin).toBe(fx.op.url);
  const consent = await b.submit(loginPage, { fields: { username: USER.username, password: USER.password } });
  return b.submit(consent, { button: "approve" });
}

describe("relying-party app", () => {
  it("/ links to /login; /login redirects to the provider with a fresh authorization request", async () => {
    const home = await createBrowser().get(fx.app.url);
    expect(home.body).toContain('href="/login"');
    const res = await fetch(`${fx.app.url}/login`, { redirect: "manual" });
    expect(res.status).toBe(303);
    const to = new URL(res.headers.get("location") ?? "");
    expect(to.origin + to.pathname).toBe(`${fx.op.url}/authorize`);
    expect(to.searchParams.get("redirect_uri")).toBe(fx.app.redirectUri);
    expect(to.searchParams.get("code_challenge_method")).toBe("S256");
  });

  it("a login ends on /cb showing the user's claims, escaped, and the checks that passed", async () => {
    const before = fx.app.stats().logins;
    const page = await loginThroughApp();
    expect(page.url).toMatch(new RegExp(`^${fx.app.redirectUri}\\?`));
    expect(page.status).toBe(200);
    expect(page.body).toContain('<h1 id="welcome">Signed in as Alice &lt;Liddell&gt;</h1>');
    expect(page.body).toMatch(/<td data-claim="sub">u-alice<\/td>/);
    expect(page.body).toMatch(/<td data-claim="email">alice@example.com<\/td>/);
    expect(page.body).toContain('<table id="userinfo">');
    expect(page.body).toMatch(/✓ <strong>signature<\/strong>/);
    expect(page.body).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // no token on the page
    expect(fx.app.stats().logins).toBe(before + 1);
  });

  it("a bad ID token ends on an error page naming the code and the step", async () => {
    fx.op.provider.setMisbehavior("wrong-aud");
    try {
      const page = await loginThroughApp();
      expect(page.status).toBe(400);
      expect(page.body).toContain('<code id="code">ERR_OIDC_AUD_MISMATCH</code> at step <code id="step">aud</code>');
    } finally {
      fx.op.provider.setMisbehavior(undefined);
    }
  });

  it("a replayed callback is refused (state used up); without a factory there is no app", async () => {
    const page = await loginThroughApp();
    const again = await createBrowser().get(page.url);
    expect(again.status).toBe(400);
    expect(again.body).toContain("ERR_OIDC_STATE");
    await expect(listenRelyingPartyApp({} as never)).rejects.toBeInstanceOf(ConformanceError);
  });
});
