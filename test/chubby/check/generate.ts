/**
 * Test helper: histories produced by running operations against a real
 * sequential register, so they are linearizable by construction. Each client
 * issues calls one after another; each call takes effect at one instant
 * inside its interval, and the register's answer at that instant is the
 * call's output. A timed-out call (`unknown`) takes effect or not at random.
 */
import { createRng } from "../../../lib/random/index.js";
import type { Operation } from "../../../lib/chubby/check/index.js";

export interface GenerateOptions {
  seed: number;
  keys: number;
  clients: number;
  /** Operations in all (spread over clients and keys). */
  ops: number;
  /** Fraction of calls that time out (default 0.02). */
  unknownRate?: number;
  /** Fraction of writes that are CAS (default 0.2). */
  casRate?: number;
  /** Fraction of reads (default 0.5). */
  readRate?: number;
  /** Longest time a call is in flight before/after its effect (default 20). */
  latency?: number;
  /** CAS compares the value (default) or the content generation, Chubby's SetContents style. */
  casBy?: "value" | "generation";
}

/** A linearizable history (op ids 0, 1, 2, ...). */
export function generateHistory(o: GenerateOptions): { ops: Operation[] } {
  const rng = createRng(o.seed);
  const unknownRate = o.unknownRate ?? 0.02;
  const casRate = o.casRate ?? 0.2;
  const readRate = o.readRate ?? 0.5;
  const latency = o.latency ?? 20;
  type Draft = { op: Operation; point: number };
  const drafts: Draft[] = [];
  const clock = new Array<number>(o.clients).fill(0);
  let nextValue = 1;
  // The last value issued per key: a CAS expects it half the time (it may still lose a race).
  const lastIssued = new Map<string, number>();
  const issuedWrites = new Map<string, number>();
  for (let id = 0; id < o.ops; id++) {
    const c = rng.int(0, o.clients - 1);
    const key = `k${rng.int(0, o.keys - 1)}`;
    const invokeAt = clock[c] + rng.int(0, 5);
    const point = invokeAt + rng.uniform() * latency;
    const completeAt = point + rng.uniform() * latency;
    const u = rng.uniform();
    const kind = u < readRate ? "read" : u < readRate + (1 - readRate) * casRate ? "cas" : "write";
    const op: Operation = { id, client: `c${c}`, op: kind, key, status: "ok", invokeAt, completeAt };
    if (kind === "write") op.input = nextValue;
    if (kind === "cas" && o.casBy === "generation") {
      // Guess the generation from the writes issued so far (a race may make it stale).
      op.input = { expectedGeneration: Math.max(0, (issuedWrites.get(key) ?? 0) - rng.int(0, 1)), value: nextValue };
    } else if (kind === "cas") {
      const expected = rng.uniform() < 0.5 ? (lastIssued.get(key) ?? null) : rng.int(1, nextValue);
      op.input = { expected, value: nextValue };
    }
    if (kind !== "read") {
      lastIssued.set(key, nextValue++);
      issuedWrites.set(key, (issuedWrites.get(key) ?? 0) + 1);
    }
    let effective = true;
    if (rng.uniform() < unknownRate) {
      op.status = "unknown";
      delete op.completeAt;
      effective = rng.uniform() < 0.5;
    }
    drafts.push({ op, point: effective ? point : Infinity });
    clock[c] = op.status === "unknown" ? invokeAt + 3 * latency : completeAt;
  }
  // Run the register in linearization order to fill in outputs.
  const state = new Map<string, unknown>();
  const generation = new Map<string, number>();
  const byPoint = drafts.filter((d) => d.point !== Infinity).sort((a, b) => a.point - b.point);
  for (const { op } of byPoint) {
    const cur = state.has(op.key) ? state.get(op.key) : null;
    if (op.op === "read") op.output = cur;
    else if (op.op === "write") {
      state.set(op.key, op.input);
      generation.set(op.key, (generation.get(op.key) ?? 0) + 1);
    } else {
      const inp = op.input as { expected?: unknown; expectedGeneration?: number; value: unknown };
      const match = "expectedGeneration" in inp ? (generation.get(op.key) ?? 0) === inp.expectedGeneration : cur === inp.expected;
      if (match) {
        state.set(op.key, inp.value);
        generation.set(op.key, (generation.get(op.key) ?? 0) + 1);
      }
      op.output = match;
    }
  }
  // A timed-out call reports nothing.
  for (const d of drafts) if (d.op.status === "unknown") delete d.op.output;
  return { ops: drafts.map((d) => d.op) };
}
