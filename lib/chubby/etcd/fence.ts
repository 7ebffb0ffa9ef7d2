/**
 * @module chubby/etcd/fence
 *
 * The fencing token as etcd stores it. etcd compares values as bytes, so a
 * token is written as a fixed-width decimal string: then byte order is number
 * order, and a transaction `Value < fenceValue(token + 1)` means "the stored
 * token is at most mine", which is the fenced resource's whole check.
 */
import { EtcdLabError } from "./errors.js";

/**
 * Digits of a stored token: enough for any etcd revision (int64).
 *
 * @example
 * fenceValue(7).length === FENCE_WIDTH; // => true
 */
export const FENCE_WIDTH = 20;

/**
 * A token as the fixed-width string stored in etcd.
 *
 * @param token - a non-negative safe integer (an etcd revision)
 * @returns the token left-padded with zeros to {@link FENCE_WIDTH} digits
 * @throws {EtcdLabError} ERR_ETCD_INPUT for a negative, fractional or unsafe number
 * @example
 * fenceValue(42); // => "00000000000000000042"
 * fenceValue(9) < fenceValue(10); // => true (a plain String(9) < String(10) is false)
 */
export function fenceValue(token: number): string {
  if (!Number.isSafeInteger(token) || token < 0) {
    throw new EtcdLabError("ERR_ETCD_INPUT", `fenceValue: token must be a non-negative safe integer, got ${String(token)}`);
  }
  return String(token).padStart(FENCE_WIDTH, "0");
}

/**
 * The token in a stored fence value.
 *
 * @param value - a string made by {@link fenceValue}
 * @returns the token
 * @throws {EtcdLabError} ERR_ETCD_INPUT when the value is not FENCE_WIDTH digits
 * @example
 * parseFenceValue("00000000000000000042"); // => 42
 */
export function parseFenceValue(value: string): number {
  if (typeof value !== "string" || value.length !== FENCE_WIDTH || !/^[0-9]+$/.test(value)) {
    throw new EtcdLabError("ERR_ETCD_INPUT", `parseFenceValue: not a ${FENCE_WIDTH}-digit token: ${JSON.stringify(value)}`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new EtcdLabError("ERR_ETCD_INPUT", "parseFenceValue: token is not a safe integer");
  return n;
}
