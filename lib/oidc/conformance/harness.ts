/**
 * @module oidc/conformance/harness
 *
 * Runs every conformance case (see `cases.ts`) through four relying parties against our
 * misbehaving provider and records each one's verdict side by side:
 *
 * - **ours**: `createRelyingParty` (signature always verified; the allowed algorithm is the
 *   client's registered one), with the code and step of each rejection;
 * - **openid-client** v6 with its default configuration (which, in the code flow, does not
 *   verify the ID token's signature: OIDC Core 3.1.3.7 step 6 lets a client trust TLS);
 * - **openid-client strict**: the same with `enableNonRepudiationChecks` (signatures verified);
 * - **jose.jwtVerify**: a "naive integration" that exchanges the code by hand and calls bare
 *   `jwtVerify` with the provider's JWKS (`createRemoteJWKSet`), `issuer` and `audience`.
 *   It has no view of the front channel, so flow cases are `n/a` for it.
 *
 * Each relying party logs in through the scripted browser (`createBrowser`) with a fresh cookie
 * jar, and starts with fresh state (discovery, JWKS cache, transactions) for every case; only
 * the key-rotation case starts with a JWKS cached `rotationGapSec` seconds before the login.
 * By default everything runs in-process (`provider.fetch` routed by origin, openid-client and
 * jose through their `customFetch` hooks); `transport: "http"` serves the provider on
 * 127.0.0.1 instead and lets every peer use the real network stack.
 *
 * The clock is the wall clock (openid-client and jose read it themselves), plus the gap the
 * rotation case lets pass; the provider, our relying party, openid-client (`clockSkew`) and jose
 * (`currentDate`) all see the same shifted time. Client secrets and the user's password are
 * random per run and never appear in a row.
 */
import { randomBytes } from "node:crypto";
import {
  type JWTVerifyGetKey,
  type JSONWebKeySet,
  createRemoteJWKSet,
  customFetch as joseCustomFetch,
  jwksCache as joseJwksCache,
  jwtVerify,
} from "jose";
import * as oc from "openid-client";
import { type Browser, createBrowser, routeByOrigin } from "../browser.js";
import { OidcError, type OidcErrorCode, type OidcStep } from "../errors.js";
import { MISBEHAVIORS } from "../provider/misbehaviors.js";
import { type Provider, createProvider } from "../provider/provider.js";
import { type ProviderServer, listenProvider } from "../provider/listen.js";
import type { ClientConfig, IdTokenAlg, TokenEndpointAuthMethod } from "../provider/config.js";
import { discover } from "../rp/discovery.js";
import type { FetchLike } from "../rp/http.js";
import { randomToken, s256Challenge } from "../rp/pkce.js";
import { createRelyingParty } from "../rp/relying-party.js";
import { CONFORMANCE_CASES, type CaseClient, type CaseGroup, type ConformanceCase, type ExpectedVerdict } from "./cases.js";
import { ConformanceError } from "./errors.js";

/** A relying party's answer to one case; `n/a` when the case is outside what it can see. */
export type Verdict = "accept" | "reject" | "n/a";

/** Our relying party's answer: the verdict, and for a rejection the error code and step. */
export interface OursOutcome {
  readonly verdict: "accept" | "reject";
  /** The OidcError code of the rejection, null when accepted. */
  readonly code: OidcErrorCode | null;
  /** The step that stopped it, null when accepted. */
  readonly step: OidcStep | null;
  /** The error message, null when accepted. */
  readonly detail: string | null;
}

/** A peer's answer: the verdict and, for a rejection, what it threw (code and message). */
export interface PeerOutcome {
  readonly verdict: Verdict;
  /** `CODE: message (cause)` of the error thrown, null when accepted or n/a. */
  readonly error: string | null;
}

/** Requests under `<issuer>/attacker/` each relying party made during the case. */
export interface AttackerFetchCounts {
  readonly ours: number;
  readonly openidClient: number;
  readonly openidClientStrict: number;
  readonly joseJwtVerify: number;
}

