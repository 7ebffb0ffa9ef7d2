/**
 * @module chubby/raft/node
 *
 * Raft (the paper's Figure 2) as a pure state machine in the etcd-io/raft
 * style: no I/O, no timers, no clock. The driver calls `tick()` on every tick
 * of the node's clock, `step(m)` for every message that arrives and
 * `propose(data)` on the leader, then drains `ready()`: store, send, apply.
 *
 * Beyond Figure 2: pre-vote (a node that cannot win does not raise terms),
 * CheckQuorum (a leader that has not heard from a majority for an election
 * timeout steps down), fast log backtracking (a rejection names where to
 * continue, one term per round trip), and a leader lease, Chubby's master
 * lease: every AppendEntries carries the leader's tick count at sending
 * ("round") and the answer echoes it; once a majority answered rounds >= t
 * the lease runs until t + leaseTicks. It is safe because a node that heard
 * from a leader within the last electionTicks ignores vote requests (etcd's
 * leader stickiness), and a restarted node with durable state waits out one
 * election timeout before voting (it may have acknowledged a round just
 * before it crashed). With clock drift d, keep
 * leaseTicks*(1+d) <= (electionTicks-1)*(1-d).
 */
import { resolveRaftConfig, type ResolvedRaftConfig } from "./config.js";
import { RaftError } from "./errors.js";
import { NO_ENTRIES, RaftLog } from "./log.js";
import type {
  AppendRequest,
  AppendResponse,
  Entry,
  HardState,
  PersistedState,
  RaftConfig,
  RaftMessage,
  RaftState,
  Ready,
  VoteRequest,
  VoteResponse,
} from "./types.js";

/**
 * One Raft node. All times are in ticks of this node's clock.
 *
 * @example
 * const node = createRaftNode({ id: "a", peers: ["a"], electionTicks: 10, heartbeatTicks: 2, leaseTicks: 7 });
 * node.campaign(); node.state; // => "leader" (a cluster of one)
 */
export interface RaftNode {
  /** This node's id. */
  readonly id: string;
  /** Current role. */
  readonly state: RaftState;
  /** Current term. */
  readonly term: number;
  /** Vote cast in the current term, or null. */
  readonly votedFor: string | null;
  /** The leader of the current term as far as this node knows, or null. */
  readonly leaderId: string | null;
  /** Highest index known committed. */
  readonly commitIndex: number;
  /** Index of the last log entry (0 when empty). */
  readonly lastIndex: number;
  /** Term of the last log entry (0 when empty). */
  readonly lastTerm: number;
  /** Ticks since this node (re)started. */
  readonly ticks: number;
  /** How many times this node cut its log's suffix (for monitors). */
  readonly truncations: number;
  /** Index the latest cut started at (0 when never). */
  readonly lastTruncatedFrom: number;
  /**
   * True when the entry at commitIndex is from the current term: a leader
   * has committed its no-op, so its commit index is up to date (Raft §8) and,
   * with a valid lease, it may serve reads.
   */
  readonly committedCurrentTerm: boolean;
  /**
   * Advances the clock one tick: a follower or candidate may start an
   * election; a leader sends heartbeats and, with checkQuorum, may step down.
   * @example node.tick();
   */
  tick(): void;
  /**
   * Handles one incoming message.
   * @throws {RaftError} ERR_RAFT_INPUT when it is not addressed to this node or comes from an unknown peer
   * @example node.step({ type: "vote-resp", from: "b", to: "a", term: 2, reject: false });
   */
  step(message: RaftMessage): void;
  /**
   * Appends a command to the leader's log and starts replicating it.
   * @returns where the entry went; it takes effect once `ready().committed` hands it out
   * @throws {RaftError} ERR_RAFT_NOT_LEADER (with `leaderId`) on a non-leader
   * @example const { index, term } = leader.propose({ op: "acquire" });
   */
  propose(data: unknown): { index: number; term: number };
  /**
   * Starts an election now, as an expired election timer would (pre-vote first
   * when enabled). Does nothing on a leader.
   * @example node.campaign();
   */
  campaign(): void;
  /**
   * Drains what the node produced since the last call (see {@link Ready}).
   * @example const rd = node.ready(); // store rd.hardState, rd.entries; send rd.messages; apply rd.committed
   */
  ready(): Ready;
  /**
   * True when `ready()` would return something.
   * @example if (node.hasReady()) handle(node.ready());
   */
  hasReady(): boolean;
  /**
   * The log entry at `index` (shared object), or undefined.
   * @example node.entry(1)?.data;
   */
  entry(index: number): Entry | undefined;
  /**
   * A copy of the whole log (O(n); for display and tests).
   * @example node.log().length === node.lastIndex; // => true
   */
  log(): Entry[];
  /**
   * True on a leader whose lease holds: a majority acknowledged a round it
   * sent fewer than leaseTicks ticks ago (always true for any leader under
   * `unsafe.noLeaseCheck`).
   * @example if (node.leaseValid()) serveRead();
   */
  leaseValid(): boolean;
  /**
   * Ticks left on this leader's lease (0 when not leader or expired).
   * @example node.leaseRemainingTicks(); // => e.g. 5
   */
  leaseRemainingTicks(): number;
}

