/**
 * @module chubby/raft/types
 *
 * The data a Raft node exchanges with its driver: log entries, messages,
 * the durable state, and the `Ready` batch the driver drains after every
 * `tick`, `step` or `propose`. Plain objects only, so a simulation can copy,
 * delay, drop or duplicate them freely. Entries and messages are treated as
 * immutable once created: nodes share them by reference, never copy them.
 */

/**
 * One log entry. Indexes start at 1; `data` is opaque to Raft (a new leader's
 * no-op entry has `data: null`).
 *
 * @example
 * const e: Entry = { term: 2, index: 7, data: { op: "set", key: "a" } };
 */
export interface Entry {
  /** The term of the leader that created the entry. */
  readonly term: number;
  /** Position in the log, from 1. */
  readonly index: number;
  /** The command for the state machine; null for a leader's no-op. */
  readonly data: unknown;
}

/**
 * The part of a node's state that must be on stable storage before any
 * message of the same `Ready` batch is sent (Raft's Figure 2 "persistent
 * state", plus the commit index as etcd keeps it).
 *
 * @example
 * const hs: HardState = { term: 3, votedFor: "b", commitIndex: 12 };
 */
export interface HardState {
  /** Latest term this node has seen. */
  readonly term: number;
  /** The candidate this node voted for in `term`, or null. */
  readonly votedFor: string | null;
  /** Highest log index known to be committed. */
  readonly commitIndex: number;
}

/**
 * What a restarted node reads back from stable storage.
 *
 * @example
 * createRaftNode(config, { term: 3, votedFor: "b", log: storedEntries });
 */
export interface PersistedState {
  /** Latest term seen before the crash. */
  readonly term: number;
  /** Vote cast in `term`, or null. */
  readonly votedFor: string | null;
  /** The durable log, indexes 1..n in order. */
  readonly log: readonly Entry[];
  /**
   * Optional durable commit index: entries up to it are handed back in the
   * first `ready().committed`, so the state machine can be rebuilt. Default 0
   * (the commit index is relearned from the leader).
   */
  readonly commitIndex?: number;
}

/**
 * The role a node plays. "pre-candidate" is the pre-vote phase (no term change yet).
 *
 * @example
 * const s: RaftState = node.state; // e.g. "leader"
 */
export type RaftState = "follower" | "pre-candidate" | "candidate" | "leader";

/**
 * Fields every message carries.
 *
 * @example
 * const route = (m: MessageBase) => `${m.from}->${m.to} @${m.term}`;
 */
export interface MessageBase {
  /** Sender id. */
  readonly from: string;
  /** Receiver id. */
  readonly to: string;
  /** Sender's term (for a pre-vote request and grant: the term the election would use). */
  readonly term: number;
}

/**
 * RequestVote (`vote`) or its dry run (`prevote`, which changes no term or vote).
 *
 * @example
 * const m: VoteRequest = { type: "prevote", from: "a", to: "b", term: 4, lastIndex: 9, lastTerm: 3 };
 */
export interface VoteRequest extends MessageBase {
  readonly type: "vote" | "prevote";
  /** Index of the candidate's last log entry. */
  readonly lastIndex: number;
  /** Term of the candidate's last log entry. */
  readonly lastTerm: number;
}

/**
 * Answer to a vote or pre-vote request.
 *
 * @example
 * const m: VoteResponse = { type: "vote-resp", from: "b", to: "a", term: 4, reject: false };
 */
export interface VoteResponse extends MessageBase {
  readonly type: "vote-resp" | "prevote-resp";
  /** True when the vote is refused. */
  readonly reject: boolean;
}

/**
 * AppendEntries; with no entries it is the heartbeat. Every one carries the
 * leader's tick count at sending (`round`), which the answer echoes: that is
 * how the leader times its lease.
 *
 * @example
 * const m: AppendRequest = { type: "append", from: "a", to: "b", term: 4, prevIndex: 9, prevTerm: 3, entries: [], commit: 9, round: 120 };
 */
export interface AppendRequest extends MessageBase {
  readonly type: "append";
  /** Index of the entry just before `entries`. */
  readonly prevIndex: number;
  /** Term of that entry (0 when prevIndex is 0). */
  readonly prevTerm: number;
  /** Entries to store, indexes prevIndex+1, prevIndex+2, ... */
  readonly entries: readonly Entry[];
  /** Leader's commit index. */
  readonly commit: number;
  /** Leader's tick count when it sent the message. */
  readonly round: number;
}

