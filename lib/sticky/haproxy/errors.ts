/**
 * @module sticky/haproxy/errors
 *
 * The error the HAProxy helpers throw when HAProxy itself is the problem:
 * not installed, refusing its configuration, or answering an admin command
 * with an error. Bad arguments are a {@link StickyError} `ERR_STICKY_INPUT`,
 * as everywhere in `lib/sticky`.
 */

/**
 * Why an HAProxy call failed.
 *
 * - `ERR_HAPROXY_MISSING`: no `haproxy` binary (see `HAPROXY_SKIP_MESSAGE`).
 * - `ERR_HAPROXY_START`: it exited or did not accept connections in time;
 *   `stderr` holds what it printed (e.g. a configuration error).
 * - `ERR_HAPROXY_ADMIN`: the admin socket could not be reached, timed out,
 *   or answered a command with an error (e.g. "No such server.").
 */
export type HaproxyErrorCode = "ERR_HAPROXY_MISSING" | "ERR_HAPROXY_START" | "ERR_HAPROXY_ADMIN";

/**
 * Error thrown when HAProxy is missing, fails to start, or rejects an admin command.
 *
 * @param code - machine-readable reason, see {@link HaproxyErrorCode}
 * @param message - short human-readable explanation
 * @param stderr - what HAProxy printed on stderr (or answered on its socket), if anything
 * @returns a new HaproxyError (use with `throw`)
 * @throws never
 * @example
 * try { await startHaproxy({ servers: [{ id: "A", port: 9001 }] }); }
 * catch (e) { e instanceof HaproxyError && e.code; } // => "ERR_HAPROXY_MISSING" where it is not installed
 */
export class HaproxyError extends Error {
  /** Machine-readable reason for the failure. */
  readonly code: HaproxyErrorCode;
  /** HAProxy's stderr (start failures) or its socket answer (admin failures); "" if none. */
  readonly stderr: string;

  constructor(code: HaproxyErrorCode, message: string, stderr = "") {
    super(stderr.trim() === "" ? message : `${message}\n${stderr.trim()}`);
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "HaproxyError";
    this.code = code;
    this.stderr = stderr;
  }
}
