/**
 * @module chubby/check/history
 *
 * The plain records a Chubby run leaves behind, as the checkers read them.
 * They say nothing about how they were produced (the simulation, a real
 * etcd cluster or a hand-written test): a recorder fills them in, the
 * checkers judge them.
 *
 * Times are virtual milliseconds on one global clock (the simulation's true
 * time, not a node's drifting clock). Intervals are half-open, `[from, to)`:
 * two intervals that only touch do not overlap. `Infinity` is allowed where a
 * record says "still going at the end of the run" (`to`, `endedAt`).
 */
import { CheckError } from "./errors.js";

/**
 * How a client call ended.
 *
 * - `ok`: it completed and took effect (its output is what the server said).
 * - `fail`: it definitely did not take effect. If `output` is set, it is
 *   something the call observed (a CAS that found another value: `false`),
 *   which the model must explain; error codes go in `error`, not `output`.
 * - `unknown`: timed out or its client crashed: it may have taken effect, at
 *   any instant after its invocation, or never. Its output is ignored.
 */
export type OpStatus = "ok" | "fail" | "unknown";

/** The three statuses, for validation and iteration. */
export const OP_STATUSES: readonly OpStatus[] = ["ok", "fail", "unknown"];

/**
 * One client call on one key (a file's contents, a lock), with the interval
 * the client saw it in flight: `[invokeAt, completeAt]`.
 *
 * For the register model (`registerModel`): `read` has `output` = the value
 * read (`null` = absent); `write` has `input` = the new value; `cas` has
 * `input` = `{ expected, value }` or `{ expectedGeneration, value }` and
 * `output` = `true` (swapped) or `false` (the compare did not match).
 */
export interface Operation {
  /** Unique id in the history (an integer). */
  id: number;
  /** Who called (a client, a session, a handle: the model may use it). */
  client: string;
  /** The operation's name, e.g. `read`, `write`, `cas`, `acquire`. */
  op: string;
  /** The object it acts on; histories are checked key by key. */
  key: string;
  /** The call's argument. */
  input?: unknown;
  /** What the call returned (for `ok`) or observed (for `fail`). */
  output?: unknown;
  /** An error code for a failed call, for reports only (never judged). */
  error?: string;
  /** How the call ended. */
  status: OpStatus;
  /** When the client invoked it (virtual ms). */
  invokeAt: number;
  /** When the client saw it complete (virtual ms); required unless `unknown`. */
  completeAt?: number;
}

/** A lock's mode. */
export type LockMode = "exclusive" | "shared";

/**
 * A lock held in SERVER state (the master's view): `holder` held `lock` in
 * `mode` over `[from, to)`; `generation` is the lock generation number of
 * the grant (what its sequencer carries).
 */
export interface LockHold {
  lock: string;
  holder: string;
  mode: LockMode;
  from: number;
  /** When it was released or freed; `Infinity` if still held at the end. */
  to: number;
  generation: number;
}

/**
 * A master lease validity interval in global time: `node` was entitled to
 * act as master of epoch `epoch` over `[from, to)`.
 */
export interface LeaseInterval {
  node: string;
  /** The master's epoch (the Raft term). */
  epoch: number;
  from: number;
  to: number;
}

/**
 * A client session's lease as the cell promised it: the session may not end
 * before `promisedUntil` (the latest lease end ever told to the client,
 * across fail-overs); `endedAt` is when the cell ended it (absent or
 * `Infinity` if it never ended).
 */
export interface SessionLease {
  session: string;
  promisedUntil: number;
  endedAt?: number;
}

/**
 * A write that reached a fenced resource server carrying a sequencer
 * `token` (the lock generation); `accepted` says whether the server took it.
 */
export interface FencedWrite {
  resource: string;
  token: number;
  accepted: boolean;
  at: number;
  /** Who sent it (optional): one token must not be used by two holders. */
  holder?: string;
}

/**
 * A lock freed because its holder failed (session expired), with the
 * lock-delay its holder chose: no one may be granted `lock` in
 * `[freedByFailureAt, freedByFailureAt + delayMs)`.
 */
export interface LockDelay {
  lock: string;
  freedByFailureAt: number;
  delayMs: number;
  /** When the lock was next granted, if the recorder knows (else holds tell). */
  nextGrantAt?: number;
}

/**
 * One observation of a number that must never decrease in its `series`
 * (an epoch, a lock or content generation, a Raft term).
 */
export interface Monotonic {
  series: string;
  value: number;
  at: number;
}

/**
 * A read a client answered from its own cache (or any read to judge against
 * the authoritative write history). The read was in flight over
 * `[invokeAt, completeAt]`, both defaulting to `at` (a cache hit is instant).
 */
export interface CachedRead {
  client: string;
  key: string;
  value: unknown;
  /** The content generation the cache holds, if known (matched before value). */
  generation?: number;
  at: number;
  invokeAt?: number;
  completeAt?: number;
}