/** One case's result: the case, then each relying party's verdict. */
export interface ConformanceRow {
  /** The case name. */
  readonly case: string;
  readonly group: CaseGroup;
  readonly expected: ExpectedVerdict;
  /** What the relying parties receive, in words. */
  readonly title: string;
  /** The rule that must stop it (see `ConformanceCase.check`). */
  readonly check: string;
  /** Where the rule comes from. */
  readonly ref: string;
  /** The provider misbehavior in force, or the scripted attack, or null for a correct login. */
  readonly misbehavior: string | null;
  readonly ours: OursOutcome;
  readonly openidClient: PeerOutcome;
  readonly openidClientStrict: PeerOutcome;
  readonly joseJwtVerify: PeerOutcome;
  readonly attackerFetches: AttackerFetchCounts;
}

/** Options of {@link runConformance}. */
export interface ConformanceOptions {
  /** Run only these cases (by name), in catalogue order; default all. */
  cases?: readonly string[];
  /** `in-process` (default) or `http` (the provider on 127.0.0.1, every peer over the network). */
  transport?: "in-process" | "http";
  /** How long before the rotated login the warm JWKS caches were filled, seconds; default 31. */
  rotationGapSec?: number;
  /** The base clock in ms; default `Date.now`. */
  now?: () => number;
  /** Called with each row as soon as it is done (for progress). */
  onRow?: (row: ConformanceRow) => void;
}

/** Default {@link ConformanceOptions.rotationGapSec}: just past the 30 s refetch cooldown of ours and jose. */
export const DEFAULT_ROTATION_GAP_SEC = 31;

const IN_PROCESS_ISSUER = "https://op.example";
const REDIRECT_URI = "https://rp.example/cb";
const OTHER_REDIRECT_URI = "https://rp.example/cb-other";
const SCOPE = "openid profile email";
const USER_SUB = "user-alice";

interface ClientInfo {
  readonly id: string;
  readonly secret: string;
  readonly alg: IdTokenAlg;
  readonly auth: TokenEndpointAuthMethod;
}

/** What every peer runner needs. */
interface Env {
  readonly issuer: string;
  readonly provider: Provider;
  readonly fetch: FetchLike;
  readonly http: boolean;
  readonly clients: Readonly<Record<CaseClient, ClientInfo>>;
  readonly username: string;
  readonly password: string;
  readonly gapSec: number;
  /** The harness clock, ms. */
  now(): number;
  /** Lets time pass on the harness clock. */
  advance(seconds: number): void;
}

