/**
 * @module chubby/cell/state
 *
 * The replicated state of one Chubby cell: the namespace (nodes with contents, ACLs, generation
 * numbers and a reader/writer lock each), the sessions, the open handles and the pending lock
 * waiters. Every replica holds one and changes it only through `applyCommand`, in log order.
 *
 * The structures are mutable and linked (a handle points to its node and session) so a command
 * costs O(what it touches), not O(state); `snapshot` makes the deep copy when one is needed.
 * Treat the fields as read-only outside this folder; `inspect.ts` has views for callers.
 */
import { type Acl, OPEN_ACL, mergeAcl } from "./acl.js";
import { ChubbyError } from "./errors.js";
import { DEFAULT_MAX_PATH_LENGTH, isValidCellName } from "./path.js";
import { MAX_CONTENT_BYTES } from "./size.js";

/** A lock's mode (paper §2.4: reader/writer locks). */
export type LockMode = "exclusive" | "shared";

/** Chubby's cap on a client-chosen lock-delay: one minute (paper §2.4). @example MAX_LOCK_DELAY_MS // => 60000 */
export const MAX_LOCK_DELAY_MS = 60_000;

/** A cell's fixed parameters. */
export interface CellConfig {
  /** The cell name, the second component of every name (/ls/<cell>/...); "local" is also accepted in paths. */
  readonly cell: string;
  /** ACL of the cell root /ls/<cell>, inherited by what is created below it. */
  readonly rootAcl: Acl;
  /** Longest accepted name, in characters. */
  readonly maxPathLength: number;
  /** Largest contents, in UTF-8 bytes. */
  readonly maxContentBytes: number;
  /** Largest lock-delay a client may choose, in ms. */
  readonly maxLockDelayMs: number;
}

/** Options of {@link createCellState}; every field has a default. */
export interface CellOptions {
  /** Cell name (default "local"). */
  cell?: string;
  /** ACL of the root (default: everyone may read, write and change ACLs). */
  rootAcl?: Partial<Acl>;
  /** Default 1024. */
  maxPathLength?: number;
  /** Default 256 KiB (262144). */
  maxContentBytes?: number;
  /** Default 60000 (one minute). */
  maxLockDelayMs?: number;
}

/** A node's lock: holders, FIFO waiters and the lock-delay barrier. */
export interface LockRec {
  /** Mode while held; null when free. */
  mode: LockMode | null;
  /** Handles holding it (one if exclusive, one or more if shared). */
  holders: HandleRec[];
  /** Handles waiting for it, first come first served. */
  waiters: HandleRec[];
  /** No grant before this virtual time (ms): set when a holder's session expires (lock-delay). */
  delayUntil: number;
}

/** A file or directory. */
export interface NodeRec {
  readonly path: string;
  readonly name: string;
  readonly parent: NodeRec | null;
  readonly isDirectory: boolean;
  /** The session owning an ephemeral file, or null for a permanent node. */
  readonly ephemeralOwner: string | null;
  contents: string;
  contentBytes: number;
  /** Paper §2.3: the four monotonic numbers. Here all come from one cell-wide revision counter. */
  readonly instance: number;
  contentGeneration: number;
  lockGeneration: number;
  aclGeneration: number;
  acl: Acl;
  /** Children by name, in creation order; null for a file. */
  readonly children: Map<string, NodeRec> | null;
  /** Open handles on this node, in id order. */
  readonly handles: Set<HandleRec>;
  /** Lock state, created on first use. */
  lock: LockRec | null;
}

/** An open handle (paper §2.6: Open returns one; it names a node for one session). */
export interface HandleRec {
  readonly id: number;
  readonly session: SessionRec;
  readonly node: NodeRec;
  /** May read contents / stat / ReadDir (user in readers at Open). */
  readonly canRead: boolean;
  /** Opened in write mode (user in writers at Open). */
  readonly canWrite: boolean;
  /** Event subscription bits (see events.ts). */
  readonly subscriptions: number;
  /** Mode held through this handle, or null. */
  held: LockMode | null;
  /** Mode waited for through this handle, or null. */
  waiting: LockMode | null;
  /** The lock-delay chosen with the Acquire that holds or waits. */
  lockDelayMs: number;
}

