/**
 * @module chubby/etcd/candidate
 *
 * One web server of the seed's scenario, as a real child process that can be
 * SIGKILLed or SIGSTOPped by PID. It runs {@link CANDIDATE_SOURCE} with
 * `node -e` (no file to find, no build step) and:
 *
 * 1. connects to etcd with the npm `etcd3` client, per-host circuit breaker
 *    off (see `./client.ts`);
 * 2. on the line `campaign` on its stdin, campaigns:
 *    `client.election(electionName, ttl).campaign(name)`. etcd's election
 *    queues candidates FIFO by the create revision of their key, which is
 *    kept alive by a lease of `ttl` seconds (a KeepAlive every ttl/3);
 * 3. once elected, takes its key's create revision (`campaign.keyRevision`)
 *    as its fencing token and every `writeEveryMs` makes a fenced write,
 *    one etcd transaction:
 *    `if (tokenKey.Value < fenceValue(token + 1)) then put tokenKey = fenceValue(token), put writerKey = name`;
 * 4. a rejected write means a newer holder exists: it steps down (resigns)
 *    and campaigns again, as it does when its lease is lost.
 *
 * It reports everything as JSON lines on stdout (see {@link CandidateEvent}),
 * timestamped with wall-clock ms (`Date.now()`): these are real processes on
 * one machine, so wall time is the right clock here. It exits when its stdin
 * closes, so it cannot outlive the process that started it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { etcd3ModulePath } from "./client.js";
import { EtcdLabError } from "./errors.js";
import { FENCE_WIDTH } from "./fence.js";
import { trackPid, untrackPid } from "./guard.js";

/**
 * The candidate's JavaScript, run with `node -e`. Configured by environment
 * variables `CANDIDATE_ETCD3` (path of etcd3's entry file), `CANDIDATE_NAME`,
 * `CANDIDATE_ENDPOINTS` (comma-separated), `CANDIDATE_ELECTION`,
 * `CANDIDATE_TTL` (s), `CANDIDATE_WRITE_EVERY_MS`, `CANDIDATE_WRITE_DEADLINE_MS`,
 * `CANDIDATE_TOKEN_KEY`, `CANDIDATE_WRITER_KEY`. Commands on stdin:
 * `campaign`, `resign`. End of stdin: exit.
 *
 * @example
 * spawn(process.execPath, ["-e", CANDIDATE_SOURCE], { env: { ...process.env, CANDIDATE_NAME: "web-1", ... } });
 * // stdout: {"type":"ready",...} {"type":"queued","token":8,...} {"type":"elected","token":8,...} ...
 */
