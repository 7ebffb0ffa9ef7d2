/**
 * @module chubby/cell/namespace
 *
 * Creating and deleting nodes, with their side effects: the parent's child events, the
 * ephemeral bookkeeping, and on deletion the lock's holders and waiters dropped and every handle
 * on the node invalidated. Callers validate first; these functions do not fail.
 */
import type { Acl } from "./acl.js";
import { type Effects, SUBSCRIPTION_BITS, subscribers } from "./events.js";
import { dequeue, releaseHold, unschedule } from "./locks.js";
import type { CellState, HandleRec, NodeRec } from "./state.js";

/** What a new node is. */
export interface NewNode {
  readonly path: string;
  readonly name: string;
  readonly isDirectory: boolean;
  readonly ephemeralOwner: string | null;
  readonly contents: string;
  readonly contentBytes: number;
  readonly acl: Acl;
}

/**
 * Creates a node under `parent`; its four numbers start at the new cell revision, so they exceed
 * every number any earlier node of the same name had.
 *
 * @param state - the cell
 * @param parent - an existing directory without a child of that name
 * @param spec - the node
 * @param fx - where events and changed names go
 * @returns the new node
 * @example
 * createNode(state, state.root, { path: "/ls/local/a", name: "a", isDirectory: false, ephemeralOwner: null, contents: "", contentBytes: 0, acl: state.root.acl }, fx);
 */
export function createNode(state: CellState, parent: NodeRec, spec: NewNode, fx: Effects): NodeRec {
  const rev = ++state.revision;
  const node: NodeRec = {
    path: spec.path,
    name: spec.name,
    parent,
    isDirectory: spec.isDirectory,
    ephemeralOwner: spec.ephemeralOwner,
    contents: spec.contents,
    contentBytes: spec.contentBytes,
    instance: rev,
    contentGeneration: rev,
    lockGeneration: rev,
    aclGeneration: rev,
    acl: spec.acl,
    children: spec.isDirectory ? new Map() : null,
    handles: new Set(),
    lock: null,
  };
  if (state.lingeringDelays.size > 0) {
    const until = state.lingeringDelays.get(spec.path);
    if (until !== undefined) {
      state.lingeringDelays.delete(spec.path);
      if (until > state.now) node.lock = { mode: null, holders: [], waiters: [], delayUntil: until };
    }
  }
  (parent.children as Map<string, NodeRec>).set(spec.name, node);
  state.nodes.set(spec.path, node);
  if (spec.ephemeralOwner !== null) state.sessions.get(spec.ephemeralOwner)?.ephemerals.add(node);
  childEvent(state, parent, "childNodeAdded", spec.name, fx);
  fx.changed.push(spec.path, parent.path);
  return node;
}

/**
 * Deletes a file or an empty directory: its lock's holders lose it (no new lock-delay: nobody
 * failed), its waiters are cancelled, every handle on it becomes invalid. A lock-delay still
 * running stays with the name (`lingeringDelays`) and binds a node re-created under it.
 *
 * @param state - the cell
 * @param node - a node other than the root, without children
 * @param except - a handle not to send handleInvalid (the one Delete was called through), or null
 * @param fx - where events and changed names go
 * @example
 * deleteNode(state, node, h, fx);
 */
export function deleteNode(state: CellState, node: NodeRec, except: HandleRec | null, fx: Effects): void {
  const lock = node.lock;
  if (lock !== null) {
    while (lock.waiters.length > 0) {
      const w = lock.waiters[0];
      const mode = w.waiting;
      dequeue(w);
      if (mode !== null) {
        fx.events.push({
          kind: "lockWaitCancelled",
          at: state.now,
          path: node.path,
          sessions: [w.session.id],
          handle: w.id,
          session: w.session.id,
          mode,
          code: "ERR_CHUBBY_STALE_HANDLE",
        });
      }
    }
    while (lock.holders.length > 0) releaseHold(state, lock.holders[0], 0, "deleted", true, fx);
    unschedule(state, node);
    if (lock.delayUntil > state.now) lingerDelay(state, node.path, lock.delayUntil);
  }
  for (const h of node.handles) {
    state.handles.delete(h.id);
    h.session.handles.delete(h);
    if (h !== except) {
      fx.events.push({ kind: "handleInvalid", at: state.now, path: node.path, sessions: [h.session.id], handle: h.id, reason: "deleted" });
    }
  }
  node.handles.clear();
  const parent = node.parent as NodeRec;
  (parent.children as Map<string, NodeRec>).delete(node.name);
  state.nodes.delete(node.path);
  if (node.ephemeralOwner !== null) state.sessions.get(node.ephemeralOwner)?.ephemerals.delete(node);
  state.revision++;
  childEvent(state, parent, "childNodeRemoved", node.name, fx);
  fx.changed.push(node.path, parent.path);
}

function lingerDelay(state: CellState, path: string, until: number): void {
  const m = state.lingeringDelays;
  if (m.size >= 64) for (const [p, t] of m) if (t <= state.now) m.delete(p);
  m.set(path, until);
}

/**
 * Emits a child event to the parent's subscribers (nothing when none).
 *
 * @param state - the cell
 * @param parent - the directory
 * @param kind - added, removed or modified
 * @param child - the child's name
 * @param fx - where the event goes
 * @example
 * childEvent(state, dir, "childNodeModified", "leader", fx);
 */
export function childEvent(
  state: CellState,
  parent: NodeRec,
  kind: "childNodeAdded" | "childNodeRemoved" | "childNodeModified",
  child: string,
  fx: Effects,
): void {
  const sessions = subscribers(parent, SUBSCRIPTION_BITS.childNode);
  if (sessions.length > 0) fx.events.push({ kind, at: state.now, path: parent.path, sessions, child });
}
