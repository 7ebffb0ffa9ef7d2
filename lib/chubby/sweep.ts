/**
 * @module chubby/sweep
 *
 * Many seeded runs at once, and the experiments a notebook calls in one line:
 * - `sweepScenario` / `runSweep`: random fault schedules (replica crashes,
 *   pauses and partitions, never more than a minority at once; client
 *   crashes and GC pauses; message loss; clock drift), quiet at the end so
 *   liveness can be checked, over a range of seeds, optionally on a broken variant;
 * - `takeoverSweep`: how long until a waiter gets the lock after its holder
 *   crashed, against the session lease and the lock-delay;
 * - `pausedHolderCase`: a lock holder frozen past its lease wakes up and
 *   writes with its old sequencer; the resource server rejects it;
 * - `rpcMix`: the share of each RPC kind in a quiet cell (KeepAlives dominate);
 * - `failoverSweep`: master fail-over times over many seeds.
 * And `scenarioByName`, which the replay script uses.
 */
import { performance } from "node:perf_hooks";
import { ChubbyError } from "./cell/index.js";
import { type ChubbyResult, type ResourceWrite, runChubby } from "./simulation.js";
import { type Scenario, type ScenarioInput, defaultScenario, resolveScenario } from "./scenario.js";
import type { SimViolation } from "./recorder.js";
import type { VariantName } from "./variants.js";

/**
 * The sweep's scenario for one seed: 90 simulated seconds of the seed's cell
 * (5 replicas, 3 web servers, 5 s lock-delay) under random faults for the
 * first 60 s, up to 0.5% clock drift.
 * @param seed - the seed
 * @param variant - a broken variant, if any
 * @returns the scenario (named "sweep")
 * @example
 * sweepScenario(42).random?.quietAfterMs; // => 60000
 */
export function sweepScenario(seed: number, variant?: VariantName | null): Scenario {
  return resolveScenario({
    name: "sweep",
    seed,
    variant: variant ?? null,
    durationMs: 90_000,
    lockDelayMs: 5_000,
    faults: [],
    timing: { clockDrift: 0.005 },
    app: { readEveryMs: 1500, thinkMs: 600 },
    random: {
      quietAfterMs: 60_000,
      replicaCrashEveryMs: 25_000,
      replicaDownMs: [1_000, 15_000],
      replicaPauseEveryMs: 30_000,
      replicaPauseMs: [100, 6_000],
      partitionEveryMs: 25_000,
      partitionMs: [1_000, 15_000],
      clientCrashEveryMs: 45_000,
      clientDownMs: [1_000, 20_000],
      clientPauseEveryMs: 20_000,
      clientPauseMs: [500, 40_000],
      lossRate: 0.005,
    },
    livenessBoundMs: 25_000,
  });
}

/**
 * The paused-holder scenario: the lock holder freezes at `pauseAtMs` for
 * `pauseMs` (longer than its session lease plus the lock-delay), a waiter
 * takes over, then the old holder wakes up and writes with its old sequencer.
 * @param overrides - fields to change (e.g. `{ variant: "no-fencing" }`)
 * @returns the scenario (named "paused-holder")
 * @example
 * pausedHolderScenario().faults[0].kind; // => "pause"
 */
export function pausedHolderScenario(overrides: ScenarioInput = {}): Scenario {
  return resolveScenario({
    name: "paused-holder",
    durationMs: 90_000,
    faults: [{ at: 20_000, kind: "pause", target: "holder", ms: 40_000 }],
    app: { thinkMs: 300, writeEveryMs: 1000 },
    ...overrides,
  });
}

/**
 * The named scenarios the replay command knows: "seed", "sweep", "paused-holder".
 * @param name - the scenario's name
 * @param seed - the seed
 * @param variant - a broken variant, if any
 * @returns the scenario
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG for an unknown name or variant
 * @example
 * scenarioByName("sweep", 7, "no-fencing").variant; // => "no-fencing"
 */
export function scenarioByName(name: string, seed: number, variant?: string): Scenario {
  const v = (variant ?? null) as VariantName | null;
  switch (name) {
    case "seed":
      return defaultScenario({ seed, variant: v });
    case "sweep":
      return sweepScenario(seed, v);
    case "paused-holder":
      return pausedHolderScenario({ seed, variant: v });
    default:
      throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `unknown scenario ${JSON.stringify(name)}; known: seed, sweep, paused-holder`);
  }
}

/**
 * Options of {@link runSweep}.
 * @example
 * const o: SweepOptions = { seeds: [0, 100], variant: "no-lock-delay" };
 */