const FOLLOWER: RaftState = "follower";
const PRE_CANDIDATE: RaftState = "pre-candidate";
const CANDIDATE: RaftState = "candidate";
const LEADER: RaftState = "leader";

/** Most AppendEntries messages one send sends to a peer in replicate mode. */
const MAX_BURST = 8;

/** Vote tallies per peer. */
const NO_VOTE = 0;
const GRANTED = 1;
const REJECTED = 2;

class RaftNodeImpl implements RaftNode {
  readonly id: string;
  state: RaftState = FOLLOWER;
  term: number;
  votedFor: string | null;
  leaderId: string | null = null;
  commitIndex: number;
  ticks = 0;

  private readonly cfg: ResolvedRaftConfig;
  private readonly rlog: RaftLog;
  /** The other members, in config order; per-peer arrays below use these positions. */
  private readonly others: string[];
  private readonly otherIndex = new Map<string, number>();
  /** How many other members must agree to make a majority with this node. */
  private readonly need: number;
  private applied = 0;
  private electionElapsed = 0;
  private randomizedTimeout = 0;
  private heartbeatElapsed = 0;
  /** Tick at which this node last heard from (or was) the leader of its term. */
  private lastLeaderContact: number;
  private readonly next: number[];
  private readonly match: number[];
  private readonly probing: boolean[];
  private readonly ackRound: number[];
  private readonly lastHeard: number[];
  /** Commit index carried by the last append sent to each peer. */
  private readonly sentCommit: number[];
  private readonly votes: number[];
  private readonly scratch: number[];
  /** Highest round a majority (this leader included) acknowledged. */
  private leaseBase = -Infinity;
  private msgs: RaftMessage[] = [];
  private savedTerm: number;
  private savedVote: string | null;
  private savedCommit: number;

  constructor(config: RaftConfig, persisted?: PersistedState) {
    const cfg = resolveRaftConfig(config);
    this.cfg = cfg;
    this.id = cfg.id;
    this.others = cfg.peers.filter((p) => p !== cfg.id);
    this.others.forEach((p, i) => this.otherIndex.set(p, i));
    this.need = Math.floor(cfg.peers.length / 2); // majority minus this node
    const n = this.others.length;
    this.next = new Array<number>(n).fill(1);
    this.match = new Array<number>(n).fill(0);
    this.probing = new Array<boolean>(n).fill(true);
    this.ackRound = new Array<number>(n).fill(-Infinity);
    this.lastHeard = new Array<number>(n).fill(0);
    this.sentCommit = new Array<number>(n).fill(0);
    this.votes = new Array<number>(n).fill(NO_VOTE);
    this.scratch = new Array<number>(n).fill(0);
    const p = persisted === undefined ? undefined : checkPersisted(persisted, cfg.peers);
    this.term = p ? p.term : 0;
    this.votedFor = p ? p.votedFor : null;
    this.rlog = new RaftLog(p ? p.log : []);
    this.commitIndex = p ? Math.min(p.commitIndex ?? 0, this.rlog.lastIndex) : 0;
    this.savedTerm = this.term;
    this.savedVote = this.votedFor;
    this.savedCommit = this.commitIndex;
    // A node with durable state may have acknowledged a leader's round just
    // before it crashed: it refuses votes for one election timeout.
    this.lastLeaderContact = p && p.term > 0 ? 0 : -Infinity;
    this.resetElectionTimer();
  }

