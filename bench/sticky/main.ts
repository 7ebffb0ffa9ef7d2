/**
 * Day 6 benchmark (sticky sessions), run as `node --import tsx bench/sticky/main.ts`:
 *  (a) routing decisions per second per strategy at N = 10 servers;
 *  (b) proxy throughput with autocannon against a backend directly, through our
 *      sticky proxy and through HAProxy, on the same backends, interleaved rounds;
 *  (c) time from a backend SIGKILL to the first successful redispatched response.
 * Progress goes to stderr; the last stdout line is one JSON object
 * { part: "sticky", machine, results, goals: [{ goal, measured, unit, met }], markdown }.
 * BENCH_QUICK=1: short runs; BENCH_ROUNDS=N: rounds of (a) and (b).
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as http from "node:http";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { createRng } from "../../lib/random/index.js";
import {
  BALANCER_KINDS,
  type BalancerKind,
  type HaproxyHandle,
  compareWithHaproxy,
  createBalancer,
  createClient,
  haproxyAvailable,
  haproxyVersion,
  spawnBackend,
  startHaproxy,
} from "../../lib/sticky/index.js";

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3)));
const SLICE_MS = QUICK ? 100 : 300; // (a) one timed slice per strategy per round
const ROUTING_ROUNDS = Math.max(3, ROUNDS * 2 - 1); // odd, so the median is a measured round
const DURATION_S = QUICK ? 1 : 3; // (b) one autocannon run
const WARMUP_S = QUICK ? 0.5 : 1;
const CONNECTIONS = 32;
const FAILOVER_RUNS = QUICK ? 3 : 5;
const N = 10;
const KEYS = 1 << 16;
const HERE = dirname(fileURLToPath(import.meta.url));

const log = (m: string): void => {
  process.stderr.write(`bench sticky: ${m}\n`);
};
const median = (xs: number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (x: number | null | undefined, d = 1): string =>
  x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });

// ---------------------------------------------------------------- (a) routing
interface RoutingResult {
  kind: BalancerKind;
  /** Million decisions per second of this process's CPU time (user + system), median of rounds. */
  mps: number;
  nsPerDecision: number;
  /** Million decisions per second of wall-clock time, median of rounds. */
  wallMps: number;
  /** CPU time / wall time while timing: below 1 when other processes took the core. */
  cpuShare: number;
  rounds: number[];
}

type PickLoop = (b: { pick(x: { key: string; loads: ReadonlyMap<string, number> }): string }, input: Array<{ key: string; loads: ReadonlyMap<string, number> }>) => number;

/**
 * The timing loop, one copy per strategy: each copy is its own function (so
 * its own JIT feedback), which keeps `b.pick` monomorphic, as in a proxy that
 * runs one strategy; one shared loop over ten classes would measure V8's
 * megamorphic dispatch instead.
 */
function makePickLoop(): PickLoop {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(
    "b",
    "input",
    "let sink = 0; for (let i = 0; i < input.length; i++) sink += b.pick(input[i]).length; return sink;",
  ) as PickLoop;
}

function routing(): RoutingResult[] {
  const rng = createRng(6);
  const servers = Array.from({ length: N }, (_, i) => `server-${i}`);
  const hex = (): string => rng.int(0, 0xffffffff).toString(16).padStart(8, "0");
  const sessionKeys = Array.from({ length: KEYS }, () => `${hex()}${hex()}${hex()}`); // 96-bit session ids
  const ipKeys = Array.from({ length: KEYS }, () => `${rng.int(1, 223)}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`);
  const loads = new Map(servers.map((s) => [s, rng.int(0, 50)] as [string, number]));
  const prepared = BALANCER_KINDS.map((kind) => ({
    kind,
    b: createBalancer(kind, servers),
    input: (kind === "ip-hash" ? ipKeys : sessionKeys).map((key) => ({ key, loads })),
    loop: makePickLoop(),
  }));
  const cpu = new Map<BalancerKind, number[]>(BALANCER_KINDS.map((k) => [k, []]));
  const wall = new Map<BalancerKind, number[]>(BALANCER_KINDS.map((k) => [k, []]));
  let sink = 0;
  for (const p of prepared) for (let i = 0; i < 3; i++) sink += p.loop(p.b, p.input); // warm-up
  for (let round = 0; round < ROUTING_ROUNDS; round++) {
    for (const p of prepared) {
      let n = 0;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      let t = t0;
      while (t - t0 < SLICE_MS) {
        sink += p.loop(p.b, p.input);
        n += p.input.length;
        t = performance.now();
      }
      const used = process.cpuUsage(c0);
      cpu.get(p.kind)!.push(n / (used.user + used.system)); // decisions per µs = M/s
      wall.get(p.kind)!.push(n / ((t - t0) * 1000));
    }
    log(`routing round ${round + 1}/${ROUTING_ROUNDS}`);
  }
  if (sink === 0) throw new Error("routing: nothing picked");
  return BALANCER_KINDS.map((kind) => {
    const rounds = cpu.get(kind)!;
    const mps = median(rounds);
    const wallMps = median(wall.get(kind)!);
    return { kind, mps, nsPerDecision: 1000 / mps, wallMps, cpuShare: wallMps / mps, rounds };
  });
}