/** A started login, as a relying party keeps it. */
interface Started {
  readonly url: string;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

/** One relying party, reduced to what the attack scripts need. */
interface Runner {
  start(): Started;
  finish(callbackUrl: string, started: Started): Promise<void>;
}

function checkOptions(options: ConformanceOptions): { cases: ConformanceCase[]; gap: number } {
  if (options === null || typeof options !== "object") throw new ConformanceError("ERR_CONFORMANCE_INPUT", "options must be an object");
  const gap = options.rotationGapSec ?? DEFAULT_ROTATION_GAP_SEC;
  if (typeof gap !== "number" || !Number.isFinite(gap) || gap < 0 || gap > 3600) {
    throw new ConformanceError("ERR_CONFORMANCE_INPUT", "rotationGapSec must be a number in [0, 3600]");
  }
  if (options.transport !== undefined && options.transport !== "in-process" && options.transport !== "http") {
    throw new ConformanceError("ERR_CONFORMANCE_INPUT", "transport must be in-process or http");
  }
  if (options.now !== undefined && typeof options.now !== "function") throw new ConformanceError("ERR_CONFORMANCE_INPUT", "now must be a function (ms)");
  let cases = [...CONFORMANCE_CASES];
  if (options.cases !== undefined) {
    if (!Array.isArray(options.cases)) throw new ConformanceError("ERR_CONFORMANCE_INPUT", "cases must be a list of case names");
    const want = new Set(options.cases);
    for (const n of want) {
      if (!cases.some((k) => k.name === n)) throw new ConformanceError("ERR_CONFORMANCE_INPUT", `unknown case ${JSON.stringify(n)}`);
    }
    cases = cases.filter((k) => want.has(k.name));
  }
  return { cases, gap };
}

function secret(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * What a peer threw, on one line: its code (or name), message, OAuth error and cause.
 *
 * @param e - anything caught
 * @returns at most 300 characters
 * @throws never
 * @example
 * describeError(Object.assign(new Error("boom"), { code: "X" })); // => "X: boom"
 */
export function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const o = e as Error & { code?: unknown; error?: unknown; error_description?: unknown; cause?: unknown };
  const head = typeof o.code === "string" ? o.code : o.name;
  let s = `${head}: ${o.message}`;
  if (typeof o.error === "string") s += ` [${o.error}${typeof o.error_description === "string" ? `: ${o.error_description}` : ""}]`;
  const cause = o.cause instanceof Error ? o.cause.message : undefined;
  if (cause !== undefined && cause !== o.message) s += ` (${cause})`;
  return s.replace(/\s+/g, " ").slice(0, 300);
}

/** Logs the user in with a fresh browser and returns the URL the provider redirected to. */
async function browserLogin(env: Env, url: string, redirectUri: string): Promise<string> {
  const browser: Browser = createBrowser({ fetch: env.fetch, stopAt: [REDIRECT_URI, OTHER_REDIRECT_URI] });
  try {
    return (await browser.login(url, { username: env.username, password: env.password, redirectUri })).callbackUrl;
  } catch (e) {
    throw new ConformanceError("ERR_CONFORMANCE_SETUP", `the scripted login did not reach ${redirectUri}: ${describeError(e)}`);
  }
}

function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}

/** The callback URL a redirect to `from` would have made, moved to `to` with `state` replaced (when given). */
function moveCallback(from: string, to: string, state?: string): string {
  const f = new URL(from);
  const t = new URL(to);
  t.search = f.search;
  if (state !== undefined) t.searchParams.set("state", state);
  return t.href;
}

/**
 * Runs one attack script (or a plain login) with a relying party. The misbehavior parameter,
 * if any, rides on the authorization request.
 */
async function script(env: Env, kase: ConformanceCase, r: Runner, perLogin: Record<string, string>): Promise<void> {
  const login = async (s: Started, redirectUri = REDIRECT_URI): Promise<string> => browserLogin(env, withParams(s.url, perLogin), redirectUri);
  switch (kase.attack) {
    case "code-replay": {
      const first = r.start();
      const cb = await login(first);
      try {
        await r.finish(cb, first); // the legitimate login redeems the code
      } catch (e) {
        throw new ConformanceError("ERR_CONFORMANCE_SETUP", `case ${kase.name}: the legitimate first login failed: ${describeError(e)}`);
      }
      const second = r.start();
      return r.finish(moveCallback(cb, REDIRECT_URI, second.state), second);
    }
    case "wrong-code-verifier": {
      const victim = r.start();
      const other = r.start();
      const cb = await login(other);
      return r.finish(moveCallback(cb, REDIRECT_URI, victim.state), victim);
    }
    case "redirect-uri-mismatch": {
      const s = r.start();
      const cb = await browserLogin(env, withParams(s.url, { ...perLogin, redirect_uri: OTHER_REDIRECT_URI }), OTHER_REDIRECT_URI);
      return r.finish(moveCallback(cb, REDIRECT_URI), s);
    }
    default: {
      const s = r.start();
      return r.finish(await login(s), s);
    }
  }
}

/** The JWKS the provider publishes right now. */
async function currentJwks(env: Env): Promise<JSONWebKeySet> {
  const res = await env.fetch(new Request(env.provider.endpoints.jwks));
  return (await res.json()) as JSONWebKeySet;
}

// ------------------------------------------------------------------ ours