  get lastIndex(): number {
    return this.rlog.lastIndex;
  }
  get lastTerm(): number {
    return this.rlog.lastTerm;
  }
  get truncations(): number {
    return this.rlog.truncations;
  }
  get lastTruncatedFrom(): number {
    return this.rlog.lastTruncatedFrom;
  }
  get committedCurrentTerm(): boolean {
    return this.commitIndex > 0 && this.rlog.termAt(this.commitIndex) === this.term;
  }

  entry(index: number): Entry | undefined {
    return this.rlog.entry(index);
  }
  log(): Entry[] {
    return this.rlog.copy();
  }

  // ---- lease -------------------------------------------------------------

  private leaseExpiry(): number {
    return (this.need === 0 ? this.ticks : this.leaseBase) + this.cfg.leaseTicks;
  }
  leaseValid(): boolean {
    if (this.state !== LEADER) return false;
    return this.cfg.noLeaseCheck || this.ticks < this.leaseExpiry();
  }
  leaseRemainingTicks(): number {
    if (this.state !== LEADER) return 0;
    if (this.cfg.noLeaseCheck) return this.cfg.leaseTicks;
    return Math.max(0, this.leaseExpiry() - this.ticks);
  }
  private inLease(): boolean {
    return !this.cfg.noLeaseCheck && this.ticks - this.lastLeaderContact < this.cfg.electionTicks;
  }

  /** The need-th highest of a per-peer array: the value a majority (with this node) reaches. */
  private quorumValue(values: number[]): number {
    const s = this.scratch;
    const n = values.length;
    for (let i = 0; i < n; i++) {
      const v = values[i];
      let j = i - 1;
      while (j >= 0 && s[j] < v) {
        s[j + 1] = s[j];
        j--;
      }
      s[j + 1] = v;
    }
    return s[this.need - 1];
  }

  // ---- clock -------------------------------------------------------------

  tick(): void {
    this.ticks++;
    if (this.state === LEADER) {
      this.lastLeaderContact = this.ticks;
      if (this.cfg.checkQuorum && this.need > 0 && this.ticks - this.quorumValue(this.lastHeard) >= this.cfg.electionTicks) {
        this.becomeFollower(this.term, null);
        return;
      }
      if (++this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
        this.heartbeatElapsed = 0;
        for (let i = 0; i < this.others.length; i++) this.sendAppend(i, true);
      }
    } else if (++this.electionElapsed >= this.randomizedTimeout) {
      this.campaign();
    }
  }

  private resetElectionTimer(): void {
    this.electionElapsed = 0;
    const e = this.cfg.electionTicks;
    this.randomizedTimeout = this.cfg.rng.int(e, 2 * e - 1);
  }

  // ---- role changes --------------------------------------------------------

  campaign(): void {
    if (this.state === LEADER) return;
    if (this.cfg.preVote) this.becomePreCandidate();
    else this.becomeCandidate();
  }

  private becomeFollower(term: number, leader: string | null): void {
    if (term !== this.term) {
      this.term = term;
      this.votedFor = null;
    }
    this.state = FOLLOWER;
    this.leaderId = leader;
    this.heartbeatElapsed = 0;
    this.resetElectionTimer();
  }

  private becomePreCandidate(): void {
    this.state = PRE_CANDIDATE;
    this.leaderId = null;
    this.resetElectionTimer();
    this.votes.fill(NO_VOTE);
    if (this.need === 0) {
      this.becomeCandidate();
      return;
    }
    this.requestVotes("prevote", this.term + 1);
  }

  private becomeCandidate(): void {
    this.term++;
    this.votedFor = this.id;
    this.state = CANDIDATE;
    this.leaderId = null;
    this.resetElectionTimer();
    this.votes.fill(NO_VOTE);
    if (this.need === 0) {
      this.becomeLeader();
      return;
    }
    this.requestVotes("vote", this.term);
  }

  private requestVotes(type: "vote" | "prevote", term: number): void {
    const lastIndex = this.rlog.lastIndex;
    const lastTerm = this.rlog.lastTerm;
    for (let i = 0; i < this.others.length; i++) {
      const m: VoteRequest = { type, from: this.id, to: this.others[i], term, lastIndex, lastTerm };
      this.msgs.push(m);
    }
  }