export const CANDIDATE_SOURCE = String.raw`
"use strict";
const path = require("node:path");
const E = process.env;
const etcd3 = require(E.CANDIDATE_ETCD3);
const cockatiel = require(require.resolve("cockatiel", { paths: [path.dirname(E.CANDIDATE_ETCD3)] }));
const NAME = E.CANDIDATE_NAME;
const TTL = Number(E.CANDIDATE_TTL);
const EVERY = Number(E.CANDIDATE_WRITE_EVERY_MS);
const DEADLINE = Number(E.CANDIDATE_WRITE_DEADLINE_MS);
const TOKEN_KEY = E.CANDIDATE_TOKEN_KEY;
const WRITER_KEY = E.CANDIDATE_WRITER_KEY;
const pad = (n) => String(n).padStart(${FENCE_WIDTH}, "0");
const MAX_IN_FLIGHT = 8;

process.stdout.on("error", () => process.exit(0));
function emit(o) {
  o.name = NAME;
  o.t = Date.now();
  process.stdout.write(JSON.stringify(o) + "\n");
}
const msg = (e) => String((e && e.message) || e);
process.on("uncaughtException", (e) => { emit({ type: "fatal", error: msg(e) }); process.exit(1); });
process.on("unhandledRejection", (e) => { emit({ type: "fatal", error: msg(e) }); process.exit(1); });

// Per-host circuit breaker off, global retry (on another host) kept.
const client = new etcd3.Etcd3({
  hosts: E.CANDIDATE_ENDPOINTS.split(","),
  dialTimeout: 2000,
  faultHandling: { host: () => cockatiel.noop },
});
const election = client.election(E.CANDIDATE_ELECTION, TTL);

let gen = 0;
let campaign = null;
let holder = null;
let inFlight = 0;
let seq = 0;
let active = false;

function start() {
  if (!active) return;
  const my = ++gen;
  const c = election.campaign(NAME);
  campaign = c;
  let queued = false;
  const announce = () => {
    if (queued || my !== gen) return;
    const r = c.keyRevision;
    if (typeof r !== "string" && typeof r !== "number") return;
    queued = true;
    emit({ type: "queued", token: Number(r) });
  };
  const poll = setInterval(announce, 5);
  c.on("elected", () => {
    clearInterval(poll);
    if (my !== gen) return;
    announce();
    holder = { token: Number(c.keyRevision), gen: my };
    emit({ type: "elected", token: holder.token });
  });
  c.on("error", (err) => {
    clearInterval(poll);
    if (my !== gen) return;
    lose("lease-lost", err);
  });
}

function lose(reason, err) {
  const was = holder;
  holder = null;
  gen++; // ignore whatever the old campaign still reports
  emit({ type: "lost", reason, token: was ? was.token : null, error: err ? msg(err) : undefined });
  const old = campaign;
  campaign = null;
  if (old) old.resign().catch(() => undefined);
  setTimeout(start, 200);
}

function puts(token) {
  return [client.put(TOKEN_KEY).value(pad(token)), client.put(WRITER_KEY).value(NAME)];
}

async function fencedWrite(token) {
  const r = await client
    .if(TOKEN_KEY, "Value", "<", pad(token + 1))
    .then(...puts(token))
    .else(client.get(TOKEN_KEY))
    .options({ deadline: Date.now() + DEADLINE })
    .commit();
  if (r.succeeded) return { ok: true, seen: null };
  const kvs = r.responses[0].response_range.kvs;
  if (kvs.length > 0) return { ok: false, seen: Number(kvs[0].value.toString()) };
  // No token stored yet: a Value compare on a missing key fails, so create it.
  const r2 = await client
    .if(TOKEN_KEY, "Create", "==", 0)
    .then(...puts(token))
    .options({ deadline: Date.now() + DEADLINE })
    .commit();
  return { ok: r2.succeeded, seen: null };
}

function tick() {
  if (holder === null || inFlight >= MAX_IN_FLIGHT) return;
  const { token, gen: g } = holder;
  const n = ++seq;
  const sentAt = Date.now();
  inFlight++;
  fencedWrite(token).then(
    (res) => {
      inFlight--;
      emit({ type: "write", seq: n, token, ok: res.ok, sentAt, seen: res.seen });
      if (!res.ok && holder !== null && holder.gen === g) lose("fenced");
    },
    (err) => {
      inFlight--;
      emit({ type: "write-error", seq: n, token, sentAt, error: msg(err) });
    },
  );
}
setInterval(tick, EVERY);

let buf = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    const cmd = buf.slice(0, i).trim();
    buf = buf.slice(i + 1);
    if (cmd === "campaign" && !active) { active = true; start(); }
    else if (cmd === "resign" && active) {
      active = false;
      holder = null;
      gen++;
      if (campaign) campaign.resign().then(() => emit({ type: "resigned" }), (e) => emit({ type: "resigned", error: msg(e) }));
      campaign = null;
    }
  }
});
process.stdin.on("end", () => process.exit(0));
process.stdin.on("error", () => process.exit(0));

client.get(TOKEN_KEY).string().then(
  () => emit({ type: "ready" }),
  (e) => emit({ type: "ready", error: msg(e) }),
);
`;

/** Options of {@link spawnCandidate}. */
export interface CandidateOptions {
  /** Its name, also the value it campaigns with: `[A-Za-z0-9_.-]{1,64}`. */
  name: string;
  /** etcd client URLs. */
  endpoints: readonly string[];
  /** The election's name (etcd key prefix `election/<name>/`); default "web-master". */
  electionName?: string;
  /** Lease TTL in whole seconds, >= 1; default 5. */
  ttlSeconds?: number;
  /** A fenced write every this many ms while elected; default 150. */
  writeEveryMs?: number;
  /** Deadline of each write in ms; default 1000. */
  writeDeadlineMs?: number;
  /** Where the fencing token is stored; default "/resource/token". */
  tokenKey?: string;
  /** Where the last accepted writer's name is stored; default "/resource/writer". */
  writerKey?: string;
  /** How long to wait for `ready`, in ms; default 20000. */
  startTimeoutMs?: number;
}