export interface SweepOptions {
  /** Seeds [from, to). */
  seeds: readonly [number, number];
  /** A broken variant, if any. */
  variant?: VariantName | null;
  /** Stop at the first failing seed (default false). */
  stopAtFirst?: boolean;
  /** Changes applied to every seed's scenario. */
  overrides?: ScenarioInput;
  /** Called after each run (for progress). */
  onRun?: (seed: number, result: ChubbyResult) => void;
}

/**
 * A failing seed: its violations and the command that replays it.
 * @example
 * console.log(`${f.seed}: ${f.violations[0].invariant} -> ${f.replay}`);
 */
export interface SweepFailure {
  seed: number;
  violations: SimViolation[];
  replay: string;
}

/**
 * What {@link runSweep} found.
 * @example
 * const s: SweepSummary = runSweep({ seeds: [0, 10] }); s.failures.length; // => 0
 */
export interface SweepSummary {
  runs: number;
  variant: VariantName | null;
  failures: SweepFailure[];
  /** Failing seeds per invariant. */
  byInvariant: Record<string, number>;
  /** Total simulated events. */
  events: number;
  /** Faults applied over all runs. */
  faults: number;
  /** Master fail-overs seen over all runs. */
  failovers: number;
  /** Wall-clock ms (measurement only). */
  wallMs: number;
}

/**
 * Runs the sweep scenario over seeds [from, to) and collects every failing seed.
 * @param opts - seeds, variant, overrides
 * @returns the summary
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG for a bad range or variant
 * @example
 * const s = runSweep({ seeds: [0, 50], variant: "no-fencing" });
 * s.failures[0]?.replay; // => "npx tsx scripts/chubby-replay.ts --seed ... --scenario sweep --variant no-fencing"
 */
export function runSweep(opts: SweepOptions): SweepSummary {
  const [from, to] = opts.seeds;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `seeds must be [from, to) with integers from <= to, got [${from}, ${to})`);
  }
  const t0 = performance.now();
  const variant = opts.variant ?? null;
  const out: SweepSummary = { runs: 0, variant, failures: [], byInvariant: {}, events: 0, faults: 0, failovers: 0, wallMs: 0 };
  for (let seed = from; seed < to; seed++) {
    const sc = { ...sweepScenario(seed, variant), ...(opts.overrides ?? {}) } as ScenarioInput;
    const r = runChubby(sc);
    out.runs++;
    out.events += r.events;
    out.faults += r.faults.length;
    out.failovers += r.failovers.length;
    opts.onRun?.(seed, r);
    if (!r.verdict.ok) {
      out.failures.push({ seed, violations: r.verdict.violations, replay: r.verdict.replay ?? "" });
      for (const name of new Set(r.verdict.violations.map((v) => v.invariant))) out.byInvariant[name] = (out.byInvariant[name] ?? 0) + 1;
      if (opts.stopAtFirst === true) break;
    }
  }
  out.wallMs = performance.now() - t0;
  return out;
}

/**
 * One cell of the takeover sweep.
 * @example
 * const r: TakeoverRow = { sessionLeaseMs: 12000, lockDelayMs: 10000, seed: 1, takeoverMs: 29000 };
 */
export interface TakeoverRow {
  sessionLeaseMs: number;
  lockDelayMs: number;
  seed: number;
  /** Holder crash to the next grant (null if none within the run). */
  takeoverMs: number | null;
}

/**
 * Takeover time against session lease and lock-delay: for each pair and
 * seed, the lock holder crashes at 20 s (and stays down) and the time until
 * a waiter is granted the lock is measured. Expect about
 * `2 × lease − margin + lock-delay` at most: the dead holder's outstanding
 * KeepAlive is answered once more before its session can expire.
 * @param opts - the leases and lock-delays to try (ms), seeds per pair (default 3)
 * @returns one row per (lease, lock-delay, seed)
 * @example
 * takeoverSweep({ sessionLeasesMs: [6000, 12000], lockDelaysMs: [0, 10000], seeds: 2 }).length; // => 8
 */
