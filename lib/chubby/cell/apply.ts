/**
 * @module chubby/cell/apply
 *
 * `applyCommand`: the replicated state machine's transition function. Every replica applies the
 * committed log in order with it; given the same state and command it makes the same change and
 * returns the same outcome (no clocks, no randomness: time comes in the command's `at`).
 *
 * Each command either succeeds or fails with a ChubbyError having changed nothing (validation
 * comes before any change). Such errors are returned, not thrown, and carry no stack trace. Before the command itself, time advances to `at` and waiters whose
 * lock-delay has ended are granted, whatever the command.
 */
import { type Acl, isAllowed, mergeAcl } from "./acl.js";
import type {
  AcquireCommand,
  Command,
  CommandResults,
  CreateSessionCommand,
  HandleCommandBase,
  OpenCommand,
  Outcome,
  ResultOf,
  SetAclCommand,
  SetContentsCommand,
  TryAcquireCommand,
} from "./commands.js";
import { ChubbyError } from "./errors.js";
import { type Effects, SUBSCRIPTION_BITS, subscribers, subscriptionBits } from "./events.js";
import { requireSession, resolveHandle } from "./handles.js";
import { statOf } from "./inspect.js";
import { dequeue, enqueue, grant, grantDue, grantWaiters, grantableNow, lockOf, releaseHold } from "./locks.js";
import { childEvent, createNode, deleteNode } from "./namespace.js";
import { baseName, checkPath, parentPath } from "./path.js";
import { checkSequencer, getSequencer } from "./sequencer.js";
import { utf8ByteLength } from "./size.js";
import type { CellState, HandleRec, LockMode, NodeRec, SessionRec } from "./state.js";

const EMPTY: Record<string, never> = Object.freeze({}) as Record<string, never>;

function bad(message: string): ChubbyError {
  return new ChubbyError("ERR_CHUBBY_BAD_COMMAND", message);
}

function optBool(v: unknown, name: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw bad(`${name} must be a boolean`);
  return v;
}

/**
 * Applies one committed command to the state.
 *
 * @param state - the replica's state (changed in place)
 * @param command - the command, stamped with the master's virtual time `at`
 * @returns `{ ok: true, result, events, changed }`, or `{ ok: false, error, events, changed }` with a
 *   ChubbyError whose code says why (see CHUBBY_ERROR_CODES); it never throws a ChubbyError
 * @example
 * const state = createCellState();
 * const { result } = applyCommand(state, { type: "createSession", at: 0, user: "alice" });
 * // result => { session: "s1" }
 * applyCommand(state, { type: "open", at: 1, session: "s1", path: "/ls/local/leader", mode: "write", create: true });
 * // => { ok: true, result: { handle: 1, created: true, stat: {...} }, events: [], changed: [...] }
 */
export function applyCommand<C extends Command>(state: CellState, command: C): Outcome<ResultOf<C>> {
  const fx: Effects = { events: [], changed: [] };
  // A failed call is a result, not a crash: skip the stack trace V8 would capture for it (about
  // 10 µs each, 20x the cost of a successful command). Restored before returning.
  const stackLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    if (command === null || typeof command !== "object") throw bad("a command must be an object");
    const at = command.at;
    if (typeof at !== "number" || !(at >= 0) || at === Infinity) throw bad(`at must be a finite time >= 0, got ${String(at)}`);
    if (at > state.now) state.now = at;
    grantDue(state, fx);
    if (command.epoch !== undefined) {
      if (typeof command.epoch !== "number" || !Number.isSafeInteger(command.epoch)) throw bad("epoch must be an integer");
      if (command.epoch < state.epoch && command.type !== "newEpoch") {
        throw new ChubbyError("ERR_CHUBBY_OLD_EPOCH", `epoch ${command.epoch} is older than the cell's ${state.epoch}`);
      }
    }
    const result = dispatch(state, command, fx) as ResultOf<C>;
    return { ok: true, result, events: fx.events, changed: fx.changed };
  } catch (e) {
    if (e instanceof ChubbyError) return { ok: false, error: e, events: fx.events, changed: fx.changed };
    Error.stackTraceLimit = stackLimit;
    // A bug, not a Chubby error: report it with a stack and the command.
    throw new Error(`applyCommand(${String((command as { type?: unknown } | null)?.type)}) failed: ${String(e)}`, { cause: e });
  } finally {
    Error.stackTraceLimit = stackLimit;
  }
}