/** What a candidate reports. `t` is wall-clock ms (Date.now()) in the candidate when it happened. */
export type CandidateEvent =
  | { type: "ready"; name: string; t: number; error?: string }
  | { type: "queued"; name: string; t: number; token: number }
  | { type: "elected"; name: string; t: number; token: number }
  | { type: "write"; name: string; t: number; seq: number; token: number; ok: boolean; sentAt: number; seen: number | null }
  | { type: "write-error"; name: string; t: number; seq: number; token: number; sentAt: number; error: string }
  | { type: "lost"; name: string; t: number; reason: "lease-lost" | "fenced"; token: number | null; error?: string }
  | { type: "resigned"; name: string; t: number; error?: string }
  | { type: "fatal"; name: string; t: number; error: string };

/** A running candidate process. */
export interface ElectionCandidate {
  readonly name: string;
  /** Its PID (until it exited). */
  readonly pid: number;
  /** Everything it reported so far, in order. */
  readonly events: readonly CandidateEvent[];
  /** True once its process exited. */
  readonly exited: boolean;
  /** Calls `fn` for every event from now on; returns a function that stops that. */
  onEvent(fn: (e: CandidateEvent) => void): () => void;
  /** Tells it to start campaigning. */
  campaign(): void;
  /** Tells it to resign and stop campaigning. */
  resign(): void;
  /** Sends a signal by PID (SIGSTOP pauses it, SIGCONT resumes it). */
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL by PID; resolves once it exited (idempotent). */
  kill(): Promise<void>;
  /** Its stderr so far (last 16 KiB). */
  stderr(): string;
}

const NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;

function positiveInt(v: unknown, what: string, min = 1): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min) {
    throw new EtcdLabError("ERR_ETCD_INPUT", `spawnCandidate: ${what} must be an integer >= ${min}`);
  }
  return v;
}

function parseEvent(line: string, name: string): CandidateEvent | undefined {
  try {
    const e = JSON.parse(line) as CandidateEvent;
    if (e && typeof e === "object" && typeof e.type === "string" && e.name === name && typeof e.t === "number") return e;
  } catch {
    // not an event line (a warning printed by a library): ignore
  }
  return undefined;
}

/**
 * Starts one election candidate as a child process and waits until it is
 * connected (its `ready` event). It does not campaign until told to
 * ({@link ElectionCandidate.campaign}), so the caller controls the FIFO order.
 *
 * @param options - see {@link CandidateOptions}
 * @returns the running candidate; always `await candidate.kill()` when done
 * @throws {EtcdLabError} ERR_ETCD_INPUT for bad options; ERR_ETCD_MISSING
 *   without the etcd3 package; ERR_ETCD_START when it exits before `ready`
 *   (with its stderr tail); ERR_ETCD_TIMEOUT when `ready` does not come
 * @example
 * const c = await spawnCandidate({ name: "web-1", endpoints: cluster.endpoints, ttlSeconds: 5 });
 * c.campaign(); // then events: queued, elected, write, write, ...
 * await c.kill();
 */
