/**
 * @module chubby/simulation
 *
 * `runChubby(scenario)`: builds the world (replicas, web servers, the fenced
 * resource server), injects the scenario's faults, runs it to the end on
 * virtual time and returns a plain result: the trace hash, the history and
 * the checker's verdict (with the one-line replay command of a failing
 * seed), timelines for plots, RPC counts, fail-over and takeover times, and
 * the events clients saw. Deterministic: the same scenario gives the same
 * trace hash.
 */
import { performance } from "node:perf_hooks";
import {
  type CellState,
  type Command,
  applyCommand,
  createCellState,
  createFencedResource,
  inspectLock,
  parentPath,

  restore,
  snapshot,
  statPath,
} from "./cell/index.js";
import { type CheckReport, type History, type LeaseInterval, formatSummary, replayCommand } from "./check/index.js";
import { WebServer } from "./app.js";
import { ChubbyClient, type ClientEnv } from "./client.js";
import { type Timing, resolveTiming } from "./config.js";
import { type Msg, foldTrace } from "./messages.js";
import { createRaftSafetyMonitor } from "./raft/index.js";
import { type ClientEventRecord, Recorder, type SimViolation, type Span } from "./recorder.js";
import { type CellEnv, Replica } from "./replica.js";
import { type Scenario, type ScenarioFault, type ScenarioInput, resolveScenario } from "./scenario.js";
import { SimNode, type SimTimer } from "./sim-node.js";
import { variantFlags } from "./variants.js";
import { type FaultEvent, type World, createWorld, describeFault, faultSchedule, streamRng } from "./world/index.js";

/** The fenced resource server's node id. @example RESOURCE_ID; // => "fs" */
export const RESOURCE_ID = "fs";

/**
 * One fault as it was applied, with what it hit.
 * @example
 * const f: AppliedFault = { at: 30000, what: "crash r3", node: "r3", wasMaster: true, wasHolder: false };
 */
export interface AppliedFault {
  at: number;
  what: string;
  node: string | null;
  /** The node was the master (leader with a valid lease) then. */
  wasMaster: boolean;
  /** The node was the client holding the lock then. */
  wasHolder: boolean;
  /** The master's epoch or the holder's lock generation then. */
  epoch?: number;
  generation?: number;
  kind: string;
}

/**
 * A master fail-over: the master was lost at `lostAt` (a fault), a new one
 * held a valid lease at `electedAt` and allowed all operations at `readyAt`.
 * @example
 * const f: Failover = { lostAt: 30000, oldMaster: "r3", newMaster: "r1", epoch: 3, electedAt: 34800, readyAt: 35100, electionMs: 4800, readyMs: 5100 };
 */
export interface Failover {
  lostAt: number;
  oldMaster: string;
  newMaster: string | null;
  epoch: number | null;
  electedAt: number | null;
  readyAt: number | null;
  electionMs: number | null;
  readyMs: number | null;
}

/**
 * A lock takeover: its holder failed at `failedAt`, another grant came at `grantedAt`.
 * @example
 * const t: Takeover = { failedAt: 75000, holder: "web-2", next: "web-1", grantedAt: 96500, takeoverMs: 21500, cause: "crash" };
 */
export interface Takeover {
  failedAt: number;
  holder: string;
  next: string | null;
  grantedAt: number | null;
  takeoverMs: number | null;
  cause: string;
}

/**
 * A write as the fenced resource saw it.
 * @example
 * const w: ResourceWrite = { at: 12000, holder: "web-1", value: "web-1#3", token: 7, accepted: true };
 */
export interface ResourceWrite {
  at: number;
  holder: string;
  value: string;
  token: number;
  accepted: boolean;
}

/**
 * The checker's verdict.
 * @example
 * result.verdict.ok; // => true
 */
export interface Verdict {
  ok: boolean;
  violations: SimViolation[];
  /** One line: ok with what was checked, or FAIL with the first violation. */
  summary: string;
  /** The one-line command that replays this run (null when it passed). */
  replay: string | null;
  /** The `lib/chubby/check` report (counts per invariant, linearizability result). */
  report: CheckReport | null;
}

/**
 * What `runChubby` returns: plain data, ready for tables and plots.
 * @example
 * const r: ChubbyResult = runChubby(); r.verdict.ok; // => true
 */
