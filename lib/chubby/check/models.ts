/**
 * @module chubby/check/models
 *
 * Sequential specifications for the linearizability checker: what one object
 * (a key) does when operations hit it one at a time. A model is a pure state
 * machine: `step(state, op)` returns the next state, or `undefined` when the
 * op (with the output it reported) cannot happen in that state.
 *
 * Two models ship: a register with content generations and compare-and-swap
 * (a Chubby file's contents, SetContents with a generation check), and a
 * mutex (a Chubby exclusive lock). Others plug in through {@link Model}.
 */
import { CheckError } from "./errors.js";
import { type Operation, showValue, valueKey } from "./history.js";

/**
 * How the checker treats an operation.
 *
 * - `required`: it must be linearized inside its interval.
 * - `optional`: it may be linearized at any instant after its invocation, or
 *   never (an `unknown` call).
 * - `drop`: it is left out (a failed call with nothing to explain, a timed-out
 *   read).
 */
export type OpRole = "required" | "optional" | "drop";

/**
 * A sequential specification the checker can search over.
 *
 * @typeParam S - the object's state (immutable: `step` returns a new one)
 * @typeParam P - an operation compiled once by `prepare` (default: the op)
 */
export interface Model<S = unknown, P = unknown> {
  /** A name for reports. */
  readonly name: string;
  /** The state of a key before any operation. */
  init(key: string): S;
  /**
   * Compiles and validates one operation once, before the search.
   * Absent: the search passes the {@link Operation} itself to `step`.
   */
  prepare?(op: Operation): P;
  /** The operation's role; absent: {@link defaultRole}. */
  role?(op: Operation): OpRole;
  /** The state after `op`, or `undefined` when `op` is impossible in `state`. */
  step(state: S, op: P): S | undefined;
  /** A string equal for equal states (the memo key of the search). */
  stateKey(state: S): string;
  /**
   * Optionally bounds how long each optional op can matter: `horizon[i]` is
   * an instant after which linearizing `ops[i]` can no longer help explain the
   * history, so the search makes it "never happened" from then on
   * (`-Infinity`: leave it out; `Infinity`: no bound; ignored for required
   * ops). `roles[i]` is the role `ops[i]` gets (never `drop`). It must be
   * sound: it may not change whether the history is linearizable.
   */
  horizon?(ops: readonly Operation[], roles: readonly OpRole[]): number[];
  /**
   * Whether a compiled op never changes the state (a read). The checker then
   * may leave it out when it shrinks a counterexample. Absent: no op is.
   */
  readOnly?(op: P): boolean;
  /** A readable form of a state for messages. */
  describeState?(state: S): string;
}

/**
 * The default role: `ok` is required, `unknown` optional, `fail` dropped
 * unless it reports an output the model must explain.
 *
 * @param op - the operation
 * @returns its role
 * @throws never
 * @example
 * defaultRole({ id: 1, client: "c", op: "write", key: "x", status: "fail", invokeAt: 0, completeAt: 1 }); // => "drop"
 */
export function defaultRole(op: Operation): OpRole {
  if (op.status === "ok") return "required";
  if (op.status === "unknown") return "optional";
  return op.output === undefined ? "drop" : "required";
}

/** A register's state: its value (by canonical key) and its content generation. */
export interface RegisterState {
  readonly value: unknown;
  readonly vk: string;
  readonly generation: number;
}

/** A register operation compiled for the search. */
export type RegisterOp =
  | { readonly kind: "read"; readonly vk: string }
  | { readonly kind: "write"; readonly value: unknown; readonly vk: string }
  | {
      readonly kind: "cas";
      /** Compare on the content generation (else on the value). */
      readonly byGeneration: boolean;
      readonly expectedGeneration: number;
      readonly expectedVk: string;
      readonly value: unknown;
      readonly vk: string;
      /** `swap`: it must match; `mismatch`: it must not; `either`: unknown outcome. */
      readonly outcome: "swap" | "mismatch" | "either";
    };