function dispatch(state: CellState, c: Command, fx: Effects): CommandResults[keyof CommandResults] {
  switch (c.type) {
    case "createSession":
      return createSession(state, c);
    case "closeSession":
      endSession(state, requireSession(state, c.session), false, fx);
      return EMPTY;
    case "expireSession":
      endSession(state, requireSession(state, c.session), true, fx);
      return EMPTY;
    case "newEpoch": {
      if (typeof c.epoch !== "number" || !Number.isSafeInteger(c.epoch)) throw bad("newEpoch needs an integer epoch");
      if (c.epoch <= state.epoch) {
        throw new ChubbyError("ERR_CHUBBY_OLD_EPOCH", `epoch ${c.epoch} is not newer than the cell's ${state.epoch}`);
      }
      state.epoch = c.epoch;
      return { epoch: c.epoch };
    }
    case "open":
      return open(state, c, fx);
    case "close":
      close(state, handleOf(state, c), fx);
      return EMPTY;
    case "getContentsAndStat": {
      const h = readable(state, c);
      if (h.node.isDirectory) throw new ChubbyError("ERR_CHUBBY_IS_DIRECTORY", `${h.node.path} is a directory`);
      return { contents: h.node.contents, stat: statOf(h.node) };
    }
    case "getStat":
      return { stat: statOf(readable(state, c).node) };
    case "readDir": {
      const h = readable(state, c);
      const children = h.node.children;
      if (children === null) throw new ChubbyError("ERR_CHUBBY_NOT_DIRECTORY", `${h.node.path} is a file`);
      return { children: Array.from(children.keys()).sort() };
    }
    case "setContents":
      return setContents(state, c, fx);
    case "setACL":
      return setAcl(state, c, fx);
    case "delete": {
      const h = writable(state, c);
      const node = h.node;
      if (node.parent === null) throw new ChubbyError("ERR_CHUBBY_BAD_PATH", "the cell root cannot be deleted");
      if (node.children !== null && node.children.size > 0) {
        throw new ChubbyError("ERR_CHUBBY_NOT_EMPTY", `${node.path} has ${node.children.size} children`);
      }
      deleteNode(state, node, h, fx);
      return EMPTY;
    }
    case "acquire":
    case "tryAcquire":
      return acquire(state, c, fx);
    case "release": {
      const h = handleOf(state, c);
      if (h.held === null) throw new ChubbyError("ERR_CHUBBY_LOCK_NOT_HELD", `handle ${h.id} does not hold the lock on ${h.node.path}`);
      releaseHold(state, h, 0, "release", true, fx);
      grantWaiters(state, h.node, fx);
      return EMPTY;
    }
    case "getSequencer":
      return { sequencer: getSequencer(state, c.session, c.handle) };
    case "checkSequencer":
      return { valid: checkSequencer(state, c.sequencer) };
    case "tick":
      return EMPTY;
    default:
      throw bad(`unknown command type ${JSON.stringify((c as { type?: unknown }).type)}`);
  }
}

function handleOf(state: CellState, c: HandleCommandBase): HandleRec {
  return resolveHandle(state, c.session, c.handle);
}

function readable(state: CellState, c: HandleCommandBase): HandleRec {
  const h = handleOf(state, c);
  if (!h.canRead) throw new ChubbyError("ERR_CHUBBY_PERMISSION", `handle ${h.id} may not read ${h.node.path}`);
  return h;
}

