/**
 * Day 3 benchmark (ID tokens), run as `node --import tsx bench/oidc/main.ts`: full ID-token
 * validation with our validator (header rules, alg allow-list, typ, key selection, signature,
 * claim shapes, iss, aud, azp, exp, iat window, nonce, at_hash, auth_time) against bare
 * `jose.jwtVerify` (signature, iss, aud, exp) with the same key set and the same token, for
 * RS256 and ES256. The token is a real one from our provider (a login and a code exchange,
 * in-process, on a fixed clock). Rounds are interleaved: each round alternates ten chunks of
 * each contestant (ours then jose, then jose then ours, ...), both timed over the same number
 * of sequential validations; the goal is the median over rounds of (our validations per
 * second) / (jose's), at least 0.85.
 * Progress goes to stderr; the last stdout line is one JSON object
 * { part: "oidc", machine, results, goals: [{ goal, measured, unit, met }], markdown }.
 * BENCH_QUICK=1: short runs; BENCH_ROUNDS=N: rounds (default 7).
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { createRequire } from "node:module";
import { type JSONWebKeySet, createLocalJWKSet, jwtVerify } from "jose";
import { createBrowser, routeByOrigin } from "../../lib/oidc/browser.js";
import { createProvider } from "../../lib/oidc/provider/index.js";
import {
  type NonceReplayCache,
  createIdTokenValidator,
  createRelyingParty,
  createStaticKeySource,
  discover,
} from "../../lib/oidc/rp/index.js";

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 3 : 7)));
const ROUND_MS = QUICK ? 100 : 400; // target time of one contestant in a round
const CHUNKS = 10; // alternating chunks per round
const GOAL = 0.85;
const ISSUER = "https://op.example";
const REDIRECT = "https://rp.example/cb";
const NOW_MS = Date.UTC(2030, 0, 1, 12);

const log = (m: string): void => {
  process.stderr.write(`bench oidc: ${m}\n`);
};
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x: number, d = 0): string => x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

type Alg = "RS256" | "ES256";

interface Fixture {
  alg: Alg;
  token: string;
  accessToken: string;
  nonce: string;
  clientId: string;
  jwks: JSONWebKeySet;
}

/** A real ID token from our provider: one login and code exchange, in-process, fixed clock. */
async function fixture(alg: Alg): Promise<Fixture> {
  const secret = "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
  const clientId = `bench-${alg.toLowerCase()}`;
  const op = await createProvider({
    issuer: ISSUER,
    clients: [{ client_id: clientId, client_secret: secret, redirect_uris: [REDIRECT], id_token_signed_response_alg: alg }],
    users: [{ sub: "u-alice", username: "alice", password: "pw", claims: { name: "Alice Liddell", email: "alice@example.com", email_verified: true } }],
    keys: { algs: [alg] },
    now: () => NOW_MS,
  });
  const route = routeByOrigin({ [ISSUER]: op.fetch });
  const rp = createRelyingParty({ metadata: await discover(ISSUER, { fetch: route }), clientId, clientSecret: secret, redirectUri: REDIRECT, allowedAlgs: [alg], fetch: route, now: () => NOW_MS / 1000 });
  const a = rp.authorizationRequest({ scope: "openid profile email" });
  const { callbackUrl } = await createBrowser({ fetch: route }).login(a.url, { username: "alice", password: "pw", redirectUri: REDIRECT });
  const login = await rp.handleCallback(callbackUrl);
  const jwks = (await (await op.fetch(new Request(op.endpoints.jwks))).json()) as JSONWebKeySet;
  return { alg, token: login.idToken, accessToken: login.accessToken, nonce: a.nonce, clientId, jwks };
}

/** A replay cache that remembers nothing, so one token can be validated many times (the lookups still run). */
const forgetful: NonceReplayCache = { has: () => false, add: () => undefined, size: () => 0 };

type Validate = () => Promise<unknown>;

function contestants(f: Fixture): { ours: Validate; jose: Validate } {
  const validator = createIdTokenValidator({
    issuer: ISSUER,
    clientId: f.clientId,
    keys: createStaticKeySource(f.jwks),
    allowedAlgs: [f.alg],
    now: () => NOW_MS / 1000,
    replay: forgetful,
  });
  const keySet = createLocalJWKSet(f.jwks);
  const currentDate = new Date(NOW_MS);
  return {
    ours: () => validator.validate(f.token, { nonce: f.nonce, accessToken: f.accessToken }),
    jose: () => jwtVerify(f.token, keySet, { issuer: ISSUER, audience: f.clientId, currentDate }),
  };
}

interface Timed {
  ops: number;
  wallMs: number;
  cpuMs: number;
}

