/**
 * @module chubby/scenario
 *
 * A run of the simulated cell as one plain object: the cell (replicas, cell
 * name, timing), the web servers of the paper's example (each tries to
 * Acquire the lock on `/ls/<cell>/web/leader`; the winner writes its name
 * into the file and makes sequencer-fenced writes to a resource server; the
 * others read the file to learn the leader), the faults (scripted, like
 * "crash the master at 30 s", and/or drawn from a seeded schedule), a broken
 * variant if any, and what to record. `resolveScenario` merges overrides
 * into the defaults and checks them.
 */
import { ChubbyError } from "./cell/index.js";
import type { TimingOptions } from "./config.js";
import { type VariantName, variantFlags } from "./variants.js";
import type { MsRange, NetworkOptions, TraceMode } from "./world/index.js";

/**
 * A scripted fault. `target` names a node, or "master" (the replica leading
 * at that instant) or "holder" (the web server holding the lock then).
 * - crash (with `downMs`: restarted that much later), restart, pause for `ms`,
 * - isolate (cut off from every node; with `downMs`: healed later), partition into `groups`, heal,
 * - loss: the network's loss `rate` from then on.
 *
 * @example
 * const f: ScenarioFault = { at: 30_000, kind: "crash", target: "master", downMs: 20_000 };
 */
export interface ScenarioFault {
  at: number;
  kind: "crash" | "restart" | "pause" | "isolate" | "partition" | "heal" | "loss";
  target?: string;
  ms?: number;
  downMs?: number;
  groups?: string[][];
  rate?: number;
}

/**
 * Seeded random faults (Jepsen / VOPR style) until `quietAfterMs`, then quiet so liveness can be checked.
 * Replica faults never take down more than a minority at once; client faults hit one client at a time.
 *
 * @example
 * const r: RandomFaults = { quietAfterMs: 60_000, replicaCrashEveryMs: 20_000, clientPauseEveryMs: 30_000 };
 */
export interface RandomFaults {
  quietAfterMs: number;
  replicaCrashEveryMs?: number;
  replicaDownMs?: MsRange;
  replicaPauseEveryMs?: number;
  replicaPauseMs?: MsRange;
  partitionEveryMs?: number;
  partitionMs?: MsRange;
  clientCrashEveryMs?: number;
  clientDownMs?: MsRange;
  clientPauseEveryMs?: number;
  clientPauseMs?: MsRange;
  /** Message loss rate while faults run (default 0). */
  lossRate?: number;
}

/**
 * What each web server does.
 * @example
 * const a: AppOptions = { writeEveryMs: 1000, thinkMs: 300, readEveryMs: 2000, startAtMs: 500, staggerMs: 50 };
 */
export interface AppOptions {
  /** The leader makes a fenced write this often (local ms). */
  writeEveryMs: number;
  /** Between deciding to write (it holds the lock) and sending the write: where a GC pause hurts. */
  thinkMs: number;
  /** A non-leader reads the lock file this often to learn the leader (0: never). */
  readEveryMs: number;
  /** When the first web server starts (global ms). */
  startAtMs: number;
  /** Each next web server starts this much later. */
  staggerMs: number;
}

/**
 * A complete scenario (see {@link resolveScenario} for the defaults).
 * @example
 * const s: Scenario = defaultScenario();
 */
export interface Scenario {
  /** The name the replay command uses ("seed", "sweep", "paused-holder", or your own). */
  name: string;
  seed: number;
  durationMs: number;
  cell: string;
  replicas: number;
  webServers: number;
  /** Default `/ls/<cell>/web/leader`. */
  lockPath: string;
  /** The lock-delay each web server asks for with Acquire (ms, at most 60 000). */
  lockDelayMs: number;
  timing: TimingOptions;
  network: NetworkOptions;
  app: AppOptions;
  faults: ScenarioFault[];
  random: RandomFaults | null;
  variant: VariantName | null;
  /** "hash" (default) for the trace hash; "full" also keeps every record; "off" is fastest. */
  trace: TraceMode;
  /** Run the checkers after the run (default true). */
  check: boolean;
  /** After random faults stop, a master must hold a lease within this bound (ms). */
  livenessBoundMs: number;
}

/** Overrides of a scenario: any field, and any part of timing, network and app. @example const o: ScenarioInput = { seed: 7, timing: { sessionLeaseMs: 6000 }, app: { thinkMs: 500 } }; */
export type ScenarioInput = Partial<Omit<Scenario, "app">> & { app?: Partial<AppOptions> };

/**
 * The seed's scenario: a 5-replica cell, 3 web servers electing a leader
 * through `/ls/cell/web/leader` with a 10 s lock-delay, the master crashed at
 * 30 s (back 20 s later) and the lock holder crashed at 75 s (back 15 s
 * later), 2 minutes in all.
 * @param overrides - fields to change
 * @returns a complete scenario (a fresh object)
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG on a bad override
 * @example
 * defaultScenario({ seed: 7 }).replicas; // => 5
 */
export function defaultScenario(overrides: ScenarioInput = {}): Scenario {
  return resolveScenario(overrides);
}

