/**
 * @module oidc/browser
 *
 * A scripted user agent for OAuth/OpenID front-channel flows: a tough-cookie jar, redirects
 * followed by hand (each request recorded: method, URL, status, Location, for a sequence
 * diagram), HTML forms parsed and submitted, and a stop at the client's redirect URI, whose URL
 * (with `code`, `state`, `iss`) is handed back instead of being requested. It talks through any
 * fetch-style function: `routeByOrigin` sends each origin to an in-process handler (such as
 * `provider.fetch`), and the default is the real network.
 *
 * The form parser is deliberately tiny (regular expressions over the provider's own simple
 * pages); it is not a general HTML parser.
 */
import { CookieJar } from "tough-cookie";

/**
 * Why a browser call failed.
 *
 * - `ERR_BROWSER_INPUT`: a bad argument (not an absolute http(s) URL, no route for an origin).
 * - `ERR_BROWSER_REDIRECTS`: more redirects than `maxRedirects`.
 * - `ERR_BROWSER_FORM`: no such form or button on the page.
 * - `ERR_BROWSER_LOGIN`: the scripted login did not reach the redirect URI (wrong password, an
 *   error page, an unexpected page).
 */
export type BrowserErrorCode = "ERR_BROWSER_INPUT" | "ERR_BROWSER_REDIRECTS" | "ERR_BROWSER_FORM" | "ERR_BROWSER_LOGIN";

/**
 * Error thrown by the scripted browser.
 *
 * @param code - see {@link BrowserErrorCode}
 * @param message - what went wrong
 * @returns a new BrowserError
 * @throws never
 * @example
 * new BrowserError("ERR_BROWSER_FORM", "no form").code; // => "ERR_BROWSER_FORM"
 */
export class BrowserError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: BrowserErrorCode;

  constructor(code: BrowserErrorCode, message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "BrowserError";
    this.code = code;
  }
}

/** A fetch-style function (a provider's `fetch`, or the network). */
export type BrowserFetch = (request: Request) => Promise<Response>;

/** One request the browser made. */
export interface HistoryEntry {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  /** The Location of a redirect, resolved to an absolute URL. */
  readonly location?: string;
}

/** One form control. */
export interface FormField {
  readonly name: string;
  readonly value: string;
  /** The input type (`text`, `hidden`, `password`, `submit`, ...; `textarea` for a textarea). */
  readonly type: string;
  /** For checkboxes and radios. */
  readonly checked?: boolean;
}

/** A parsed HTML form. */
export interface HtmlForm {
  readonly id?: string;
  /** The absolute URL it submits to. */
  readonly action: string;
  readonly method: "GET" | "POST";
  /** Its controls, submit buttons excluded. */
  readonly fields: readonly FormField[];
  /** Its submit buttons (with a name, or without). */
  readonly submitters: readonly FormField[];
}

/** What the browser shows after a navigation. */
export interface BrowserPage {
  /** The URL of the last response. */
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  /** The response body as text ("" when stopped at a callback). */
  readonly body: string;
  /** The forms on the page. */
  readonly forms: readonly HtmlForm[];
  /** When a redirect went to a stop URL: that URL, not requested. */
  readonly callback?: string;
}

/** Options of {@link createBrowser}. */
export interface BrowserOptions {
  /** How requests are sent; default the global fetch (the network). */
  fetch?: BrowserFetch;
  /** Redirects followed per navigation; default 20. */
  maxRedirects?: number;
  /** URLs (origin and path compared, query ignored) the browser stops at instead of requesting. */
  stopAt?: string[];
}

/** How to submit a form. */
export interface SubmitOptions {
  /** Which form: its id, its index, or the form itself; default the only (or first) form. */
  form?: string | number | HtmlForm;
  /** Field values to set (added when the form has no such field). */
  fields?: Record<string, string>;
  /** Fields to leave out (e.g. to test a missing CSRF token). */
  omit?: string[];
  /** The submit button, by its value; default the first one. */
  button?: string;
}

