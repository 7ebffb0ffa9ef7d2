/**
 * Day 2 (Chubby) benchmark: the simulated cell's speed with the checker on,
 * against the bare event loop of bench/chubby/loop.ts in the same run, and
 * the simulation's fidelity (median master fail-over with the paper-like
 * default timing).
 *   node --import tsx bench/chubby/main.ts        (BENCH_QUICK=1: shorter runs; BENCH_ROUNDS=N: rounds)
 * Progress on stderr; the last stdout line is one JSON object
 * { part: "chubby", machine, results, goals: [{ goal, measured, unit, met }], markdown }.
 */
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { failoverSweep, runChubby, runSweep } from "../../lib/chubby/index.js";
import { bareLoopRate } from "./loop.js";

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 3)));
const log = (s: string): void => {
  process.stderr.write(`chubby: ${s}\n`);
};

function median(xs: number[]): number {
  const v = xs.slice().sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
const cores = cpus().length;
const machine = `${cpu}, ${cores} cores, Node ${process.version}`;
log(`${machine}${QUICK ? " (quick)" : ""}`);

// 1. One simulated hour of the seed's scenario grown to 5 replicas and 100 web servers, checker on.
const HOUR = QUICK ? 600_000 : 3_600_000;
const CLIENTS = 100;
const big = {
  name: "bench",
  webServers: CLIENTS,
  durationMs: HOUR,
  faults: [
    { at: HOUR / 3, kind: "crash" as const, target: "master", downMs: 60_000 },
    { at: (2 * HOUR) / 3, kind: "crash" as const, target: "holder", downMs: 60_000 },
  ],
};
runChubby({ ...big, durationMs: 60_000 }); // warm-up
const simRuns: { wallMs: number; events: number; checkMs: number; ok: boolean; keepAlive: number; ops: number; redundant: number }[] = [];
for (let i = 0; i < ROUNDS; i++) {
  // Only the wall time of the unchecked run is kept: its history would otherwise stay
  // alive through the checked run and make the collector's work there larger.
  const noCheckMs = runChubby({ ...big, check: false }).wallMs;
  const r = runChubby(big);
  const total = r.rpcMix.reduce((a, x) => a + x.count, 0);
  const lin = r.verdict.report?.linearizability;
  simRuns.push({
    wallMs: r.wallMs,
    events: r.events,
    checkMs: Math.max(0, r.wallMs - noCheckMs),
    ok: r.verdict.ok,
    keepAlive: (r.rpcCounts.keepAlive ?? 0) / total,
    ops: r.history.operations?.length ?? 0,
    redundant: lin !== undefined && lin.ok === true ? lin.redundantReads : 0,
  });
  log(`simulated ${HOUR / 60_000} min, ${CLIENTS} clients: ${r.events} events in ${r.wallMs.toFixed(0)} ms wall (${r.verdict.ok ? "checks ok" : "CHECK FAILED"})`);
}
const simWall = median(simRuns.map((r) => r.wallMs));
const simEvents = simRuns[0].events;
const simRate = median(simRuns.map((r) => r.events / (r.wallMs / 1000)));
const hourWall = (simWall * 3_600_000) / HOUR;

// 2. The bare event loop, same process.
const BARE_EVENTS = QUICK ? 1_000_000 : 4_000_000;
bareLoopRate(200_000);
const bareRates: number[] = [];
for (let i = 0; i < ROUNDS; i++) bareRates.push(bareLoopRate(BARE_EVENTS, i + 1));
const bare = median(bareRates);
log(`bare event loop: ${(bare / 1e6).toFixed(2)} M events/s`);

// 3. Fidelity: median master election after a crash, default (paper-like) timing.
const N = QUICK ? 21 : 101;
const f = failoverSweep(N);
const elections = f.rows.map((r) => r.electionMs).filter((x): x is number => x !== null);
const p90 = elections.slice().sort((a, b) => a - b)[Math.floor(0.9 * (elections.length - 1))];
log(`fail-over over ${N} seeds: median election ${(f.medianElectionMs / 1000).toFixed(2)} s, ready ${(f.medianReadyMs / 1000).toFixed(2)} s`);

// 4. The sweep's throughput (seeds per second of wall time, checker on).
const SEEDS = QUICK ? 100 : 500;
const t0 = performance.now();
const sw = runSweep({ seeds: [0, SEEDS] });
const sweepS = (performance.now() - t0) / 1000;
log(`sweep: ${SEEDS} seeds in ${sweepS.toFixed(1)} s, ${sw.failures.length} failing`);

const share = simRate / bare;
const goals = [
  { goal: "1 simulated hour, 5 replicas + 100 clients, checker on: wall time <= 5 s", measured: Number((hourWall / 1000).toFixed(2)), unit: "s", met: hourWall <= 5000 },
  { goal: "simulation with checker >= 10% of the bare event loop", measured: Number((100 * share).toFixed(1)), unit: "%", met: share >= 0.1 },
  { goal: "simulated events/s with checker >= 200k", measured: Math.round(simRate), unit: "events/s", met: simRate >= 200_000 },
  {
    goal: "median master fail-over (crash to a new master's lease) 4-6 simulated s",
    measured: Number((f.medianElectionMs / 1000).toFixed(2)),
    unit: "s",
    met: f.medianElectionMs >= 4000 && f.medianElectionMs <= 6000,
  },
  { goal: "KeepAlives >= 90% of RPCs (100 clients, 1 h)", measured: Number((100 * simRuns[0].keepAlive).toFixed(1)), unit: "%", met: simRuns[0].keepAlive >= 0.9 },
];
const fmt = (x: number, d = 0): string => x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const date = new Date().toISOString().slice(0, 10);
const md = [
  "### Day 2: Chubby simulation",
  "",
  `Measured ${date} on ${machine}${QUICK ? " (BENCH_QUICK: short runs)" : ""}; median of ${ROUNDS} round(s). Wall-clock figures on a shared machine.`,
  "",
  "| what | measured |",
  "|---|---|",
  `| ${HOUR / 60_000} simulated min, 5 replicas + ${CLIENTS} web servers, master and holder crashed, checker on | ${fmt(simEvents)} events in ${fmt(simWall)} ms wall (${fmt(hourWall / 1000, 2)} s per simulated hour) |`,
  `| of which the checkers (Raft monitor, linearizability of ${fmt(simRuns[0].ops)} file operations, invariants) | about ${fmt(median(simRuns.map((r) => r.checkMs)))} ms |`,
  `| ... file operations searched after leaving out repeated cache hits (they cannot change the verdict) | ${fmt(simRuns[0].ops - simRuns[0].redundant)} of ${fmt(simRuns[0].ops)} |`,
  `| simulated events/s, checker on | ${fmt(simRate)} |`,
  `| bare event loop (heap only) | ${fmt(bare)} events/s |`,
  `| simulation / bare loop | ${fmt(100 * share, 1)}% |`,
  `| master fail-over over ${N} seeds (crash to new master lease): median / p90 | ${fmt(f.medianElectionMs / 1000, 2)} s / ${fmt(p90 / 1000, 2)} s |`,
  `| ... to all operations allowed (sessions acknowledged the fail-over): median | ${fmt(f.medianReadyMs / 1000, 2)} s |`,
  `| KeepAlive share of RPCs (${CLIENTS} clients) | ${fmt(100 * simRuns[0].keepAlive, 1)}% |`,
  `| fault sweep: ${SEEDS} seeds of 90 simulated s with the checker | ${fmt(sweepS, 1)} s wall, ${sw.failures.length} failing |`,
  "",
  "| goal | measured | met |",
  "|---|---|---|",
  ...goals.map((g) => `| ${g.goal} | ${fmt(g.measured, g.unit === "events/s" ? 0 : 2)} ${g.unit} | ${g.met ? "yes" : "**no**"} |`),
];
console.log(
  JSON.stringify({
    part: "chubby",
    machine,
    results: {
      simulatedMs: HOUR,
      clients: CLIENTS,
      events: simEvents,
      wallMs: simWall,
      hourWallMs: hourWall,
      eventsPerSecond: simRate,
      bareEventsPerSecond: bare,
      shareOfBare: share,
      checksOk: simRuns.every((r) => r.ok),
      operations: simRuns[0].ops,
      redundantReads: simRuns[0].redundant,
      failover: { seeds: N, medianElectionMs: f.medianElectionMs, p90ElectionMs: p90, medianReadyMs: f.medianReadyMs },
      keepAliveShare: simRuns[0].keepAlive,
      sweep: { seeds: SEEDS, wallS: sweepS, failures: sw.failures.length },
    },
    goals,
    markdown: md.join("\n"),
  }),
);
