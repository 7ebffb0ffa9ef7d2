import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserError, createBrowser, parseForms, routeByOrigin } from "../../../lib/oidc/browser.js";
import { type FetchServer, createProvider, listenFetch } from "../../../lib/oidc/provider/index.js";
import { ISSUER, REDIRECT, authorizeUrl, config, makeClock } from "./fixtures.js";

/** A tiny site to drive the browser through redirects, cookies and forms. */
async function site(request: Request): Promise<Response> {
  const u = new URL(request.url);
  const cookie = request.headers.get("cookie") ?? "";
  switch (u.pathname) {
    case "/set":
      return new Response(null, { status: 302, headers: [["location", "/show"], ["set-cookie", "a=1; Path=/"], ["set-cookie", "b=2; Path=/show; HttpOnly"]] });
    case "/show":
      return new Response(`cookies:${cookie}`);
    case "/other":
      return new Response(`other:${cookie}`);
    case "/loop":
      return new Response(null, { status: 302, headers: { location: "/loop" } });
    case "/post303":
      return new Response(null, { status: 303, headers: { location: "/echo" } });
    case "/post307":
      return new Response(null, { status: 307, headers: { location: "/echo" } });
    case "/echo":
      return new Response(`${request.method}:${await request.text()}`);
    case "/to-callback":
      return new Response(null, { status: 302, headers: { location: "https://rp.example/cb?code=abc&state=s" } });
    case "/form":
      return new Response(`<form id="f" method="post" action="echo"><input type=hidden name=x value='1 &amp; 2'><input type="checkbox" name="c" value="yes">
        <input type="checkbox" name="d" checked><textarea name="t">line&lt;1&gt;</textarea><button name="go" value="a">A</button><button type="submit" name="go" value="b">B</button></form>
        <form action="/echo"><input name="q"></form>`);
    default:
      return new Response("not found", { status: 404 });
  }
}

const SITE = "https://site.example";
const fetchSite = routeByOrigin({ [SITE]: site });