export function takeoverSweep(opts: { sessionLeasesMs: readonly number[]; lockDelaysMs: readonly number[]; seeds?: number }): TakeoverRow[] {
  const rows: TakeoverRow[] = [];
  const n = opts.seeds ?? 3;
  for (const lease of opts.sessionLeasesMs) {
    for (const delay of opts.lockDelaysMs) {
      for (let seed = 1; seed <= n; seed++) {
        const r = runChubby({
          name: "takeover",
          seed,
          lockDelayMs: delay,
          timing: { sessionLeaseMs: lease },
          durationMs: 20_000 + 2 * lease + delay + 20_000,
          faults: [{ at: 20_000, kind: "crash", target: "holder" }],
          check: false,
        });
        rows.push({ sessionLeaseMs: lease, lockDelayMs: delay, seed, takeoverMs: r.takeovers[0]?.takeoverMs ?? null });
      }
    }
  }
  return rows;
}

/**
 * The paused holder's late write, run once.
 * @example
 * const c: PausedHolderReport = pausedHolderCase(); c.lateWrites.every((w) => !w.accepted); // => true
 */
export interface PausedHolderReport {
  result: ChubbyResult;
  holder: string | null;
  pausedAt: number;
  resumedAt: number;
  /** The holder that took over, and when it was granted. */
  next: string | null;
  grantedAt: number | null;
  /** Writes the old holder sent after waking up (what the resource did with them). */
  lateWrites: ResourceWrite[];
}

/**
 * Runs {@link pausedHolderScenario}: the holder is frozen for 40 s, a waiter
 * takes over after the session lease and the lock-delay, and the old
 * holder's write sent right after waking is rejected by its sequencer (or,
 * with `variant: "no-fencing"`, accepted: two writers).
 * @param overrides - fields to change
 * @returns the run and the late writes
 * @example
 * pausedHolderCase().lateWrites[0]?.accepted; // => false
 */
export function pausedHolderCase(overrides: ScenarioInput = {}): PausedHolderReport {
  const sc = pausedHolderScenario(overrides);
  const result = runChubby(sc);
  const pause = sc.faults.find((f) => f.kind === "pause");
  const applied = result.faults.find((f) => f.kind === "pause");
  const pausedAt = applied?.at ?? pause?.at ?? 0;
  const resumedAt = pausedAt + (pause?.ms ?? 0);
  const holder = applied?.node ?? null;
  const t = result.takeovers[0];
  const lateWrites = result.resourceWrites.filter((w) => w.holder === holder && w.at >= resumedAt);
  return { result, holder, pausedAt, resumedAt, next: t?.next ?? null, grantedAt: t?.grantedAt ?? null, lateWrites };
}

/**
 * The RPC mix of a quiet cell: `minutes` simulated minutes of the seed's
 * cell without faults; KeepAlives should be about 90% of the RPCs.
 * @param overrides - fields to change (e.g. more web servers)
 * @param minutes - simulated minutes (default 30)
 * @returns the mix by kind and the KeepAlive share
 * @example
 * rpcMix().keepAliveShare; // => about 0.9
 */
export function rpcMix(overrides: ScenarioInput = {}, minutes = 30): { mix: ChubbyResult["rpcMix"]; keepAliveShare: number; total: number } {
  const r = runChubby({ name: "rpc-mix", durationMs: minutes * 60_000, faults: [], check: false, ...overrides });
  const total = r.rpcMix.reduce((a, x) => a + x.count, 0);
  return { mix: r.rpcMix, keepAliveShare: total === 0 ? 0 : (r.rpcCounts.keepAlive ?? 0) / total, total };
}

/**
 * Master fail-over times over many seeds: the master crashes at 20 s; the
 * election time (crash to a new master with a valid lease) and the ready
 * time (to all operations allowed) of each seed.
 * @param seeds - how many seeds (from 1)
 * @param overrides - fields to change (e.g. timing)
 * @returns one row per seed, and the medians
 * @example
 * failoverSweep(20).medianElectionMs; // => about 4500-5500
 */
export function failoverSweep(seeds: number, overrides: ScenarioInput = {}): { rows: { seed: number; electionMs: number | null; readyMs: number | null }[]; medianElectionMs: number; medianReadyMs: number } {
  const rows: { seed: number; electionMs: number | null; readyMs: number | null }[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const r = runChubby({
      name: "failover",
      seed,
      durationMs: 50_000,
      faults: [{ at: 20_000, kind: "crash", target: "master" }],
      check: false,
      ...overrides,
    });
    const f = r.failovers[0];
    rows.push({ seed, electionMs: f?.electionMs ?? null, readyMs: f?.readyMs ?? null });
  }
  return { rows, medianElectionMs: median(rows.map((r) => r.electionMs)), medianReadyMs: median(rows.map((r) => r.readyMs)) };
}

function median(xs: (number | null)[]): number {
  const v = xs.filter((x): x is number => x !== null).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m] : (v[m - 1] + v[m]) / 2;
}