/**
 * One write in the authoritative history of a key: it took effect (was
 * applied by the master) at `at` and its caller saw it complete at
 * `completeAt` (default `at`). Chubby completes a write only after every
 * cache holding the key has been invalidated.
 */
export interface CommittedWrite {
  key: string;
  value: unknown;
  /** The content generation the write produced, if known. */
  generation?: number;
  at: number;
  completeAt?: number;
}

/** A blocking Acquire (a waiter joining the lock's queue) at `at`. */
export interface LockRequest {
  lock: string;
  client: string;
  at: number;
  /** Pairs the request with its grant; without ids, a client's requests and grants pair in order. */
  id?: string | number;
  /** When the waiter gave up or its session ended, if it did. */
  cancelledAt?: number;
}

/** A grant of a blocking Acquire at `at`. */
export interface LockGrant {
  lock: string;
  client: string;
  at: number;
  id?: string | number;
}

/** The instant faults healed, and how long a master may take to appear after it. */
export interface Heal {
  at: number;
  bound: number;
}

/** Everything a run recorded; `checkAll` checks whatever is present. */
export interface History {
  operations?: Operation[];
  holds?: LockHold[];
  leases?: LeaseInterval[];
  sessions?: SessionLease[];
  fencedWrites?: FencedWrite[];
  lockDelays?: LockDelay[];
  monotonic?: Monotonic[];
  cachedReads?: CachedRead[];
  /** The authoritative write history the cached reads are judged against. */
  writes?: CommittedWrite[];
  lockRequests?: LockRequest[];
  lockGrants?: LockGrant[];
  heals?: Heal[];
}

/** valueKey's keys of short strings (bounded: cleared when full). */
const STRING_KEYS = new Map<string, string>();

/**
 * A canonical string for a value, so values compare by content: `null` and
 * `undefined` are the same (absent), strings, numbers, booleans, bigints and
 * byte arrays are told apart by type, objects compare with sorted keys.
 *
 * @param v - any value
 * @returns a string equal for equal values
 * @throws never
 * @example
 * valueKey({ b: 1, a: "x" }) === valueKey({ a: "x", b: 1 }); // => true
 * valueKey("1") === valueKey(1);                             // => false
 */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string": {
      // Short strings recur (a few values read many times): one flat key each,
      // so the checkers' maps do not re-hash a fresh concatenation per call.
      if (v.length > 64) return "s" + v;
      let k = STRING_KEYS.get(v);
      if (k === undefined) {
        k = "s" + v;
        if (STRING_KEYS.size >= 50_000) STRING_KEYS.clear();
        STRING_KEYS.set(v, k);
      }
      return k;
    }
    case "number":
      return "n" + String(v);
    case "boolean":
      return v ? "btrue" : "bfalse";
    case "bigint":
      return "i" + v.toString();
    default:
      return "j" + canonical(v, 0);
  }
}

function canonical(v: unknown, depth: number): string {
  if (depth > 64) return '"<deep>"';
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : `"${String(v)}"`;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return `"${v.toString()}n"`;
  if (ArrayBuffer.isView(v)) {
    const b = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    let hex = "";
    for (let i = 0; i < b.length; i++) hex += b[i].toString(16).padStart(2, "0");
    return `"0x${hex}"`;
  }
  if (Array.isArray(v)) return "[" + v.map((x) => canonical(x, depth + 1)).join(",") + "]";
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonical(o[k], depth + 1)).join(",") + "}";
  }
  return JSON.stringify(String(v));
}

/**
 * Whether two values are the same by content (see {@link valueKey}).
 *
 * @param a - a value
 * @param b - another value
 * @returns true when their canonical forms are equal
 * @throws never
 * @example
 * sameValue(null, undefined); // => true
 * sameValue([1, 2], [1, 2]);  // => true
 */
export function sameValue(a: unknown, b: unknown): boolean {
  return valueKey(a) === valueKey(b);
}

/**
 * A short, readable form of a value for messages (long strings are cut).
 *
 * @param v - any value
 * @returns at most about 40 characters
 * @throws never
 * @example
 * showValue("web-1"); // => '"web-1"'
 * showValue(null);    // => "null"
 */
export function showValue(v: unknown): string {
  let s: string;
  if (v === undefined || v === null) s = "null";
  else if (typeof v === "string") s = JSON.stringify(v);
  else if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") s = String(v);
  else s = canonical(v, 0);
  return s.length > 40 ? s.slice(0, 37) + "..." : s;
}

/**
 * A one-line description of an operation for counterexamples.
 *
 * @param op - the operation
 * @returns e.g. `#3 c1 read x -> "a" ok [10, 12]`
 * @throws never
 * @example
 * formatOp({ id: 3, client: "c1", op: "read", key: "x", output: "a", status: "ok", invokeAt: 10, completeAt: 12 });
 * // => '#3 c1 read x -> "a" ok [10, 12]'
 */
