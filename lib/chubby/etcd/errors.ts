/**
 * @module chubby/etcd/errors
 *
 * The one error type the real-etcd part of Day 2 throws. Callers branch on
 * the stable `code` string, never on the message.
 */

/**
 * Why a real-etcd call failed.
 *
 * - `ERR_ETCD_INPUT`: a bad argument (member count, timings, names, scenario,
 *   a member that is not running, a stopped cluster, ...).
 * - `ERR_ETCD_MISSING`: the `etcd` binary is not installed (see
 *   `ETCD_MISSING_MESSAGE`).
 * - `ERR_ETCD_START`: an etcd member (or an election candidate) exited or
 *   failed while starting; the message ends with its stderr tail.
 * - `ERR_ETCD_TIMEOUT`: something that should have happened did not within
 *   its bound (no Raft leader, no election, no write).
 */
export type EtcdLabErrorCode = "ERR_ETCD_INPUT" | "ERR_ETCD_MISSING" | "ERR_ETCD_START" | "ERR_ETCD_TIMEOUT";

/**
 * Error thrown by every function of the real-etcd modules.
 *
 * @param code - machine-readable reason, see {@link EtcdLabErrorCode}
 * @param message - short human-readable explanation
 * @param stderrTail - for ERR_ETCD_START: the last lines the process wrote to stderr
 * @returns a new EtcdLabError (use with `throw`)
 * @throws never
 * @example
 * try { await startEtcdCluster({ members: 0 }); }
 * catch (e) { e instanceof EtcdLabError && e.code; } // => "ERR_ETCD_INPUT"
 */
export class EtcdLabError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: EtcdLabErrorCode;
  /** The failing process's last stderr lines (ERR_ETCD_START), else "". */
  readonly stderrTail: string;

  constructor(code: EtcdLabErrorCode, message: string, stderrTail = "") {
    super(stderrTail ? `${message}\n--- stderr tail ---\n${stderrTail}` : message);
    // Restore the prototype chain explicitly (tslab compiles to CommonJS and
    // older targets, where `extends Error` can lose it).
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "EtcdLabError";
    this.code = code;
    this.stderrTail = stderrTail;
  }
}