export interface ChubbyResult {
  scenario: Scenario;
  timing: Timing;
  /** 16 hex digits; equal for equal runs ("" when the trace was off). */
  traceHash: string;
  /** Events the world ran. */
  events: number;
  messages: { sent: number; delivered: number; dropped: number };
  /** Wall-clock ms the run took (measurement only). */
  wallMs: number;
  history: History;
  verdict: Verdict;
  timelines: {
    /** Replica roles over time (down, follower, candidate, leader, master). */
    roles: Span[];
    /** Lock holders ("holds") and waiters ("waits") over time. */
    locks: Span[];
    /** Master lease intervals in global time. */
    masterLeases: LeaseInterval[];
    /** Client session states over time (no session, ok, jeopardy, expired, down). */
    clients: Span[];
    /** Each client's promised lease end as it moved. */
    leasePoints: { client: string; at: number; leaseEnd: number }[];
  };
  /** RPCs by kind (sent by clients). */
  rpcCounts: Record<string, number>;
  /** RPC kinds by count, with their share of all RPCs. */
  rpcMix: { kind: string; count: number; share: number }[];
  faults: AppliedFault[];
  failovers: Failover[];
  takeovers: Takeover[];
  clientEvents: ClientEventRecord[];
  resourceWrites: ResourceWrite[];
  /** Each web server's final view. */
  webServers: { name: string; leader: boolean; learned: string | null; status: string }[];
  /** Master elections and readiness, in order. */
  masters: { node: string; what: "elected" | "ready"; epoch: number; at: number }[];
}

class ResourceNode extends SimNode {
  readonly resource = createFencedResource({ name: RESOURCE_ID });
  readonly writes: ResourceWrite[] = [];
  constructor(
    world: World<Msg, SimTimer>,
    private readonly recorder: Recorder,
    private readonly fencingOff: boolean,
  ) {
    super(world, RESOURCE_ID);
  }
  onMessage(_from: string, msg: Msg): void {
    if (msg.k !== "fw") return;
    const now = this.world.now;
    const rec = this.resource.tryWrite({ sequencerOrToken: msg.sequencer, value: msg.value, at: now, holder: msg.holder });
    const accepted = this.fencingOff ? true : rec.accepted;
    const token = rec.generation ?? -1;
    this.recorder.fenced({ resource: RESOURCE_ID, token, accepted, at: now, holder: msg.holder });
    this.writes.push({ at: now, holder: msg.holder, value: msg.value, token, accepted });
  }
}

/** The state every replica starts from: the lock file's directories and the file itself, empty. */
function bootstrapState(cell: string, lockPath: string): CellState {
  const st = createCellState({ cell });
  const run = (c: Command): void => {
    const out = applyCommand(st, c);
    if (!out.ok) throw (out as { error: Error }).error;
  };
  run({ type: "createSession", user: "admin", session: "bootstrap", at: 0 });
  const dirs: string[] = [];
  for (let p = parentPath(lockPath); p !== null && p !== `/ls/${cell}`; p = parentPath(p)) dirs.unshift(p);
  for (const d of dirs) run({ type: "open", session: "bootstrap", path: d, create: true, directory: true, mode: "write", at: 0 });
  run({ type: "open", session: "bootstrap", path: lockPath, create: true, mode: "write", contents: "", at: 0 });
  run({ type: "closeSession", session: "bootstrap", at: 0 });
  return st;
}

/**
 * What {@link RunHooks.onSetup} gets: the built cell before it runs, to
 * schedule extra actions (tests, custom experiments).
 * @example
 * runChubby({}, { onSetup: (ctx) => ctx.world.at(5000, () => console.log(ctx.replicas[0].node.state)) });
 */
export interface SetupContext {
  world: World<Msg, SimTimer>;
  replicas: readonly Replica[];
  /** The web servers' clients. */
  clients: readonly ChubbyClient[];
  webServers: readonly WebServer[];
  recorder: Recorder;
  /** Adds a client node with no application (call before the run starts, i.e. inside onSetup). */
  newClient(id: string, user?: string): ChubbyClient;
}

/**
 * Optional hooks of {@link runChubby}.
 * @example
 * const hooks: RunHooks = { onSetup: (ctx) => {} };
 */
export interface RunHooks {
  onSetup?: (ctx: SetupContext) => void;
}

