/**
 * @module chubby/cell/commands
 *
 * The commands of the replicated state machine, one per Chubby call that goes through the log
 * (paper §2.6), plus the master's own: newEpoch, expireSession and tick. The master stamps each
 * with its virtual time `at` (ms) when it proposes it, so every replica computes the same result.
 * A command may carry the caller's `epoch`; one older than the cell's is refused.
 */
import type { Acl } from "./acl.js";
import type { ChubbyError } from "./errors.js";
import type { ChubbyEvent, Subscription } from "./events.js";
import type { LockMode } from "./state.js";

/** Fields every command has. */
export interface CommandBase {
  /** The master's virtual time when it proposed the command (ms, >= 0). Earlier than the cell's time counts as the cell's time. */
  readonly at: number;
  /** The epoch the caller believes current; when older than the cell's, the command fails with ERR_CHUBBY_OLD_EPOCH. */
  readonly epoch?: number;
}

/** A call through a handle. */
export interface HandleCommandBase extends CommandBase {
  readonly session: string;
  readonly handle: number;
}

/** Starts a session for a user; the id is generated ("s1", "s2", ...) unless given. */
export interface CreateSessionCommand extends CommandBase {
  readonly type: "createSession";
  readonly user: string;
  readonly session?: string;
}
/** The client ends its session: handles closed, locks released WITHOUT lock-delay, ephemerals deleted. */
export interface CloseSessionCommand extends CommandBase {
  readonly type: "closeSession";
  readonly session: string;
}
/** The master decided the session's lease ran out: like close, but each held lock gets its holder's lock-delay. */
export interface ExpireSessionCommand extends CommandBase {
  readonly type: "expireSession";
  readonly session: string;
}
/** A new master starts an epoch (must be greater than the current one). */
export interface NewEpochCommand extends CommandBase {
  readonly type: "newEpoch";
  readonly epoch: number;
}
/** Opens (and optionally creates) a node. */
export interface OpenCommand extends CommandBase {
  readonly type: "open";
  readonly session: string;
  readonly path: string;
  /** "read" (default) needs the user in readers; "write" needs writers (SetContents, Delete, Acquire). */
  readonly mode?: "read" | "write";
  /** Create the node if missing (needs writers on the parent). */
  readonly create?: boolean;
  /** With create: fail with ERR_CHUBBY_EXISTS if it exists. */
  readonly exclusive?: boolean;
  /** Create a directory rather than a file. */
  readonly directory?: boolean;
  /** Create an ephemeral file owned by this session (not for directories). */
  readonly ephemeral?: boolean;
  /** Initial contents of a created file. */
  readonly contents?: string;
  /** Initial ACL lists of a created node (the rest inherited from the parent). */
  readonly acl?: Partial<Acl>;
  /** Event kinds to receive for this node. */
  readonly events?: readonly Subscription[];
}
/** Closes a handle; a lock held through it is released (no lock-delay), a wait is cancelled. */
export interface CloseCommand extends HandleCommandBase {
  readonly type: "close";
}
/** Reads the whole contents and the metadata of a file. */
export interface GetContentsAndStatCommand extends HandleCommandBase {
  readonly type: "getContentsAndStat";
}
/** Reads the metadata of a node. */
export interface GetStatCommand extends HandleCommandBase {
  readonly type: "getStat";
}
/** Lists a directory's children (names, sorted). */
export interface ReadDirCommand extends HandleCommandBase {
  readonly type: "readDir";
}
/** Replaces the whole contents; with ifGeneration, only if the content generation still equals it. */
export interface SetContentsCommand extends HandleCommandBase {
  readonly type: "setContents";
  readonly contents: string;
  readonly ifGeneration?: number;
}
/** Replaces some ACL lists (needs the user in changeAcl now). */
export interface SetAclCommand extends HandleCommandBase {
  readonly type: "setACL";
  readonly acl: Partial<Acl>;
}
/** Deletes the handle's node (a file, or an empty directory). */
export interface DeleteCommand extends HandleCommandBase {
  readonly type: "delete";
}
/** Blocking Acquire: granted now, or queued FIFO and granted later (a lockGranted event). */
export interface AcquireCommand extends HandleCommandBase {
  readonly type: "acquire";
  /** Default "exclusive". */
  readonly mode?: LockMode;
  /** Lock-delay applied if this holder's session expires while holding (default 0, at most 60 s). */
  readonly lockDelayMs?: number;
}
/** TryAcquire: granted now, or ERR_CHUBBY_LOCK_BUSY. */
export interface TryAcquireCommand extends HandleCommandBase {
  readonly type: "tryAcquire";
  readonly mode?: LockMode;
  readonly lockDelayMs?: number;
}
/** Releases the lock held through the handle (no lock-delay). */
export interface ReleaseCommand extends HandleCommandBase {
  readonly type: "release";
}
/** GetSequencer for the lock held through the handle. */
export interface GetSequencerCommand extends HandleCommandBase {
  readonly type: "getSequencer";
}
/** CheckSequencer (a server asking the cell whether a sequencer is still valid). */
export interface CheckSequencerCommand extends CommandBase {
  readonly type: "checkSequencer";
  readonly sequencer: string;
}
/** Advances time only, granting waiters whose lock-delay has ended. */
export interface TickCommand extends CommandBase {
  readonly type: "tick";
}

