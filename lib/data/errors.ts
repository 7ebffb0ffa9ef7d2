/**
 * Typed errors of the data loaders.
 * @module data/errors
 */

/** Stable codes of {@link DataError}. */
export type DataErrorCode = "ERR_DATA_NOT_FOUND" | "ERR_DATA_FORMAT" | "ERR_DATA_UNKNOWN_SERIES";

/**
 * A data file that is missing or does not hold what it should.
 *
 * @example
 * try { loadStock("NOPE"); } catch (e) { (e as DataError).code; } // => "ERR_DATA_UNKNOWN_SERIES"
 */
export class DataError extends Error {
  readonly code: DataErrorCode;
  constructor(code: DataErrorCode, message: string) {
    super(message);
    this.name = "DataError";
    this.code = code;
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
