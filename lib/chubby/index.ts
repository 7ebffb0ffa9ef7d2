/**
 * Day 2, Chubby: a deterministic simulation of a lock-service cell, checked
 * under faults. The public face for the notebook: run the seed's scenario
 * (`runChubby`), sweep seeds and broken variants (`runSweep`), and the
 * one-call experiments (`takeoverSweep`, `pausedHolderCase`, `rpcMix`,
 * `failoverSweep`). The parts are re-exported as namespaces (`raft`,
 * `world`, `cell`, `check`) with their most used names also at the top.
 * The real etcd cluster and election are the `etcd` namespace.
 *
 * @module chubby
 * @example
 * import { runChubby } from "./lib/chubby/index.js";
 * const r = runChubby({ seed: 7 });
 * r.verdict.summary; // => "ok: 0 violations (...)"
 */
export { type Timing, type TimingOptions, DEFAULT_TIMING, resolveTiming } from "./config.js";
export { type VariantName, type VariantFlags, VARIANTS, EXPECTED_VIOLATION, variantFlags } from "./variants.js";
export {
  type AppOptions,
  type RandomFaults,
  type Scenario,
  type ScenarioFault,
  type ScenarioInput,
  defaultScenario,
  resolveScenario,
  seedScenario,
} from "./scenario.js";
export {
  type AppliedFault,
  type ChubbyResult,
  type Failover,
  type ResourceWrite,
  type RunHooks,
  type SetupContext,
  type Takeover,
  type Verdict,
  RESOURCE_ID,
  runChubby,
} from "./simulation.js";
export {
  type PausedHolderReport,
  type SweepFailure,
  type SweepOptions,
  type SweepSummary,
  type TakeoverRow,
  failoverSweep,
  pausedHolderCase,
  pausedHolderScenario,
  rpcMix,
  runSweep,
  scenarioByName,
  sweepScenario,
  takeoverSweep,
} from "./sweep.js";
export { type ClientEventRecord, type ClientState, type ReplicaRole, type SimViolation, type Span, Recorder } from "./recorder.js";
export { type AcquireOptions, type Callback, type ClientEnv, type ClientEvent, type OpenOptions, type SessionStatus, ChubbyClient } from "./client.js";
export { type CellEnv, Master, Replica } from "./replica.js";
export { type WebServerConfig, WebServer } from "./app.js";
export { type CallKind, type ClientCall, type DeliveredEvent, type Msg, type OutboxEntry, type Reply, callKind, foldTrace } from "./messages.js";
export { SimNode, type SimTimer } from "./sim-node.js";
export { ChubbyError, type ChubbyErrorCode, CHUBBY_ERROR_CODES, MAX_LOCK_DELAY_MS, MAX_CONTENT_BYTES, createFencedResource } from "./cell/index.js";
export { type History, type Violation, checkAll, formatSummary, replayCommand, parseReplayArgs, parseReplayCommand } from "./check/index.js";
export { createWorld, faultSchedule, describeFault } from "./world/index.js";
export { createRaftNode, createRaftSafetyMonitor } from "./raft/index.js";
export * as raft from "./raft/index.js";
export * as world from "./world/index.js";
export * as cell from "./cell/index.js";
export * as check from "./check/index.js";
export * as etcd from "./etcd/index.js";
