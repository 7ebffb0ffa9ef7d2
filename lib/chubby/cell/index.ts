/**
 * Day 2, Chubby: the cell's replicated state machine. Every replica applies the committed log
 * with `applyCommand`: the namespace (/ls/<cell>/... files and directories, permanent and
 * ephemeral, generation numbers, ACLs, compare-and-swap), sessions, handles, reader/writer locks
 * with FIFO waiters and lock-delay, sequencers and events (paper §2.3 to §2.6). Pure and
 * deterministic: time arrives inside commands. Plus a fenced resource server that rejects stale
 * sequencers.
 * @module chubby/cell
 */
export { CHUBBY_ERROR_CODES, ChubbyError, type ChubbyErrorCode } from "./errors.js";
export { DEFAULT_MAX_PATH_LENGTH, type ParsedPath, baseName, checkPath, isValidCellName, parentPath, parsePath } from "./path.js";
export { MAX_CONTENT_BYTES, utf8ByteLength } from "./size.js";
export { type Acl, OPEN_ACL, isAllowed, mergeAcl } from "./acl.js";
export {
  type CellConfig,
  type CellOptions,
  type CellState,
  type HandleRec,
  type LockMode,
  type LockRec,
  type NodeRec,
  type SessionRec,
  MAX_LOCK_DELAY_MS,
  createCellState,
  resolveConfig,
} from "./state.js";
export {
  type ChubbyEvent,
  type ChubbyEventKind,
  type Effects,
  type ReleaseReason,
  type Subscription,
  SUBSCRIPTIONS,
  SUBSCRIPTION_BITS,
} from "./events.js";
export * from "./commands.js";
export { applyCommand } from "./apply.js";
export { type Sequencer, checkSequencer, formatSequencer, getSequencer, parseSequencer, validateSequencer } from "./sequencer.js";
export {
  type LockView,
  type SessionView,
  activeLocks,
  findInvariantViolations,
  inspectLock,
  listSessions,
  nextWakeAt,
  readPath,
  statOf,
  statPath,
} from "./inspect.js";
export {
  type CellSnapshot,
  type HandleSnapshot,
  type NodeSnapshot,
  type SessionSnapshot,
  SNAPSHOT_FORMAT,
  restore,
  snapshot,
  stateDigest,
} from "./snapshot.js";
export { hashString } from "./hash.js";
export {
  type FencedResource,
  type FencedResourceOptions,
  type FencedWriteRecord,
  type FencedWriteRequest,
  createFencedResource,
} from "./fenced-resource.js";