export function formatOp(op: Operation): string {
  const arg = op.input === undefined ? "" : " " + showValue(op.input);
  const out = op.status === "unknown" || op.output === undefined ? "" : " -> " + showValue(op.output);
  const err = op.error ? ` (${op.error})` : "";
  const end = op.status === "unknown" || op.completeAt === undefined ? "?" : String(op.completeAt);
  return `#${op.id} ${op.client} ${op.op} ${op.key}${arg}${out} ${op.status}${err} [${op.invokeAt}, ${end}]`;
}

/**
 * Checks that a field is a number: finite, or also `Infinity` when allowed.
 *
 * @param value - the field's value
 * @param what - where it comes from, for the message
 * @param allowInfinity - whether `+Infinity` is accepted (an open end)
 * @returns the number
 * @throws {CheckError} `ERR_CHECK_HISTORY` when it is not such a number
 * @example
 * requireTime(5, "hold.from"); // => 5
 */
export function requireTime(value: unknown, what: string, allowInfinity = false): number {
  if (typeof value !== "number" || Number.isNaN(value) || value === -Infinity || (!allowInfinity && value === Infinity)) {
    throw new CheckError("ERR_CHECK_HISTORY", `${what} must be a ${allowInfinity ? "number" : "finite number"}, got ${String(value)}`);
  }
  return value;
}

/**
 * Checks that a field is a string (an id, a key, a lock name).
 *
 * @param value - the field's value
 * @param what - where it comes from, for the message
 * @returns the string
 * @throws {CheckError} `ERR_CHECK_HISTORY` when it is not a string
 * @example
 * requireName("web-1", "hold.holder"); // => "web-1"
 */
export function requireName(value: unknown, what: string): string {
  if (typeof value !== "string") throw new CheckError("ERR_CHECK_HISTORY", `${what} must be a string, got ${String(value)}`);
  return value;
}

/**
 * Whether a value is a finite number (what `requireTime` accepts), as a cheap
 * test that builds no message: callers on hot paths call `requireTime` only when it fails.
 * @example
 * isFiniteTime(3); // => true
 */
export function isFiniteTime(v: unknown): v is number {
  return typeof v === "number" && v > -Infinity && v < Infinity;
}

/**
 * Validates client operations: integer ids unique, names are strings, a known
 * status, a finite `invokeAt`, and for `ok`/`fail` a finite
 * `completeAt >= invokeAt`.
 *
 * @param ops - the operations
 * @returns nothing
 * @throws {CheckError} `ERR_CHECK_HISTORY` on the first malformed operation
 * @example
 * validateOperations([{ id: 1, client: "c", op: "read", key: "x", status: "ok", invokeAt: 0, completeAt: 1 }]); // ok
 */
export function validateOperations(ops: readonly Operation[]): void {
  if (!Array.isArray(ops)) throw new CheckError("ERR_CHECK_HISTORY", "operations must be an array");
  // Ids usually come in increasing order: then none repeats and no set is needed.
  // The set is built only from the first id out of order on.
  let ids: Set<number> | null = null;
  let lastId = -Infinity;
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k];
    if (op === null || typeof op !== "object") throw new CheckError("ERR_CHECK_HISTORY", "an operation must be an object");
    if (!Number.isSafeInteger(op.id)) throw new CheckError("ERR_CHECK_HISTORY", `operation id must be an integer, got ${String(op.id)}`);
    if (ids === null && op.id <= lastId) {
      ids = new Set<number>();
      for (let j = 0; j < k; j++) ids.add(ops[j].id);
    }
    if (ids !== null) {
      if (ids.has(op.id)) throw new CheckError("ERR_CHECK_HISTORY", `duplicate operation id ${op.id}`);
      ids.add(op.id);
    } else lastId = op.id;
    // The messages are built only on failure (this runs once per operation).
    if (typeof op.client !== "string") requireName(op.client, `operation #${op.id} client`);
    if (typeof op.op !== "string") requireName(op.op, `operation #${op.id} op`);
    if (typeof op.key !== "string") requireName(op.key, `operation #${op.id} key`);
    if (!OP_STATUSES.includes(op.status)) {
      throw new CheckError("ERR_CHECK_HISTORY", `operation #${op.id} has unknown status ${String(op.status)}`);
    }
    const inv = isFiniteTime(op.invokeAt) ? op.invokeAt : requireTime(op.invokeAt, `operation #${op.id} invokeAt`);
    if (op.status !== "unknown") {
      const done = isFiniteTime(op.completeAt) ? op.completeAt : requireTime(op.completeAt, `operation #${op.id} completeAt`);
      if (done < inv) {
        throw new CheckError("ERR_CHECK_HISTORY", `operation #${op.id} completes at ${done}, before its invocation at ${inv}`);
      }
    }
  }
}
