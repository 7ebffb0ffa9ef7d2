/**
 * @module chubby/cell/snapshot
 *
 * Snapshot and restore of a cell's state (a new master rebuilding, a restarted replica catching
 * up, Raft log compaction), and a digest proving two replicas hold the same state.
 *
 * A snapshot is a plain JSON-safe object sharing nothing with the state; restoring it gives a
 * state that behaves exactly as the original (same iteration orders, so the same future events).
 */
import type { Acl } from "./acl.js";
import { ChubbyError } from "./errors.js";
import { hashString } from "./hash.js";
import { type CellState, type HandleRec, type LockMode, type NodeRec, type SessionRec, emptyState, resolveConfig } from "./state.js";

/** The snapshot format tag. @example snapshot(state).format // => "chubby-cell/1" */
export const SNAPSHOT_FORMAT = "chubby-cell/1";

/** A node in a snapshot. */
export interface NodeSnapshot {
  readonly path: string;
  readonly isDirectory: boolean;
  readonly ephemeralOwner: string | null;
  readonly contents: string;
  readonly contentBytes: number;
  readonly instance: number;
  readonly contentGeneration: number;
  readonly lockGeneration: number;
  readonly aclGeneration: number;
  readonly acl: { readers: string[]; writers: string[]; changeAcl: string[] };
  /** Null when the lock is free, has no waiters and no lock-delay was ever set. */
  readonly lock: { mode: LockMode | null; holders: number[]; waiters: number[]; delayUntil: number } | null;
}

/** A handle in a snapshot. */
export interface HandleSnapshot {
  readonly id: number;
  readonly session: string;
  readonly path: string;
  readonly canRead: boolean;
  readonly canWrite: boolean;
  readonly subscriptions: number;
  readonly held: LockMode | null;
  readonly waiting: LockMode | null;
  readonly lockDelayMs: number;
}

/** A session in a snapshot. */
export interface SessionSnapshot {
  readonly id: string;
  readonly user: string;
  readonly createdAt: number;
  /** Its ephemeral files, in creation order. */
  readonly ephemerals: string[];
}

/** A whole cell state as plain data. */
export interface CellSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly config: {
    cell: string;
    rootAcl: { readers: string[]; writers: string[]; changeAcl: string[] };
    maxPathLength: number;
    maxContentBytes: number;
    maxLockDelayMs: number;
  };
  readonly now: number;
  readonly epoch: number;
  readonly revision: number;
  readonly nextHandle: number;
  readonly nextSession: number;
  /** Parents before children, children in creation order; the root first. */
  readonly nodes: NodeSnapshot[];
  readonly sessions: SessionSnapshot[];
  /** In id order. */
  readonly handles: HandleSnapshot[];
  /** Names of locks waiting for a lock-delay to end, in scheduling order. */
  readonly delayed: string[];
  /** Lock-delays of deleted nodes still binding their names: [name, until] pairs. */
  readonly lingeringDelays: [string, number][];
}

function aclCopy(acl: Acl): { readers: string[]; writers: string[]; changeAcl: string[] } {
  return { readers: acl.readers.slice(), writers: acl.writers.slice(), changeAcl: acl.changeAcl.slice() };
}

function nodeSnapshot(node: NodeRec): NodeSnapshot {
  const lock = node.lock;
  const keep = lock !== null && (lock.holders.length > 0 || lock.waiters.length > 0 || lock.delayUntil > 0);
  return {
    path: node.path,
    isDirectory: node.isDirectory,
    ephemeralOwner: node.ephemeralOwner,
    contents: node.contents,
    contentBytes: node.contentBytes,
    instance: node.instance,
    contentGeneration: node.contentGeneration,
    lockGeneration: node.lockGeneration,
    aclGeneration: node.aclGeneration,
    acl: aclCopy(node.acl),
    lock: keep
      ? { mode: lock.mode, holders: lock.holders.map((h) => h.id), waiters: lock.waiters.map((h) => h.id), delayUntil: lock.delayUntil }
      : null,
  };
}

/**
 * A deep, JSON-safe copy of the state.
 *
 * @param state - the cell
 * @returns the snapshot (shares nothing with the state)
 * @example
 * const copy = restore(snapshot(state));
 * stateDigest(copy) === stateDigest(state); // => true
 */
export function snapshot(state: CellState): CellSnapshot {
  const nodes: NodeSnapshot[] = [];
  const stack: NodeRec[] = [state.root];
  while (stack.length > 0) {
    const node = stack.pop() as NodeRec;
    nodes.push(nodeSnapshot(node));
    if (node.children !== null && node.children.size > 0) {
      const kids = Array.from(node.children.values());
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }
  const c = state.config;
  return {
    format: SNAPSHOT_FORMAT,
    config: {
      cell: c.cell,
      rootAcl: aclCopy(c.rootAcl),
      maxPathLength: c.maxPathLength,
      maxContentBytes: c.maxContentBytes,
      maxLockDelayMs: c.maxLockDelayMs,
    },
    now: state.now,
    epoch: state.epoch,
    revision: state.revision,
    nextHandle: state.nextHandle,
    nextSession: state.nextSession,
    nodes,
    sessions: Array.from(state.sessions.values(), (s) => ({
      id: s.id,
      user: s.user,
      createdAt: s.createdAt,
      ephemerals: Array.from(s.ephemerals, (n) => n.path),
    })),
    handles: Array.from(state.handles.values(), (h) => ({
      id: h.id,
      session: h.session.id,
      path: h.node.path,
      canRead: h.canRead,
      canWrite: h.canWrite,
      subscriptions: h.subscriptions,
      held: h.held,
      waiting: h.waiting,
      lockDelayMs: h.lockDelayMs,
    })),
    delayed: Array.from(state.delayed, (n) => n.path),
    lingeringDelays: Array.from(state.lingeringDelays),
  };
}

function broken(message: string): ChubbyError {
  return new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `bad snapshot: ${message}`);
}