// ------------------------------------------------------------- (b) throughput
interface Target {
  name: "direct" | "ours" | "haproxy";
  label: string;
  url: string;
}
interface ThroughputResult {
  target: Target["name"];
  label: string;
  rps: number; // median of rounds
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  rounds: number[];
}

function get(url: string, cookie: string): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { cookie }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) });
        } catch {
          resolve({ status: res.statusCode ?? 0, json: undefined });
        }
      });
    });
    req.on("error", reject);
  });
}

async function startOursChild(backends: Array<{ id: string; port: number }>): Promise<{ child: ChildProcess; url: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(HERE, "proxy-child.ts")], {
    env: { ...process.env, STICKY_BACKENDS: JSON.stringify(backends) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("our proxy child did not start in 20 s")), 20_000);
    child.stdout!.on("data", (c: Buffer) => {
      out += c.toString("utf8");
      const m = /LISTENING (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => reject(new Error("our proxy child exited before listening")));
  });
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 2000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

async function cannon(url: string, cookie: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, connections: CONNECTIONS, duration: seconds, headers: { cookie } });
}

async function throughput(hapPath: string | null): Promise<{ results: ThroughputResult[]; cookie: string; skipped: string }> {
  const ids = ["A", "B", "C"];
  const backends = await Promise.all(ids.map((id) => spawnBackend({ id })));
  let ours: Awaited<ReturnType<typeof startOursChild>> | undefined;
  let hap: HaproxyHandle | undefined;
  try {
    const list = backends.map((b) => ({ id: b.id, port: b.port }));
    ours = await startOursChild(list);
    if (hapPath !== null) hap = await startHaproxy({ servers: list, haproxyPath: hapPath, nbthread: 1 });
    // One session on A: its sid, our signed SRV for A, HAProxy's SERVERID=A,
    // sent together to every target, so every request is the same sticky GET /cart on A.
    const a = backends[0];
    const direct = createClient(a.url);
    const sid = (await direct.get("/cart")).json.sid as string;
    const viaOurs = createClient(ours.url);
    viaOurs.setCookie("sid", sid);
    const first = await viaOurs.get("/cart");
    if (first.json?.server !== "A") throw new Error(`our proxy sent the first user to ${first.json?.server}, expected A`);
    const srv = viaOurs.cookie("SRV")!;
    const cookie = `sid=${sid}; SRV=${srv}; SERVERID=A`;
    const targets: Target[] = [
      { name: "direct", label: "backend A directly", url: `${a.url}/cart` },
      { name: "ours", label: "our sticky proxy (node:http, 1 process)", url: `${ours.url}/cart` },
    ];
    if (hap) targets.push({ name: "haproxy", label: "HAProxy (nbthread 1)", url: `${hap.url}/cart` });
    for (const t of targets) {
      const r = await get(t.url, cookie);
      if (r.status !== 200 || r.json?.server !== "A" || r.json?.sid !== sid) {
        throw new Error(`${t.name}: the sticky request did not reach A's session (${r.status} ${JSON.stringify(r.json)})`);
      }
    }
    for (const t of targets) {
      log(`throughput warm-up ${t.name} (${WARMUP_S} s)`);
      await cannon(t.url, cookie, WARMUP_S);
    }
    const runs = new Map<Target["name"], autocannon.Result[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so no target always runs first or last.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const t of order) {
        const r = await cannon(t.url, cookie, DURATION_S);
        runs.get(t.name)!.push(r);
        log(`throughput round ${round + 1}/${ROUNDS} ${t.name}: ${Math.round(r.requests.total / r.duration)} req/s, ${r.errors} errors, ${r.non2xx} non-2xx`);
      }
    }
    const results = targets.map((t): ThroughputResult => {
      const rs = runs.get(t.name)!;
      const rounds = rs.map((r) => r.requests.total / r.duration);
      return {
        target: t.name,
        label: t.label,
        rps: median(rounds),
        p50: median(rs.map((r) => r.latency.p50)),
        p99: median(rs.map((r) => r.latency.p99)),
        errors: rs.reduce((s, r) => s + r.errors, 0),
        non2xx: rs.reduce((s, r) => s + r.non2xx, 0),
        rounds,
      };
    });
    return { results, cookie: "sid=<A's session>; SRV=<signed, A>; SERVERID=A", skipped: hap ? "" : "HAProxy not installed" };
  } finally {
    await Promise.allSettled([ours?.stop(), hap?.stop(), ...backends.map((b) => b.stop())]);
  }
}