export async function spawnCandidate(options: CandidateOptions): Promise<ElectionCandidate> {
  const o = options ?? ({} as CandidateOptions);
  if (typeof o.name !== "string" || !NAME_RE.test(o.name)) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "spawnCandidate: name must match [A-Za-z0-9_.-]{1,64}");
  }
  if (!Array.isArray(o.endpoints) || o.endpoints.length === 0 || !o.endpoints.every((e) => typeof e === "string" && /^https?:\/\/[^,\s]+$/.test(e))) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "spawnCandidate: endpoints must be a non-empty array of http(s) URLs");
  }
  const electionName = o.electionName ?? "web-master";
  if (typeof electionName !== "string" || !NAME_RE.test(electionName)) {
    throw new EtcdLabError("ERR_ETCD_INPUT", "spawnCandidate: electionName must match [A-Za-z0-9_.-]{1,64}");
  }
  const ttl = positiveInt(o.ttlSeconds ?? 5, "ttlSeconds");
  const every = positiveInt(o.writeEveryMs ?? 150, "writeEveryMs", 10);
  const deadline = positiveInt(o.writeDeadlineMs ?? 1000, "writeDeadlineMs", 10);
  const startTimeoutMs = positiveInt(o.startTimeoutMs ?? 20_000, "startTimeoutMs", 100);
  const tokenKey = o.tokenKey ?? "/resource/token";
  const writerKey = o.writerKey ?? "/resource/writer";
  for (const [k, v] of [["tokenKey", tokenKey], ["writerKey", writerKey]] as const) {
    if (typeof v !== "string" || v === "" || v.length > 256) throw new EtcdLabError("ERR_ETCD_INPUT", `spawnCandidate: ${k} must be a non-empty string`);
  }
  if (tokenKey === writerKey) throw new EtcdLabError("ERR_ETCD_INPUT", "spawnCandidate: tokenKey and writerKey must differ");
  const etcd3 = etcd3ModulePath();

  const child: ChildProcess = spawn(process.execPath, ["-e", CANDIDATE_SOURCE], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      CANDIDATE_ETCD3: etcd3,
      CANDIDATE_NAME: o.name,
      CANDIDATE_ENDPOINTS: o.endpoints.join(","),
      CANDIDATE_ELECTION: electionName,
      CANDIDATE_TTL: String(ttl),
      CANDIDATE_WRITE_EVERY_MS: String(every),
      CANDIDATE_WRITE_DEADLINE_MS: String(deadline),
      CANDIDATE_TOKEN_KEY: tokenKey,
      CANDIDATE_WRITER_KEY: writerKey,
    },
  });
  const pid = child.pid;
  if (pid !== undefined) trackPid(pid);
  const events: CandidateEvent[] = [];
  const listeners = new Set<(e: CandidateEvent) => void>();
  let stderr = "";
  let exited = false;
  let exitInfo = "";
  const exitedP = new Promise<void>((resolve) => {
    const finish = (info: string) => {
      if (exited) return;
      exited = true;
      exitInfo = info;
      if (pid !== undefined) untrackPid(pid);
      resolve();
    };
    child.once("exit", (code, signal) => finish(signal ? `was killed by ${signal}` : `exited with code ${code}`));
    child.once("error", (e) => {
      if (pid === undefined) finish(`could not start: ${e.message}`);
    });
  });
  child.stdin!.on("error", () => undefined); // EPIPE after it died
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (d: string) => {
    stderr = (stderr + d).slice(-16 * 1024);
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const e = parseEvent(line, o.name);
    if (e === undefined) return;
    events.push(e);
    for (const fn of [...listeners]) fn(e);
  });

  const kill = async (): Promise<void> => {
    if (!exited && pid !== undefined) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await exitedP;
  };

  // Wait for `ready`, an early exit, or the timeout.
  try {
    await new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = (err?: Error) => {
        if (timer !== undefined) clearTimeout(timer);
        listeners.delete(onReady);
        if (err) reject(err);
        else resolve();
      };
      const onReady = (e: CandidateEvent) => {
        if (e.type === "ready") done();
        else if (e.type === "fatal") done(new EtcdLabError("ERR_ETCD_START", `candidate ${o.name} failed: ${e.error}`, stderr));
      };
      listeners.add(onReady);
      timer = setTimeout(
        () => done(new EtcdLabError("ERR_ETCD_TIMEOUT", `candidate ${o.name} not ready within ${startTimeoutMs} ms`, stderr)),
        startTimeoutMs,
      );
      void exitedP.then(() => done(new EtcdLabError("ERR_ETCD_START", `candidate ${o.name} ${exitInfo} before it was ready`, stderr.split("\n").slice(-25).join("\n"))));
    });
  } catch (e) {
    await kill();
    throw e;
  }

  const send = (line: string): void => {
    if (!exited) child.stdin!.write(`${line}\n`);
  };
  return {
    name: o.name,
    pid: pid!,
    events,
    get exited() {
      return exited;
    },
    onEvent: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    campaign: () => send("campaign"),
    resign: () => send("resign"),
    signal: (sig: NodeJS.Signals) => {
      if (exited) throw new EtcdLabError("ERR_ETCD_INPUT", `candidate ${o.name} has exited`);
      process.kill(pid!, sig);
    },
    kill,
    stderr: () => stderr,
  };
}
