/**
 * @module chubby/etcd/cluster
 *
 * A real etcd cluster on 127.0.0.1, one child process per member: the
 * replicas of a Chubby cell, for real. Ports are picked free, data lives in
 * a temporary directory, and {@link EtcdCluster.stop} (plus the exit handler
 * and reaper of `./guard.ts`) makes sure no process or directory is left.
 *
 * The flags are the ones that worked here (research note section 4):
 * `--initial-cluster-state new` with static peer URLs, `--heartbeat-interval`
 * and `--election-timeout` in ms. A restart uses the same flags and the
 * existing data directory; etcd then rejoins with its old identity.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Etcd3 } from "etcd3";
import { etcdAvailable } from "./available.js";
import { createEtcdClient } from "./client.js";
import { EtcdLabError } from "./errors.js";
import { trackDir, trackPid, untrackDir, untrackPid } from "./guard.js";
import { freePorts } from "./ports.js";

/** Options of {@link startEtcdCluster}. */
export interface EtcdClusterOptions {
  /** Number of members, 1..7; default 3. */
  members?: number;
  /** Raft heartbeat interval in ms (`--heartbeat-interval`); default 100. */
  heartbeatMs?: number;
  /** Raft election timeout in ms (`--election-timeout`), >= 5 x heartbeat; default 1000. */
  electionMs?: number;
  /** How long to wait for every member to answer and a leader to exist, in ms; default 20000. */
  startTimeoutMs?: number;
  /** The etcd binary; default: {@link etcdAvailable}. */
  etcdPath?: string;
  /** Extra flags for every member (e.g. `["--log-level", "warn"]`). */
  extraArgs?: readonly string[];
}

/** One member of a running cluster (the fields follow restarts). */
export interface EtcdMember {
  /** "e1", "e2", ... */
  readonly name: string;
  /** The current process's PID, or undefined while it is not running. */
  readonly pid: number | undefined;
  /** `http://127.0.0.1:<port>`: where clients connect. */
  readonly clientUrl: string;
  /** `http://127.0.0.1:<port>`: where members talk Raft. */
  readonly peerUrl: string;
  /** Its data directory (inside the cluster's temporary directory). */
  readonly dataDir: string;
  /** True while its process runs (also while paused by SIGSTOP). */
  readonly running: boolean;
}

/** What one member says about itself (etcd's Maintenance.Status). */
export interface EtcdMemberStatus {
  /** The member asked. */
  name: string;
  /** The leader's name as this member sees it, or undefined (no leader / unknown id). */
  leader: string | undefined;
  /** The Raft term it is in. */
  raftTerm: number;
  /** Its Raft commit index. */
  raftIndex: number;
}

/** Options of {@link EtcdCluster.waitForLeader}. */
export interface WaitForLeaderOptions {
  /** A member that does not count as leader (e.g. the one just killed). */
  exclude?: string;
  /** Give up after this many ms; default 10 x the election timeout + 5000. */
  timeoutMs?: number;
  /** Poll period in ms; default 25. */
  pollMs?: number;
}

/** A running etcd cluster. */
export interface EtcdCluster {
  /** Every member's client URL, in member order. */
  readonly endpoints: readonly string[];
  /** The members, in order e1, e2, ... */
  readonly members: readonly EtcdMember[];
  /** The Raft timings it runs with. */
  readonly heartbeatMs: number;
  readonly electionMs: number;
  /** True once stop() was called. */
  readonly stopped: boolean;
  /** The current Raft leader's name (waits for one, see waitForLeader). */
  leader(): Promise<string>;
  /** Polls the running members until a majority name the same running leader, not `exclude`. */
  waitForLeader(options?: WaitForLeaderOptions): Promise<string>;
  /** One status round over the running members (those that do not answer within 500 ms are left out). */
  status(): Promise<EtcdMemberStatus[]>;
  /**
   * Sends `signal` (default SIGKILL) to member `name` by PID. For SIGKILL,
   * SIGTERM, SIGINT and SIGQUIT it waits until the process exited (SIGKILL
   * after 10 s); SIGSTOP and SIGCONT pause and resume it.
   */
  kill(name: string, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped member again with the same flags and its data directory; waits until it answers and sees a leader. */
  restart(name: string): Promise<void>;
  /** Kills every member by PID, closes clients, removes the data directory (idempotent). */
  stop(): Promise<void>;
}

/** How many bytes of each member's stderr are kept for error messages. */
const TAIL_BYTES = 16 * 1024;
/** Signals after which a member is waited for until it exited. */
const KILLING: ReadonlySet<string> = new Set(["SIGKILL", "SIGTERM", "SIGINT", "SIGQUIT"]);
/** A member asked to exit politely gets SIGKILL after this many ms. */
const GRACE_MS = 10_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The last `lines` lines of a text. */
function lastLines(text: string, lines = 25): string {
  return text.split("\n").filter((l) => l.trim() !== "").slice(-lines).join("\n");
}

/** The environment for etcd: without ETCD_* variables, which etcd would read as flags. */
function etcdEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("ETCD_")) env[k] = v;
  return env;
}

