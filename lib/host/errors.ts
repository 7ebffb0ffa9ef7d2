/**
 * @module host/errors
 *
 * The error of the host helpers, with a stable `code`:
 * - `ERR_HOST_INPUT`: a bad argument (e.g. a port count out of range).
 */

/** The codes a {@link HostError} can carry. */
export type HostErrorCode = "ERR_HOST_INPUT";

/**
 * A host helper was called wrongly.
 * @example
 * try { await freePorts(0); } catch (e) { (e as HostError).code; } // => "ERR_HOST_INPUT"
 */
export class HostError extends Error {
  readonly code: HostErrorCode;
  constructor(code: HostErrorCode, message: string) {
    super(message);
    this.name = "HostError";
    this.code = code;
  }
}