/** What {@link Browser.login} returns. */
export interface LoginResult {
  /** The redirect URI with the authorization response, as the provider redirected to it. */
  readonly callbackUrl: string;
  /** Its query: code, state, iss (or error, error_description). */
  readonly params: URLSearchParams;
  /** The pages passed through (authorize, login, consent, ...). */
  readonly pages: readonly BrowserPage[];
}

/** What to type and click in {@link Browser.login}. */
export interface LoginOptions {
  username: string;
  password: string;
  /** The client's redirect URI: the browser stops there. */
  redirectUri: string;
  /** Click Allow or Deny on the consent page; default approve. */
  consent?: "approve" | "deny";
}

/** A scripted browser. */
export interface Browser {
  /** The cookie jar (tough-cookie). */
  readonly jar: CookieJar;
  /** Every request made, in order. */
  readonly history: HistoryEntry[];
  /** Navigates to a URL (GET), following redirects. */
  get(url: string): Promise<BrowserPage>;
  /** Submits a form of a page, following redirects. */
  submit(page: BrowserPage, options?: SubmitOptions): Promise<BrowserPage>;
  /** Runs a whole front channel: authorize URL, login form, consent form, stop at the redirect URI. */
  login(authorizationUrl: string, options: LoginOptions): Promise<LoginResult>;
}

const ENTITY: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/**
 * Decodes the character references of HTML text or attribute values.
 *
 * @param s - escaped text
 * @returns the text
 * @throws never
 * @example
 * decodeHtml("&lt;b&gt; &#39;x&#x27; &amp;"); // => "<b> 'x' &"
 */
export function decodeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp >= 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return Object.prototype.hasOwnProperty.call(ENTITY, e) ? ENTITY[e] : m;
  });
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(tag)) !== null) {
    const name = m[1].toLowerCase();
    if (!out.has(name)) out.set(name, decodeHtml(m[2] ?? m[3] ?? m[4] ?? ""));
  }
  return out;
}

/**
 * Parses the forms of an HTML page: action (absolute), method, controls and submit buttons.
 *
 * @param html - the page
 * @param baseUrl - the page's URL (to resolve relative actions)
 * @returns the forms in document order
 * @throws never
 * @example
 * parseForms('<form action="/login" method="post"><input name="u" value="a&amp;b"></form>', "https://op.example/x")[0];
 * // => { action: "https://op.example/login", method: "POST", fields: [{ name: "u", value: "a&b", type: "text" }], submitters: [] }
 */
export function parseForms(html: string, baseUrl: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  const formRe = /<form\b([^>]*)>([\s\S]*?)<\/form\s*>/gi;
  let fm: RegExpExecArray | null;
  while ((fm = formRe.exec(html)) !== null) {
    const fa = attributes(fm[1]);
    const fields: FormField[] = [];
    const submitters: FormField[] = [];
    const ctlRe = /<(input|button|textarea)\b([^>]*)>(?:([\s\S]*?)<\/\1\s*>)?/gi;
    let cm: RegExpExecArray | null;
    while ((cm = ctlRe.exec(fm[2])) !== null) {
      const tag = cm[1].toLowerCase();
      const a = attributes(cm[2]);
      const name = a.get("name") ?? "";
      if (tag === "button") {
        const type = (a.get("type") ?? "submit").toLowerCase();
        if (type === "submit") submitters.push({ name, value: a.get("value") ?? "", type });
        continue;
      }
      if (tag === "textarea") {
        if (name !== "") fields.push({ name, value: decodeHtml(cm[3] ?? ""), type: "textarea" });
        continue;
      }
      // An <input> is a void element: whatever the regex took as its "content" is markup to rescan.
      if (cm[3] !== undefined) ctlRe.lastIndex = cm.index + cm[0].indexOf(">") + 1;
      const type = (a.get("type") ?? "text").toLowerCase();
      if (type === "submit" || type === "image") {
        submitters.push({ name, value: a.get("value") ?? "", type });
        continue;
      }
      if (type === "button" || type === "reset" || type === "file" || name === "") continue;
      if (type === "checkbox" || type === "radio") fields.push({ name, value: a.get("value") ?? "on", type, checked: a.has("checked") });
      else fields.push({ name, value: a.get("value") ?? "", type });
    }
    const method = (fa.get("method") ?? "get").toUpperCase() === "POST" ? "POST" : "GET";
    const id = fa.get("id");
    const form: HtmlForm = { action: new URL(fa.get("action") ?? "", baseUrl).href, method, fields, submitters, ...(id === undefined ? {} : { id }) };
    forms.push(form);
  }
  return forms;
}

