import { beforeAll, describe, expect, it } from "vitest";
import { decodeHtml, parseForms } from "../../../lib/oidc/browser.js";
import { type Provider, createProvider } from "../../../lib/oidc/provider/index.js";
import { ISSUER, REDIRECT, authorizeUrl, browserFor, config, makeClock } from "./fixtures.js";

const clock = makeClock();
let op: Provider;
beforeAll(async () => {
  op = await createProvider(config(clock.now, { keys: { algs: ["RS256", "ES256"] } }));
});

/** GETs an authorization URL without following the redirect. */
async function authorize(params: Record<string, string | undefined>): Promise<{ res: Response; req: ReturnType<typeof authorizeUrl> }> {
  const req = authorizeUrl(ISSUER, params);
  return { res: await op.fetch(new Request(req.url)), req };
}

/** The query of a redirect to the client. */
function clientParams(res: Response): Record<string, string> {
  expect(res.status).toBe(303);
  const loc = new URL(res.headers.get("location") as string);
  expect(`${loc.origin}${loc.pathname}`).toBe(REDIRECT);
  return Object.fromEntries(loc.searchParams);
}

describe("authorization endpoint: errors shown, never redirected", () => {
  it("an unregistered redirect_uri (trailing slash, other port, other path, missing) gets an error page, no Location", async () => {
    for (const bad of [`${REDIRECT}/`, "https://shop.example:444/cb", "https://shop.example/cb2", "https://evil.example/cb", undefined]) {
      const { res } = await authorize({ redirect_uri: bad });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await res.text()).toContain("redirect_uri");
    }
  });

  it("an unknown or missing client gets an error page", async () => {
    for (const id of ["nobody", undefined]) {
      const { res } = await authorize({ client_id: id });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
    }
  });
});

describe("authorization endpoint: OAuth error redirects with state and iss", () => {
  const cases: [string, Record<string, string | undefined>, string][] = [
    ["PKCE missing", { code_challenge: undefined, code_challenge_method: undefined }, "invalid_request"],
    ["PKCE plain", { code_challenge: "a".repeat(43), code_challenge_method: "plain" }, "invalid_request"],
    ["PKCE method missing (defaults to plain)", { code_challenge_method: undefined }, "invalid_request"],
    ["PKCE challenge malformed", { code_challenge: "short" }, "invalid_request"],
    ["response_type token", { response_type: "token" }, "unsupported_response_type"],
    ["response_type code id_token", { response_type: "code id_token" }, "unsupported_response_type"],
    ["response_type missing", { response_type: undefined }, "invalid_request"],
    ["scope without openid", { scope: "profile email" }, "invalid_scope"],
    ["request object", { request: "eyJ.x.y" }, "request_not_supported"],
    ["response_mode fragment", { response_mode: "fragment" }, "invalid_request"],
    ["prompt none with login", { prompt: "none login" }, "invalid_request"],
    ["max_age not a number", { max_age: "soon" }, "invalid_request"],
  ];
  it.each(cases)("%s", async (_name, params, error) => {
    const { res, req } = await authorize(params);
    const p = clientParams(res);
    expect(p.error).toBe(error);
    expect(p.state).toBe(req.state);
    expect(p.iss).toBe(ISSUER);
    expect(p.code).toBeUndefined();
  });

  it("a repeated parameter is refused", async () => {
    const req = authorizeUrl(ISSUER);
    const res = await op.fetch(new Request(`${req.url}&scope=openid`));
    expect(clientParams(res).error).toBe("invalid_request");
  });

  it("the misbehave parameter is ignored unless misbehaviorParam is on", async () => {
    const { res } = await authorize({ misbehave: "missing-iss-param", prompt: "none" });
    const p = clientParams(res);
    expect(p.error).toBe("login_required");
    expect(p.iss).toBe(ISSUER);
  });
});

