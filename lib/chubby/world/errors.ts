/**
 * @module chubby/world/errors
 *
 * The one error type the simulated world throws on misuse. Callers branch on
 * the stable `code` string, never on the message.
 */

/**
 * Why a world call failed.
 *
 * - `ERR_WORLD_INPUT`: a bad option or argument (a negative or non-finite
 *   delay, a rate outside [0, 1], a drift outside [0, 0.5), a bad fault
 *   schedule option, a run with `until` in the past, ...).
 * - `ERR_WORLD_UNKNOWN_NODE`: a node id that was never added.
 * - `ERR_WORLD_DUPLICATE_NODE`: `addNode` with an id already in use.
 * - `ERR_WORLD_NODE_DOWN`: a timer set, or a message sent, by a crashed node.
 * - `ERR_WORLD_PARTITION`: bad partition groups (unknown or repeated node,
 *   empty group, no group).
 * - `ERR_WORLD_REENTRANT`: `step`/`run` called from inside a handler.
 */
export type WorldErrorCode =
  | "ERR_WORLD_INPUT"
  | "ERR_WORLD_UNKNOWN_NODE"
  | "ERR_WORLD_DUPLICATE_NODE"
  | "ERR_WORLD_NODE_DOWN"
  | "ERR_WORLD_PARTITION"
  | "ERR_WORLD_REENTRANT";

/**
 * Error thrown by the simulated world and its fault schedule.
 *
 * @param code - machine-readable reason, see {@link WorldErrorCode}
 * @param message - short human-readable explanation
 * @returns a new WorldError (use with `throw`)
 * @throws never
 * @example
 * try { createWorld({ seed: 1 }).send("a", "b", 1); }
 * catch (e) { e instanceof WorldError && e.code; } // => "ERR_WORLD_UNKNOWN_NODE"
 */
export class WorldError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: WorldErrorCode;

  constructor(code: WorldErrorCode, message: string) {
    super(message);
    // Keep `instanceof WorldError` working when down-levelled (tslab).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "WorldError";
    this.code = code;
  }
}