/**
 * A fetch function that sends each origin to its own handler (in-process servers), and the
 * rest to `fallback`.
 *
 * @param routes - origin (`https://op.example`) to handler
 * @param fallback - for other origins; default none (an error)
 * @returns the routing fetch function
 * @throws {BrowserError} ERR_BROWSER_INPUT (from the returned function) for an origin with no route
 * @example
 * const browser = createBrowser({ fetch: routeByOrigin({ [op.issuer]: op.fetch }) });
 */
export function routeByOrigin(routes: Record<string, BrowserFetch>, fallback?: BrowserFetch): BrowserFetch {
  const table = new Map<string, BrowserFetch>();
  for (const [origin, h] of Object.entries(routes)) table.set(new URL(origin).origin, h);
  return (request: Request) => {
    const h = table.get(new URL(request.url).origin) ?? fallback;
    if (h === undefined) return Promise.reject(new BrowserError("ERR_BROWSER_INPUT", `no route for ${new URL(request.url).origin}`));
    return h(request);
  };
}

function absoluteUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BrowserError("ERR_BROWSER_INPUT", `not an absolute URL: ${url}`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new BrowserError("ERR_BROWSER_INPUT", `not an http(s) URL: ${url}`);
  return u;
}

const samePlace = (a: URL, b: URL): boolean => a.origin === b.origin && a.pathname === b.pathname;

/**
 * Creates a scripted browser.
 *
 * @param options - see {@link BrowserOptions}
 * @returns the browser
 * @throws {BrowserError} ERR_BROWSER_INPUT for a bad option
 * @example
 * const browser = createBrowser({ fetch: routeByOrigin({ [op.issuer]: op.fetch }) });
 * const { params } = await browser.login(authorizeUrl, { username: "alice", password: "pw", redirectUri });
 * params.get("code"); // => "…"
 * browser.history.map((h) => h.status); // => [303, 200, 303, 200, 303]
 */