function writable(state: CellState, c: HandleCommandBase): HandleRec {
  const h = handleOf(state, c);
  if (!h.canWrite) throw new ChubbyError("ERR_CHUBBY_PERMISSION", `handle ${h.id} was not opened for writing ${h.node.path}`);
  return h;
}

function createSession(state: CellState, c: CreateSessionCommand): { session: string } {
  if (typeof c.user !== "string" || c.user.length === 0) throw bad("createSession needs a non-empty user");
  let id: string;
  if (c.session !== undefined) {
    if (typeof c.session !== "string" || c.session.length === 0 || c.session.length > 256) {
      throw bad("a session id must be a non-empty string of at most 256 characters");
    }
    if (state.sessions.has(c.session)) throw new ChubbyError("ERR_CHUBBY_EXISTS", `session ${c.session} is live`);
    id = c.session;
  } else {
    do id = `s${++state.nextSession}`;
    while (state.sessions.has(id));
  }
  const s: SessionRec = { id, user: c.user, createdAt: state.now, handles: new Set(), ephemerals: new Set(), mark: 0 };
  state.sessions.set(id, s);
  return { session: id };
}

/**
 * Ends a session: its waits are cancelled, its locks released (with each holder's lock-delay when
 * it expired, none when it closed), its handles closed, its ephemeral files deleted, and then the
 * freed locks go to their next waiters.
 */
function endSession(state: CellState, s: SessionRec, expired: boolean, fx: Effects): void {
  const touched: NodeRec[] = [];
  for (const h of s.handles) {
    if (h.waiting !== null) {
      dequeue(h);
      touched.push(h.node);
    }
  }
  for (const h of s.handles) {
    if (h.held !== null) {
      releaseHold(state, h, expired ? h.lockDelayMs : 0, expired ? "sessionExpired" : "sessionClosed", false, fx);
      touched.push(h.node);
    }
  }
  for (const h of s.handles) {
    h.node.handles.delete(h);
    state.handles.delete(h.id);
  }
  s.handles.clear();
  state.sessions.delete(s.id);
  if (s.ephemerals.size > 0) {
    for (const node of Array.from(s.ephemerals)) deleteNode(state, node, null, fx);
    s.ephemerals.clear();
  }
  for (const node of touched) if (state.nodes.get(node.path) === node) grantWaiters(state, node, fx);
}

function close(state: CellState, h: HandleRec, fx: Effects): void {
  const node = h.node;
  if (h.waiting !== null) {
    const mode = h.waiting;
    dequeue(h);
    fx.events.push({
      kind: "lockWaitCancelled",
      at: state.now,
      path: node.path,
      sessions: [h.session.id],
      handle: h.id,
      session: h.session.id,
      mode,
      code: "ERR_CHUBBY_STALE_HANDLE",
    });
  }
  if (h.held !== null) releaseHold(state, h, 0, "close", true, fx);
  node.handles.delete(h);
  h.session.handles.delete(h);
  state.handles.delete(h.id);
  grantWaiters(state, node, fx);
}

/** The canonical name: "/ls/local/..." means this cell; any other cell is refused. */
function canonicalPath(state: CellState, path: string): string {
  const { cell, tail } = checkPath(path, state.config.maxPathLength);
  if (cell === state.config.cell) return path;
  if (cell === "local") return state.root.path + tail;
  throw new ChubbyError("ERR_CHUBBY_BAD_PATH", `${path} names cell ${cell}; this is cell ${state.config.cell}`);
}

function missingParent(state: CellState, path: string): ChubbyError {
  let p = parentPath(path);
  for (;;) {
    const n = state.nodes.get(p);
    if (n !== undefined) {
      return n.isDirectory
        ? new ChubbyError("ERR_CHUBBY_NOT_FOUND", `the parent directory of ${path} does not exist`)
        : new ChubbyError("ERR_CHUBBY_NOT_DIRECTORY", `${n.path} is a file, not a directory`);
    }
    p = parentPath(p);
  }
}

