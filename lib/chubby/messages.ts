/**
 * @module chubby/messages
 *
 * What travels over the simulated network of a Chubby cell: Raft messages
 * between replicas, client calls and their replies, and writes to the fenced
 * resource server. Plain objects, never changed once sent.
 */
import type { ChubbyErrorCode, ChubbyEvent, Command, LockMode } from "./cell/index.js";
import type { RaftMessage } from "./raft/index.js";
import type { SimTimer } from "./sim-node.js";
import type { TraceHash } from "./world/index.js";

/** A command a client asks the master to commit (the master stamps `at`). @example const c: ClientCommand = { type: "release", session: "s1", handle: 3 }; */
export type ClientCommand = Command extends infer C ? (C extends Command ? Omit<C, "at"> : never) : never;

/**
 * A read the master serves from its own state (no log entry).
 * `handleStatus` tells whether a handle holds or waits for its lock (used after a fail-over).
 * @example
 * const r: ReadCall = { type: "read", op: "getSequencer", session: "s1", handle: 3, epoch: 2 };
 */
export interface ReadCall {
  readonly type: "read";
  readonly op: "getContentsAndStat" | "getStat" | "readDir" | "getSequencer" | "handleStatus";
  readonly session: string;
  readonly handle: number;
  readonly epoch: number;
}

/**
 * A client call.
 *
 * @example
 * const c: ClientCall = { type: "locate" };
 */
export type ClientCall =
  | { readonly type: "locate" }
  | { readonly type: "createSession"; readonly user: string; readonly epoch: number }
  | {
      readonly type: "keepAlive";
      readonly session: string;
      readonly epoch: number;
      /** The epoch whose fail-over event the client has seen (0: none). */
      readonly failoverAck: number;
      /** The highest invalidation sequence number the client has applied. */
      readonly invAck: number;
      /** The client is in jeopardy: answer at once. */
      readonly urgent: boolean;
    }
  | { readonly type: "command"; readonly command: ClientCommand; readonly epoch: number }
  | ReadCall;

/** The kind of a call, for RPC counts ("keepAlive", "locate", "open", "getContentsAndStat", ...). @example const k: CallKind = "keepAlive"; */
export type CallKind = string;

/**
 * An event as a KeepAlive reply carries it: a cell event, or the master's fail-over event.
 *
 * @example
 * const e: DeliveredEvent = { kind: "masterFailover", at: 5000, epoch: 3 };
 */
export type DeliveredEvent = ChubbyEvent | { readonly kind: "masterFailover"; readonly at: number; readonly epoch: number };

/**
 * One entry of a session's outbox, delivered on KeepAlive replies until the
 * client acknowledges its sequence number: an event, or an invalidation.
 *
 * @example
 * const e: OutboxEntry = { seq: 4, inv: "/ls/cell/web/leader" };
 */
export interface OutboxEntry {
  readonly seq: number;
  readonly ev?: DeliveredEvent;
  readonly inv?: string;
}

/** The answer to one call: {@link ReplyOk} or {@link ReplyErr}. @example if (isErr(r)) console.log(r.code); */
export type Reply = ReplyOk | ReplyErr;

/** A successful answer. @example const r: ReplyOk = { ok: true, result: null, epoch: 2, leaseMs: 12000, holdMs: 10900 }; */
export interface ReplyOk {
      readonly ok: true;
      readonly result: unknown;
      /** The master's epoch. */
      readonly epoch: number;
      /** KeepAlive: the lease granted, counted from the reply (master-local ms). */
      readonly leaseMs?: number;
      /** KeepAlive: how long the master held the request before answering (master-local ms). */
      readonly holdMs?: number;
      /** KeepAlive: events and cache invalidations not yet acknowledged, each with its sequence number. */
      readonly outbox?: readonly OutboxEntry[];
      /** Reads: whether the client may cache the contents. */
      readonly cacheable?: boolean;
}