describe("login and consent pages", () => {
  it("the login page is a real form with a CSRF token and strict security headers; state goes through untouched", async () => {
    const state = "a b&c=<d>é";
    const b = browserFor(op);
    const page = await b.get(authorizeUrl(ISSUER, { state }).url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.body).not.toContain("<script");
    const form = page.forms[0];
    expect(form.method).toBe("POST");
    expect(form.action).toBe(`${ISSUER}/login`);
    expect(form.fields.map((f) => [f.name, f.type])).toEqual([
      ["interaction", "hidden"],
      ["csrf", "hidden"],
      ["username", "text"],
      ["password", "password"],
    ]);
    const afterLogin = await b.submit(page, { fields: { username: "alice", password: "alice-pw" } });
    const done = await b.submit(afterLogin, { button: "approve" });
    expect(new URL(done.callback as string).searchParams.get("state")).toBe(state);
  });

  it("a wrong password shows the form again (401) and a missing or wrong CSRF token is refused (403)", async () => {
    const b = browserFor(op);
    const page = await b.get(authorizeUrl(ISSUER).url);
    const wrong = await b.submit(page, { fields: { username: "alice", password: "nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain("Wrong username or password");
    expect(wrong.forms[0].fields.find((f) => f.name === "username")?.value).toBe("alice");
    expect((await b.submit(wrong, { fields: { username: "alice", password: "alice-pw" }, omit: ["csrf"] })).status).toBe(403);
    expect((await b.submit(wrong, { fields: { username: "alice", password: "alice-pw", csrf: "forged" } })).status).toBe(403);
    // The genuine form still works.
    const consent = await b.submit(wrong, { fields: { username: "alice", password: "alice-pw" } });
    expect(consent.status).toBe(200);
    expect((await b.submit(consent, { button: "approve", fields: { csrf: "forged" } })).status).toBe(403);
  });

  it("an interaction belongs to the browser that started it", async () => {
    const b1 = browserFor(op);
    const page = await b1.get(authorizeUrl(ISSUER).url);
    const b2 = browserFor(op);
    const stolen = await b2.get(page.url);
    expect(stolen.status).toBe(400);
    const posted = await b2.submit(page, { fields: { username: "alice", password: "alice-pw" } });
    expect(posted.status).toBe(400);
    // The interaction expires.
    clock.advance(601);
    expect((await b1.get(page.url)).status).toBe(400);
  });

  it("the consent page without a session sends the browser to the login page", async () => {
    const b = browserFor(op);
    const page = await b.get(authorizeUrl(ISSUER).url);
    const id = new URL(page.url).searchParams.get("interaction") as string;
    const consent = await b.get(`${ISSUER}/consent?interaction=${id}`);
    expect(new URL(consent.url).pathname).toBe("/login");
  });

  it("XSS: a username or name with markup is escaped on the login and consent pages", async () => {
    const b = browserFor(op);
    const page = await b.get(authorizeUrl(ISSUER).url);
    const evil = "<script>alert(1)</script>";
    const failed = await b.submit(page, { fields: { username: `${evil}"'`, password: "wrong" } });
    expect(failed.body).not.toContain(evil);
    expect(failed.body).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;");
    const consent = await b.submit(failed, { fields: { username: evil, password: "m-pw" } });
    expect(consent.status).toBe(200);
    expect(consent.body).not.toContain("<script>");
    expect(consent.body).not.toContain("<img");
    const shown = /<span id="user">([^<]*)<\/span>/.exec(consent.body);
    expect(decodeHtml((shown as RegExpExecArray)[1])).toBe("<img src=x onerror=alert(2)> (<script>alert(1)</script>)");
    expect(parseForms(consent.body, consent.url)[0].submitters.map((s) => s.value)).toEqual(["approve", "deny"]);
  });

  it("a POST to /authorize works like GET (OIDC Core 3.1.2.1)", async () => {
    const req = authorizeUrl(ISSUER);
    const body = new URL(req.url).searchParams.toString();
    const res = await op.fetch(new Request(`${ISSUER}/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body }));
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get("location") as string).pathname).toBe("/login");
  });
});