/**
 * Answer to an AppendEntries. A rejection carries a hint (`hintIndex`,
 * `hintTerm`: the follower's last entry at or below `index` whose term is at
 * most the leader's `prevTerm`) so the leader skips a whole term per round
 * trip instead of one entry.
 *
 * @example
 * const m: AppendResponse = { type: "append-resp", from: "b", to: "a", term: 4, reject: false, index: 10, hintIndex: 0, hintTerm: 0, round: 120 };
 */
export interface AppendResponse extends MessageBase {
  readonly type: "append-resp";
  /** True when the log consistency check failed (or the leader's term is stale). */
  readonly reject: boolean;
  /** On success: the last index now known to match the leader. On reject: the rejected prevIndex. */
  readonly index: number;
  /** On reject: where the follower suggests to continue (see above). */
  readonly hintIndex: number;
  /** On reject: the term of the follower's entry at hintIndex. */
  readonly hintTerm: number;
  /** The `round` of the append this answers. */
  readonly round: number;
}

/**
 * Any message between Raft nodes; `type` tells which.
 *
 * @example
 * for (const m of node.ready().messages) network.send(m.to, m);
 */
export type RaftMessage = VoteRequest | VoteResponse | AppendRequest | AppendResponse;

/**
 * Everything a node produced since the previous `ready()`. The driver must,
 * in this order: store `hardState` and the entries (first dropping stored
 * entries from `truncateFrom` on, when present), then send `messages`, then
 * apply `committed` to the state machine.
 *
 * @example
 * const rd = node.ready();
 * if (rd.truncateFrom !== undefined) stored.length = rd.truncateFrom - 1;
 * for (const e of rd.entries) stored[e.index - 1] = e;
 */
export interface Ready {
  /** Messages to send (each with from, to and term). */
  readonly messages: RaftMessage[];
  /** The durable state, present only when it changed. */
  readonly hardState?: HardState;
  /** Entries to append to stable storage, contiguous by index. */
  readonly entries: Entry[];
  /** When set: delete stored entries with index >= truncateFrom before appending `entries`. */
  readonly truncateFrom?: number;
  /** Newly committed entries, in log order, for the state machine. */
  readonly committed: Entry[];
}

/**
 * The random source a node draws its election timeouts from;
 * `createRng(seed)` from lib/random fits.
 *
 * @example
 * const rng: RandomSource = createRng(7);
 */
export interface RandomSource {
  /** A uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number;
}

/**
 * A node's configuration. Times are in ticks of the node's own clock.
 *
 * @example
 * const config: RaftConfig = { id: "a", peers: ["a", "b", "c"], electionTicks: 10, heartbeatTicks: 2, leaseTicks: 7, rng: createRng(1) };
 */
export interface RaftConfig {
  /** This node's id (must be in `peers`). */
  readonly id: string;
  /** Every member of the cluster, this node included. */
  readonly peers: readonly string[];
  /** Base election timeout: each election waits a random count in [electionTicks, 2*electionTicks). */
  readonly electionTicks: number;
  /** A leader sends heartbeats every heartbeatTicks (must be < electionTicks). */
  readonly heartbeatTicks: number;
  /**
   * The leader (master) lease: valid until leaseTicks after the latest round
   * a majority acknowledged. Must be < electionTicks; for safety under clock
   * drift d (relative rate error) keep leaseTicks*(1+d) <= (electionTicks-1)*(1-d).
   */
  readonly leaseTicks: number;
  /** Election timeout randomness; default a generator seeded from the id. */
  readonly rng?: RandomSource;
  /** A leader that has not heard from a majority for electionTicks steps down (default true). */
  readonly checkQuorum?: boolean;
  /** Run a pre-vote round before raising the term (default true). */
  readonly preVote?: boolean;
  /** Most entries per AppendEntries message (default 64). */
  readonly maxAppendEntries?: number;
  /** Deliberate bugs, for checkers' negative controls. Never use in a real run. */
  readonly unsafe?: {
    /**
     * When true, `leaseValid()` is true for any leader (a deposed leader that
     * has not noticed still believes its lease), and nodes never refuse votes
     * while they hear from a leader.
     */
    readonly noLeaseCheck?: boolean;
  };
}
