// A real browser: Debian's Chromium, driven by playwright-core, logs in through our provider's
// login and consent pages (HTTP on 127.0.0.1) and lands on the relying-party app's callback
// page, which shows the user's claims.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppFixture, USER, startApp } from "./conformance/app-fixture.js";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

let fx: AppFixture | undefined;
let context: BrowserContext | undefined;
let profile: string | undefined;

beforeAll(async () => {
  fx = await startApp();
  profile = await mkdtemp(join(tmpdir(), "oidc-chromium-"));
  // A fresh user-data-dir: no cookies, no cache, no state from any other run.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await fx?.close();
  if (profile !== undefined) await rm(profile, { recursive: true, force: true });
});

describe("Chromium through the login page to the relying party's callback", () => {
  it("signs in, consents, and sees its claims on the callback page", async () => {
    const { app, op } = fx as AppFixture;
    const page = await (context as BrowserContext).newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const visited: string[] = [];
    page.on("request", (r) => {
      if (r.isNavigationRequest()) visited.push(new URL(r.url()).origin + new URL(r.url()).pathname);
    });

    await page.goto(`${app.url}/`);
    await page.click("#login");
    await page.waitForURL(`${op.url}/login?**`);
    expect(await page.textContent("h1")).toMatch(/sign in/i);
    await page.fill("#username", USER.username);
    await page.fill("#password", USER.password);
    await Promise.all([page.waitForURL(`${op.url}/consent?**`), page.click("button[type=submit]")]);
    expect(await page.textContent("body")).toContain("The Web App");
    await Promise.all([page.waitForURL(`${app.redirectUri}?**`), page.click("button[value=approve]")]);

    expect(await page.textContent("#welcome")).toBe("Signed in as Alice <Liddell>");
    expect(await page.textContent('#claims td[data-claim="sub"]')).toBe(USER.sub);
    expect(await page.textContent('#claims td[data-claim="iss"]')).toBe(op.url);
    expect(await page.textContent('#claims td[data-claim="aud"]')).toBe("web-app");
    expect(await page.textContent('#userinfo td[data-claim="email"]')).toBe("alice@example.com");
    expect(await page.locator("#steps li").count()).toBeGreaterThan(10);
    // The whole trip, as the browser navigated it.
    expect(visited).toEqual([
      `${app.url}/`,
      `${app.url}/login`,
      `${op.url}/authorize`,
      `${op.url}/login`,
      `${op.url}/login`,
      `${op.url}/consent`,
      `${op.url}/consent`,
      app.redirectUri,
    ]);
    expect(pageErrors).toEqual([]);
    expect(app.stats()).toEqual({ logins: 1, failures: 0 });
    await page.close();
  });
});