export function createBrowser(options: BrowserOptions = {}): Browser {
  const send: BrowserFetch = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const maxRedirects = options.maxRedirects ?? 20;
  if (!Number.isSafeInteger(maxRedirects) || maxRedirects < 0) throw new BrowserError("ERR_BROWSER_INPUT", "maxRedirects must be a non-negative integer");
  const stops: URL[] = (options.stopAt ?? []).map(absoluteUrl);
  const jar = new CookieJar();
  const history: HistoryEntry[] = [];

  const one = async (method: string, url: URL, body?: string, extraStops: URL[] = []): Promise<BrowserPage> => {
    let m = method;
    let b = body;
    let u = url;
    for (let hops = 0; ; hops++) {
      const headers = new Headers({ accept: "text/html,application/json;q=0.9,*/*;q=0.8" });
      const cookie = await jar.getCookieString(u.href);
      if (cookie !== "") headers.set("cookie", cookie);
      if (b !== undefined) headers.set("content-type", "application/x-www-form-urlencoded");
      const response = await send(new Request(u.href, { method: m, headers, redirect: "manual", ...(b === undefined ? {} : { body: b }) }));
      const setCookies = (response.headers as Headers & { getSetCookie(): string[] }).getSetCookie();
      for (const c of setCookies) await jar.setCookie(c, u.href, { ignoreError: true });
      const loc = response.headers.get("location");
      const isRedirect = [301, 302, 303, 307, 308].includes(response.status) && loc !== null;
      const next = isRedirect ? new URL(loc as string, u) : undefined;
      history.push(next === undefined ? { method: m, url: u.href, status: response.status } : { method: m, url: u.href, status: response.status, location: next.href });
      if (next === undefined) {
        const text = await response.text();
        return { url: u.href, status: response.status, headers: response.headers, body: text, forms: parseForms(text, u.href) };
      }
      await response.arrayBuffer(); // drain
      if ([...stops, ...extraStops].some((s) => samePlace(s, next))) {
        return { url: u.href, status: response.status, headers: response.headers, body: "", forms: [], callback: next.href };
      }
      if (hops >= maxRedirects) throw new BrowserError("ERR_BROWSER_REDIRECTS", `more than ${maxRedirects} redirects`);
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && m === "POST")) {
        m = "GET";
        b = undefined;
      }
      u = next;
    }
  };

  const submitWith = async (page: BrowserPage, opts: SubmitOptions, extraStops: URL[]): Promise<BrowserPage> => {
    let form: HtmlForm | undefined;
    if (typeof opts.form === "object") form = opts.form;
    else if (typeof opts.form === "number") form = page.forms[opts.form];
    else if (typeof opts.form === "string") form = page.forms.find((f) => f.id === opts.form);
    else form = page.forms[0];
    if (form === undefined) throw new BrowserError("ERR_BROWSER_FORM", `no such form on ${page.url}`);
    const data = new URLSearchParams();
    const set = opts.fields ?? {};
    const omit = new Set(opts.omit ?? []);
    const used = new Set<string>();
    for (const f of form.fields) {
      if (omit.has(f.name)) continue;
      if ((f.type === "checkbox" || f.type === "radio") && f.checked !== true && !(f.name in set)) continue;
      const v = Object.prototype.hasOwnProperty.call(set, f.name) ? set[f.name] : f.value;
      if (used.has(f.name) && Object.prototype.hasOwnProperty.call(set, f.name)) continue;
      used.add(f.name);
      data.append(f.name, v);
    }
    for (const [k, v] of Object.entries(set)) if (!used.has(k) && !omit.has(k)) data.append(k, v);
    const button = opts.button === undefined ? form.submitters[0] : form.submitters.find((s) => s.value === opts.button);
    if (opts.button !== undefined && button === undefined) throw new BrowserError("ERR_BROWSER_FORM", `no button with value ${opts.button}`);
    if (button !== undefined && button.name !== "") data.append(button.name, button.value);
    if (form.method === "GET") {
      const u = new URL(form.action);
      u.search = data.toString();
      return one("GET", u, undefined, extraStops);
    }
    return one("POST", absoluteUrl(form.action), data.toString(), extraStops);
  };

  return {
    jar,
    history,
    get: async (url: string) => one("GET", absoluteUrl(url)),
    submit: async (page: BrowserPage, opts: SubmitOptions = {}) => submitWith(page, opts, []),
    async login(authorizationUrl: string, opts: LoginOptions): Promise<LoginResult> {
      const stop = [absoluteUrl(opts.redirectUri)];
      const pages: BrowserPage[] = [];
      let page = await one("GET", absoluteUrl(authorizationUrl), undefined, stop);
      let triedLogin = false;
      for (let step = 0; step < 6; step++) {
        pages.push(page);
        if (page.callback !== undefined) {
          return { callbackUrl: page.callback, params: new URL(page.callback).searchParams, pages };
        }
        const loginForm = page.forms.find((f) => f.fields.some((x) => x.type === "password"));
        if (loginForm !== undefined) {
          if (triedLogin) throw new BrowserError("ERR_BROWSER_LOGIN", `login refused at ${page.url} (status ${page.status})`);
          triedLogin = true;
          const user = loginForm.fields.find((x) => x.type === "text" || x.type === "email");
          const pass = loginForm.fields.find((x) => x.type === "password") as FormField;
          page = await submitWith(page, { form: loginForm, fields: { [user?.name ?? "username"]: opts.username, [pass.name]: opts.password } }, stop);
          continue;
        }
        const want = opts.consent ?? "approve";
        const consentForm = page.forms.find((f) => f.submitters.some((s) => s.value === want));
        if (consentForm !== undefined) {
          page = await submitWith(page, { form: consentForm, button: want }, stop);
          continue;
        }
        break;
      }
      throw new BrowserError("ERR_BROWSER_LOGIN", `did not reach ${opts.redirectUri}: stuck at ${page.url} (status ${page.status})`);
    },
  };
}