/**
 * Rebuilds a state from a snapshot (deep copy: the snapshot can be reused).
 *
 * @param snap - from {@link snapshot} (possibly through JSON)
 * @returns a new state that behaves exactly as the one snapshotted
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG when the snapshot is of another format or inconsistent
 * @example
 * const replica = restore(JSON.parse(JSON.stringify(snapshot(master))));
 */
export function restore(snap: CellSnapshot): CellState {
  if (snap === null || typeof snap !== "object" || snap.format !== SNAPSHOT_FORMAT) {
    throw broken(`expected format ${SNAPSHOT_FORMAT}`);
  }
  const state = emptyState(resolveConfig(snap.config));
  state.now = snap.now;
  state.epoch = snap.epoch;
  state.revision = snap.revision;
  state.nextHandle = snap.nextHandle;
  state.nextSession = snap.nextSession;
  const nodes = snap.nodes;
  if (nodes.length === 0 || nodes[0].path !== state.root.path) throw broken("the first node must be the cell root");
  const rootSnap = nodes[0];
  const root = state.root as { -readonly [K in keyof NodeRec]: NodeRec[K] };
  Object.assign(root, {
    contentGeneration: rootSnap.contentGeneration,
    lockGeneration: rootSnap.lockGeneration,
    aclGeneration: rootSnap.aclGeneration,
    acl: aclCopy(rootSnap.acl),
  });
  for (let i = 1; i < nodes.length; i++) {
    const n = nodes[i];
    const cut = n.path.lastIndexOf("/");
    const parent = state.nodes.get(n.path.slice(0, cut));
    if (parent === undefined || parent.children === null) throw broken(`${n.path} before its parent directory`);
    const node: NodeRec = {
      path: n.path,
      name: n.path.slice(cut + 1),
      parent,
      isDirectory: n.isDirectory,
      ephemeralOwner: n.ephemeralOwner,
      contents: n.contents,
      contentBytes: n.contentBytes,
      instance: n.instance,
      contentGeneration: n.contentGeneration,
      lockGeneration: n.lockGeneration,
      aclGeneration: n.aclGeneration,
      acl: aclCopy(n.acl),
      children: n.isDirectory ? new Map() : null,
      handles: new Set(),
      lock: null,
    };
    parent.children.set(node.name, node);
    state.nodes.set(node.path, node);
  }
  for (const s of snap.sessions) {
    const rec: SessionRec = { id: s.id, user: s.user, createdAt: s.createdAt, handles: new Set(), ephemerals: new Set(), mark: 0 };
    for (const p of s.ephemerals) {
      const node = state.nodes.get(p);
      if (node === undefined) throw broken(`ephemeral ${p} of ${s.id} missing`);
      rec.ephemerals.add(node);
    }
    state.sessions.set(s.id, rec);
  }
  for (const hs of snap.handles) {
    const session = state.sessions.get(hs.session);
    const node = state.nodes.get(hs.path);
    if (session === undefined || node === undefined) throw broken(`handle ${hs.id} of a missing session or node`);
    const h: HandleRec = {
      id: hs.id,
      session,
      node,
      canRead: hs.canRead,
      canWrite: hs.canWrite,
      subscriptions: hs.subscriptions,
      held: hs.held,
      waiting: hs.waiting,
      lockDelayMs: hs.lockDelayMs,
    };
    state.handles.set(h.id, h);
    session.handles.add(h);
    node.handles.add(h);
  }
  const handle = (id: number): HandleRec => {
    const h = state.handles.get(id);
    if (h === undefined) throw broken(`lock refers to missing handle ${id}`);
    return h;
  };
  for (const n of nodes) {
    if (n.lock === null) continue;
    (state.nodes.get(n.path) as NodeRec).lock = {
      mode: n.lock.mode,
      holders: n.lock.holders.map(handle),
      waiters: n.lock.waiters.map(handle),
      delayUntil: n.lock.delayUntil,
    };
  }
  for (const p of snap.delayed) {
    const node = state.nodes.get(p);
    if (node === undefined || node.lock === null) throw broken(`delayed lock ${p} missing`);
    state.delayed.add(node);
    if (node.lock.delayUntil < state.nextWake) state.nextWake = node.lock.delayUntil;
  }
  if (!Array.isArray(snap.lingeringDelays)) throw broken("lingeringDelays missing");
  for (const [p, t] of snap.lingeringDelays) state.lingeringDelays.set(p, t);
  return state;
}

/**
 * A 16-hex-digit digest of the whole state: two replicas that applied the same log have equal
 * digests; any difference in nodes, locks, sessions, handles, time or counters changes it.
 *
 * @param state - the cell
 * @returns the digest
 * @example
 * stateDigest(replicaA) === stateDigest(replicaB); // => true after the same committed log
 */
export function stateDigest(state: CellState): string {
  return hashString(JSON.stringify(snapshot(state)));
}
