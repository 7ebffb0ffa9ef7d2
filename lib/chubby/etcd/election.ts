/**
 * @module chubby/etcd/election
 *
 * The seed's scenario on a real etcd cluster: web servers elect a master
 * through etcd's election API, the master writes to a resource fenced by its
 * key's revision, then one fault hits and we measure what the clients see.
 *
 * - `kill-leader`: SIGKILL the Raft leader (an etcd member). A new Raft
 *   leader is elected; the lock holder's lease survives the fail-over, so it
 *   keeps the lock and resumes its fenced writes.
 * - `kill-holder`: SIGKILL the lock holder (a candidate). Its lease expires
 *   after at most its TTL, its key is deleted, and the next candidate in
 *   FIFO order is elected and writes with a larger token.
 * - `pause-holder`: SIGSTOP the holder for `pauseMs` (a GC pause longer than
 *   the TTL), then SIGCONT. Meanwhile another candidate took over. The old
 *   holder wakes up still believing it is master and writes with its old
 *   token: the fence rejects it. This is why Chubby has sequencers.
 *
 * Times are wall-clock ms: real processes, one machine, one clock.
 */
import { type CandidateEvent, type ElectionCandidate, spawnCandidate } from "./candidate.js";
import { createEtcdClient } from "./client.js";
import type { EtcdCluster } from "./cluster.js";
import { EtcdLabError } from "./errors.js";

/** The faults {@link runEtcdElection} can inject. */
export type EtcdScenario = "kill-leader" | "kill-holder" | "pause-holder";

/**
 * Every scenario, in the order the notebook shows them.
 *
 * @example
 * ETCD_SCENARIOS.includes("kill-leader"); // => true
 */
export const ETCD_SCENARIOS: readonly EtcdScenario[] = ["kill-leader", "kill-holder", "pause-holder"];

/** Options of {@link runEtcdElection}. */
export interface EtcdElectionOptions {
  /** A running cluster (from startEtcdCluster). */
  cluster: EtcdCluster;
  /** Which fault to inject. */
  scenario: EtcdScenario;
  /** Candidate names, campaigning in this (FIFO) order; default ["web-1", "web-2", "web-3"]. */
  candidates?: readonly string[];
  /** Lease TTL in whole seconds; default 5. */
  ttlSeconds?: number;
  /** pause-holder: how long the holder is stopped, in ms; default ttlSeconds x 1000 + 2000. */
  pauseMs?: number;
  /** A fenced write every this many ms while elected; default 150. */
  writeEveryMs?: number;
  /** How long the first holder writes before the fault, in ms; default 1000. */
  settleMs?: number;
  /** How long to keep watching after the takeover, in ms; default 500. */
  observeMs?: number;
  /** The election's name; default "web-master". Its keys are cleared first. */
  electionName?: string;
  /** kill-leader: restart the killed member at the end; default true. */
  restoreMember?: boolean;
}

/** One row of a run's timeline, for plotting. */
export interface EtcdTimelineRow {
  /** When it happened, in ms from the fault (negative before it). For writes: when the answer came. */
  tMs: number;
  /** For writes: when the write was sent, in ms from the fault. */
  sentMs: number | null;
  /** What happened. */
  kind:
    | "queued"
    | "elected"
    | "write-ok"
    | "write-rejected"
    | "write-error"
    | "lost"
    | "fault"
    | "resume"
    | "raft-leader"
    | "member-restarted";
  /** A candidate or an etcd member. */
  who: string;
  /** The fencing token involved, if any. */
  token: number | null;
  /** Extra words (the fault, the error, the token seen by a rejected write). */
  detail: string;
}

/** What {@link runEtcdElection} measured. */
export interface EtcdElectionResult {
  scenario: EtcdScenario;
  ttlSeconds: number;
  /** pause-holder: the pause; else null. */
  pauseMs: number | null;
  /** Candidates in the order they were elected (a name repeats if re-elected). */
  electedOrder: string[];
  /** The holder when the fault hit, and its token. */
  holderBefore: string;
  tokenBefore: number;
  /** Who made the first accepted fenced write sent after the fault, and its token (null: nobody did). */
  holderAfter: string | null;
  tokenAfter: number | null;
  /** From the fault to that write's answer, in ms (null: no write was accepted). */
  takeoverMs: number | null;
  /** kill-leader: from the kill until a majority of the survivors named a new Raft leader, in ms. */
  raftLeaderChangeMs: number | null;
  /** kill-leader: the etcd member killed, and the one that took over. */
  killedMember: string | null;
  newRaftLeader: string | null;
  /** The holder before the fault still held the lock after it (same name and token, never lost it). */
  holderKeptLock: boolean;
  /** pause-holder: the resumed holder wrote with its old token and every such write was rejected. */
  staleWriteRejected: boolean | null;
  /** pause-holder: the old holder's writes sent after it resumed. */
  staleWrites: { accepted: number; rejected: number; errors: number } | null;
  /** All fenced writes of the run. */
  writes: { accepted: number; rejected: number; errors: number };
  /** Wall-clock ms of the fault. */
  faultAt: number;
  /** The candidates' PIDs (all stopped when this returns). */
  candidatePids: Record<string, number>;
  /** The timeline, ordered by time. */
  events: EtcdTimelineRow[];
}

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

