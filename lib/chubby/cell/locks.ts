/**
 * @module chubby/cell/locks
 *
 * Reader/writer locks (paper §2.4) inside the state machine: grant, queue, release, lock-delay.
 *
 * Rules:
 * - exclusive excludes everything; shared is compatible with shared;
 * - a request is granted at once only when no one waits (strict FIFO, so writers do not starve)
 *   and no lock-delay is running; otherwise Acquire queues it and TryAcquire fails;
 * - the lock generation is bumped when the lock goes from free to held;
 * - lock-delay: when a holder's session EXPIRES, the lock cannot be granted to anyone until
 *   now + the delay that holder chose; a normal Release, Close or CloseSession frees it at once;
 * - waiters are granted in order as the lock frees or the delay ends (the glue proposes a `tick`
 *   at `nextWakeAt`; any later command also grants what is due).
 */
import { type Effects, SUBSCRIPTION_BITS, type ReleaseReason, holderSessions, subscribers } from "./events.js";
import type { CellState, HandleRec, LockMode, LockRec, NodeRec } from "./state.js";

/**
 * The node's lock record, created free on first use.
 *
 * @param node - any node
 * @returns its lock
 * @example
 * lockOf(node).holders.length; // => 0 for a never-locked node
 */
export function lockOf(node: NodeRec): LockRec {
  if (node.lock === null) node.lock = { mode: null, holders: [], waiters: [], delayUntil: 0 };
  return node.lock;
}

/**
 * Whether a request in `mode` is compatible with the current holders (ignoring waiters and delay).
 *
 * @param lock - the lock
 * @param mode - the requested mode
 * @returns true when no holder conflicts
 * @example
 * compatible({ mode: "shared", holders: [h1], waiters: [], delayUntil: 0 }, "shared"); // => true
 */
export function compatible(lock: LockRec, mode: LockMode): boolean {
  return lock.holders.length === 0 || (mode === "shared" && lock.mode === "shared");
}

/**
 * Whether a new request can be granted right now: nobody waits, no lock-delay runs, no conflict.
 *
 * @param lock - the lock
 * @param mode - the requested mode
 * @param now - the current virtual time
 * @returns true when Acquire / TryAcquire would succeed at once
 * @example
 * grantableNow(lockOf(node), "exclusive", state.now); // => true for a free lock
 */
export function grantableNow(lock: LockRec, mode: LockMode, now: number): boolean {
  return lock.waiters.length === 0 && now >= lock.delayUntil && compatible(lock, mode);
}

/**
 * Grants the lock to a handle (the caller checked it may), bumping the generation if it was free.
 *
 * @param state - the cell
 * @param h - the handle that gets it
 * @param mode - the mode granted
 * @param fx - where events and changed names go
 * @returns the lock generation of the grant
 * @example
 * grant(state, h, "exclusive", fx); // => 7 (the new lock generation)
 */
export function grant(state: CellState, h: HandleRec, mode: LockMode, fx: Effects): number {
  const node = h.node;
  const lock = lockOf(node);
  if (lock.holders.length === 0) {
    node.lockGeneration = ++state.revision;
    lock.mode = mode;
    fx.changed.push(node.path);
  }
  lock.holders.push(h);
  h.held = mode;
  h.waiting = null;
  const generation = node.lockGeneration;
  fx.events.push({
    kind: "lockGranted",
    at: state.now,
    path: node.path,
    sessions: [h.session.id],
    handle: h.id,
    session: h.session.id,
    mode,
    generation,
  });
  const subs = subscribers(node, SUBSCRIPTION_BITS.lockAcquired);
  if (subs.length > 0) fx.events.push({ kind: "lockAcquired", at: state.now, path: node.path, sessions: subs, mode, generation });
  return generation;
}

/**
 * Queues a blocking request behind the others and tells the holders (conflicting lock request).
 *
 * @param state - the cell
 * @param h - the waiting handle
 * @param mode - the mode it waits for
 * @param fx - where events go
 * @returns its 1-based position in the queue
 * @example
 * enqueue(state, h2, "exclusive", fx); // => 1
 */
