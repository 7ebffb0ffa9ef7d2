/**
 * @module chubby/etcd/experiment
 *
 * Repeats {@link runEtcdElection} to get takeover times to plot beside the
 * simulation's: every scenario, `runs` times, on one cluster (a member killed
 * by `kill-leader` is restarted with its data directory after its run).
 */
import { type EtcdCluster, type EtcdClusterOptions, startEtcdCluster } from "./cluster.js";
import { ETCD_SCENARIOS, type EtcdElectionResult, type EtcdScenario, runEtcdElection } from "./election.js";
import { EtcdLabError } from "./errors.js";

/** Options of {@link etcdTakeoverExperiment}. */
export interface EtcdTakeoverOptions {
  /** Repetitions of every scenario, 1..50; default 2. */
  runs?: number;
  /** Lease TTL in whole seconds; default 5. */
  ttlSeconds?: number;
  /** Which scenarios; default all three. */
  scenarios?: readonly EtcdScenario[];
  /** pause-holder: the pause in ms; default ttlSeconds x 1000 + 2000. */
  pauseMs?: number;
  /** Candidate names; default ["web-1", "web-2", "web-3"]. */
  candidates?: readonly string[];
  /** A running cluster to use; default: start one (with `clusterOptions`) and stop it at the end. */
  cluster?: EtcdCluster;
  /** Options for the cluster started when `cluster` is not given. */
  clusterOptions?: EtcdClusterOptions;
  /** Called after every run (e.g. to print progress). */
  onRun?: (row: EtcdTakeoverRow, result: EtcdElectionResult) => void;
}

/** One run of one scenario. */
export interface EtcdTakeoverRow {
  scenario: EtcdScenario;
  /** 1-based. */
  run: number;
  ttlSeconds: number;
  /** From the fault to the first accepted fenced write after it, in ms (null: none). */
  takeoverMs: number | null;
  /** kill-leader: until a new Raft leader, in ms; else null. */
  raftLeaderChangeMs: number | null;
  holderBefore: string;
  holderAfter: string | null;
  holderKeptLock: boolean;
  /** pause-holder: the resumed holder's stale write was rejected; else null. */
  staleWriteRejected: boolean | null;
  writesAccepted: number;
  writesRejected: number;
  writeErrors: number;
  /** Wall time the run took, in ms. */
  durationMs: number;
}

/**
 * Runs every scenario `runs` times on a real etcd cluster and returns one
 * row per run. Budget about 4 s (kill-leader), 6 s (kill-holder) and 9 s
 * (pause-holder) per run with the 5 s TTL.
 *
 * @param options - see {@link EtcdTakeoverOptions}
 * @returns the rows, run by run, scenario by scenario
 * @throws {EtcdLabError} ERR_ETCD_INPUT for bad options; whatever
 *   startEtcdCluster and runEtcdElection throw. A cluster it started is
 *   stopped, also on failure.
 * @example
 * const rows = await etcdTakeoverExperiment({ runs: 2, ttlSeconds: 5 });
 * rows.filter((r) => r.scenario === "kill-holder").map((r) => r.takeoverMs); // => e.g. [4342, 4710]
 */
export async function etcdTakeoverExperiment(options: EtcdTakeoverOptions = {}): Promise<EtcdTakeoverRow[]> {
  const o = options ?? {};
  const runs = o.runs ?? 2;
  if (!Number.isSafeInteger(runs) || runs < 1 || runs > 50) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "etcdTakeoverExperiment: runs must be an integer in [1, 50]");
  }
  const ttlSeconds = o.ttlSeconds ?? 5;
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "etcdTakeoverExperiment: ttlSeconds must be an integer >= 1");
  }
  const scenarios = o.scenarios ?? ETCD_SCENARIOS;
  if (!Array.isArray(scenarios) || scenarios.length === 0 || !scenarios.every((s) => ETCD_SCENARIOS.includes(s))) {
    throw new EtcdLabError("ERR_ETCD_INPUT", `etcdTakeoverExperiment: scenarios must be a non-empty list of ${ETCD_SCENARIOS.join(", ")}`);
  }
  if (o.onRun !== undefined && typeof o.onRun !== "function") {
    throw new EtcdLabError("ERR_ETCD_INPUT", "etcdTakeoverExperiment: onRun must be a function");
  }
  const own = o.cluster === undefined;
  const cluster = o.cluster ?? (await startEtcdCluster(o.clusterOptions ?? {}));
  try {
    const rows: EtcdTakeoverRow[] = [];
    for (let run = 1; run <= runs; run++) {
      for (const scenario of scenarios) {
        const t0 = Date.now();
        const r = await runEtcdElection({ cluster, scenario, ttlSeconds, pauseMs: o.pauseMs, candidates: o.candidates });
        const row: EtcdTakeoverRow = {
          scenario,
          run,
          ttlSeconds,
          takeoverMs: r.takeoverMs,
          raftLeaderChangeMs: r.raftLeaderChangeMs,
          holderBefore: r.holderBefore,
          holderAfter: r.holderAfter,
          holderKeptLock: r.holderKeptLock,
          staleWriteRejected: r.staleWriteRejected,
          writesAccepted: r.writes.accepted,
          writesRejected: r.writes.rejected,
          writeErrors: r.writes.errors,
          durationMs: Date.now() - t0,
        };
        rows.push(row);
        o.onRun?.(row, r);
      }
    }
    return rows;
  } finally {
    if (own) await cluster.stop();
  }
}

/** Takeover times of one scenario, summarized. */
export interface EtcdTakeoverSummary {
  scenario: EtcdScenario;
  /** Runs with a takeover / all runs. */
  runs: number;
  tookOver: number;
  minMs: number | null;
  medianMs: number | null;
  maxMs: number | null;
}

/**
 * Min, median and max takeover time per scenario (runs without a takeover
 * are counted but not in the times).
 *
 * @param rows - rows from {@link etcdTakeoverExperiment}
 * @returns one summary per scenario present, in ETCD_SCENARIOS order
 * @throws {EtcdLabError} ERR_ETCD_INPUT when rows is not an array
 * @example
 * summarizeTakeovers([{ scenario: "kill-holder", takeoverMs: 4300 }, { scenario: "kill-holder", takeoverMs: 4700 }]);
 * // => [{ scenario: "kill-holder", runs: 2, tookOver: 2, minMs: 4300, medianMs: 4500, maxMs: 4700 }]
 */
export function summarizeTakeovers(rows: readonly Pick<EtcdTakeoverRow, "scenario" | "takeoverMs">[]): EtcdTakeoverSummary[] {
  if (!Array.isArray(rows)) throw new EtcdLabError("ERR_ETCD_INPUT", "summarizeTakeovers: rows must be an array");
  const out: EtcdTakeoverSummary[] = [];
  for (const scenario of ETCD_SCENARIOS) {
    const mine = rows.filter((r) => r.scenario === scenario);
    if (mine.length === 0) continue;
    const ms = mine.map((r) => r.takeoverMs).filter((x): x is number => typeof x === "number").sort((a, b) => a - b);
    const mid = ms.length >> 1;
    const median = ms.length === 0 ? null : ms.length % 2 === 1 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
    out.push({
      scenario,
      runs: mine.length,
      tookOver: ms.length,
      minMs: ms.length ? ms[0] : null,
      medianMs: median,
      maxMs: ms.length ? ms[ms.length - 1] : null,
    });
  }
  return out;
}