  private becomeLeader(): void {
    this.state = LEADER;
    this.leaderId = this.id;
    this.heartbeatElapsed = 0;
    this.lastLeaderContact = this.ticks;
    const last = this.rlog.lastIndex;
    for (let i = 0; i < this.others.length; i++) {
      this.next[i] = last + 1;
      this.match[i] = 0;
      this.probing[i] = true;
      this.ackRound[i] = -Infinity;
      this.lastHeard[i] = this.ticks; // a grace period of one election timeout
    }
    this.leaseBase = -Infinity;
    this.rlog.append({ term: this.term, index: last + 1, data: null });
    if (this.need === 0) this.maybeCommit();
    for (let i = 0; i < this.others.length; i++) this.sendAppend(i, true);
  }

  // ---- proposals -----------------------------------------------------------

  propose(data: unknown): { index: number; term: number } {
    if (this.state !== LEADER) {
      throw new RaftError("ERR_RAFT_NOT_LEADER", `${this.id} is not the leader (leader: ${this.leaderId ?? "unknown"})`, this.leaderId);
    }
    const index = this.rlog.lastIndex + 1;
    this.rlog.append({ term: this.term, index, data });
    if (this.need === 0) this.maybeCommit();
    for (let i = 0; i < this.others.length; i++) if (!this.probing[i]) this.sendAppend(i, false);
    return { index, term: this.term };
  }

  /**
   * Sends AppendEntries to other member i from its next index. In probe mode
   * one message, and next stays put until an answer; in replicate mode next
   * moves past what was sent (pipelining), up to MAX_BURST messages of
   * maxAppendEntries each. Without `force`, sends only when there are entries.
   */
  private sendAppend(i: number, force: boolean): void {
    for (let burst = 0; burst < MAX_BURST; burst++) {
      const nx = this.next[i];
      const last = this.rlog.lastIndex;
      if (!force && nx > last) return;
      force = false;
      const prevIndex = nx - 1;
      const entries = nx <= last ? this.rlog.slice(nx, last, this.cfg.maxAppendEntries) : NO_ENTRIES;
      const m: AppendRequest = {
        type: "append",
        from: this.id,
        to: this.others[i],
        term: this.term,
        prevIndex,
        prevTerm: this.rlog.termAt(prevIndex),
        entries,
        commit: this.commitIndex,
        round: this.ticks,
      };
      this.msgs.push(m);
      this.sentCommit[i] = this.commitIndex;
      if (this.probing[i] || entries.length === 0) return;
      this.next[i] = entries[entries.length - 1].index + 1;
    }
  }

  /** Commits the highest index a majority stores, only if it is from this term (§5.4.2). */
  private maybeCommit(): boolean {
    const mq = this.need === 0 ? this.rlog.lastIndex : this.quorumValue(this.match);
    if (mq > this.commitIndex && this.rlog.termAt(mq) === this.term) {
      this.commitIndex = mq;
      return true;
    }
    return false;
  }

  // ---- messages ------------------------------------------------------------

