/**
 * Raft as a pure state machine (tick / step / propose / ready), with pre-vote,
 * CheckQuorum, fast log backtracking and a leader lease (Chubby's master
 * lease), and an incremental monitor of Raft's safety properties. The
 * Chubby cell runs on it; the simulated world drives it.
 * @module chubby/raft
 */
export { RaftError, type RaftErrorCode } from "./errors.js";
export type {
  Entry,
  HardState,
  PersistedState,
  RaftState,
  MessageBase,
  VoteRequest,
  VoteResponse,
  AppendRequest,
  AppendResponse,
  RaftMessage,
  Ready,
  RandomSource,
  RaftConfig,
} from "./types.js";
export { type ResolvedRaftConfig, resolveRaftConfig } from "./config.js";
export { type UnstableEntries, RaftLog, NO_ENTRIES } from "./log.js";
export { type RaftNode, createRaftNode } from "./node.js";
export {
  type RaftView,
  type RaftProperty,
  type RaftViolation,
  type RaftSafetyMonitor,
  createRaftSafetyMonitor,
} from "./monitor.js";
