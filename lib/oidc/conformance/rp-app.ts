/**
 * @module oidc/conformance/rp-app
 *
 * A tiny relying-party web application on node:http (127.0.0.1), the other end of a real
 * browser login: `/login` sends the browser to the provider with a fresh authorization request,
 * `/cb` finishes the login (state, iss, code exchange, ID-token validation, UserInfo) and shows
 * the user's claims as an HTML page; a failed login shows the error's code and step instead.
 * It is what the Chromium test drives and what a notebook can open by hand. Tokens and secrets
 * are never shown, only claims.
 */
import { OidcError } from "../errors.js";
import { explainIdToken } from "../explain.js";
import { escapeHtml } from "../provider/html.js";
import { type FetchServer, listenFetch } from "../provider/listen.js";
import type { RelyingParty } from "../rp/relying-party.js";
import { ConformanceError } from "./errors.js";

/** Options of {@link listenRelyingPartyApp}. */
export interface RpAppOptions {
  /**
   * Builds the relying party once the app knows its redirect URI (`<url>/cb`): register that
   * URI at the provider, then `createRelyingParty({ ..., redirectUri })`.
   */
  relyingParty: (redirectUri: string) => RelyingParty | Promise<RelyingParty>;
  /** Scopes asked for; default "openid profile email". */
  scope?: string;
  /** Also call UserInfo and show its claims; default true. */
  userinfo?: boolean;
  /** Port on 127.0.0.1; default 0 (a free one). */
  port?: number;
}

/** A running relying-party app. */
export interface RpApp {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `<url>/cb`, the redirect URI to register. */
  readonly redirectUri: string;
  /** The relying party serving it. */
  readonly relyingParty: RelyingParty;
  /** Logins finished, and logins that failed, so far. */
  stats(): { logins: number; failures: number };
  /** Stops the server (idempotent). */
  close(): Promise<void>;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'";
const STYLE = "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}.error{color:#a00}";

function page(status: number, title: string, body: string): Response {
  const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": CSP, "x-content-type-options": "nosniff" },
  });
}

function claimsTable(id: string, rows: Array<{ name: string; value: string; meaning?: string }>): string {
  const trs = rows
    .map((r) => `<tr><th scope="row">${escapeHtml(r.name)}</th><td data-claim="${escapeHtml(r.name)}">${escapeHtml(r.value)}</td><td>${escapeHtml(r.meaning ?? "")}</td></tr>`)
    .join("\n");
  return `<table id="${id}"><thead><tr><th>claim</th><th>value</th><th>meaning</th></tr></thead>\n<tbody>\n${trs}\n</tbody></table>`;
}

const text = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v) ?? String(v));

/**
 * Serves a relying-party web app on 127.0.0.1: `/` (a login link), `/login` (redirect to the
 * provider), `/cb` (finish the login, show the claims).
 *
 * @param options - the relying-party factory, scope, UserInfo, port
 * @returns the app's URL, redirect URI, relying party, counters and close()
 * @throws {ConformanceError} ERR_CONFORMANCE_INPUT without a relying-party factory; whatever
 *   the factory throws (the server is closed first)
 * @example
 * const app = await listenRelyingPartyApp({ relyingParty: async (redirectUri) =>
 *   createRelyingParty({ metadata, clientId: "app", clientSecret, redirectUri }) });
 * // open `${app.url}/login` in a browser, sign in, and /cb shows the claims
 * await app.close();
 */
export async function listenRelyingPartyApp(options: RpAppOptions): Promise<RpApp> {
  if (options === null || typeof options !== "object" || typeof options.relyingParty !== "function") {
    throw new ConformanceError("ERR_CONFORMANCE_INPUT", "relyingParty must be a function (redirectUri) => RelyingParty");
  }
  const scope = options.scope ?? "openid profile email";
  const userinfo = options.userinfo ?? true;
  let rp: RelyingParty | undefined;
  let logins = 0;
  let failures = 0;

  const handler = async (request: Request): Promise<Response> => {
    if (rp === undefined) return new Response("starting", { status: 503 });
    const u = new URL(request.url);
    if (request.method !== "GET") return new Response("method not allowed", { status: 405, headers: { allow: "GET" } });
    switch (u.pathname) {
      case "/":
        return page(200, "Relying party", `<h1>Relying party</h1>\n<p><a id="login" href="/login">Log in with the provider</a></p>`);
      case "/login":
        return new Response(null, { status: 303, headers: { location: rp.authorizationRequest({ scope }).url, "cache-control": "no-store" } });
      case "/cb": {
        try {
          const login = await rp.handleCallback(u.href);
          const claims = explainIdToken(login.idToken).rows.filter((r) => r.part === "claims");
          let info = "";
          if (userinfo) {
            const ui = await rp.fetchUserInfo(login.accessToken, login.claims.sub);
            info = `<h2>UserInfo</h2>\n${claimsTable("userinfo", Object.entries(ui).map(([name, v]) => ({ name, value: text(v) })))}`;
          }
          logins++;
          const who = typeof login.claims.name === "string" ? login.claims.name : login.claims.sub;
          const steps = login.steps.map((s) => `<li>${s.ok ? "✓" : "✗"} <strong>${escapeHtml(s.step)}</strong>: ${escapeHtml(s.detail)}</li>`).join("\n");
          return page(200, "Signed in", `<h1 id="welcome">Signed in as ${escapeHtml(who)}</h1>\n<h2>ID token claims</h2>\n${claimsTable("claims", claims)}\n${info}\n<h2>Checks</h2>\n<ol id="steps">\n${steps}\n</ol>`);
        } catch (e) {
          failures++;
          if (e instanceof OidcError) {
            return page(400, "Login failed", `<h1 class="error" id="error">Login failed</h1>\n<p><code id="code">${escapeHtml(e.code)}</code> at step <code id="step">${escapeHtml(e.step)}</code>: ${escapeHtml(e.message)}</p>`);
          }
          return page(500, "Login failed", `<h1 class="error" id="error">Login failed</h1>\n<p>unexpected failure</p>`);
        }
      }
      default:
        return new Response("not found", { status: 404 });
    }
  };

  const server: FetchServer = await listenFetch(handler, options.port === undefined ? {} : { port: options.port });
  const redirectUri = `${server.url}/cb`;
  try {
    rp = await options.relyingParty(redirectUri);
  } catch (e) {
    await server.close();
    throw e;
  }
  const relyingParty = rp;
  return {
    url: server.url,
    redirectUri,
    relyingParty,
    stats: () => ({ logins, failures }),
    close: () => server.close(),
  };
}