/** Every command. */
export type Command =
  | CreateSessionCommand
  | CloseSessionCommand
  | ExpireSessionCommand
  | NewEpochCommand
  | OpenCommand
  | CloseCommand
  | GetContentsAndStatCommand
  | GetStatCommand
  | ReadDirCommand
  | SetContentsCommand
  | SetAclCommand
  | DeleteCommand
  | AcquireCommand
  | TryAcquireCommand
  | ReleaseCommand
  | GetSequencerCommand
  | CheckSequencerCommand
  | TickCommand;

/** The names of the commands. */
export type CommandType = Command["type"];

/** Every command type, in the order above. @example COMMAND_TYPES.includes("acquire") // => true */
export const COMMAND_TYPES: readonly CommandType[] = [
  "createSession",
  "closeSession",
  "expireSession",
  "newEpoch",
  "open",
  "close",
  "getContentsAndStat",
  "getStat",
  "readDir",
  "setContents",
  "setACL",
  "delete",
  "acquire",
  "tryAcquire",
  "release",
  "getSequencer",
  "checkSequencer",
  "tick",
];

/** A node's metadata (paper §2.3). */
export interface NodeStat {
  readonly path: string;
  readonly isDirectory: boolean;
  /** The owning session of an ephemeral file, or null. */
  readonly ephemeralOwner: string | null;
  /** Greater than the instance number of any earlier node of the same name. */
  readonly instance: number;
  /** Increases with every write of the contents. */
  readonly contentGeneration: number;
  /** Increases when the lock goes from free to held. */
  readonly lockGeneration: number;
  /** Increases when the ACL lists are written. */
  readonly aclGeneration: number;
  /** Size of the contents in UTF-8 bytes (0 for a directory). */
  readonly contentLength: number;
  readonly acl: Acl;
}

/** An Acquire's answer: granted now (with the generation), or queued at a position. */
export type AcquireResult =
  | { readonly granted: true; readonly mode: LockMode; readonly generation: number }
  | { readonly granted: false; readonly position: number };

/** The result of each command type. */
export interface CommandResults {
  createSession: { readonly session: string };
  closeSession: Record<string, never>;
  expireSession: Record<string, never>;
  newEpoch: { readonly epoch: number };
  open: { readonly handle: number; readonly created: boolean; readonly stat: NodeStat };
  close: Record<string, never>;
  getContentsAndStat: { readonly contents: string; readonly stat: NodeStat };
  getStat: { readonly stat: NodeStat };
  readDir: { readonly children: readonly string[] };
  setContents: { readonly contentGeneration: number };
  setACL: { readonly aclGeneration: number };
  delete: Record<string, never>;
  acquire: AcquireResult;
  tryAcquire: { readonly granted: true; readonly mode: LockMode; readonly generation: number };
  release: Record<string, never>;
  getSequencer: { readonly sequencer: string };
  checkSequencer: { readonly valid: boolean };
  tick: Record<string, never>;
}

/** The result type of a command. */
export type ResultOf<C extends Command> = CommandResults[C["type"]];

/**
 * What applying a command gives: its result or its error, plus the events it caused and the
 * names it changed. A failed command changed nothing, except that time advanced and waiters whose
 * lock-delay had ended were granted first (those events are reported either way).
 */
export type Outcome<R> =
  | { readonly ok: true; readonly result: R; readonly events: ChubbyEvent[]; readonly changed: string[] }
  | { readonly ok: false; readonly error: ChubbyError; readonly events: ChubbyEvent[]; readonly changed: string[] };