async function timeIt(fn: Validate, n: number): Promise<Timed> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { ops: n, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

interface AlgResult {
  alg: Alg;
  /** Validations per contestant per round. */
  iterationsPerRound: number;
  /** Validations per second (wall clock), median of rounds. */
  oursPerSec: number;
  josePerSec: number;
  /** Microseconds per validation, median of rounds. */
  oursUs: number;
  joseUs: number;
  /** ours/jose throughput per round (wall clock), and their median: the goal's measure. */
  ratios: number[];
  medianRatio: number;
  /** The same ratio from process CPU time (user + system, all threads), median of rounds. */
  medianCpuRatio: number;
}

async function benchAlg(f: Fixture): Promise<AlgResult> {
  const { ours, jose } = contestants(f);
  // Both must accept the token before anything is timed.
  await ours();
  await jose();
  // Warm up and calibrate: how many validations fill one chunk (a round is CHUNKS chunk pairs).
  const probe = await timeIt(jose, QUICK ? 200 : 1000);
  await timeIt(ours, QUICK ? 200 : 1000);
  const n = Math.max(20, Math.round((ROUND_MS / CHUNKS / probe.wallMs) * probe.ops));
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const oursRates: number[] = [];
  const joseRates: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Fine interleaving: the machine is shared, and load that comes and goes within a round
    // then falls on both contestants alike.
    const o: Timed = { ops: 0, wallMs: 0, cpuMs: 0 };
    const j: Timed = { ops: 0, wallMs: 0, cpuMs: 0 };
    const add = (acc: Timed, t: Timed): void => {
      acc.ops += t.ops;
      acc.wallMs += t.wallMs;
      acc.cpuMs += t.cpuMs;
    };
    for (let c = 0; c < CHUNKS; c++) {
      if ((r + c) % 2 === 0) {
        add(o, await timeIt(ours, n));
        add(j, await timeIt(jose, n));
      } else {
        add(j, await timeIt(jose, n));
        add(o, await timeIt(ours, n));
      }
    }
    const oRate = (o.ops / o.wallMs) * 1000;
    const jRate = (j.ops / j.wallMs) * 1000;
    oursRates.push(oRate);
    joseRates.push(jRate);
    ratios.push(oRate / jRate);
    cpuRatios.push(j.cpuMs / o.cpuMs);
    log(`${f.alg} round ${r + 1}/${ROUNDS}: ours ${fmt(oRate)}/s, jose ${fmt(jRate)}/s, ratio ${ratios[r].toFixed(3)} (cpu ${cpuRatios[r].toFixed(3)})`);
  }
  return {
    alg: f.alg,
    iterationsPerRound: n * CHUNKS,
    oursPerSec: median(oursRates),
    josePerSec: median(joseRates),
    oursUs: 1e6 / median(oursRates),
    joseUs: 1e6 / median(joseRates),
    ratios,
    medianRatio: median(ratios),
    medianCpuRatio: median(cpuRatios),
  };
}

function joseVersion(): string {
  try {
    const require = createRequire(import.meta.url);
    const pkg = JSON.parse(readFileSync(require.resolve("jose/package.json"), "utf8")) as { version?: string };
    return pkg.version ?? "?";
  } catch {
    return "?";
  }
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const cores = cpus().length;
  const machine = `${cpu}, ${cores} cores, Node ${process.version}, jose ${joseVersion()}`;
  log(`${machine}${QUICK ? " (quick)" : ""}; ${ROUNDS} rounds of ${CHUNKS} interleaved chunks, ~${ROUND_MS} ms per contestant per round`);
  const results: AlgResult[] = [];
  for (const alg of ["RS256", "ES256"] as const) {
    const f = await fixture(alg);
    log(`${alg}: token of ${f.token.length} characters from our provider`);
    results.push(await benchAlg(f));
  }
  const goals = results.map((r) => ({
    goal: `full ID-token validation (${r.alg}) >= ${GOAL} x bare jose.jwtVerify`,
    measured: Number(r.medianRatio.toFixed(3)),
    unit: "x",
    met: r.medianRatio >= GOAL,
  }));
  const date = new Date().toISOString().slice(0, 10);
  const md = [
    `Full validation with our validator (header rules, alg allow-list, typ, key selection, signature, sub, iss, aud, azp, exp, iat window, nonce, at_hash) against bare \`jose.jwtVerify\` (signature, iss, aud, exp) with the same JWKS and the same token from our provider. ${ROUNDS} rounds, each alternating ${CHUNKS} chunks of ours and of jose on the same number of sequential validations; the ratio is ours/jose throughput, median over rounds (goal >= ${GOAL}).`,
    "",
    "| alg | ours (validations/s) | jose.jwtVerify (validations/s) | ours (µs each) | jose (µs each) | median ratio | ratio by CPU time | goal >= " + GOAL + " |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
    ...results.map((r) => `| ${r.alg} | ${fmt(r.oursPerSec)} | ${fmt(r.josePerSec)} | ${fmt(r.oursUs, 1)} | ${fmt(r.joseUs, 1)} | ${r.medianRatio.toFixed(3)} | ${r.medianCpuRatio.toFixed(3)} | ${r.medianRatio >= GOAL ? "met" : "missed"} |`),
    "",
    `Measured ${date} on ${machine}${QUICK ? " (BENCH_QUICK: short runs)" : ""}. The machine is shared, so absolute rates move between runs; the interleaved ratio is the stable figure.`,
  ].join("\n");
  const out = {
    part: "oidc",
    machine,
    results: Object.fromEntries(results.map((r) => [r.alg, r])),
    goals,
    markdown: md,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench oidc: failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