interface MemberState {
  name: string;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  args: string[];
  child: ChildProcess | undefined;
  pid: number | undefined;
  running: boolean;
  tail: string;
  exited: Promise<void>;
  exitInfo: string;
  id: string | undefined;
  status: Etcd3;
}

interface Checked {
  members: number;
  heartbeatMs: number;
  electionMs: number;
  startTimeoutMs: number;
  etcdPath: string;
  extraArgs: string[];
}

function checkOptions(options: EtcdClusterOptions): Checked {
  const o = options ?? {};
  const members = o.members ?? 3;
  if (!Number.isSafeInteger(members) || members < 1 || members > 7) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "startEtcdCluster: members must be an integer in [1, 7]");
  }
  const heartbeatMs = o.heartbeatMs ?? 100;
  if (!Number.isSafeInteger(heartbeatMs) || heartbeatMs < 10 || heartbeatMs > 10_000) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "startEtcdCluster: heartbeatMs must be an integer in [10, 10000]");
  }
  const electionMs = o.electionMs ?? 1000;
  if (!Number.isSafeInteger(electionMs) || electionMs < 5 * heartbeatMs || electionMs > 50_000) {
    throw new EtcdLabError(
      "ERR_ETCD_INPUT",
      "startEtcdCluster: electionMs must be an integer >= 5 x heartbeatMs and <= 50000 (etcd's own rule)",
    );
  }
  const startTimeoutMs = o.startTimeoutMs ?? 20_000;
  if (!Number.isSafeInteger(startTimeoutMs) || startTimeoutMs < 100) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "startEtcdCluster: startTimeoutMs must be an integer >= 100");
  }
  const extraArgs = o.extraArgs ?? [];
  if (!Array.isArray(extraArgs) || !extraArgs.every((a) => typeof a === "string")) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "startEtcdCluster: extraArgs must be an array of strings");
  }
  const etcdPath = o.etcdPath ?? etcdAvailable();
  if (etcdPath === null) {
    throw new EtcdLabError("ERR_ETCD_MISSING", "etcd is not installed (sudo apt-get install -y etcd-server etcd-client)");
  }
  if (typeof etcdPath !== "string" || etcdPath === "") {
    throw new EtcdLabError("ERR_ETCD_INPUT", "startEtcdCluster: etcdPath must be a non-empty string");
  }
  return { members, heartbeatMs, electionMs, startTimeoutMs, etcdPath, extraArgs: [...extraArgs] };
}

/**
 * Starts an etcd cluster of `members` processes on 127.0.0.1 and waits until
 * every member answers and they agree on a Raft leader.
 *
 * @param options - see {@link EtcdClusterOptions}
 * @returns the running cluster; always `await cluster.stop()` (in `finally`)
 * @throws {EtcdLabError} ERR_ETCD_INPUT for bad options; ERR_ETCD_MISSING
 *   without etcd; ERR_ETCD_START when a member exits while starting (the
 *   message ends with its stderr tail); ERR_ETCD_TIMEOUT when no leader
 *   appears in time. On any failure every started process is stopped.
 * @example
 * const cluster = await startEtcdCluster({ members: 3, heartbeatMs: 100, electionMs: 1000 });
 * try {
 *   await cluster.leader(); // => "e2" (whichever member Raft elected)
 * } finally {
 *   await cluster.stop();
 * }
 */
export async function startEtcdCluster(options: EtcdClusterOptions = {}): Promise<EtcdCluster> {
  const c = checkOptions(options);
  // A free port can be taken by another process before etcd binds it: one retry.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(c);
    } catch (e) {
      const busy = e instanceof EtcdLabError && e.code === "ERR_ETCD_START" && /address already in use/i.test(e.stderrTail);
      if (!busy || attempt >= 2) throw e;
    }
  }
}