function open(state: CellState, c: OpenCommand, fx: Effects): CommandResults["open"] {
  const s = requireSession(state, c.session);
  const path = canonicalPath(state, c.path);
  const mode = c.mode ?? "read";
  if (mode !== "read" && mode !== "write") throw bad(`open mode must be "read" or "write", got ${String(mode)}`);
  const create = optBool(c.create, "create");
  const exclusive = optBool(c.exclusive, "exclusive");
  const directory = optBool(c.directory, "directory");
  const ephemeral = optBool(c.ephemeral, "ephemeral");
  const bits = subscriptionBits(c.events);
  if (bits < 0) throw bad(`events must be a list of subscription kinds`);
  let node = state.nodes.get(path);
  let parent: NodeRec | undefined;
  let acl: Acl;
  let contents = "";
  let bytes = 0;
  if (node !== undefined) {
    if (create && exclusive) throw new ChubbyError("ERR_CHUBBY_EXISTS", `${path} exists`);
    acl = node.acl;
  } else {
    if (!create) throw new ChubbyError("ERR_CHUBBY_NOT_FOUND", `${path} does not exist`);
    parent = state.nodes.get(parentPath(path));
    if (parent === undefined) throw missingParent(state, path);
    if (!parent.isDirectory) throw new ChubbyError("ERR_CHUBBY_NOT_DIRECTORY", `${parent.path} is a file, not a directory`);
    if (!isAllowed(parent.acl.writers, s.user)) {
      throw new ChubbyError("ERR_CHUBBY_PERMISSION", `${s.user} may not create nodes in ${parent.path}`);
    }
    if (ephemeral && directory) throw bad("only files can be ephemeral");
    if (c.contents !== undefined) {
      if (typeof c.contents !== "string") throw bad("contents must be a string");
      if (directory) throw new ChubbyError("ERR_CHUBBY_IS_DIRECTORY", "a directory has no contents");
      contents = c.contents;
      bytes = utf8ByteLength(contents);
      if (bytes > state.config.maxContentBytes) {
        throw new ChubbyError("ERR_CHUBBY_TOO_LARGE", `contents are ${bytes} bytes, the limit is ${state.config.maxContentBytes}`);
      }
    }
    acl = c.acl !== undefined ? mergeAcl(parent.acl, c.acl) : parent.acl;
  }
  const canRead = isAllowed(acl.readers, s.user);
  if (mode === "read" && !canRead) throw new ChubbyError("ERR_CHUBBY_PERMISSION", `${s.user} may not read ${path}`);
  if (mode === "write" && !isAllowed(acl.writers, s.user)) {
    throw new ChubbyError("ERR_CHUBBY_PERMISSION", `${s.user} may not write ${path}`);
  }
  // Validated: from here on nothing fails.
  const created = node === undefined;
  if (node === undefined) {
    node = createNode(
      state,
      parent as NodeRec,
      { path, name: baseName(path), isDirectory: directory, ephemeralOwner: ephemeral ? s.id : null, contents, contentBytes: bytes, acl },
      fx,
    );
  }
  const h: HandleRec = {
    id: state.nextHandle++,
    session: s,
    node,
    canRead,
    canWrite: mode === "write",
    subscriptions: bits,
    held: null,
    waiting: null,
    lockDelayMs: 0,
  };
  state.handles.set(h.id, h);
  s.handles.add(h);
  node.handles.add(h);
  return { handle: h.id, created, stat: statOf(node) };
}