/**
 * Same as {@link defaultScenario} (the seed's example).
 * @example
 * seedScenario().webServers; // => 3
 */
export const seedScenario = defaultScenario;

function bad(msg: string): ChubbyError {
  return new ChubbyError("ERR_CHUBBY_BAD_CONFIG", msg);
}

function int(name: string, v: unknown, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) throw bad(`${name} must be an integer >= ${min}, got ${String(v)}`);
  return v;
}

function nonNeg(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw bad(`${name} must be a finite number >= 0, got ${String(v)}`);
  return v;
}

/**
 * Merges overrides into the defaults and checks the result.
 * @param input - overrides (any subset)
 * @returns a complete scenario
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG on a bad value (replica count, lock-delay over 60 s, unknown variant, a fault without a time, ...)
 * @example
 * resolveScenario({ replicas: 3, faults: [] }).lockPath; // => "/ls/cell/web/leader"
 */
export function resolveScenario(input: ScenarioInput = {}): Scenario {
  if (input === null || typeof input !== "object") throw bad("a scenario must be an object");
  const cell = input.cell ?? "cell";
  const s: Scenario = {
    name: input.name ?? "seed",
    seed: input.seed ?? 1,
    durationMs: input.durationMs ?? 120_000,
    cell,
    replicas: input.replicas ?? 5,
    webServers: input.webServers ?? 3,
    lockPath: input.lockPath ?? `/ls/${cell}/web/leader`,
    lockDelayMs: input.lockDelayMs ?? 10_000,
    timing: { ...(input.timing ?? {}) },
    network: { minDelayMs: 0.5, meanDelayMs: 1, ...(input.network ?? {}) },
    app: { writeEveryMs: 1000, thinkMs: 300, readEveryMs: 2000, startAtMs: 500, staggerMs: 50, ...(input.app ?? {}) },
    faults: (
      input.faults ?? [
        { at: 30_000, kind: "crash", target: "master", downMs: 20_000 },
        { at: 75_000, kind: "crash", target: "holder", downMs: 15_000 },
      ]
    ).map((f) => ({ ...f })),
    random: input.random === undefined || input.random === null ? null : { ...input.random },
    variant: input.variant ?? null,
    trace: input.trace ?? "hash",
    check: input.check ?? true,
    livenessBoundMs: input.livenessBoundMs ?? 30_000,
  };
  if (typeof s.name !== "string" || s.name.length === 0 || s.name.startsWith("-")) throw bad("name must be a non-empty string");
  if (!Number.isSafeInteger(s.seed)) throw bad(`seed must be a safe integer, got ${String(s.seed)}`);
  if (!(s.durationMs > 0 && Number.isFinite(s.durationMs))) throw bad(`durationMs must be > 0, got ${s.durationMs}`);
  int("replicas", s.replicas, 1);
  int("webServers", s.webServers, 0);
  if (s.lockDelayMs < 0 || s.lockDelayMs > 60_000 || !Number.isFinite(s.lockDelayMs)) throw bad(`lockDelayMs must be in [0, 60000], got ${s.lockDelayMs}`);
  if (!s.lockPath.startsWith(`/ls/${cell}/`)) throw bad(`lockPath ${s.lockPath} is not in cell ${cell}`);
  for (const k of ["writeEveryMs", "readEveryMs", "thinkMs", "startAtMs", "staggerMs"] as const) nonNeg(`app.${k}`, s.app[k]);
  if (s.app.writeEveryMs <= 0) throw bad("app.writeEveryMs must be > 0");
  variantFlags(s.variant ?? undefined);
  for (const f of s.faults) {
    if (f === null || typeof f !== "object" || !(f.at >= 0 && Number.isFinite(f.at))) throw bad(`a fault needs a time at >= 0: ${JSON.stringify(f)}`);
    if (!["crash", "restart", "pause", "isolate", "partition", "heal", "loss"].includes(f.kind)) throw bad(`unknown fault kind ${JSON.stringify(f.kind)}`);
    if ((f.kind === "crash" || f.kind === "restart" || f.kind === "pause" || f.kind === "isolate") && typeof f.target !== "string") {
      throw bad(`a ${f.kind} fault needs a target (a node, "master" or "holder")`);
    }
    if (f.kind === "pause") nonNeg("pause ms", f.ms);
    if (f.kind === "partition" && !Array.isArray(f.groups)) throw bad("a partition fault needs groups");
    if (f.kind === "loss" && !(typeof f.rate === "number" && f.rate >= 0 && f.rate <= 1)) throw bad("a loss fault needs a rate in [0, 1]");
  }
  if (s.random !== null && !(s.random.quietAfterMs >= 0 && s.random.quietAfterMs <= s.durationMs)) {
    throw bad(`random.quietAfterMs must be in [0, durationMs], got ${s.random.quietAfterMs}`);
  }
  if (s.trace !== "hash" && s.trace !== "full" && s.trace !== "off") throw bad(`trace must be "hash", "full" or "off"`);
  nonNeg("livenessBoundMs", s.livenessBoundMs);
  return s;
}