async function startOnce(c: Checked): Promise<EtcdCluster> {
  const root = mkdtempSync(path.join(os.tmpdir(), "chubby-etcd-"));
  trackDir(root);
  const ports = await freePorts(2 * c.members);
  const token = `chubby-lab-${randomBytes(4).toString("hex")}`;
  const names = Array.from({ length: c.members }, (_, i) => `e${i + 1}`);
  const peer = (i: number) => `http://127.0.0.1:${ports[2 * i + 1]}`;
  const initialCluster = names.map((n, i) => `${n}=${peer(i)}`).join(",");
  const states: MemberState[] = names.map((name, i) => {
    const clientUrl = `http://127.0.0.1:${ports[2 * i]}`;
    const dataDir = path.join(root, name);
    const args = [
      "--name", name,
      "--data-dir", dataDir,
      "--listen-client-urls", clientUrl,
      "--advertise-client-urls", clientUrl,
      "--listen-peer-urls", peer(i),
      "--initial-advertise-peer-urls", peer(i),
      "--initial-cluster-token", token,
      "--initial-cluster", initialCluster,
      "--initial-cluster-state", "new",
      "--heartbeat-interval", String(c.heartbeatMs),
      "--election-timeout", String(c.electionMs),
      "--logger=zap",
      "--log-outputs=stderr",
      ...c.extraArgs,
    ];
    return {
      name, clientUrl, peerUrl: peer(i), dataDir, args,
      child: undefined, pid: undefined, running: false, tail: "", exited: Promise.resolve(), exitInfo: "", id: undefined,
      status: createEtcdClient([clientUrl], { retry: false, dialTimeoutMs: 1000 }),
    };
  });
  let stopping: Promise<void> | undefined;
  let stopped = false;

  const spawnMember = (m: MemberState): void => {
    const child = spawn(c.etcdPath, m.args, { stdio: ["ignore", "ignore", "pipe"], env: etcdEnv() });
    m.child = child;
    m.tail = "";
    m.exitInfo = "";
    m.running = child.pid !== undefined;
    m.pid = child.pid;
    if (child.pid !== undefined) trackPid(child.pid);
    const pid = child.pid;
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (d: string) => {
      m.tail = (m.tail + d).slice(-TAIL_BYTES);
    });
    m.exited = new Promise<void>((resolve) => {
      let done = false;
      const finish = (info: string) => {
        if (done) return;
        done = true;
        m.running = false;
        m.pid = undefined;
        m.exitInfo = info;
        if (pid !== undefined) untrackPid(pid);
        resolve();
      };
      child.once("exit", (code, signal) => finish(signal ? `killed by ${signal}` : `exited with code ${code}`));
      child.once("error", (e) => {
        if (pid === undefined) finish(`could not start: ${e.message}`);
      });
    });
  };

  const member = (name: string): MemberState => {
    const m = states.find((s) => s.name === name);
    if (m === undefined) throw new EtcdLabError("ERR_ETCD_INPUT", `unknown etcd member ${JSON.stringify(name)} (have ${names.join(", ")})`);
    return m;
  };
  const notStopped = (fn: string): void => {
    if (stopped) throw new EtcdLabError("ERR_ETCD_INPUT", `${fn}: the cluster was stopped`);
  };
  const startError = (m: MemberState): EtcdLabError =>
    new EtcdLabError("ERR_ETCD_START", `etcd member ${m.name} ${m.exitInfo || "failed"} while starting`, lastLines(m.tail));

  const statusOf = async (m: MemberState): Promise<{ m: MemberState; leaderId: string; term: number; index: number } | undefined> => {
    if (!m.running) return undefined;
    try {
      const s = await m.status.maintenance.status({ deadline: Date.now() + 500 });
      m.id = String(s.header.member_id);
      return { m, leaderId: String(s.leader), term: Number(s.raftTerm), index: Number(s.raftIndex) };
    } catch {
      return undefined;
    }
  };
  const nameOfId = (id: string): string | undefined => states.find((s) => s.id === id && id !== "0")?.name;

  const status = async (): Promise<EtcdMemberStatus[]> => {
    notStopped("status");
    const all = await Promise.all(states.map(statusOf));
    const out: EtcdMemberStatus[] = [];
    for (const s of all) {
      if (s === undefined) continue;
      out.push({ name: s.m.name, leader: nameOfId(s.leaderId), raftTerm: s.term, raftIndex: s.index });
    }
    return out;
  };

  /**
   * Polls until a majority of all members name the same running leader
   * (not `exclude`), and every member in `mustAnswer` answered.
   */
  const pollLeader = async (exclude: string | undefined, timeoutMs: number, pollMs: number, mustAnswer: readonly MemberState[]): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    const majority = Math.floor(states.length / 2) + 1;
    for (;;) {
      if (stopped) throw new EtcdLabError("ERR_ETCD_INPUT", "waitForLeader: the cluster was stopped");
      for (const m of mustAnswer) if (!m.running) throw startError(m);
      const round = await status();
      const answered = new Set(round.map((s) => s.name));
      if (mustAnswer.every((m) => answered.has(m.name))) {
        const votes = new Map<string, number>();
        for (const s of round) if (s.leader !== undefined) votes.set(s.leader, (votes.get(s.leader) ?? 0) + 1);
        for (const [name, n] of votes) {
          if (n >= majority && name !== exclude && member(name).running) return name;
        }
      }
      if (Date.now() >= deadline) {
        const tails = states.map((m) => `[${m.name}] ${lastLines(m.tail, 5)}`).join("\n");
        throw new EtcdLabError("ERR_ETCD_TIMEOUT", `no etcd leader${exclude ? ` other than ${exclude}` : ""} within ${timeoutMs} ms`, tails);
      }
      await sleep(pollMs);
    }
  };

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stopped = true;
      for (const m of states) {
        if (m.running && m.pid !== undefined) {
          try {
            process.kill(m.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }
      await Promise.all(states.map((m) => m.exited));
      for (const m of states) m.status.close();
      rmSync(root, { recursive: true, force: true });
      untrackDir(root);
    })());

  try {
    for (const m of states) spawnMember(m);
    await pollLeader(undefined, c.startTimeoutMs, 50, states);
  } catch (e) {
    const failed = states.find((m) => !m.running && m.exitInfo !== "");
    await stop();
    if (e instanceof EtcdLabError && e.code !== "ERR_ETCD_START" && failed !== undefined) throw startError(failed);
    throw e;
  }

  const defaultTimeout = 10 * c.electionMs + 5000;
  const members: EtcdMember[] = states.map((m) => ({
    name: m.name,
    clientUrl: m.clientUrl,
    peerUrl: m.peerUrl,
    dataDir: m.dataDir,
    get pid() {
      return m.pid;
    },
    get running() {
      return m.running;
    },
  }));

  return {
    endpoints: states.map((m) => m.clientUrl),
    members,
    heartbeatMs: c.heartbeatMs,
    electionMs: c.electionMs,
    get stopped() {
      return stopped;
    },
    leader: async () => {
      notStopped("leader");
      return pollLeader(undefined, defaultTimeout, 25, []);
    },
    waitForLeader: async (o: WaitForLeaderOptions = {}) => {
      notStopped("waitForLeader");
      const timeoutMs = o.timeoutMs ?? defaultTimeout;
      const pollMs = o.pollMs ?? 25;
      if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 0 || !Number.isSafeInteger(pollMs) || pollMs < 1) {
        throw new EtcdLabError("ERR_ETCD_INPUT", "waitForLeader: timeoutMs must be an integer >= 0 and pollMs >= 1");
      }
      if (o.exclude !== undefined) member(o.exclude);
      return pollLeader(o.exclude, timeoutMs, pollMs, []);
    },
    status,
    kill: async (name: string, signal: NodeJS.Signals = "SIGKILL") => {
      notStopped("kill");
      const m = member(name);
      if (!m.running || m.pid === undefined) throw new EtcdLabError("ERR_ETCD_INPUT", `kill: member ${name} is not running`);
      process.kill(m.pid, signal);
      if (KILLING.has(signal)) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        if (signal !== "SIGKILL") {
          const pid = m.pid;
          // A stopped process cannot act on SIGTERM until continued.
          try {
            process.kill(pid, "SIGCONT");
          } catch {
            // gone already
          }
          timer = setTimeout(() => {
            try {
              process.kill(pid, "SIGKILL");
            } catch {
              // gone already
            }
          }, GRACE_MS);
        }
        await m.exited;
        if (timer !== undefined) clearTimeout(timer);
      }
    },
    restart: async (name: string) => {
      notStopped("restart");
      const m = member(name);
      if (m.running) throw new EtcdLabError("ERR_ETCD_INPUT", `restart: member ${name} is still running (kill it first)`);
      spawnMember(m);
      await pollLeader(undefined, c.startTimeoutMs, 50, [m]);
    },
    stop,
  };
}