/**
 * Runs a scenario of the simulated Chubby cell; see the module comment.
 * @param input - a scenario or overrides of {@link defaultScenario} (the seed's example)
 * @param hooks - optional: `onSetup` to act on the built cell before it runs
 * @returns the result (plain data)
 * @throws {ChubbyError} ERR_CHUBBY_BAD_CONFIG on a bad scenario or timing
 * @example
 * const r = runChubby({ seed: 7 });
 * r.verdict.summary;   // => "ok: 0 violations (...)"
 * r.failovers[0].electionMs; // => about 4000-6000
 */
export function runChubby(input: ScenarioInput = {}, hooks: RunHooks = {}): ChubbyResult {
  const t0 = performance.now();
  const sc = resolveScenario(input);
  const timing = resolveTiming(sc.timing);
  const flags = variantFlags(sc.variant ?? undefined);
  const world = createWorld<Msg, SimTimer>({ seed: sc.seed, network: sc.network, clockDrift: timing.clockDrift, trace: sc.trace, traceFold: foldTrace });
  const replicaIds = Array.from({ length: sc.replicas }, (_, i) => `r${i + 1}`);
  const clientIds = Array.from({ length: sc.webServers }, (_, i) => `web-${i + 1}`);

  const base = bootstrapState(sc.cell, sc.lockPath);
  const snap = snapshot(base);
  const initialGeneration = statPath(base, sc.lockPath)?.contentGeneration ?? 0;
  const recorder = new Recorder({ initialValue: "", initialGeneration });
  const monitor = createRaftSafetyMonitor(replicaIds);
  const masters: ChubbyResult["masters"] = [];
  const env: CellEnv = {
    world,
    timing,
    flags,
    recorder,
    monitor,
    replicaIds,
    seed: sc.seed,
    newState: () => restore(snap),
    onMaster: (node, what, epoch, at) => masters.push({ node, what, epoch, at }),
  };
  const replicas = replicaIds.map((id) => new Replica(env, id));
  replicas.forEach((r) => world.addNode(r.id, r));
  const resource = new ResourceNode(world, recorder, flags.noFencing);
  world.addNode(RESOURCE_ID, resource);
  const cenv: ClientEnv = { world, timing, flags, recorder, replicaIds };
  let writeSeq = 0;
  const sendWrite = (from: string, sequencer: string, value: string): void => {
    world.send(from, RESOURCE_ID, { k: "fw", id: ++writeSeq, sequencer, value, holder: from });
  };
  const clients = clientIds.map((id) => new ChubbyClient(cenv, id, "web"));
  clients.forEach((c) => world.addNode(c.id, c));
  const apps = clients.map((c) => new WebServer(c, c.id, { lockPath: sc.lockPath, lockDelayMs: sc.lockDelayMs, app: sc.app, resourceId: RESOURCE_ID, sendWrite }));
  for (const r of replicas) {
    recorder.role(r.id, "follower", 0);
    r.boot();
  }
  apps.forEach((a, i) => {
    recorder.clientState(a.name, "no session", 0);
    world.at(sc.app.startAtMs + i * sc.app.staggerMs, () => {
      if (world.isUp(a.name)) a.start(); // a client down by then starts when it restarts
    }, `start ${a.name}`);
  });

  // ---- faults
  const applied: AppliedFault[] = [];
  const currentMaster = (): Replica | undefined => {
    let best: Replica | undefined;
    for (const r of replicas) {
      if (r.up && r.node.state === "leader" && (best === undefined || r.node.term > best.node.term)) best = r;
    }
    return best;
  };
  const holderNow = (): { client: string; generation: number } | undefined => {
    const m = currentMaster() ?? replicas.filter((r) => r.up).sort((a, b) => b.node.commitIndex - a.node.commitIndex)[0];
    if (m === undefined) return undefined;
    const view = inspectLock(m.state, sc.lockPath);
    const h = view?.holders[0];
    if (h === undefined) return undefined;
    const client = recorder.owners.get(h.session);
    return client === undefined ? undefined : { client, generation: view?.generation ?? 0 };
  };
  const note = (what: string, kind: string, node: string | null): void => {
    const m = currentMaster();
    const h = holderNow();
    const wasMaster = node !== null && m !== undefined && m.id === node && m.node.leaseValid();
    const wasHolder = node !== null && h !== undefined && h.client === node;
    const f: AppliedFault = { at: world.now, what, node, wasMaster, wasHolder, kind };
    if (wasMaster && m !== undefined) f.epoch = m.node.term;
    if (wasHolder && h !== undefined) f.generation = h.generation;
    applied.push(f);
  };
  const resolveTarget = (target: string): string | null => {
    if (target === "master") return currentMaster()?.id ?? null;
    if (target === "holder") return holderNow()?.client ?? null;
    return target;
  };
  const applyWorldFault = (f: FaultEvent): void => {
    switch (f.kind) {
      case "crash":
        note(describeFault(f), "crash", f.node);
        world.crash(f.node);
        return;
      case "restart":
        world.restart(f.node);
        return;
      case "pause":
        note(describeFault(f), "pause", f.node);
        world.pause(f.node, f.ms);
        return;
      case "isolate":
        note(describeFault(f), "isolate", f.node);
        world.isolate(f.node);
        return;
      case "partition": {
        const m = currentMaster();
        const minority = f.groups.find((g) => m !== undefined && g.includes(m.id) && g.length * 2 < replicaIds.length);
        note(describeFault(f), "partition", minority !== undefined && m !== undefined ? m.id : null);
        world.partition(f.groups);
        return;
      }
      case "heal":
        world.heal();
        return;
      case "loss":
        world.setLoss(f.rate);
        return;
    }
  };
  const applyScripted = (f: ScenarioFault): void => {
    const target = f.target === undefined ? null : resolveTarget(f.target);
    switch (f.kind) {
      case "crash":
        if (target === null) return;
        applyWorldFault({ at: world.now, kind: "crash", node: target });
        if (f.downMs !== undefined) world.at(world.now + f.downMs, () => world.restart(target), `restart ${target}`);
        return;
      case "restart":
        if (target !== null) world.restart(target);
        return;
      case "pause":
        if (target !== null) applyWorldFault({ at: world.now, kind: "pause", node: target, ms: f.ms ?? 0 });
        return;
      case "isolate":
        if (target === null) return;
        applyWorldFault({ at: world.now, kind: "isolate", node: target });
        if (f.downMs !== undefined) world.at(world.now + f.downMs, () => world.heal(), "heal");
        return;
      case "partition":
        applyWorldFault({ at: world.now, kind: "partition", groups: (f.groups ?? []).map((g) => g.map((x) => resolveTarget(x) ?? x)) });
        if (f.downMs !== undefined) world.at(world.now + f.downMs, () => world.heal(), "heal");
        return;
      case "heal":
        world.heal();
        return;
      case "loss":
        world.setLoss(f.rate ?? 0);
        return;
    }
  };
  for (const f of sc.faults) world.at(f.at, () => applyScripted(f), `${f.kind} ${f.target ?? ""}`);
  if (sc.random !== null) {
    const r = sc.random;
    const quiet = Math.min(r.quietAfterMs, sc.durationMs);
    const sched: FaultEvent[] = [];
    if (quiet > 0) {
      sched.push(
        ...faultSchedule(streamRng(sc.seed, "faults:replicas"), {
          durationMs: sc.durationMs,
          quietAfterMs: quiet,
          nodes: replicaIds,
          crashEveryMs: r.replicaCrashEveryMs,
          crashDownMs: r.replicaDownMs,
          pauseEveryMs: r.replicaPauseEveryMs,
          pauseMs: r.replicaPauseMs,
          partitionEveryMs: r.partitionEveryMs,
          partitionMs: r.partitionMs,
        }),
      );
      if (clientIds.length > 0) {
        sched.push(
          ...faultSchedule(streamRng(sc.seed, "faults:clients"), {
            durationMs: sc.durationMs,
            quietAfterMs: quiet,
            nodes: clientIds,
            maxDown: 1,
            crashEveryMs: r.clientCrashEveryMs,
            crashDownMs: r.clientDownMs,
            pauseEveryMs: r.clientPauseEveryMs,
            pauseMs: r.clientPauseMs,
          }),
        );
      }
      if (r.lossRate !== undefined && r.lossRate > 0) {
        sched.push({ at: 0, kind: "loss", rate: r.lossRate }, { at: quiet, kind: "loss", rate: 0 });
      }
    }
    for (const f of sched) world.at(f.at, () => applyWorldFault(f), describeFault(f));
    recorder.heals.push({ at: quiet, bound: sc.livenessBoundMs });
  }

  // ---- run
  hooks.onSetup?.({
    world,
    replicas,
    clients,
    webServers: apps,
    recorder,
    newClient: (id: string, user = "test") => {
      const c = new ChubbyClient(cenv, id, user);
      world.addNode(id, c);
      recorder.clientState(id, "no session", world.now);
      return c;
    },
  });
  world.run({ until: sc.durationMs });
  const end = sc.durationMs;

  // ---- results
  let verdict: Verdict;
  if (sc.check) {
    const { report, violations } = recorder.check(
      monitor,
      replicas.map((r) => ({ id: r.id, state: r.state })),
    );
    const ok = violations.length === 0;
    const first = violations[0];
    verdict = {
      ok,
      violations,
      summary: ok ? formatSummary(report) : `FAIL: ${violations.length} violation(s); first at ${first.at}: ${first.invariant}: ${first.detail}`,
      replay: ok ? null : replayCommand(sc.seed, sc.name, sc.variant ?? undefined),
      report,
    };
  } else {
    verdict = { ok: true, violations: [], summary: "not checked", replay: null, report: null };
  }
  const closeSpans = (spans: Span[]): Span[] => spans.map((s) => ({ ...s, to: s.to === Infinity ? end : s.to }));
  const locks: Span[] = [];
  for (const h of recorder.holds) {
    locks.push({ who: h.holder.split("/")[0], state: "holds", from: h.from, to: h.to === Infinity ? end : h.to, detail: `generation ${h.generation}` });
  }
  const grantById = new Map<string | number, number>();
  for (const g of recorder.lockGrants) if (g.id !== undefined) grantById.set(g.id, g.at);
  for (const q of recorder.lockRequests) {
    const to = (q.id !== undefined ? grantById.get(q.id) : undefined) ?? q.cancelledAt ?? end;
    if (to > q.at) locks.push({ who: q.client.split("/")[0], state: "waits", from: q.at, to: Math.min(to, end) });
  }
  const counts = { ...recorder.rpcCounts };
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const rpcMix = Object.entries(counts)
    .map(([kind, count]) => ({ kind, count, share: total === 0 ? 0 : count / total }))
    .sort((a, b) => b.count - a.count || (a.kind < b.kind ? -1 : 1));
  const failovers: Failover[] = [];
  for (const f of applied) {
    if (!f.wasMaster || f.node === null || f.epoch === undefined) continue;
    const el = masters.find((m) => m.what === "elected" && m.epoch > (f.epoch as number) && m.at >= f.at);
    const rd = el === undefined ? undefined : masters.find((m) => m.what === "ready" && m.epoch === el.epoch);
    failovers.push({
      lostAt: f.at,
      oldMaster: f.node,
      newMaster: el?.node ?? null,
      epoch: el?.epoch ?? null,
      electedAt: el?.at ?? null,
      readyAt: rd?.at ?? null,
      electionMs: el === undefined ? null : el.at - f.at,
      readyMs: rd === undefined ? null : rd.at - f.at,
    });
  }
  const takeovers: Takeover[] = [];
  for (const f of applied) {
    if (!f.wasHolder || f.node === null || f.generation === undefined) continue;
    const next = recorder.holds.find((h) => h.lock === sc.lockPath && h.generation > (f.generation as number) && h.from >= f.at);
    takeovers.push({
      failedAt: f.at,
      holder: f.node,
      next: next === undefined ? null : next.holder.split("/")[0],
      grantedAt: next?.from ?? null,
      takeoverMs: next === undefined ? null : next.from - f.at,
      cause: f.kind,
    });
  }
  const st = world.stats();
  const dropped = Object.values(st.dropped).reduce((a, b) => a + b, 0);
  return {
    scenario: sc,
    timing,
    traceHash: sc.trace === "off" ? "" : world.traceHash(),
    events: st.events,
    messages: { sent: st.messagesSent, delivered: st.messagesDelivered, dropped },
    wallMs: performance.now() - t0,
    history: recorder.history(),
    verdict,
    timelines: {
      roles: closeSpans(recorder.roles),
      locks: locks.sort((a, b) => a.from - b.from),
      masterLeases: recorder.leases.map((l) => ({ ...l })),
      clients: closeSpans(recorder.clientSpans),
      leasePoints: recorder.leasePoints,
    },
    rpcCounts: counts,
    rpcMix,
    faults: applied,
    failovers,
    takeovers,
    clientEvents: recorder.clientEvents,
    resourceWrites: resource.writes,
    webServers: apps.map((a) => ({ name: a.name, leader: a.isLeader(), learned: a.learned, status: a.client.status })),
    masters,
  };
}