  step(m: RaftMessage): void {
    if (m === null || typeof m !== "object" || m.to !== this.id) {
      throw new RaftError("ERR_RAFT_INPUT", `message not addressed to ${this.id}`);
    }
    const from = this.otherIndex.get(m.from);
    if (from === undefined) throw new RaftError("ERR_RAFT_INPUT", `message from unknown peer ${String(m.from)}`);
    const type = m.type;
    if (m.term > this.term) {
      if ((type === "vote" || type === "prevote") && this.inLease()) return; // leader stickiness: ignore
      if (type === "prevote" || (type === "prevote-resp" && !m.reject)) {
        // A pre-vote (or a grant of one) uses the next term without raising ours.
      } else if (type === "append") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, null);
      }
    } else if (m.term < this.term) {
      // Answer so a stale leader or candidate learns the newer term.
      if (type === "append") this.respondAppend(m, true, m.prevIndex, 0, 0);
      else if (type === "prevote" || type === "vote") this.respondVote(m, true, this.term);
      return;
    }
    switch (type) {
      case "prevote":
      case "vote":
        this.handleVoteRequest(m);
        break;
      case "append":
        if (this.state === LEADER) return; // another leader in our term cannot exist
        if (this.state !== FOLLOWER) this.becomeFollower(m.term, m.from);
        this.handleAppend(m);
        break;
      case "append-resp":
        if (this.state === LEADER) this.handleAppendResponse(m, from);
        break;
      case "vote-resp":
        if (this.state === CANDIDATE) this.poll(m, from);
        break;
      case "prevote-resp":
        if (this.state === PRE_CANDIDATE && (m.reject || m.term === this.term + 1)) this.poll(m, from);
        break;
      default:
        throw new RaftError("ERR_RAFT_INPUT", `unknown message type ${String(type)}`);
    }
  }

  private respondVote(m: VoteRequest, reject: boolean, term: number): void {
    const r: VoteResponse = { type: m.type === "vote" ? "vote-resp" : "prevote-resp", from: this.id, to: m.from, term, reject };
    this.msgs.push(r);
  }

  private handleVoteRequest(m: VoteRequest): void {
    const pre = m.type === "prevote";
    const canVote =
      this.votedFor === m.from || (this.votedFor === null && this.leaderId === null) || (pre && m.term > this.term);
    const lastTerm = this.rlog.lastTerm;
    const upToDate = m.lastTerm > lastTerm || (m.lastTerm === lastTerm && m.lastIndex >= this.rlog.lastIndex);
    if (canVote && upToDate) {
      this.respondVote(m, false, m.term);
      if (!pre) {
        this.votedFor = m.from;
        this.electionElapsed = 0;
      }
    } else {
      this.respondVote(m, true, this.term);
    }
  }

  private poll(m: VoteResponse, from: number): void {
    this.votes[from] = m.reject ? REJECTED : GRANTED;
    let granted = 0;
    let rejected = 0;
    for (let i = 0; i < this.votes.length; i++) {
      if (this.votes[i] === GRANTED) granted++;
      else if (this.votes[i] === REJECTED) rejected++;
    }
    if (granted >= this.need) {
      if (this.state === PRE_CANDIDATE) this.becomeCandidate();
      else this.becomeLeader();
    } else if (rejected > this.others.length - this.need) {
      this.becomeFollower(this.term, null);
    }
  }

  private respondAppend(m: AppendRequest, reject: boolean, index: number, hintIndex: number, hintTerm: number): void {
    const r: AppendResponse = {
      type: "append-resp",
      from: this.id,
      to: m.from,
      term: this.term,
      reject,
      index,
      hintIndex,
      hintTerm,
      round: m.round,
    };
    this.msgs.push(r);
  }

  private handleAppend(m: AppendRequest): void {
    this.leaderId = m.from;
    this.lastLeaderContact = this.ticks;
    this.electionElapsed = 0;
    const log = this.rlog;
    const prev = m.prevIndex;
    if (prev > log.lastIndex || log.termAt(prev) !== m.prevTerm) {
      const hintIndex = log.findConflictByTerm(Math.min(prev, log.lastIndex), m.prevTerm);
      this.respondAppend(m, true, prev, hintIndex, log.termAt(hintIndex));
      return;
    }
    const ents = m.entries;
    for (let k = 0; k < ents.length; k++) {
      const e = ents[k];
      const idx = prev + 1 + k;
      if (e.index !== idx) throw new RaftError("ERR_RAFT_INPUT", `append entry ${k} has index ${e.index}, expected ${idx}`);
      if (idx <= log.lastIndex) {
        if (log.termAt(idx) === e.term) continue; // already have it (a duplicate or reordered append)
        log.truncateFrom(idx); // first conflict: drop it and all that follow
      }
      log.append(e);
    }
    const lastNew = prev + ents.length;
    if (m.commit > this.commitIndex) {
      const c = Math.min(m.commit, lastNew);
      if (c > this.commitIndex) this.commitIndex = c;
    }
    this.respondAppend(m, false, lastNew, 0, 0);
  }

  private handleAppendResponse(m: AppendResponse, i: number): void {
    this.lastHeard[i] = this.ticks;
    if (m.round > this.ackRound[i]) {
      this.ackRound[i] = m.round;
      this.leaseBase = this.quorumValue(this.ackRound);
    }
    if (m.reject) {
      if (m.index <= this.match[i]) return; // stale
      if (this.probing[i] && m.index !== this.next[i] - 1) return; // answers an older probe
      const j = this.rlog.findConflictByTerm(m.hintIndex, m.hintTerm);
      this.next[i] = Math.max(this.match[i] + 1, Math.min(m.index, j + 1));
      this.probing[i] = true;
      this.sendAppend(i, true);
      return;
    }
    let advanced = false;
    if (m.index > this.match[i]) {
      this.match[i] = m.index;
      advanced = true;
    }
    if (this.probing[i]) {
      this.probing[i] = false;
      this.next[i] = this.match[i] + 1;
    } else if (this.next[i] <= this.match[i]) {
      this.next[i] = this.match[i] + 1;
    }
    if (advanced && this.maybeCommit()) {
      // Tell everyone in replicate mode about the new commit index right away.
      for (let k = 0; k < this.others.length; k++) if (!this.probing[k]) this.sendAppend(k, true);
    } else {
      // More entries to send, or a commit index this peer has not been told yet.
      this.sendAppend(i, this.sentCommit[i] < this.commitIndex);
    }
  }

  // ---- output --------------------------------------------------------------

  hasReady(): boolean {
    return (
      this.msgs.length > 0 ||
      this.rlog.hasUnstable ||
      this.commitIndex > this.applied ||
      this.term !== this.savedTerm ||
      this.votedFor !== this.savedVote ||
      this.commitIndex !== this.savedCommit
    );
  }

  ready(): Ready {
    const messages = this.msgs;
    this.msgs = [];
    const u = this.rlog.takeUnstable();
    const committed = this.commitIndex > this.applied ? this.rlog.slice(this.applied + 1, this.commitIndex, Infinity) : [];
    this.applied = this.commitIndex;
    const rd: { -readonly [K in keyof Ready]: Ready[K] } = { messages, entries: u ? u.entries : [], committed };
    if (u && u.truncateFrom !== undefined) rd.truncateFrom = u.truncateFrom;
    if (this.term !== this.savedTerm || this.votedFor !== this.savedVote || this.commitIndex !== this.savedCommit) {
      const hs: HardState = { term: this.term, votedFor: this.votedFor, commitIndex: this.commitIndex };
      rd.hardState = hs;
      this.savedTerm = this.term;
      this.savedVote = this.votedFor;
      this.savedCommit = this.commitIndex;
    }
    return rd;
  }
}