function setContents(state: CellState, c: SetContentsCommand, fx: Effects): CommandResults["setContents"] {
  const h = writable(state, c);
  const node = h.node;
  if (node.isDirectory) throw new ChubbyError("ERR_CHUBBY_IS_DIRECTORY", `${node.path} is a directory`);
  if (typeof c.contents !== "string") throw bad("contents must be a string");
  const bytes = utf8ByteLength(c.contents);
  if (bytes > state.config.maxContentBytes) {
    throw new ChubbyError("ERR_CHUBBY_TOO_LARGE", `contents are ${bytes} bytes, the limit is ${state.config.maxContentBytes}`);
  }
  if (c.ifGeneration !== undefined) {
    if (typeof c.ifGeneration !== "number" || !Number.isSafeInteger(c.ifGeneration)) throw bad("ifGeneration must be an integer");
    if (c.ifGeneration !== node.contentGeneration) {
      throw new ChubbyError(
        "ERR_CHUBBY_CAS_MISMATCH",
        `${node.path} is at content generation ${node.contentGeneration}, not ${c.ifGeneration}`,
      );
    }
  }
  node.contents = c.contents;
  node.contentBytes = bytes;
  node.contentGeneration = ++state.revision;
  const subs = subscribers(node, SUBSCRIPTION_BITS.contentsModified);
  if (subs.length > 0) {
    fx.events.push({ kind: "contentsModified", at: state.now, path: node.path, sessions: subs, contentGeneration: node.contentGeneration });
  }
  childEvent(state, node.parent as NodeRec, "childNodeModified", node.name, fx);
  fx.changed.push(node.path);
  return { contentGeneration: node.contentGeneration };
}

function setAcl(state: CellState, c: SetAclCommand, fx: Effects): CommandResults["setACL"] {
  const h = handleOf(state, c);
  const node = h.node;
  if (!isAllowed(node.acl.changeAcl, h.session.user)) {
    throw new ChubbyError("ERR_CHUBBY_PERMISSION", `${h.session.user} may not change the ACL of ${node.path}`);
  }
  if (c.acl === null || typeof c.acl !== "object") throw bad("setACL needs an acl object");
  node.acl = mergeAcl(node.acl, c.acl);
  node.aclGeneration = ++state.revision;
  if (node.parent !== null) childEvent(state, node.parent, "childNodeModified", node.name, fx);
  fx.changed.push(node.path);
  return { aclGeneration: node.aclGeneration };
}

function acquire(state: CellState, c: AcquireCommand | TryAcquireCommand, fx: Effects): CommandResults["acquire"] {
  const h = writable(state, c);
  const mode: LockMode = c.mode ?? "exclusive";
  if (mode !== "exclusive" && mode !== "shared") throw bad(`lock mode must be "exclusive" or "shared", got ${String(mode)}`);
  const delay = c.lockDelayMs ?? 0;
  if (typeof delay !== "number" || !(delay >= 0) || delay === Infinity) throw bad(`lockDelayMs must be a finite number >= 0`);
  if (delay > state.config.maxLockDelayMs) {
    throw new ChubbyError("ERR_CHUBBY_LOCK_DELAY_TOO_LONG", `lock-delay ${delay} ms is over the cap of ${state.config.maxLockDelayMs} ms`);
  }
  if (h.held !== null || h.waiting !== null) {
    throw new ChubbyError("ERR_CHUBBY_LOCK_ALREADY_HELD", `handle ${h.id} already ${h.held !== null ? "holds" : "waits for"} the lock`);
  }
  const lock = lockOf(h.node);
  if (grantableNow(lock, mode, state.now)) {
    h.lockDelayMs = delay;
    const generation = grant(state, h, mode, fx);
    return { granted: true, mode, generation };
  }
  if (c.type === "tryAcquire") {
    const why = lock.waiters.length > 0 ? "others wait" : state.now < lock.delayUntil ? "its lock-delay runs" : `it is held ${lock.mode}`;
    throw new ChubbyError("ERR_CHUBBY_LOCK_BUSY", `${h.node.path} cannot be granted now: ${why}`);
  }
  h.lockDelayMs = delay;
  return { granted: false, position: enqueue(state, h, mode, fx) };
}