/** A client session (paper §2.8); lease timing lives in the glue, not here. */
export interface SessionRec {
  readonly id: string;
  readonly user: string;
  readonly createdAt: number;
  /** Open handles, in id order. */
  readonly handles: Set<HandleRec>;
  /** Ephemeral files it created, deleted when it ends. */
  readonly ephemerals: Set<NodeRec>;
  /** Scratch mark for de-duplicating event recipients (not part of the replicated state). */
  mark: number;
}

/** The whole replicated state of a cell. */
export interface CellState {
  readonly config: CellConfig;
  /** Virtual time of the latest command (ms); never decreases. */
  now: number;
  /** The current master epoch (set by `newEpoch` commands); calls stamped older are refused. */
  epoch: number;
  /** Cell-wide counter behind every instance and generation number; bumped by every change. */
  revision: number;
  /** The next handle id to issue (ids below it were issued once). */
  nextHandle: number;
  /** Counter for generated session ids. */
  nextSession: number;
  readonly root: NodeRec;
  /** Every node by name. */
  readonly nodes: Map<string, NodeRec>;
  /** Live sessions by id. */
  readonly sessions: Map<string, SessionRec>;
  /** Open handles by id. */
  readonly handles: Map<number, HandleRec>;
  /** Locks whose waiters wait for a lock-delay to end, in the order they were scheduled. */
  readonly delayed: Set<NodeRec>;
  /** Earliest delayUntil among `delayed` (Infinity when none). */
  nextWake: number;
  /**
   * Lock-delays that outlive their node: when a node is deleted while its lock-delay runs, the
   * barrier stays with the name, and a node re-created under it cannot be locked before it ends.
   */
  readonly lingeringDelays: Map<string, number>;
}

function positiveInt(v: unknown, name: string, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

/**
 * Checks options and fills in defaults.
 *
 * @param options - partial configuration
 * @returns the complete configuration
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG on a bad cell name, limit or root ACL
 * @example
 * resolveConfig({ cell: "foo" }).maxLockDelayMs; // => 60000
 */
export function resolveConfig(options: CellOptions = {}): CellConfig {
  const cell = options.cell ?? "local";
  if (!isValidCellName(cell)) throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `bad cell name ${JSON.stringify(cell)}`);
  let rootAcl: Acl;
  try {
    rootAcl = mergeAcl(OPEN_ACL, options.rootAcl);
  } catch (e) {
    throw new ChubbyError("ERR_CHUBBY_BAD_CONFIG", `rootAcl: ${(e as Error).message}`);
  }
  const maxPathLength = positiveInt(options.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH, "maxPathLength", 5 + cell.length);
  const maxContentBytes = positiveInt(options.maxContentBytes ?? MAX_CONTENT_BYTES, "maxContentBytes", 0);
  const maxLockDelayMs = positiveInt(options.maxLockDelayMs ?? MAX_LOCK_DELAY_MS, "maxLockDelayMs", 0);
  return { cell, rootAcl, maxPathLength, maxContentBytes, maxLockDelayMs };
}

/**
 * A fresh cell: only the root directory /ls/<cell>, no sessions, time 0, epoch 0, revision 0.
 *
 * @param options - cell name and limits, see {@link CellOptions}
 * @returns a new mutable state, to be changed only by `applyCommand`
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG on bad options
 * @example
 * const state = createCellState({ cell: "foo" });
 * state.root.path; // => "/ls/foo"
 */
export function createCellState(options: CellOptions = {}): CellState {
  return emptyState(resolveConfig(options));
}

/**
 * A state with the given, already checked, config and only the root (used by createCellState and restore).
 *
 * @param config - a complete configuration (see {@link resolveConfig})
 * @returns a new state
 * @example
 * emptyState(resolveConfig({ cell: "foo" })).nodes.size; // => 1
 */
export function emptyState(config: CellConfig): CellState {
  const root: NodeRec = {
    path: `/ls/${config.cell}`,
    name: "",
    parent: null,
    isDirectory: true,
    ephemeralOwner: null,
    contents: "",
    contentBytes: 0,
    instance: 0,
    contentGeneration: 0,
    lockGeneration: 0,
    aclGeneration: 0,
    acl: config.rootAcl,
    children: new Map(),
    handles: new Set(),
    lock: null,
  };
  return {
    config,
    now: 0,
    epoch: 0,
    revision: 0,
    nextHandle: 1,
    nextSession: 0,
    root,
    nodes: new Map([[root.path, root]]),
    sessions: new Map(),
    handles: new Map(),
    delayed: new Set(),
    nextWake: Infinity,
    lingeringDelays: new Map(),
  };
}
