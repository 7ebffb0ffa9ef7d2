/**
 * @module chubby/cell/events
 *
 * Events (paper §2.5). Clients subscribe to kinds when they open a handle; `applyCommand` returns
 * the events its command caused, each tagged with the sessions to deliver to, in the order they
 * happened, so the glue can deliver them after the action (the paper's rule).
 *
 * Paper kinds, delivered to sessions whose handle on the node subscribed:
 * contentsModified, childNodeAdded / childNodeRemoved / childNodeModified (to subscribers of the
 * parent directory), lockAcquired, conflictingLockRequest (to the holders' sessions when someone
 * starts waiting). Always delivered to the session concerned: handleInvalid (its handle's node was
 * deleted), lockGranted (an Acquire completed, at once or later), lockReleased (it lost a lock),
 * lockWaitCancelled (a blocking Acquire will never complete). Master fail-over is the glue's event.
 * An ended session is never tagged.
 */
import type { ChubbyErrorCode } from "./errors.js";
import type { HandleRec, LockMode, NodeRec } from "./state.js";

/** The kinds a handle can subscribe to at Open. */
export type Subscription = "contentsModified" | "childNode" | "lockAcquired" | "conflictingLockRequest";

/** Every subscription kind. @example open({ ..., events: SUBSCRIPTIONS }) // subscribe to all */
export const SUBSCRIPTIONS: readonly Subscription[] = ["contentsModified", "childNode", "lockAcquired", "conflictingLockRequest"];

/** Subscription bit of each kind (a handle stores the OR of its kinds). @example SUBSCRIPTION_BITS.lockAcquired // => 4 */
export const SUBSCRIPTION_BITS: Readonly<Record<Subscription, number>> = {
  contentsModified: 1,
  childNode: 2,
  lockAcquired: 4,
  conflictingLockRequest: 8,
};

/** Why a holder lost its lock. */
export type ReleaseReason = "release" | "close" | "sessionClosed" | "sessionExpired" | "deleted";

interface EventBase {
  /** Virtual time of the command that caused it (ms). */
  readonly at: number;
  /** The node concerned (the directory for child events). */
  readonly path: string;
  /** Sessions to deliver it to (no duplicates, never an ended session; may be empty). */
  readonly sessions: readonly string[];
}

/** An event caused by a command. */
export type ChubbyEvent =
  | (EventBase & { readonly kind: "contentsModified"; readonly contentGeneration: number })
  | (EventBase & {
      readonly kind: "childNodeAdded" | "childNodeRemoved" | "childNodeModified";
      /** The child's name (last component). */
      readonly child: string;
    })
  | (EventBase & { readonly kind: "lockAcquired"; readonly mode: LockMode; readonly generation: number })
  | (EventBase & { readonly kind: "conflictingLockRequest"; readonly mode: LockMode })
  | (EventBase & { readonly kind: "handleInvalid"; readonly handle: number; readonly reason: "deleted" })
  | (EventBase & {
      readonly kind: "lockGranted";
      readonly handle: number;
      readonly session: string;
      readonly mode: LockMode;
      readonly generation: number;
    })
  | (EventBase & {
      readonly kind: "lockReleased";
      readonly handle: number;
      readonly session: string;
      readonly mode: LockMode;
      readonly generation: number;
      readonly reason: ReleaseReason;
      /** The lock's lock-delay barrier after this release (no grant before it). */
      readonly delayUntil: number;
    })
  | (EventBase & {
      readonly kind: "lockWaitCancelled";
      readonly handle: number;
      readonly session: string;
      readonly mode: LockMode;
      readonly code: ChubbyErrorCode;
    });

/** The kind names of {@link ChubbyEvent}. */
export type ChubbyEventKind = ChubbyEvent["kind"];

/**
 * Parses a subscription list into bits.
 *
 * @param list - kinds, or undefined for none
 * @returns the OR of their bits, or -1 when the list is malformed
 * @example
 * subscriptionBits(["lockAcquired", "childNode"]); // => 6
 */
export function subscriptionBits(list: readonly Subscription[] | undefined): number {
  if (list === undefined) return 0;
  if (!Array.isArray(list)) return -1;
  let bits = 0;
  for (const k of list) {
    const b = (SUBSCRIPTION_BITS as Record<string, number>)[k];
    if (typeof b !== "number" || !Object.prototype.hasOwnProperty.call(SUBSCRIPTION_BITS, k)) return -1;
    bits |= b;
  }
  return bits;
}

/**
 * The sessions with a handle on `node` subscribed to `bit`, each once, in handle order.
 *
 * @param node - the node whose handles to scan
 * @param bit - one of {@link SUBSCRIPTION_BITS}
 * @returns session ids (a fresh array)
 * @example
 * subscribers(node, SUBSCRIPTION_BITS.contentsModified); // => ["s1", "s3"]
 */
export function subscribers(node: NodeRec, bit: number): string[] {
  const out: string[] = [];
  if (node.handles.size === 0) return out;
  const stamp = ++dedupeStamp;
  for (const h of node.handles) {
    const s = h.session;
    if ((h.subscriptions & bit) !== 0 && s.mark !== stamp) {
      s.mark = stamp;
      out.push(s.id);
    }
  }
  return out;
}

// Stamps sessions already collected by one subscribers() call (O(1) dedupe; the value never
// reaches a result, so it does not affect determinism).
let dedupeStamp = 0;

/**
 * The sessions holding a lock, each once.
 *
 * @param holders - the lock's holder handles
 * @param bit - only handles subscribed to this bit (0: all)
 * @returns session ids (a fresh array)
 * @example
 * holderSessions(lock.holders, SUBSCRIPTION_BITS.conflictingLockRequest); // => ["s1"]
 */
export function holderSessions(holders: readonly HandleRec[], bit: number): string[] {
  const out: string[] = [];
  for (const h of holders) {
    if ((bit === 0 || (h.subscriptions & bit) !== 0) && !out.includes(h.session.id)) out.push(h.session.id);
  }
  return out;
}

/** What a command did besides its result: events to deliver and names whose node changed. */
export interface Effects {
  /** Events in the order they happened. */
  readonly events: ChubbyEvent[];
  /** Names whose data or metadata changed (created, deleted, written, ACL, lock generation, children), for cache invalidation; may repeat. */
  readonly changed: string[];
}
