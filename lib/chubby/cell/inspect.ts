/**
 * @module chubby/cell/inspect
 *
 * Read-only views of a cell's state for the glue, the checker, the notebook and tests: a node's
 * stat, a lock's holders and waiters, the sessions, when the next lock-delay ends, and a check of
 * the state's own invariants (never two conflicting holders, and the bookkeeping agrees).
 */
import type { NodeStat } from "./commands.js";
import type { CellState, LockMode, NodeRec } from "./state.js";

/**
 * A node's metadata as Chubby's GetStat returns it.
 *
 * @param node - a node of the state
 * @returns a fresh stat object (its ACL lists are shared and must not be changed)
 * @example
 * statOf(state.root).isDirectory; // => true
 */
export function statOf(node: NodeRec): NodeStat {
  return {
    path: node.path,
    isDirectory: node.isDirectory,
    ephemeralOwner: node.ephemeralOwner,
    instance: node.instance,
    contentGeneration: node.contentGeneration,
    lockGeneration: node.lockGeneration,
    aclGeneration: node.aclGeneration,
    contentLength: node.contentBytes,
    acl: node.acl,
  };
}

/**
 * The stat of a name, without ACL checks (for observers, not clients).
 *
 * @param state - the cell
 * @param path - a canonical name
 * @returns its stat, or undefined when no such node exists
 * @example
 * statPath(state, "/ls/local")?.isDirectory; // => true
 */
export function statPath(state: CellState, path: string): NodeStat | undefined {
  const node = state.nodes.get(path);
  return node === undefined ? undefined : statOf(node);
}

/**
 * The contents of a file, without ACL checks (for observers, not clients).
 *
 * @param state - the cell
 * @param path - a canonical name
 * @returns its contents, or undefined when it is missing or a directory
 * @example
 * readPath(state, "/ls/local/leader"); // => "web-1"
 */
export function readPath(state: CellState, path: string): string | undefined {
  const node = state.nodes.get(path);
  return node === undefined || node.isDirectory ? undefined : node.contents;
}

/** Who holds and who waits for one lock. */
export interface LockView {
  readonly path: string;
  /** Mode while held, null when free. */
  readonly mode: LockMode | null;
  /** The node's lock generation (the generation of the current grant while held). */
  readonly generation: number;
  readonly holders: readonly { readonly handle: number; readonly session: string; readonly lockDelayMs: number }[];
  /** In grant order. */
  readonly waiters: readonly { readonly handle: number; readonly session: string; readonly mode: LockMode }[];
  /** No grant before this virtual time (ms). */
  readonly delayUntil: number;
}

function viewOf(node: NodeRec): LockView {
  const lock = node.lock;
  return {
    path: node.path,
    mode: lock === null ? null : lock.mode,
    generation: node.lockGeneration,
    holders: lock === null ? [] : lock.holders.map((h) => ({ handle: h.id, session: h.session.id, lockDelayMs: h.lockDelayMs })),
    waiters: lock === null ? [] : lock.waiters.map((h) => ({ handle: h.id, session: h.session.id, mode: h.waiting as LockMode })),
    delayUntil: lock === null ? 0 : lock.delayUntil,
  };
}

/**
 * One lock's holders and waiters.
 *
 * @param state - the cell
 * @param path - a canonical name
 * @returns the view, or undefined when no such node exists
 * @example
 * inspectLock(state, "/ls/local/leader")?.holders; // => [{ handle: 1, session: "s1", lockDelayMs: 10000 }]
 */
export function inspectLock(state: CellState, path: string): LockView | undefined {
  const node = state.nodes.get(path);
  return node === undefined ? undefined : viewOf(node);
}

/**
 * Every lock that is held or has waiters, sorted by name.
 *
 * @param state - the cell
 * @returns the views
 * @example
 * activeLocks(state).map((l) => l.path); // => ["/ls/local/leader"]
 */