/** A failed answer. @example const r: ReplyErr = { ok: false, code: "ERR_CHUBBY_NOT_MASTER", message: "r2 is not the master", hint: "r1" }; */
export interface ReplyErr {
      readonly ok: false;
      readonly code: ChubbyErrorCode;
      readonly message: string;
      /** Where the master is, as far as the replica knows. */
      readonly hint?: string | null;
      /** True when the call was not executed and may be sent again (master not ready yet). */
      readonly retry?: boolean;
      readonly epoch?: number;
}

/**
 * Whether a reply is a failure (a type guard that also works where union narrowing does not, e.g. tslab's non-strict compile).
 * @param r - a reply
 * @returns true for a {@link ReplyErr}
 * @example
 * isErr({ ok: false, code: "ERR_CHUBBY_NOT_MASTER", message: "" }); // => true
 */
export function isErr(r: Reply): r is ReplyErr {
  return r.ok === false;
}

/** The state of a handle's lock as `handleStatus` reports it. @example const s: HandleStatus = { held: "exclusive", waiting: null, generation: 7 }; */
export interface HandleStatus {
  readonly held: LockMode | null;
  readonly waiting: LockMode | null;
  readonly generation: number;
}

/**
 * A message of the simulated cell.
 *
 * @example
 * const m: Msg = { k: "req", id: 1, call: { type: "locate" } };
 */
export type Msg =
  | { readonly k: "raft"; readonly m: RaftMessage }
  | { readonly k: "req"; readonly id: number; readonly call: ClientCall }
  | { readonly k: "rep"; readonly id: number; readonly r: Reply }
  | { readonly k: "fw"; readonly id: number; readonly sequencer: string; readonly value: string; readonly holder: string }
  | { readonly k: "fwr"; readonly id: number; readonly accepted: boolean };

/**
 * The kind of a call for RPC counts: the command type for commands, the read op for reads.
 * @param call - the call
 * @returns e.g. "keepAlive", "setContents", "getContentsAndStat"
 * @example
 * callKind({ type: "locate" }); // => "locate"
 */
export function callKind(call: ClientCall): CallKind {
  if (call.type === "command") return call.command.type;
  if (call.type === "read") return call.op;
  return call.type;
}

/**
 * Folds a message or a timer into the trace hash: a few fields as words
 * (no string built per message), different whenever the message differs in
 * what matters; a timer by its tag.
 * @param v - a message or a {@link SimTimer}
 * @param h - the world's trace hash
 * @returns nothing
 * @example
 * const h = new TraceHash(); foldTrace({ tag: "t", fn: () => {} }, h); // h now differs from a fresh TraceHash
 */
export function foldTrace(v: unknown, h: TraceHash): void {
  if (typeof v === "object" && v !== null && "fn" in v) {
    h.str((v as SimTimer).tag);
    return;
  }
  const m = v as Msg;
  switch (m.k) {
    case "raft": {
      const r = m.m;
      switch (r.type) {
        case "append":
          h.word(65); // "A"
          h.int(r.term);
          h.int(r.prevIndex);
          h.int(r.entries.length);
          h.int(r.commit);
          h.int(r.round);
          return;
        case "append-resp":
          h.word(r.reject ? 98 : 97); // "b" / "a"
          h.int(r.term);
          h.int(r.index);
          h.int(r.round);
          return;
        case "vote":
        case "prevote":
          h.word(r.type === "vote" ? 86 : 87); // "V" / "W"
          h.int(r.term);
          h.int(r.lastIndex);
          h.int(r.lastTerm);
          return;
        default:
          h.word((r.type.length << 8) | (r.reject ? 1 : 0) | 0x7600); // "v"
          h.int(r.term);
          return;
      }
    }
    case "req":
      h.word(113); // "q"
      h.int(m.id);
      h.str(callKind(m.call));
      return;
    case "rep":
      if (isErr(m.r)) {
        h.word(101); // "e"
        h.int(m.id);
        h.str(m.r.code);
      } else {
        h.word(112); // "p"
        h.int(m.id);
      }
      return;
    case "fw":
      h.word(119); // "w"
      h.int(m.id);
      h.str(m.sequencer);
      return;
    case "fwr":
      h.word(m.accepted ? 88 : 89); // "X" / "Y"
      h.int(m.id);
      return;
    default:
      h.word(63); // "?"
  }
}
