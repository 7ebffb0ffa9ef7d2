/**
 * Day 2, Chubby: the deterministic simulated world the cell runs in. An
 * event queue, a network with delay, loss, duplication and partitions,
 * drifting node clocks, crashes, restarts and process pauses, a seeded fault
 * schedule, and a trace whose hash proves that a seed replays exactly.
 * Generic over message types; it knows nothing of Raft or Chubby.
 * @module chubby/world
 */
export { WorldError, type WorldErrorCode } from "./errors.js";
export { EventQueue, type QueuedEvent } from "./queue.js";
export { splitSeed, streamRng } from "./streams.js";
export { TraceHash } from "./trace-hash.js";
export {
  type DelayDistribution,
  type NetworkOptions,
  type NetworkModel,
  networkModel,
  delaySampler,
  checkRate,
} from "./network.js";
export {
  type FaultEvent,
  type MsRange,
  type FaultScheduleOptions,
  faultSchedule,
  formatSchedule,
  describeFault,
} from "./faults.js";
export { type DropReason, type TraceMode, type TraceRecord, formatTrace } from "./trace.js";
export {
  type NodeHandler,
  type WorldOptions,
  type RunOptions,
  type WorldStats,
  World,
  createWorld,
} from "./world.js";
