/**
 * @module chubby/raft/errors
 *
 * The one error type the Raft modules throw. Callers branch on the stable
 * `code` string, never on the message.
 */

/**
 * Why a Raft call failed.
 *
 * - `ERR_RAFT_CONFIG`: a bad node configuration (unknown or duplicate peers,
 *   `leaseTicks >= electionTicks`, non-integer tick counts, ...).
 * - `ERR_RAFT_INPUT`: a bad argument at run time: a message not addressed to
 *   this node or from an unknown peer, a malformed persisted state, an
 *   unknown node id given to the safety monitor.
 * - `ERR_RAFT_NOT_LEADER`: `propose` on a node that is not the leader; the
 *   error carries the leader this node knows of (`leaderId`, or null).
 *
 * @example
 * if (e instanceof RaftError && e.code === "ERR_RAFT_NOT_LEADER") retryAt(e.leaderId);
 */
export type RaftErrorCode = "ERR_RAFT_CONFIG" | "ERR_RAFT_INPUT" | "ERR_RAFT_NOT_LEADER";

/**
 * Error thrown by every function in the Raft modules.
 *
 * @param code - machine-readable reason, see {@link RaftErrorCode}
 * @param message - short human-readable explanation
 * @param leaderId - for `ERR_RAFT_NOT_LEADER`: the leader this node knows of, or null
 * @returns a new RaftError (use with `throw`)
 * @throws never
 * @example
 * try { node.propose("x"); }
 * catch (e) { e instanceof RaftError && e.code; } // => "ERR_RAFT_NOT_LEADER"
 */
export class RaftError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: RaftErrorCode;
  /** For `ERR_RAFT_NOT_LEADER`: the leader the refusing node knows of (null when none). */
  readonly leaderId: string | null;

  constructor(code: RaftErrorCode, message: string, leaderId: string | null = null) {
    super(message);
    // Keep `instanceof RaftError` working when down-levelled (tslab, older targets).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "RaftError";
    this.code = code;
    this.leaderId = leaderId;
  }
}