async function runOurs(env: Env, kase: ConformanceCase, perLogin: Record<string, string>): Promise<OursOutcome> {
  const cl = env.clients[kase.client];
  try {
    const metadata = await discover(env.issuer, { fetch: env.fetch });
    const rp = createRelyingParty({
      metadata,
      clientId: cl.id,
      clientSecret: cl.secret,
      redirectUri: REDIRECT_URI,
      tokenEndpointAuthMethod: cl.auth,
      allowedAlgs: [cl.alg],
      fetch: env.fetch,
      now: () => env.now() / 1000,
    });
    if (kase.warmCache === true) {
      await rp.jwks.refresh();
      env.advance(env.gapSec);
    }
    await script(env, kase, {
      start() {
        const a = rp.authorizationRequest({ scope: SCOPE, ...(kase.maxAge === undefined ? {} : { maxAge: kase.maxAge }) });
        return { url: a.url, state: a.state, nonce: a.nonce, verifier: a.codeVerifier };
      },
      async finish(cb) {
        const login = await rp.handleCallback(cb);
        if (kase.userinfo === true) await rp.fetchUserInfo(login.accessToken, login.claims.sub);
      },
    }, perLogin);
    return { verdict: "accept", code: null, step: null, detail: null };
  } catch (e) {
    if (e instanceof OidcError) return { verdict: "reject", code: e.code, step: e.step, detail: e.message };
    if (e instanceof ConformanceError) throw e;
    throw new ConformanceError("ERR_CONFORMANCE_SETUP", `case ${kase.name}: our relying party threw a non-OidcError: ${describeError(e)}`);
  }
}

// ------------------------------------------------------------------ openid-client

/** openid-client's customFetch, routed to our fetch function. */
function ocFetch(f: FetchLike): oc.CustomFetch {
  return (url, o) => f(new Request(url, { method: o.method, headers: o.headers, body: o.body as RequestInit["body"], redirect: "manual" }));
}

async function runOpenidClient(env: Env, kase: ConformanceCase, perLogin: Record<string, string>, strict: boolean): Promise<PeerOutcome> {
  const cl = env.clients[kase.client];
  const jwksBefore = kase.warmCache === true ? await currentJwks(env) : undefined;
  try {
    const skew = Math.round((env.now() - Date.now()) / 1000);
    const metadata: Partial<oc.ClientMetadata> = { client_secret: cl.secret, id_token_signed_response_alg: cl.alg, [oc.clockSkew]: skew };
    const auth = cl.auth === "client_secret_post" ? oc.ClientSecretPost(cl.secret) : oc.ClientSecretBasic(cl.secret);
    const config = await oc.discovery(
      new URL(env.issuer),
      cl.id,
      metadata,
      auth,
      env.http ? { execute: [oc.allowInsecureRequests] } : { [oc.customFetch]: ocFetch(env.fetch) },
    );
    if (strict) oc.enableNonRepudiationChecks(config);
    if (jwksBefore !== undefined) {
      // A cache filled gapSec ago (openid-client dates it with the real clock, in seconds).
      oc.setJwksCache(config, { jwks: jwksBefore, uat: Math.floor(Date.now() / 1000) - env.gapSec });
    }
    await script(env, kase, {
      start() {
        const s = { state: oc.randomState(), nonce: oc.randomNonce(), verifier: oc.randomPKCECodeVerifier() };
        const url = oc.buildAuthorizationUrl(config, {
          redirect_uri: REDIRECT_URI,
          scope: SCOPE,
          state: s.state,
          nonce: s.nonce,
          code_challenge: s256Challenge(s.verifier),
          code_challenge_method: "S256",
          ...(kase.maxAge === undefined ? {} : { max_age: String(kase.maxAge) }),
        });
        return { ...s, url: url.href };
      },
      async finish(cb, s) {
        const tokens = await oc.authorizationCodeGrant(config, new URL(cb), {
          pkceCodeVerifier: s.verifier,
          expectedState: s.state,
          expectedNonce: s.nonce,
          idTokenExpected: true,
          ...(kase.maxAge === undefined ? {} : { maxAge: kase.maxAge }),
        });
        if (kase.userinfo === true) {
          const sub = tokens.claims()?.sub;
          if (typeof sub !== "string") throw new Error("no sub in the ID token claims");
          await oc.fetchUserInfo(config, tokens.access_token, sub);
        }
      },
    }, perLogin);
    return { verdict: "accept", error: null };
  } catch (e) {
    if (e instanceof ConformanceError) throw e;
    return { verdict: "reject", error: describeError(e) };
  }
}