export function enqueue(state: CellState, h: HandleRec, mode: LockMode, fx: Effects): number {
  const node = h.node;
  const lock = lockOf(node);
  h.waiting = mode;
  lock.waiters.push(h);
  if (state.now < lock.delayUntil) schedule(state, node);
  if (lock.holders.length > 0) {
    const sessions = holderSessions(lock.holders, SUBSCRIPTION_BITS.conflictingLockRequest);
    if (sessions.length > 0) fx.events.push({ kind: "conflictingLockRequest", at: state.now, path: node.path, sessions, mode });
  }
  return lock.waiters.length;
}

/**
 * Removes a handle from its lock's holders, applying `delayMs` of lock-delay (0 for a normal release).
 * Does not grant waiters: call {@link grantWaiters} after (so a dying session's own waiters go first).
 *
 * @param state - the cell
 * @param h - a handle that holds the lock
 * @param delayMs - lock-delay to apply (the holder's choice when its session expired, else 0)
 * @param reason - why, for the lockReleased event
 * @param notify - deliver lockReleased to the holder's session (false when that session has ended)
 * @param fx - where events go
 * @example
 * releaseHold(state, h, h.lockDelayMs, "sessionExpired", false, fx);
 */
export function releaseHold(
  state: CellState,
  h: HandleRec,
  delayMs: number,
  reason: ReleaseReason,
  notify: boolean,
  fx: Effects,
): void {
  const node = h.node;
  const lock = lockOf(node);
  const i = lock.holders.indexOf(h);
  if (i >= 0) lock.holders.splice(i, 1);
  const mode = h.held as LockMode;
  h.held = null;
  if (delayMs > 0) lock.delayUntil = Math.max(lock.delayUntil, state.now + delayMs);
  if (lock.holders.length === 0) lock.mode = null;
  fx.events.push({
    kind: "lockReleased",
    at: state.now,
    path: node.path,
    sessions: notify ? [h.session.id] : [],
    handle: h.id,
    session: h.session.id,
    mode,
    generation: node.lockGeneration,
    reason,
    delayUntil: lock.delayUntil,
  });
}

/**
 * Removes a waiting handle from its lock's queue.
 *
 * @param h - a handle that waits
 * @example
 * dequeue(h2);
 */
export function dequeue(h: HandleRec): void {
  const lock = lockOf(h.node);
  const i = lock.waiters.indexOf(h);
  if (i >= 0) lock.waiters.splice(i, 1);
  h.waiting = null;
}

/**
 * Grants the queue's head(s) while compatible, unless a lock-delay runs (then schedules a wake-up).
 *
 * @param state - the cell
 * @param node - the node whose lock may have freed
 * @param fx - where events go
 * @example
 * grantWaiters(state, node, fx);
 */
export function grantWaiters(state: CellState, node: NodeRec, fx: Effects): void {
  const lock = node.lock;
  if (lock === null || lock.waiters.length === 0) return;
  if (state.now < lock.delayUntil) {
    schedule(state, node);
    return;
  }
  while (lock.waiters.length > 0) {
    const w = lock.waiters[0];
    if (!compatible(lock, w.waiting as LockMode)) break;
    lock.waiters.shift();
    grant(state, w, w.waiting as LockMode, fx);
  }
}

function schedule(state: CellState, node: NodeRec): void {
  const until = (node.lock as LockRec).delayUntil;
  state.delayed.add(node);
  if (until < state.nextWake) state.nextWake = until;
}

/**
 * Grants every waiter whose lock-delay has ended by `state.now` (cheap when nothing is due).
 *
 * @param state - the cell, its `now` already advanced
 * @param fx - where events go
 * @example
 * grantDue(state, fx); // after state.now passed a lock's delayUntil, its first waiter holds it
 */
export function grantDue(state: CellState, fx: Effects): void {
  if (state.now < state.nextWake) return;
  let next = Infinity;
  for (const node of state.delayed) {
    const lock = node.lock as LockRec;
    if (state.now >= lock.delayUntil) {
      state.delayed.delete(node);
      grantWaiters(state, node, fx);
    } else if (lock.delayUntil < next) next = lock.delayUntil;
  }
  state.nextWake = next;
}

/**
 * Forgets a deleted node's delayed wake-up.
 *
 * @param state - the cell
 * @param node - a node being deleted
 * @example
 * unschedule(state, node);
 */
export function unschedule(state: CellState, node: NodeRec): void {
  if (state.delayed.delete(node) && state.delayed.size === 0) state.nextWake = Infinity;
}