export function activeLocks(state: CellState): LockView[] {
  const out: LockView[] = [];
  for (const node of state.nodes.values()) {
    if (node.lock !== null && (node.lock.holders.length > 0 || node.lock.waiters.length > 0)) out.push(viewOf(node));
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A live session's view. */
export interface SessionView {
  readonly id: string;
  readonly user: string;
  readonly createdAt: number;
  /** Open handle ids. */
  readonly handles: readonly number[];
  /** Names of the ephemeral files it owns. */
  readonly ephemerals: readonly string[];
}

/**
 * The live sessions, in creation order.
 *
 * @param state - the cell
 * @returns one view per session
 * @example
 * listSessions(state).map((s) => s.id); // => ["s1", "s2"]
 */
export function listSessions(state: CellState): SessionView[] {
  return Array.from(state.sessions.values(), (s) => ({
    id: s.id,
    user: s.user,
    createdAt: s.createdAt,
    handles: Array.from(s.handles, (h) => h.id),
    ephemerals: Array.from(s.ephemerals, (n) => n.path),
  }));
}

/**
 * When the next lock-delay with waiters ends: the time at which the glue should propose a `tick`.
 *
 * @param state - the cell
 * @returns a virtual time (ms) after `state.now`, or undefined when no waiter waits for a delay
 * @example
 * nextWakeAt(state); // => 25000 (a holder expired at 15000 with a 10 s lock-delay, someone waits)
 */
export function nextWakeAt(state: CellState): number | undefined {
  let next = Infinity;
  for (const node of state.delayed) {
    const lock = node.lock;
    if (lock !== null && lock.waiters.length > 0 && lock.delayUntil > state.now && lock.delayUntil < next) next = lock.delayUntil;
  }
  return next === Infinity ? undefined : next;
}

/**
 * Checks the state's invariants; O(state), for tests and the checker.
 * - a held lock has a mode; exclusive has exactly one holder; a free lock has none;
 * - holders and waiters are live handles of live sessions, on that node, marked so;
 * - a free lock with no lock-delay running has no waiters (they would have been granted);
 * - handles, sessions, nodes and ephemerals point to each other consistently;
 * - every number is at most the cell revision.
 *
 * @param state - the cell
 * @returns one line per violation (empty when all hold)
 * @example
 * findInvariantViolations(state); // => []
 */
export function findInvariantViolations(state: CellState): string[] {
  const v: string[] = [];
  for (const [path, node] of state.nodes) {
    if (node.path !== path) v.push(`${path}: node stored under another name`);
    if (node.parent !== null && node.parent.children?.get(node.name) !== node) v.push(`${path}: not a child of its parent`);
    if (Math.max(node.instance, node.contentGeneration, node.lockGeneration, node.aclGeneration) > state.revision) {
      v.push(`${path}: a number above the cell revision`);
    }
    if (node.contentGeneration < node.instance || node.lockGeneration < node.instance || node.aclGeneration < node.instance) {
      v.push(`${path}: a generation below the instance number`);
    }
    if (node.ephemeralOwner !== null) {
      const s = state.sessions.get(node.ephemeralOwner);
      if (s === undefined || !s.ephemerals.has(node)) v.push(`${path}: ephemeral without its live owner`);
    }
    for (const h of node.handles) if (state.handles.get(h.id) !== h || h.node !== node) v.push(`${path}: stale handle ${h.id}`);
    const lock = node.lock;
    if (lock === null) continue;
    if (lock.holders.length === 0 && lock.mode !== null) v.push(`${path}: free lock with mode ${lock.mode}`);
    if (lock.holders.length > 0 && lock.mode === null) v.push(`${path}: held lock without a mode`);
    if (lock.mode === "exclusive" && lock.holders.length !== 1) v.push(`${path}: ${lock.holders.length} exclusive holders`);
    for (const h of lock.holders) {
      if (h.held !== lock.mode) v.push(`${path}: holder ${h.id} marked ${String(h.held)}, lock ${String(lock.mode)}`);
      if (h.node !== node || state.handles.get(h.id) !== h) v.push(`${path}: holder ${h.id} is not a live handle on it`);
      if (state.sessions.get(h.session.id) !== h.session) v.push(`${path}: holder ${h.id} of an ended session`);
      if (h.waiting !== null) v.push(`${path}: holder ${h.id} also waits`);
    }
    for (const h of lock.waiters) {
      if (h.waiting === null) v.push(`${path}: waiter ${h.id} not marked waiting`);
      if (h.node !== node || state.handles.get(h.id) !== h) v.push(`${path}: waiter ${h.id} is not a live handle on it`);
      if (state.sessions.get(h.session.id) !== h.session) v.push(`${path}: waiter ${h.id} of an ended session`);
    }
    if (new Set(lock.holders).size !== lock.holders.length || new Set(lock.waiters).size !== lock.waiters.length) {
      v.push(`${path}: a handle listed twice`);
    }
    if (lock.holders.length === 0 && lock.waiters.length > 0 && state.now >= lock.delayUntil) {
      v.push(`${path}: free, no lock-delay, yet ${lock.waiters.length} waiters`);
    }
  }
  for (const [id, h] of state.handles) {
    if (h.id !== id) v.push(`handle ${id}: stored under another id`);
    if (!h.session.handles.has(h) || state.sessions.get(h.session.id) !== h.session) v.push(`handle ${id}: session missing`);
    if (state.nodes.get(h.node.path) !== h.node || !h.node.handles.has(h)) v.push(`handle ${id}: node missing`);
    if (id >= state.nextHandle) v.push(`handle ${id}: not below nextHandle`);
    const lock = h.node.lock;
    if (h.held !== null && (lock === null || !lock.holders.includes(h))) v.push(`handle ${id}: marked holding, not a holder`);
    if (h.waiting !== null && (lock === null || !lock.waiters.includes(h))) v.push(`handle ${id}: marked waiting, not a waiter`);
  }
  for (const s of state.sessions.values()) {
    for (const h of s.handles) if (state.handles.get(h.id) !== h) v.push(`session ${s.id}: closed handle ${h.id} listed`);
    for (const n of s.ephemerals) if (state.nodes.get(n.path) !== n || n.ephemeralOwner !== s.id) v.push(`session ${s.id}: bad ephemeral ${n.path}`);
  }
  return v;
}
