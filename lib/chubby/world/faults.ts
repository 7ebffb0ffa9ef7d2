/**
 * @module chubby/world/faults
 *
 * Faults as data. A {@link FaultEvent} is a plain, JSON-safe object (a time
 * and what happens), so a fault schedule can be printed, stored, edited and
 * replayed: `world.applySchedule(schedule)` runs it. {@link faultSchedule}
 * draws one from a seeded generator, Jepsen/VOPR style, with two guarantees
 * that let a checker test liveness: never more than `maxDown` nodes affected
 * at once, and every fault over by `quietAfterMs`.
 */
import { type Rng, createRng } from "../../random/index.js";
import { WorldError } from "./errors.js";

/** One fault at a virtual time `at` (ms). */
export type FaultEvent =
  | { at: number; kind: "crash"; node: string }
  | { at: number; kind: "restart"; node: string }
  | { at: number; kind: "pause"; node: string; ms: number }
  | { at: number; kind: "partition"; groups: string[][] }
  | { at: number; kind: "isolate"; node: string }
  | { at: number; kind: "heal" }
  | { at: number; kind: "loss"; rate: number };

/** A [min, max] range of durations in ms. */
export type MsRange = readonly [number, number];

/** Settings for {@link faultSchedule}. */
export interface FaultScheduleOptions {
  /** The run's length in ms; no fault starts at or after min(durationMs, quietAfterMs). */
  durationMs: number;
  /** The nodes faults may hit (e.g. the replicas), in a fixed order. */
  nodes: readonly string[];
  /** Mean time between crash attempts in ms (Poisson arrivals); omit or Infinity for none. */
  crashEveryMs?: number;
  /** How long a crashed node stays down, uniform in this range (default [1000, 10000]). */
  crashDownMs?: MsRange;
  /** Mean time between pause attempts in ms; omit for none. */
  pauseEveryMs?: number;
  /** How long a pause lasts (default [100, 5000]). */
  pauseMs?: MsRange;
  /** Mean time between partition attempts in ms; omit for none. */
  partitionEveryMs?: number;
  /** How long a partition lasts (default [1000, 10000]). */
  partitionMs?: MsRange;
  /**
   * The most nodes affected at once: crashed, paused, or cut off on the
   * minority side of a partition (default a minority, floor((n - 1) / 2)).
   */
  maxDown?: number;
  /** Every fault ends by this time and none starts after it (default durationMs). */
  quietAfterMs?: number;
}

type Kind = 0 | 1 | 2; // crash, pause, partition

interface Active {
  end: number;
  nodes: string[];
}

/**
 * Draws a seeded fault schedule: crashes (with restarts), pauses and
 * partitions (with heals) at Poisson-distributed times, each skipped when it
 * would put more than `maxDown` nodes out at once. A crash or pause hits one
 * node not already affected; a partition cuts 1..(maxDown - affected) such
 * nodes off from the other `nodes` (nodes outside `nodes`, e.g. clients, are
 * not named and keep reaching everyone). At most one partition at a time.
 *
 * Each fault kind draws from its own sub-stream of `rng`, so changing one
 * kind's rate does not move the others' times. The result is sorted by time
 * (at equal times, endings first).
 *
 * @param rng - the generator (e.g. `streamRng(seed, "faults")`)
 * @param opts - rates, durations and bounds
 * @returns the schedule, a plain JSON-safe array
 * @throws {WorldError} ERR_WORLD_INPUT for a bad duration, node list, rate,
 *   range, maxDown or quietAfterMs
 * @example
 * const s = faultSchedule(createRng(1), { durationMs: 60_000, nodes: ["a", "b", "c"], crashEveryMs: 10_000 });
 * s[0]?.kind; // => "crash" (then, later, its "restart")
 */
