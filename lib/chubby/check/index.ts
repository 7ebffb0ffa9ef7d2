/**
 * Day 2, Chubby: the history checkers. Plain records in (client operations
 * with their invoke and complete times, lock holds, master leases, sessions,
 * fenced writes, ...), violations out: a Knossos-style linearizability
 * checker (Wing & Gong with Lowe's memoization, key by key), the cell's
 * safety and liveness invariants, and the one-line replay command of a
 * failing seed.
 * @module chubby/check
 */
export { CheckError, type CheckErrorCode } from "./errors.js";
export {
  type OpStatus,
  type Operation,
  type LockMode,
  type LockHold,
  type LeaseInterval,
  type SessionLease,
  type FencedWrite,
  type LockDelay,
  type Monotonic,
  type CachedRead,
  type CommittedWrite,
  type LockRequest,
  type LockGrant,
  type Heal,
  type History,
  OP_STATUSES,
  valueKey,
  sameValue,
  showValue,
  formatOp,
  validateOperations,
} from "./history.js";
export {
  type OpRole,
  type Model,
  type RegisterState,
  type RegisterOp,
  type RegisterModelOptions,
  type MutexState,
  defaultRole,
  registerModel,
  mutexModel,
} from "./models.js";
export {
  type LinearizabilityOptions,
  type LinearizableOk,
  type LinearizableViolation,
  type LinearizableUnknown,
  type LinearizabilityResult,
  checkLinearizable,
} from "./linearizability.js";
export { type ReducedKeyOps, dropRedundantReads } from "./redundant-reads.js";
export {
  type InvariantName,
  type Violation,
  type StaleReadOptions,
  type CheckAllOptions,
  type InvariantCount,
  type CheckReport,
  atMostOneValidLease,
  noConflictingLockHolders,
  fencedTokensIncrease,
  lockDelayRespected,
  sessionsOutliveLeases,
  monotonic,
  noStaleCachedReads,
  fifoGrants,
  livenessMasterWithin,
  checkAll,
  formatSummary,
} from "./invariants.js";
export { REPLAY_SCRIPT, type ReplaySpec, replayCommand, parseReplayArgs, parseReplayCommand } from "./replay.js";
