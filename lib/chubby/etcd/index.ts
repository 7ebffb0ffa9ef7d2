/**
 * @module chubby/etcd
 *
 * The real thing beside Day 2's simulation: a 3-member etcd cluster on
 * 127.0.0.1 (Debian's etcd 3.4), web servers electing a master with the npm
 * `etcd3` client's election API (blocking, FIFO by key revision), the key's
 * revision as fencing token, and faults injected by PID: SIGKILL the Raft
 * leader, SIGKILL the lock holder, SIGSTOP the lock holder past its lease.
 * Every process started here is stopped by PID, also when a cell or test
 * fails (exit handler plus a reaper process).
 */
export { ETCD_MISSING_MESSAGE, etcdAvailable } from "./available.js";
export { type EtcdLabErrorCode, EtcdLabError } from "./errors.js";
export { type EtcdClientOptions, createEtcdClient, etcd3ModulePath } from "./client.js";
export { FENCE_WIDTH, fenceValue, parseFenceValue } from "./fence.js";
export { freePorts } from "./ports.js";
export { REAPER_SOURCE, trackedProcesses } from "./guard.js";
export {
  type EtcdCluster,
  type EtcdClusterOptions,
  type EtcdMember,
  type EtcdMemberStatus,
  type WaitForLeaderOptions,
  startEtcdCluster,
} from "./cluster.js";
export {
  CANDIDATE_SOURCE,
  type CandidateEvent,
  type CandidateOptions,
  type ElectionCandidate,
  spawnCandidate,
} from "./candidate.js";
export {
  ETCD_SCENARIOS,
  type EtcdElectionOptions,
  type EtcdElectionResult,
  type EtcdScenario,
  type EtcdTimelineRow,
  runEtcdElection,
} from "./election.js";
export {
  type EtcdTakeoverOptions,
  type EtcdTakeoverRow,
  type EtcdTakeoverSummary,
  etcdTakeoverExperiment,
  summarizeTakeovers,
} from "./experiment.js";