// ------------------------------------------------------------------ bare jose.jwtVerify

/** jose's customFetch for createRemoteJWKSet, routed to our fetch function. */
function joseFetch(f: FetchLike): (url: string, o: { headers: Headers; method: "GET"; redirect: "manual"; signal: AbortSignal }) => Promise<Response> {
  return (url, o) => f(new Request(url, { method: o.method, headers: o.headers, redirect: "manual", signal: o.signal }));
}

function basicAuth(id: string, pw: string): string {
  const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(id)}:${enc(pw)}`).toString("base64")}`;
}

async function runJose(env: Env, kase: ConformanceCase, perLogin: Record<string, string>): Promise<PeerOutcome> {
  if (kase.flowOnly === true) return { verdict: "n/a", error: null };
  const cl = env.clients[kase.client];
  const jwksUrl = new URL(env.provider.endpoints.jwks);
  const remoteOptions: Parameters<typeof createRemoteJWKSet>[1] = env.http ? {} : { [joseCustomFetch]: joseFetch(env.fetch) };
  if (kase.warmCache === true) remoteOptions[joseJwksCache] = { jwks: await currentJwks(env), uat: Date.now() - env.gapSec * 1000 };
  const jwks: JWTVerifyGetKey = createRemoteJWKSet(jwksUrl, remoteOptions);
  // A naive integration: its own authorization request and token request, then bare jwtVerify.
  const verifier = randomToken();
  const u = new URL(env.provider.endpoints.authorization);
  const params: Record<string, string> = {
    response_type: "code",
    client_id: cl.id,
    redirect_uri: REDIRECT_URI,
    scope: SCOPE,
    state: randomToken(),
    nonce: randomToken(),
    code_challenge: s256Challenge(verifier),
    code_challenge_method: "S256",
    ...perLogin,
  };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  const cb = new URL(await browserLogin(env, u.href, REDIRECT_URI));
  const code = cb.searchParams.get("code");
  if (code === null) throw new ConformanceError("ERR_CONFORMANCE_SETUP", `case ${kase.name}: no code for the jose login`);
  const body = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (cl.auth === "client_secret_basic") headers.authorization = basicAuth(cl.id, cl.secret);
  else {
    body.set("client_id", cl.id);
    body.set("client_secret", cl.secret);
  }
  const res = await env.fetch(new Request(env.provider.endpoints.token, { method: "POST", headers, body: body.toString() }));
  const json = (await res.json()) as { id_token?: unknown };
  if (res.status !== 200 || typeof json.id_token !== "string") {
    throw new ConformanceError("ERR_CONFORMANCE_SETUP", `case ${kase.name}: the jose login's token request failed (HTTP ${res.status})`);
  }
  const idToken = json.id_token;
  try {
    const options = { issuer: env.issuer, audience: cl.id, currentDate: new Date(env.now()) };
    if (cl.alg === "HS256") await jwtVerify(idToken, new TextEncoder().encode(cl.secret), options);
    else await jwtVerify(idToken, jwks, options);
    return { verdict: "accept", error: null };
  } catch (e) {
    return { verdict: "reject", error: describeError(e) };
  }
}

// ------------------------------------------------------------------ the run