function badPersisted(why: string): RaftError {
  return new RaftError("ERR_RAFT_INPUT", `bad persisted state: ${why}`);
}

/** Validates what a restarting node read back from storage. */
function checkPersisted(p: PersistedState, peers: readonly string[]): PersistedState {
  if (p === null || typeof p !== "object") throw badPersisted("not an object");
  if (!Number.isSafeInteger(p.term) || p.term < 0) throw badPersisted(`term ${String(p.term)}`);
  if (p.votedFor !== null && !peers.includes(p.votedFor)) throw badPersisted(`votedFor ${String(p.votedFor)} is not a peer`);
  if (!Array.isArray(p.log)) throw badPersisted("log is not an array");
  let prevTerm = 0;
  for (let i = 0; i < p.log.length; i++) {
    const e = p.log[i];
    if (e === null || typeof e !== "object" || e.index !== i + 1) throw badPersisted(`entry ${i} has index ${String(e?.index)}`);
    if (!Number.isSafeInteger(e.term) || e.term < 1 || e.term < prevTerm || e.term > p.term) {
      throw badPersisted(`entry ${i + 1} has term ${String(e.term)}`);
    }
    prevTerm = e.term;
  }
  const c = p.commitIndex;
  if (c !== undefined && (!Number.isSafeInteger(c) || c < 0 || c > p.log.length)) throw badPersisted(`commitIndex ${String(c)}`);
  return p;
}

/**
 * Creates a Raft node, fresh or restarted from its durable state.
 *
 * @param config - the node's configuration (see {@link RaftConfig})
 * @param persisted - what a restarted node reads back from storage
 * @returns the node, a follower
 * @throws {RaftError} ERR_RAFT_CONFIG for a bad config, ERR_RAFT_INPUT for a bad persisted state
 * @example
 * const a = createRaftNode({ id: "a", peers: ["a", "b", "c"], electionTicks: 10, heartbeatTicks: 2, leaseTicks: 7, rng: createRng(1) });
 * a.state; // => "follower"
 */
export function createRaftNode(config: RaftConfig, persisted?: PersistedState): RaftNode {
  return new RaftNodeImpl(config, persisted);
}