/** Options of {@link registerModel}. */
export interface RegisterModelOptions {
  /** Every key's value before any write (default `null`: absent). */
  initial?: unknown;
  /** Every key's content generation before any write (default 0). */
  initialGeneration?: number;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A register per key, Chubby-file style: `read` returns the value, `write`
 * sets it, `cas` sets it only if the current value (`{ expected, value }`)
 * or content generation (`{ expectedGeneration, value }`) matches. Every
 * effective write increments the content generation.
 *
 * Outputs: `read` reports the value read; `cas` reports `true` (swapped;
 * `undefined` also means swapped for an `ok` call) or `false` (the compare
 * did not match, as an `ok` call or a `fail` call that observed it). A failed
 * `write`, a failed call without output, and a timed-out `read` are dropped.
 *
 * @param options - the initial value and generation
 * @returns the model
 * @throws {CheckError} `ERR_CHECK_INPUT` when `initialGeneration` is not an integer;
 *   the model's `prepare` throws `ERR_CHECK_MODEL` on an op it cannot read
 * @example
 * checkLinearizable(history, { model: registerModel({ initial: "" }) });
 */
export function registerModel(options: RegisterModelOptions = {}): Model<RegisterState, RegisterOp> {
  const initialGeneration = options.initialGeneration ?? 0;
  if (!Number.isSafeInteger(initialGeneration)) {
    throw new CheckError("ERR_CHECK_INPUT", `initialGeneration must be an integer, got ${initialGeneration}`);
  }
  const init: RegisterState = { value: options.initial ?? null, vk: valueKey(options.initial), generation: initialGeneration };
  // Reads of one value share one prepared op (they are immutable; histories are mostly reads).
  const reads = new Map<string, RegisterOp>();
  return {
    name: "register",
    init: () => init,
    role(op) {
      if (op.op === "read" && op.status === "unknown") return "drop";
      if (op.op === "write" && op.status === "fail") return "drop";
      return defaultRole(op);
    },
    prepare(op): RegisterOp {
      switch (op.op) {
        case "read": {
          const vk = valueKey(op.output);
          let r = reads.get(vk);
          if (r === undefined) {
            r = { kind: "read", vk };
            if (reads.size < 10_000) reads.set(vk, r);
          }
          return r;
        }
        case "write":
          return { kind: "write", value: op.input ?? null, vk: valueKey(op.input) };
        case "cas": {
          const input = op.input;
          if (!isObject(input) || !("value" in input) || ("expected" in input) === ("expectedGeneration" in input)) {
            throw new CheckError(
              "ERR_CHECK_MODEL",
              `cas #${op.id} needs input { expected, value } or { expectedGeneration, value }`,
            );
          }
          const byGeneration = "expectedGeneration" in input;
          const eg = byGeneration ? input.expectedGeneration : 0;
          if (typeof eg !== "number" || !Number.isSafeInteger(eg)) {
            throw new CheckError("ERR_CHECK_MODEL", `cas #${op.id} expectedGeneration must be an integer`);
          }
          let outcome: "swap" | "mismatch" | "either";
          if (op.status === "unknown") outcome = "either";
          else if (op.output === false) outcome = "mismatch";
          else if (op.status === "ok" && (op.output === true || op.output === undefined)) outcome = "swap";
          else {
            throw new CheckError(
              "ERR_CHECK_MODEL",
              `cas #${op.id} (${op.status}) has output ${String(op.output)}; expected true or false`,
            );
          }
          return {
            kind: "cas",
            byGeneration,
            expectedGeneration: eg,
            expectedVk: byGeneration ? "" : valueKey(input.expected),
            value: input.value ?? null,
            vk: valueKey(input.value),
            outcome,
          };
        }
        default:
          throw new CheckError("ERR_CHECK_MODEL", `the register model has no op "${op.op}" (#${op.id})`);
      }
    },
    step(s, o) {
      if (o.kind === "read") return s.vk === o.vk ? s : undefined;
      if (o.kind === "write") return { value: o.value, vk: o.vk, generation: s.generation + 1 };
      const match = o.byGeneration ? s.generation === o.expectedGeneration : s.vk === o.expectedVk;
      if (o.outcome === "mismatch") return match ? undefined : s;
      // "either" (unknown): a non-matching CAS is a no-op, which "never linearized" already covers.
      return match ? { value: o.value, vk: o.vk, generation: s.generation + 1 } : undefined;
    },
    stateKey: (s) => s.generation + ":" + s.vk,
    horizon(ops, roles) {
      // A write (or CAS) of value v that took effect after every op observing v had
      // completed can be left out of any linearization: nobody sees v from it. So an
      // optional one matters only until the last observer of v completes, and not at
      // all if nobody observes v. Unsound when generations count writes, or when a CAS
      // saw "some other value" (the write could be that value): then no bound.
      const none = (): number[] => ops.map(() => Infinity);
      const last = new Map<string, number>();
      const observe = (vk: string, t: number): void => {
        last.set(vk, Math.max(last.get(vk) ?? -Infinity, t));
      };
      for (let i = 0; i < ops.length; i++) {
        const op = ops[i];
        const until = roles[i] === "required" ? (op.completeAt as number) : Infinity;
        if (op.op === "read") observe(valueKey(op.output), until);
        else if (op.op === "cas" && isObject(op.input)) {
          if ("expectedGeneration" in op.input) return none();
          if (op.output === false && roles[i] === "required") return none();
          observe(valueKey(op.input.expected), until);
        }
      }
      return ops.map((op, i) => {
        if (roles[i] !== "optional") return Infinity;
        let vk: string;
        if (op.op === "write") vk = valueKey(op.input);
        else if (op.op === "cas" && isObject(op.input)) vk = valueKey(op.input.value);
        else return Infinity;
        const h = last.get(vk) ?? -Infinity;
        return h < op.invokeAt ? -Infinity : h;
      });
    },
    readOnly: (o) => o.kind === "read" || (o.kind === "cas" && o.outcome === "mismatch"),
    describeState: (s) => `value ${showValue(s.value)} (generation ${s.generation})`,
  };
}

/** A mutex's state: who holds it (`null` = free). */
export interface MutexState {
  readonly holder: string | null;
}

/**
 * An exclusive lock per key (a Chubby lock file in exclusive mode), held by
 * the calling `client`: `acquire` (blocking: it succeeds when it completes),
 * `tryAcquire` (`output` `true` = acquired, `false` = it was held), and
 * `release` (only by the holder). Failed calls without output are dropped.
 *
 * @returns the model
 * @throws never; its `prepare` throws `ERR_CHECK_MODEL` on an unknown op or a bad output
 * @example
 * checkLinearizable(lockOps, { model: mutexModel() });
 */
export function mutexModel(): Model<MutexState, { kind: "acquire" | "release" | "busy"; client: string }> {
  const free: MutexState = { holder: null };
  return {
    name: "mutex",
    init: () => free,
    role(op) {
      if (op.status === "fail" && op.op !== "tryAcquire") return "drop";
      return defaultRole(op);
    },
    prepare(op) {
      if (op.op === "acquire" || op.op === "release") return { kind: op.op, client: op.client };
      if (op.op === "tryAcquire") {
        if (op.status === "unknown" || (op.status === "ok" && op.output === true)) return { kind: "acquire", client: op.client };
        if (op.output === false) return { kind: "busy", client: op.client };
        throw new CheckError("ERR_CHECK_MODEL", `tryAcquire #${op.id} (${op.status}) must report true or false`);
      }
      throw new CheckError("ERR_CHECK_MODEL", `the mutex model has no op "${op.op}" (#${op.id})`);
    },
    step(s, o) {
      if (o.kind === "acquire") return s.holder === null ? { holder: o.client } : undefined;
      if (o.kind === "release") return s.holder === o.client ? free : undefined;
      return s.holder !== null ? s : undefined;
    },
    stateKey: (s) => (s.holder === null ? "" : "h" + s.holder),
    readOnly: (o) => o.kind === "busy",
    describeState: (s) => (s.holder === null ? "free" : `held by ${s.holder}`),
  };
}