async function setup(transport: "in-process" | "http", now: () => number, gapSec: number): Promise<{ env: Env; close(): Promise<void> }> {
  let offsetMs = 0;
  const clock = (): number => now() + offsetMs;
  const clients: Record<CaseClient, ClientInfo> = {
    rs256: { id: "rp-rs256", secret: secret(), alg: "RS256", auth: "client_secret_basic" },
    es256: { id: "rp-es256", secret: secret(), alg: "ES256", auth: "client_secret_post" },
    hs256: { id: "rp-hs256", secret: secret(), alg: "HS256", auth: "client_secret_basic" },
  };
  const clientConfigs: ClientConfig[] = Object.values(clients).map((c) => ({
    client_id: c.id,
    client_secret: c.secret,
    redirect_uris: [REDIRECT_URI, OTHER_REDIRECT_URI],
    token_endpoint_auth_method: c.auth,
    id_token_signed_response_alg: c.alg,
    client_name: `Conformance RP (${c.alg})`,
  }));
  const password = secret();
  const users = [{ sub: USER_SUB, username: "alice", password, claims: { name: "Alice Liddell", email: "alice@example.com", email_verified: true } }];
  const config = { clients: clientConfigs, users, now: clock, misbehaviorParam: true };
  let server: ProviderServer | undefined;
  let provider: Provider;
  let fetchFn: FetchLike;
  if (transport === "http") {
    server = await listenProvider(config);
    provider = server.provider;
    fetchFn = (r) => fetch(r);
  } else {
    provider = await createProvider({ ...config, issuer: IN_PROCESS_ISSUER });
    fetchFn = routeByOrigin({ [provider.issuer]: provider.fetch });
  }
  const env: Env = {
    issuer: provider.issuer,
    provider,
    fetch: fetchFn,
    http: transport === "http",
    clients,
    username: "alice",
    password,
    gapSec,
    now: clock,
    advance(seconds: number) {
      offsetMs += seconds * 1000;
    },
  };
  return { env, close: async () => server?.close() };
}

async function runCase(env: Env, kase: ConformanceCase): Promise<ConformanceRow> {
  const m = kase.misbehavior;
  const providerWide = m !== undefined && !MISBEHAVIORS[m].perLogin;
  const perLogin: Record<string, string> = m !== undefined && !providerWide ? { misbehave: m } : {};
  const counted = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
    const before = env.provider.attackerFetches();
    const r = await f();
    return [r, env.provider.attackerFetches() - before];
  };
  if (providerWide) env.provider.setMisbehavior(m);
  try {
    const [ours, a1] = await counted(() => runOurs(env, kase, perLogin));
    const [openidClient, a2] = await counted(() => runOpenidClient(env, kase, perLogin, false));
    const [openidClientStrict, a3] = await counted(() => runOpenidClient(env, kase, perLogin, true));
    const [joseJwtVerify, a4] = await counted(() => runJose(env, kase, perLogin));
    return {
      case: kase.name,
      group: kase.group,
      expected: kase.expected,
      title: kase.title,
      check: kase.check,
      ref: kase.ref,
      misbehavior: m ?? kase.attack ?? null,
      ours,
      openidClient,
      openidClientStrict,
      joseJwtVerify,
      attackerFetches: { ours: a1, openidClient: a2, openidClientStrict: a3, joseJwtVerify: a4 },
    };
  } finally {
    if (providerWide) env.provider.setMisbehavior(undefined);
  }
}

/**
 * Runs the conformance cases through our relying party, openid-client (default and strict)
 * and bare `jose.jwtVerify`, against one misbehaving provider (RS256, ES256 and HS256 clients).
 *
 * @param options - which cases, transport, rotation gap, clock, progress callback
 * @returns one row per case, in catalogue order
 * @throws {ConformanceError} ERR_CONFORMANCE_INPUT for a bad option; ERR_CONFORMANCE_SETUP when
 *   the harness itself cannot run a case (never for a relying party's verdict)
 * @example
 * const rows = await runConformance({ cases: ["good-login", "alg-none"] });
 * rows.map((r) => r.ours.verdict); // => ["accept", "reject"]
 * rows[1].ours.code;               // => "ERR_OIDC_ALG_NONE"
 */
export async function runConformance(options: ConformanceOptions = {}): Promise<ConformanceRow[]> {
  const { cases, gap } = checkOptions(options);
  const { env, close } = await setup(options.transport ?? "in-process", options.now ?? Date.now, gap);
  const rows: ConformanceRow[] = [];
  try {
    for (const kase of cases) {
      const row = await runCase(env, kase);
      rows.push(row);
      options.onRow?.(row);
    }
  } finally {
    await close();
  }
  return rows;
}