describe("scripted browser", () => {
  it("keeps cookies per path across a redirect (longest path first) and records the history with Location", async () => {
    const b = createBrowser({ fetch: fetchSite });
    const page = await b.get(`${SITE}/set`);
    expect(page.body).toBe("cookies:b=2; a=1");
    expect((await b.get(`${SITE}/other`)).body).toBe("other:a=1");
    expect(b.history).toEqual([
      { method: "GET", url: `${SITE}/set`, status: 302, location: `${SITE}/show` },
      { method: "GET", url: `${SITE}/show`, status: 200 },
      { method: "GET", url: `${SITE}/other`, status: 200 },
    ]);
  });

  it("303 turns a POST into a GET; 307 keeps the method and body", async () => {
    const b = createBrowser({ fetch: fetchSite });
    const page = await b.get(`${SITE}/form`);
    const post303 = await b.submit(page, { form: { ...page.forms[0], action: `${SITE}/post303` } });
    expect(post303.body).toBe("GET:");
    const post307 = await b.submit(page, { form: { ...page.forms[0], action: `${SITE}/post307` } });
    expect(post307.body).toMatch(/^POST:x=1\+%26\+2/);
  });

  it("parses forms (entities, checkboxes, textarea, buttons) and submits the chosen button", async () => {
    const b = createBrowser({ fetch: fetchSite });
    const page = await b.get(`${SITE}/form`);
    const [f, g] = page.forms;
    expect(f).toMatchObject({ id: "f", method: "POST", action: `${SITE}/echo` });
    expect(f.fields).toEqual([
      { name: "x", value: "1 & 2", type: "hidden" },
      { name: "c", value: "yes", type: "checkbox", checked: false },
      { name: "d", value: "on", type: "checkbox", checked: true },
      { name: "t", value: "line<1>", type: "textarea" },
    ]);
    expect(f.submitters.map((s) => s.value)).toEqual(["a", "b"]);
    expect(g).toMatchObject({ method: "GET", action: `${SITE}/echo` });
    const sent = await b.submit(page, { form: "f", button: "b", fields: { extra: "e" }, omit: ["t"] });
    expect(sent.body).toBe("POST:x=1+%26+2&d=on&extra=e&go=b");
    const got = await b.submit(page, { form: 1, fields: { q: "a b" } });
    expect(got.body).toBe("GET:");
    expect(b.history[b.history.length - 1].url).toBe(`${SITE}/echo?q=a+b`);
    await expect(b.submit(page, { form: "nope" })).rejects.toMatchObject({ code: "ERR_BROWSER_FORM" });
    await expect(b.submit(page, { button: "zzz" })).rejects.toMatchObject({ code: "ERR_BROWSER_FORM" });
  });

  it("stops at a stop URL without requesting it, and gives up on redirect loops", async () => {
    const b = createBrowser({ fetch: fetchSite, stopAt: ["https://rp.example/cb"], maxRedirects: 5 });
    const page = await b.get(`${SITE}/to-callback`);
    expect(page.callback).toBe("https://rp.example/cb?code=abc&state=s");
    expect(b.history.length).toBe(1);
    await expect(b.get(`${SITE}/loop`)).rejects.toMatchObject({ code: "ERR_BROWSER_REDIRECTS" });
    expect(b.history.length).toBe(1 + 6);
  });

  it("routes by origin; an origin without a route is an error; bad URLs are refused", async () => {
    const b = createBrowser({ fetch: fetchSite });
    await expect(b.get("https://nowhere.example/")).rejects.toMatchObject({ code: "ERR_BROWSER_INPUT" });
    await expect(b.get("/relative")).rejects.toBeInstanceOf(BrowserError);
    await expect(b.get("javascript:alert(1)")).rejects.toMatchObject({ code: "ERR_BROWSER_INPUT" });
    const withFallback = createBrowser({ fetch: routeByOrigin({}, site) });
    expect((await withFallback.get("https://any.example/show")).body).toBe("cookies:");
    expect(() => createBrowser({ maxRedirects: -1 })).toThrow(BrowserError);
  });

  it("parseForms resolves relative actions against the page URL", () => {
    const [f] = parseForms("<form action='../login' method=POST><input name=a></form>", "https://op.example/x/y");
    expect(f.action).toBe("https://op.example/login");
    expect(f.fields).toEqual([{ name: "a", value: "", type: "text" }]);
  });
});

describe("scripted login", () => {
  it("a wrong password ends in ERR_BROWSER_LOGIN", async () => {
    const op = await createProvider(config(makeClock().now, { keys: { algs: ["RS256", "ES256"], prepublish: false } }));
    const b = createBrowser({ fetch: routeByOrigin({ [op.issuer]: op.fetch }) });
    await expect(b.login(authorizeUrl(ISSUER).url, { username: "alice", password: "wrong", redirectUri: REDIRECT })).rejects.toMatchObject({ code: "ERR_BROWSER_LOGIN" });
    // An error page (unregistered redirect URI) is not a login either.
    await expect(b.login(authorizeUrl(ISSUER, { redirect_uri: "https://evil.example/cb" }).url, { username: "alice", password: "alice-pw", redirectUri: "https://evil.example/cb" })).rejects.toMatchObject({ code: "ERR_BROWSER_LOGIN" });
  });
});

describe("listenFetch", () => {
  let srv: FetchServer;
  beforeAll(async () => {
    srv = await listenFetch(site, { maxBodyBytes: 64 });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it("serves a fetch handler over HTTP with several Set-Cookie headers; too large a body gets 413", async () => {
    const b = createBrowser();
    expect((await b.get(`${srv.url}/set`)).body).toBe("cookies:b=2; a=1");
    const big = await fetch(`${srv.url}/echo`, { method: "POST", body: "x".repeat(65) });
    expect(big.status).toBe(413);
    const small = await fetch(`${srv.url}/echo`, { method: "POST", body: "hello" });
    expect(await small.text()).toBe("POST:hello");
    await expect(listenFetch(site, { port: 70000 })).rejects.toMatchObject({ code: "ERR_OP_LISTEN" });
    await expect(listenFetch(site, { port: srv.port })).rejects.toMatchObject({ code: "ERR_OP_LISTEN" });
  });
});