function int(v: unknown, what: string, min: number): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw new EtcdLabError("ERR_ETCD_INPUT", `runEtcdElection: ${what} must be an integer >= ${min}`);
  }
  return v;
}

/** A growing list of events from every candidate, with "wait until" on it. */
class EventLog {
  readonly all: CandidateEvent[] = [];
  private waiters = new Set<() => void>();

  push(e: CandidateEvent): void {
    this.all.push(e);
    for (const w of [...this.waiters]) w();
  }

  /** Resolves with the first non-undefined `find(all)`, or undefined after timeoutMs. */
  until<T>(find: (all: readonly CandidateEvent[]) => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const now = find(this.all);
    if (now !== undefined) return Promise.resolve(now);
    return new Promise<T | undefined>((resolve) => {
      const check = () => {
        const v = find(this.all);
        if (v !== undefined) finish(v);
      };
      const finish = (v: T | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(v);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Like until, but a timeout is an ERR_ETCD_TIMEOUT. */
  async must<T>(find: (all: readonly CandidateEvent[]) => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const v = await this.until(find, timeoutMs);
    if (v === undefined) throw new EtcdLabError("ERR_ETCD_TIMEOUT", `runEtcdElection: ${what} did not happen within ${timeoutMs} ms`);
    return v;
  }
}

type WriteEvent = Extract<CandidateEvent, { type: "write" }>;
type WriteErrorEvent = Extract<CandidateEvent, { type: "write-error" }>;
const isWrite = (e: CandidateEvent): e is WriteEvent => e.type === "write";
const isWriteOrError = (e: CandidateEvent): e is WriteEvent | WriteErrorEvent => e.type === "write" || e.type === "write-error";

/**
 * Runs the web-server election on a real etcd cluster, injects one fault and
 * measures the takeover. Candidates are child processes, started fresh for
 * the run and stopped by PID before it returns (also on failure).
 *
 * @param options - see {@link EtcdElectionOptions}
 * @returns what was measured, see {@link EtcdElectionResult}
 * @throws {EtcdLabError} ERR_ETCD_INPUT for bad options or a stopped
 *   cluster; ERR_ETCD_START when a candidate fails to start;
 *   ERR_ETCD_TIMEOUT when the first election or the first writes do not
 *   happen (a takeover that does not happen is not an error: takeoverMs is null)
 * @example
 * const r = await runEtcdElection({ cluster, scenario: "kill-holder", ttlSeconds: 5 });
 * r.electedOrder; // => ["web-1", "web-2"]
 * r.takeoverMs;   // => about 4000-5000 (at most the TTL, plus a little)
 */
export async function runEtcdElection(options: EtcdElectionOptions): Promise<EtcdElectionResult> {
  const o = options ?? ({} as EtcdElectionOptions);
  const cluster = o.cluster;
  if (cluster === null || typeof cluster !== "object" || !Array.isArray(cluster.endpoints) || typeof cluster.kill !== "function") {
    throw new EtcdLabError("ERR_ETCD_INPUT", "runEtcdElection: cluster must be a running cluster from startEtcdCluster");
  }
  if (cluster.stopped) throw new EtcdLabError("ERR_ETCD_INPUT", "runEtcdElection: the cluster was stopped");
  const scenario = o.scenario;
  if (!ETCD_SCENARIOS.includes(scenario)) {
    throw new EtcdLabError("ERR_ETCD_INPUT", `runEtcdElection: scenario must be one of ${ETCD_SCENARIOS.join(", ")}`);
  }
  const names = o.candidates ?? ["web-1", "web-2", "web-3"];
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string" && NAME_RE.test(n)) || new Set(names).size !== names.length) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "runEtcdElection: candidates must be distinct names matching [A-Za-z0-9_.-]{1,64}");
  }
  const minCandidates = scenario === "kill-leader" ? 1 : 2;
  if (names.length < minCandidates || names.length > 16) {
    throw new EtcdLabError("ERR_ETCD_INPUT", `runEtcdElection: ${scenario} needs between ${minCandidates} and 16 candidates`);
  }
  const ttlSeconds = int(o.ttlSeconds ?? 5, "ttlSeconds", 1);
  const pauseMs = int(o.pauseMs ?? ttlSeconds * 1000 + 2000, "pauseMs", 1);
  const writeEveryMs = int(o.writeEveryMs ?? 150, "writeEveryMs", 10);
  const settleMs = int(o.settleMs ?? 1000, "settleMs", 0);
  const observeMs = int(o.observeMs ?? 500, "observeMs", 0);
  const electionName = o.electionName ?? "web-master";
  if (typeof electionName !== "string" || !NAME_RE.test(electionName)) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "runEtcdElection: electionName must match [A-Za-z0-9_.-]{1,64}");
  }
  const restoreMember = o.restoreMember ?? true;
  const tokenKey = "/resource/token";
  const writerKey = "/resource/writer";
  const ttlMs = ttlSeconds * 1000;

  const log = new EventLog();
  const marks: EtcdTimelineRow[] = []; // tMs filled in at the end (absolute times for now)
  const mark = (at: number, kind: EtcdTimelineRow["kind"], who: string, detail: string) =>
    marks.push({ tMs: at, sentMs: null, kind, who, token: null, detail });
  const candidates: ElectionCandidate[] = [];
  const admin = createEtcdClient(cluster.endpoints);
  let killedMember: string | null = null;
  let restored = false;

  try {
    // A clean slate: no queued keys from an earlier run, no stored token.
    await admin.delete().prefix(`election/${electionName}/`);
    await admin.delete().key(tokenKey);
    await admin.delete().key(writerKey);

    const started = await Promise.allSettled(
      names.map((name) => spawnCandidate({ name, endpoints: cluster.endpoints, electionName, ttlSeconds, writeEveryMs, tokenKey, writerKey })),
    );
    for (const s of started) if (s.status === "fulfilled") candidates.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed !== undefined) throw failed.reason;
    for (const c of candidates) c.onEvent((e) => log.push(e));
    const byName = (n: string) => candidates.find((c) => c.name === n)!;

    // Campaign one after the other, so the FIFO queue is web-1, web-2, ...
    for (const c of candidates) {
      c.campaign();
      await log.must((all) => all.find((e) => e.name === c.name && e.type === "queued"), 15_000, `${c.name} queued`);
    }
    const first = await log.must(
      (all) => all.find((e): e is Extract<CandidateEvent, { type: "elected" }> => e.type === "elected"),
      15_000,
      "the first election",
    );
    const holderBefore = first.name;
    const tokenBefore = first.token;
    const electedAt = first.t;
    await log.must(
      (all) => (all.filter((e) => isWrite(e) && e.ok && e.name === holderBefore).length >= 3 ? true : undefined),
      15_000,
      "three accepted writes by the first holder",
    );
    await sleep(electedAt + settleMs - Date.now());

    let faultAt = 0;
    let resumeAt: number | null = null;
    let raftLeaderChangeMs: number | null = null;
    let newRaftLeader: string | null = null;
    let firstAfter: WriteEvent | undefined;
    const takeoverBound = 3 * ttlMs + 10_000;

    if (scenario === "kill-leader") {
      const leader = await cluster.leader();
      faultAt = Date.now();
      await cluster.kill(leader, "SIGKILL");
      killedMember = leader;
      mark(faultAt, "fault", leader, `SIGKILL etcd Raft leader ${leader}`);
      const [nl, w] = await Promise.all([
        cluster.waitForLeader({ exclude: leader, pollMs: 20, timeoutMs: takeoverBound }).then((name) => ({ name, at: Date.now() })),
        log.until((all) => all.find((e): e is WriteEvent => isWrite(e) && e.ok && e.sentAt >= faultAt), takeoverBound),
      ]);
      newRaftLeader = nl.name;
      raftLeaderChangeMs = nl.at - faultAt;
      mark(nl.at, "raft-leader", nl.name, `new Raft leader ${nl.name}`);
      firstAfter = w;
    } else if (scenario === "kill-holder") {
      const h = byName(holderBefore);
      faultAt = Date.now();
      await h.kill();
      mark(faultAt, "fault", holderBefore, `SIGKILL lock holder ${holderBefore}`);
      firstAfter = await log.until(
        (all) => all.find((e): e is WriteEvent => isWrite(e) && e.ok && e.name !== holderBefore && e.sentAt >= faultAt),
        takeoverBound,
      );
    } else {
      const h = byName(holderBefore);
      const byOther = (all: readonly CandidateEvent[]) =>
        all.find((e): e is WriteEvent => isWrite(e) && e.ok && e.name !== holderBefore && e.sentAt >= faultAt);
      faultAt = Date.now();
      h.signal("SIGSTOP");
      mark(faultAt, "fault", holderBefore, `SIGSTOP lock holder ${holderBefore} for ${pauseMs} ms`);
      firstAfter = await log.until(byOther, pauseMs);
      await sleep(faultAt + pauseMs - Date.now());
      resumeAt = Date.now();
      h.signal("SIGCONT");
      mark(resumeAt, "resume", holderBefore, `SIGCONT ${holderBefore}`);
      const r = resumeAt;
      if (firstAfter === undefined) firstAfter = await log.until(byOther, takeoverBound);
      // The resumed holder's next move: a write (stale if someone took over) or learning it lost the lease.
      await log.until(
        (all) => all.find((e) => e.name === holderBefore && ((isWriteOrError(e) && e.sentAt >= r) || (e.type === "lost" && e.t >= r))),
        3000,
      );
    }
    await sleep(observeMs);

    // Stop the candidates before reading the log, so it no longer grows.
    await Promise.all(candidates.map((c) => c.kill()));
    if (killedMember !== null && restoreMember) {
      await cluster.restart(killedMember);
      restored = true;
      mark(Date.now(), "member-restarted", killedMember, `restarted ${killedMember} with its data directory`);
    }

    const all = log.all;
    const writes = all.filter(isWriteOrError);
    const after = (e: CandidateEvent) => e.t >= faultAt;
    const lostByHolder = all.some((e) => e.type === "lost" && e.name === holderBefore && after(e));
    const electedOthers = all.some((e) => e.type === "elected" && e.name !== holderBefore && after(e));
    const acceptedOthers = writes.some((e) => isWrite(e) && e.ok && e.name !== holderBefore && e.sentAt >= faultAt);
    const holderKeptLock =
      firstAfter !== undefined && firstAfter.name === holderBefore && firstAfter.token === tokenBefore && !lostByHolder && !electedOthers && !acceptedOthers;

    let staleWrites: EtcdElectionResult["staleWrites"] = null;
    let staleWriteRejected: boolean | null = null;
    if (scenario === "pause-holder") {
      const r = resumeAt!;
      const stale = writes.filter((e) => e.name === holderBefore && e.token === tokenBefore && e.sentAt >= r);
      staleWrites = {
        accepted: stale.filter((e) => isWrite(e) && e.ok).length,
        rejected: stale.filter((e) => isWrite(e) && !e.ok).length,
        errors: stale.filter((e) => e.type === "write-error").length,
      };
      staleWriteRejected = acceptedOthers && staleWrites.rejected >= 1 && staleWrites.accepted === 0;
    }

    const rows: EtcdTimelineRow[] = marks.map((m) => ({ ...m, tMs: m.tMs - faultAt }));
    for (const e of all) {
      const base = { tMs: e.t - faultAt, sentMs: null as number | null, who: e.name, token: null as number | null, detail: "" };
      if (e.type === "queued" || e.type === "elected") rows.push({ ...base, kind: e.type, token: e.token });
      else if (e.type === "write") {
        rows.push({
          ...base,
          kind: e.ok ? "write-ok" : "write-rejected",
          sentMs: e.sentAt - faultAt,
          token: e.token,
          detail: e.ok ? "" : `stored token ${e.seen ?? "?"} > ${e.token}`,
        });
      } else if (e.type === "write-error") rows.push({ ...base, kind: "write-error", sentMs: e.sentAt - faultAt, token: e.token, detail: e.error });
      else if (e.type === "lost") rows.push({ ...base, kind: "lost", token: e.token, detail: e.reason + (e.error ? `: ${e.error}` : "") });
    }
    rows.sort((a, b) => a.tMs - b.tMs);

    return {
      scenario,
      ttlSeconds,
      pauseMs: scenario === "pause-holder" ? pauseMs : null,
      electedOrder: all.filter((e) => e.type === "elected").sort((a, b) => a.t - b.t).map((e) => e.name),
      holderBefore,
      tokenBefore,
      holderAfter: firstAfter?.name ?? null,
      tokenAfter: firstAfter?.token ?? null,
      takeoverMs: firstAfter === undefined ? null : firstAfter.t - faultAt,
      raftLeaderChangeMs,
      killedMember,
      newRaftLeader,
      holderKeptLock,
      staleWriteRejected,
      staleWrites,
      writes: {
        accepted: writes.filter((e) => isWrite(e) && e.ok).length,
        rejected: writes.filter((e) => isWrite(e) && !e.ok).length,
        errors: writes.filter((e) => e.type === "write-error").length,
      },
      faultAt,
      candidatePids: Object.fromEntries(candidates.map((c) => [c.name, c.pid])),
      events: rows,
    };
  } finally {
    await Promise.all(candidates.map((c) => c.kill()));
    admin.close();
    if (killedMember !== null && restoreMember && !restored && !cluster.stopped) {
      // The run failed after the kill: bring the member back anyway, quietly.
      await cluster.restart(killedMember).catch(() => undefined);
    }
  }
}