export function faultSchedule(rng: Rng, opts: FaultScheduleOptions): FaultEvent[] {
  const { durationMs, nodes } = opts;
  if (!(Number.isFinite(durationMs) && durationMs > 0)) {
    throw new WorldError("ERR_WORLD_INPUT", `durationMs must be a finite number > 0, got ${durationMs}`);
  }
  if (!Array.isArray(nodes) || nodes.length === 0 || new Set(nodes).size !== nodes.length) {
    throw new WorldError("ERR_WORLD_INPUT", "nodes must be a non-empty list of distinct ids");
  }
  const quiet = opts.quietAfterMs ?? durationMs;
  if (!(quiet >= 0 && quiet <= durationMs)) {
    throw new WorldError("ERR_WORLD_INPUT", `quietAfterMs must be in [0, durationMs], got ${quiet}`);
  }
  const maxDown = opts.maxDown ?? Math.floor((nodes.length - 1) / 2);
  if (!(Number.isInteger(maxDown) && maxDown >= 0 && maxDown <= nodes.length)) {
    throw new WorldError("ERR_WORLD_INPUT", `maxDown must be an integer in [0, ${nodes.length}], got ${maxDown}`);
  }
  const every = [opts.crashEveryMs, opts.pauseEveryMs, opts.partitionEveryMs].map((e, i) => {
    const v = e ?? Infinity;
    if (!(v > 0)) throw new WorldError("ERR_WORLD_INPUT", `${["crash", "pause", "partition"][i]}EveryMs must be > 0, got ${v}`);
    return v;
  });
  const ranges = [
    checkRange("crashDownMs", opts.crashDownMs ?? [1000, 10000]),
    checkRange("pauseMs", opts.pauseMs ?? [100, 5000]),
    checkRange("partitionMs", opts.partitionMs ?? [1000, 10000]),
  ];
  // One sub-stream per kind, all drawn from rng up front.
  const subs = [0, 1, 2].map(() => createRng(rng.int(0, 0x7fffffff)));

  // Candidate start times per kind, merged in time order (kind order at ties).
  const cands: { t: number; kind: Kind }[] = [];
  for (let k = 0; k < 3; k++) {
    if (every[k] === Infinity) continue;
    for (let t = -every[k] * Math.log(1 - subs[k].uniform()); t < quiet; t += -every[k] * Math.log(1 - subs[k].uniform())) {
      cands.push({ t, kind: k as Kind });
    }
  }
  cands.sort((x, y) => x.t - y.t || x.kind - y.kind);

  // Sweep: active faults, and the events they emit with a sort key.
  const out: { ev: FaultEvent; prio: number; n: number }[] = [];
  const emit = (ev: FaultEvent, prio: number): void => {
    out.push({ ev, prio, n: out.length });
  };
  let active: Active[] = [];
  let partition: Active | null = null;
  for (const c of cands) {
    active = active.filter((a) => a.end > c.t);
    if (partition !== null && partition.end <= c.t) partition = null;
    const affected = new Set<string>();
    for (const a of active) for (const id of a.nodes) affected.add(id);
    const free = nodes.filter((id) => !affected.has(id));
    const room = maxDown - affected.size;
    const sub = subs[c.kind];
    // A duration and a pick are drawn for every candidate, applied or skipped.
    const [lo, hi] = ranges[c.kind];
    const dur = lo + (hi - lo) * sub.uniform();
    const pick = sub.uniform();
    const end = Math.min(c.t + dur, quiet);
    if (room < 1 || free.length === 0 || end <= c.t) continue;
    if (c.kind === 0 || c.kind === 1) {
      const node = free[Math.floor(pick * free.length)];
      active.push({ end, nodes: [node] });
      if (c.kind === 0) {
        emit({ at: c.t, kind: "crash", node }, 1);
        emit({ at: end, kind: "restart", node }, 0);
      } else {
        emit({ at: c.t, kind: "pause", node, ms: end - c.t }, 1);
      }
    } else {
      // A partition needs a node on each side: never cut every node.
      if (partition !== null || nodes.length < 2) continue;
      const k = 1 + Math.floor(pick * Math.min(room, free.length, nodes.length - 1));
      // Choose k of the free nodes: a partial Fisher-Yates shuffle on the sub-stream.
      const pool = free.slice();
      for (let i = 0; i < k; i++) {
        const j = i + Math.floor(sub.uniform() * (pool.length - i));
        const tmp = pool[i];
        pool[i] = pool[j];
        pool[j] = tmp;
      }
      const cut = new Set(pool.slice(0, k));
      const a: Active = { end, nodes: [...cut] };
      active.push(a);
      partition = a;
      emit(
        {
          at: c.t,
          kind: "partition",
          groups: [nodes.filter((id) => cut.has(id)), nodes.filter((id) => !cut.has(id))],
        },
        1,
      );
      emit({ at: end, kind: "heal" }, 0);
    }
  }
  out.sort((x, y) => x.ev.at - y.ev.at || x.prio - y.prio || x.n - y.n);
  return out.map((o) => o.ev);
}

function checkRange(name: string, r: MsRange): MsRange {
  if (!Array.isArray(r) || r.length !== 2 || !(r[0] > 0 && r[1] >= r[0] && Number.isFinite(r[1]))) {
    throw new WorldError("ERR_WORLD_INPUT", `${name} must be [min, max] with 0 < min <= max, got ${JSON.stringify(r)}`);
  }
  return r;
}

/**
 * Prints a schedule, one fault per line, for logs and failing-seed reports.
 *
 * @param schedule - the faults
 * @returns the text (empty string for no faults)
 * @throws never
 * @example
 * formatSchedule([{ at: 1500, kind: "crash", node: "r1" }]); // => "    1500.000 ms  crash r1"
 */
export function formatSchedule(schedule: readonly FaultEvent[]): string {
  return schedule.map((f) => `${f.at.toFixed(3).padStart(12)} ms  ${describeFault(f)}`).join("\n");
}

/**
 * One fault in words, without its time.
 *
 * @param f - the fault
 * @returns e.g. "pause r2 for 300 ms" or "partition [r1] | [r2 r3]"
 * @throws never
 * @example
 * describeFault({ at: 0, kind: "heal" }); // => "heal"
 */
export function describeFault(f: FaultEvent): string {
  switch (f.kind) {
    case "crash":
    case "restart":
    case "isolate":
      return `${f.kind} ${f.node}`;
    case "pause":
      return `pause ${f.node} for ${Number(f.ms.toFixed(3))} ms`;
    case "partition":
      return `partition ${f.groups.map((g) => `[${g.join(" ")}]`).join(" | ")}`;
    case "heal":
      return "heal";
    case "loss":
      return `loss rate ${f.rate}`;
  }
}