// --------------------------------------------------------------- (c) failover
interface FailoverResult {
  proxy: "ours" | "haproxy";
  medianMs: number; // SIGKILL -> first 200
  medianRequestMs: number; // that request alone
  runs: number[];
}

async function failover(proxy: "ours" | "haproxy", hapPath: string | null): Promise<FailoverResult> {
  const runs: number[] = [];
  const requests: number[] = [];
  for (let i = 0; i < FAILOVER_RUNS; i++) {
    const rows = await compareWithHaproxy({
      proxies: [proxy],
      cases: ["crash"],
      crashVariants: [{ redispatch: true, check: true }],
      haproxyPath: hapPath ?? undefined,
    });
    const r = rows[0];
    if (r.status !== 200 || r.recoverMs === null) throw new Error(`${proxy}: no redispatched 200 after the crash (${r.detail})`);
    runs.push(r.recoverMs);
    requests.push(r.ms);
    log(`failover ${proxy} run ${i + 1}/${FAILOVER_RUNS}: ${r.recoverMs} ms`);
  }
  return { proxy, medianMs: median(runs), medianRequestMs: median(requests), runs };
}

// ------------------------------------------------------------------- main
async function main(): Promise<void> {
  const hapPath = haproxyAvailable();
  const hapVersion = haproxyVersion(hapPath);
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const cores = cpus().length;
  const machine = `${cpu}, ${cores} cores, Node ${process.version}, HAProxy ${hapVersion ?? "not installed"}`;
  log(`${machine}${QUICK ? " (quick)" : ""}`);

  log("(a) routing decisions per second");
  const route = routing();
  log("(b) proxy throughput");
  const tp = await throughput(hapPath);
  log("(c) SIGKILL -> first redispatched 200");
  const fo: FailoverResult[] = [await failover("ours", hapPath)];
  if (hapPath !== null) fo.push(await failover("haproxy", hapPath));

  const rps = (n: Target["name"]): number => tp.results.find((r) => r.target === n)?.rps ?? Number.NaN;
  const ratios = {
    oursVsHaproxy: rps("ours") / rps("haproxy"),
    oursVsDirect: rps("ours") / rps("direct"),
    haproxyVsDirect: rps("haproxy") / rps("direct"),
  };
  const oursFo = fo.find((f) => f.proxy === "ours")!;
  const hapFo = fo.find((f) => f.proxy === "haproxy");
  const mps = (k: BalancerKind): number => route.find((r) => r.kind === k)!.mps;
  const num = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 1000) / 1000 : null);
  const goals = [
    ...(["ring", "rendezvous", "jump", "maglev"] as const).map((k) => ({
      goal: `${k}: >= 5 M routing decisions/s at N = 10 (per CPU-second)`,
      measured: num(mps(k)),
      unit: "M/s",
      met: mps(k) >= 5,
    })),
    { goal: "our proxy >= 0.3x HAProxy req/s (same backends, same run)", measured: num(ratios.oursVsHaproxy), unit: "x", met: ratios.oursVsHaproxy >= 0.3 },
    { goal: "ours: backend SIGKILL -> first redispatched 200 < 50 ms", measured: num(oursFo.medianMs), unit: "ms", met: oursFo.medianMs < 50 },
  ];

  const loadGen =
    "autocannon runs in the benchmark's own process; each backend, our proxy and HAProxy each run in their own process " +
    "(our proxy as a node child, HAProxy with nbthread 1), so the load generator never shares an event loop with what it measures; " +
    `all of them share the machine's ${cores} cores, so absolute numbers understate both proxies`;
  const date = new Date().toISOString().slice(0, 10);
  const md: string[] = [
    `Measured ${date} on ${machine}${QUICK ? " (BENCH_QUICK: short runs)" : ""}.`,
    "",
    `**Routing decisions per second at N = ${N}** (${KEYS.toLocaleString("en-US")} pre-generated 96-bit session ids, IPv4 addresses for ip-hash; median of ${ROUTING_ROUNDS} interleaved rounds of ${SLICE_MS} ms per strategy). Rates are per second of this process's CPU time (\`process.cpuUsage\`), the goal's measure, because the machine is shared: the wall-clock rate and the share of the core the process got are shown beside it.`,
    "",
    "| strategy | M decisions/s (CPU time) | ns/decision | M decisions/s (wall clock) | CPU share |",
    "|---|--:|--:|--:|--:|",
    ...route.map((r) => `| ${r.kind} | ${fmt(r.mps, 2)} | ${fmt(r.nsPerDecision, 0)} | ${fmt(r.wallMps, 2)} | ${fmt(100 * r.cpuShare, 0)}% |`),
    "",
    `**Proxy throughput** (autocannon, ${CONNECTIONS} connections, ${ROUNDS} interleaved round${ROUNDS > 1 ? "s" : ""} × ${DURATION_S} s after a ${WARMUP_S} s warm-up, medians; every request is GET /cart with a session pinned to backend A: \`${tp.cookie}\`). ${loadGen}.`,
    "",
    "| target | req/s | p50 ms | p99 ms | errors | non-2xx | vs direct | vs HAProxy |",
    "|---|--:|--:|--:|--:|--:|--:|--:|",
    ...tp.results.map(
      (r) =>
        `| ${r.label} | ${fmt(r.rps, 0)} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${r.errors} | ${r.non2xx} | ${fmt(r.rps / rps("direct"), 2)}x | ${fmt(r.rps / rps("haproxy"), 2)}x |`,
    ),
    ...(tp.skipped ? ["", `HAProxy rows skipped: ${tp.skipped}.`] : []),
    "",
    `**Backend SIGKILL → first successful redispatched response** (median of ${FAILOVER_RUNS} runs; fresh child-process backends A, B, C each run; the user's server is killed by PID, then her next GET /cart; redispatch and checks on, timeout connect 500 ms, retries 2; our proxy runs in the benchmark's process here, HAProxy as its child)`,
    "",
    "| proxy | SIGKILL → 200, ms | that request, ms | runs, ms |",
    "|---|--:|--:|---|",
    ...fo.map((f) => `| ${f.proxy === "ours" ? "our sticky proxy" : "HAProxy"} | ${fmt(f.medianMs)} | ${fmt(f.medianRequestMs)} | ${f.runs.map((x) => fmt(x)).join(", ")} |`),
    "",
    "| goal | measured | met |",
    "|---|--:|---|",
    ...goals.map((g) => `| ${g.goal} | ${g.measured === null ? "-" : fmt(g.measured, 2)} ${g.unit} | ${g.met ? "yes" : "**no**"} |`),
  ];
  const out = {
    part: "sticky",
    machine,
    results: {
      date,
      quick: QUICK,
      haproxyVersion: hapVersion,
      loadGenerator: loadGen,
      routing: route,
      throughput: tp.results,
      ratios: { oursVsHaproxy: num(ratios.oursVsHaproxy), oursVsDirect: num(ratios.oursVsDirect), haproxyVsDirect: num(ratios.haproxyVsDirect) },
      failover: fo,
      haproxyFailoverMs: hapFo ? hapFo.medianMs : null,
    },
    goals,
    markdown: md.join("\n"),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench sticky failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exit(1);
});
