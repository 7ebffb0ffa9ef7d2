/**
 * @module chubby/cell/errors
 *
 * The one error type of the Chubby cell, with a stable `code` for every way a call can fail.
 * Callers (the client library, the checker, tests) branch on `code`, never on the message.
 * The later glue layer (master, sessions, fail-over) reuses the same codes.
 */

/**
 * Every error code, each with the one-line meaning it has everywhere in `lib/chubby`.
 *
 * @example
 * CHUBBY_ERROR_CODES.ERR_CHUBBY_LOCK_BUSY; // => "TryAcquire: the lock cannot be granted now"
 */
export const CHUBBY_ERROR_CODES = {
  ERR_CHUBBY_BAD_PATH:
    "malformed name: not /ls/<cell>/..., an empty, '.' or '..' component, a bad character, too long, another cell, or the cell root where a node is required",
  ERR_CHUBBY_NOT_FOUND: "no node with that name, or its parent directory does not exist",
  ERR_CHUBBY_EXISTS: "exclusive create of a name that exists, or a session id that is already in use",
  ERR_CHUBBY_NOT_EMPTY: "Delete of a directory that still has children",
  ERR_CHUBBY_NOT_DIRECTORY: "a path component or the ReadDir target is a file, not a directory",
  ERR_CHUBBY_IS_DIRECTORY: "a contents operation on a directory (directories have no contents)",
  ERR_CHUBBY_TOO_LARGE: "contents over the cell's limit (256 KiB, counted in UTF-8 bytes)",
  ERR_CHUBBY_PERMISSION: "the session's user is not in the node's ACL for this access, or the handle was opened without it",
  ERR_CHUBBY_CAS_MISMATCH: "compare-and-swap SetContents: the content generation differs from the expected one",
  ERR_CHUBBY_LOCK_NOT_HELD: "Release or GetSequencer through a handle that does not hold the lock",
  ERR_CHUBBY_LOCK_BUSY: "TryAcquire: the lock cannot be granted now",
  ERR_CHUBBY_LOCK_ALREADY_HELD: "Acquire through a handle that already holds or already waits for the lock",
  ERR_CHUBBY_BAD_HANDLE: "not a handle this cell issued to this session",
  ERR_CHUBBY_STALE_HANDLE: "a handle that was valid but is no longer: closed, or its node deleted",
  ERR_CHUBBY_OLD_EPOCH: "a call stamped with an epoch older than the current master's",
  ERR_CHUBBY_SESSION_EXPIRED: "the session has ended (expired or closed) or was never created",
  ERR_CHUBBY_LOCK_DELAY_TOO_LONG: "a lock-delay above the cell's cap (one minute)",
  ERR_CHUBBY_BAD_SEQUENCER: "a malformed sequencer or fencing token",
  ERR_CHUBBY_STALE_SEQUENCER: "a well-formed sequencer that is no longer valid: older than one seen, or its lock is not held so",
  ERR_CHUBBY_NOT_MASTER: "the replica called is not the master holding a valid master lease (glue layer)",
  ERR_CHUBBY_UNAVAILABLE: "no master could be reached before the call's deadline (glue layer)",
  ERR_CHUBBY_BAD_CONFIG: "invalid cell configuration or snapshot",
  ERR_CHUBBY_BAD_COMMAND: "a malformed command: unknown type, missing field, wrong type or out-of-range value",
} as const;

/** A stable machine-readable reason, one of the keys of {@link CHUBBY_ERROR_CODES}. */
export type ChubbyErrorCode = keyof typeof CHUBBY_ERROR_CODES;

/**
 * Error thrown (or returned in a failed command outcome) by every function of the Chubby cell.
 *
 * @param code - machine-readable reason, see {@link CHUBBY_ERROR_CODES}
 * @param message - short human-readable explanation
 * @returns a new ChubbyError
 * @throws never
 * @example
 * try { parsePath("/etc/passwd"); }
 * catch (e) { e instanceof ChubbyError && e.code; } // => "ERR_CHUBBY_BAD_PATH"
 */
export class ChubbyError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: ChubbyErrorCode;

  constructor(code: ChubbyErrorCode, message: string) {
    super(message);
    // Keep `instanceof ChubbyError` working when down-levelled (tslab compiles to CommonJS).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "ChubbyError";
    this.code = code;
  }
}
