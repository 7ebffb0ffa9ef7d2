/**
 * @module chubby/world/trace
 *
 * What a run of the world records: every delivered or dropped message, every
 * timer that fires, every fault, resume and scheduled call, as small plain
 * records; and how to print them.
 */
import { type FaultEvent, describeFault } from "./faults.js";

/** Why a message was not delivered. */
export type DropReason =
  /** the network lost it (the loss rate) */
  | "loss"
  /** sender and receiver were on different sides of a partition, at send or at delivery */
  | "partition"
  /** the receiver was down when it arrived (it was sent while the receiver was down) */
  | "down"
  /** the receiver crashed while it was in flight (or waiting at the paused receiver) */
  | "crash";

/** How much the world records: records and hash, the hash only, or nothing (fastest). */
export type TraceMode = "full" | "hash" | "off";

/** One thing that happened at virtual time `t` (ms). */
export type TraceRecord<M = unknown, T = unknown> =
  | { t: number; kind: "deliver"; from: string; to: string; msg: M }
  | { t: number; kind: "drop"; from: string; to: string; msg: M; reason: DropReason }
  | { t: number; kind: "timer"; node: string; id: number; tag: T }
  | { t: number; kind: "fault"; fault: FaultEvent }
  | { t: number; kind: "resume"; node: string }
  | { t: number; kind: "call"; label: string };

/**
 * Prints trace records, one a line.
 *
 * @param records - the records (e.g. `world.trace()`)
 * @param show - how to print a message or tag (default JSON)
 * @returns the text
 * @throws never
 * @example
 * formatTrace([{ t: 1.5, kind: "deliver", from: "a", to: "b", msg: "ping" }]);
 * // => "       1.500  a -> b  \"ping\""
 */
export function formatTrace(records: readonly TraceRecord[], show: (v: unknown) => string = safeJson): string {
  return records
    .map((r) => {
      const t = r.t.toFixed(3).padStart(12);
      switch (r.kind) {
        case "deliver":
          return `${t}  ${r.from} -> ${r.to}  ${show(r.msg)}`;
        case "drop":
          return `${t}  ${r.from} -x ${r.to}  ${show(r.msg)}  (${r.reason})`;
        case "timer":
          return `${t}  ${r.node} timer #${r.id} ${show(r.tag)}`;
        case "fault":
          return `${t}  ** ${describeFault(r.fault)}`;
        case "resume":
          return `${t}  ** resume ${r.node}`;
        case "call":
          return `${t}  call ${r.label}`;
      }
    })
    .join("\n");
}

function safeJson(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}
