import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  type Model,
  type Operation,
  type OpRole,
  checkLinearizable,
  defaultRole,
  dropRedundantReads,
  mutexModel,
  registerModel,
} from "../../../lib/chubby/check/index.js";
import { createRng } from "../../../lib/random/index.js";
import { bruteLinearizable } from "./brute.js";
import { read, write } from "./ops.js";

/** Runs the reduction the way checkLinearizable does (roles, then prepare). */
function reduce(ops: Operation[]) {
  const model = registerModel();
  const roles: OpRole[] = ops.map((o) => model.role?.(o) ?? defaultRole(o));
  const prepared = ops.map((o) => model.prepare!(o));
  return dropRedundantReads(model, ops, roles, prepared);
}

describe("dropRedundantReads", () => {
  it("keeps the first of a run of identical instantaneous reads between two edges", () => {
    const ops = [write("a", 1, [0, 2]), read("b", 1, [5, 5]), read("c", 1, [6, 6]), read("b", 1, [7, 7]), write("a", 2, [10, 12])];
    const r = reduce(ops);
    expect(r.dropped).toBe(2);
    expect(r.ops.map((o) => o.id)).toEqual([ops[0].id, ops[1].id, ops[4].id]);
  });

  it("keeps reads of another value, reads on an edge, reads that tie with another read, and reads with a duration", () => {
    // 5: value 1; 6: value 2 (a stale-looking read must never vanish); 7: value 1 again.
    const flip = [write("a", 1, [0, 2]), read("b", 1, [5, 5]), read("c", 2, [6, 6]), read("b", 1, [7, 7])];
    expect(reduce(flip).dropped).toBe(0);
    // A read at the instant a write is invoked sits on an edge.
    const edge = [write("a", 1, [0, 2]), read("b", 1, [3, 3]), read("c", 1, [4, 4]), write("a", 2, [4, 9])];
    expect(reduce(edge).dropped).toBe(0);
    // Two reads at one instant with different values: the run next to them is kept whole.
    const tie = [write("a", 1, [0, 2]), read("b", 1, [5, 5]), read("c", 1, [6, 6]), read("d", 2, [6, 6])];
    expect(reduce(tie).dropped).toBe(0);
    // Reads that take time are not instantaneous.
    const long = [write("a", 1, [0, 2]), read("b", 1, [5, 6]), read("c", 1, [7, 8])];
    expect(reduce(long).dropped).toBe(0);
  });

  it("a read of another value at the run's first instant keeps the run (dropping it would hide a violation)", () => {
    // 1 is read at 5, 2 is read at 5 (the long write of 2 took effect between them), then 1 again at 6: impossible.
    const other = read("q", 2, [5, 5]);
    const ops = [write("a", 1, [0, 1]), write("w", 2, [2, 10]), other, read("b", 1, [5, 5]), read("c", 1, [6, 6])];
    expect(reduce(ops).dropped).toBe(0);
    expect(checkLinearizable(ops).ok).toBe(false);
    expect(bruteLinearizable(ops, registerModel())).toBe(false);
  });

  it("a timed-out write's invocation is an edge: reads on both sides of it are kept", () => {
    const ops = [write("a", 1, [0, 2]), read("b", 1, [5, 5]), write("c", 2, [6]), read("b", 1, [7, 7])];
    expect(reduce(ops).dropped).toBe(0);
  });

  it("a stale read among thousands of cache hits is still caught, with or without the reduction", () => {
    const ops: Operation[] = [write("a", "A", [0, 1])];
    for (let t = 2; t < 2000; t++) ops.push(read(`c${t % 7}`, "A", [t, t]));
    ops.push(write("a", "B", [2000, 2001]));
    for (let t = 2002; t < 4000; t++) ops.push(read(`c${t % 7}`, t === 3000 ? "A" : "B", [t, t]));
    const on = checkLinearizable(ops);
    const off = checkLinearizable(ops, { dropRedundantReads: false });
    expect(on.ok).toBe(false);
    expect(off.ok).toBe(false);
    if (on.ok !== false) return;
    expect(on.culprit.invokeAt).toBe(3000);
    expect(bruteLinearizable(on.counterexample, registerModel())).toBe(false);
  });

  it("on a linearizable history of cache hits it searches only what is left and counts every read", () => {
    const ops: Operation[] = [write("a", "A", [0, 1])];
    for (let t = 2; t < 5000; t++) ops.push(read(`c${t % 7}`, "A", [t, t]));
    const res = checkLinearizable(ops);
    expect(res).toMatchObject({ ok: true, operations: ops.length, redundantReads: ops.length - 2 });
  });

  it("never changes the verdict: agrees with brute force on random histories dense in instantaneous reads (register and mutex)", () => {
    let reducedSome = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, mutex) => {
        const ops = pointHeavyHistory(seed, mutex);
        const model: Model<unknown, unknown> = mutex ? mutexModel() : registerModel();
        const withIt = checkLinearizable(ops, { model, minimize: false });
        const without = checkLinearizable(ops, { model, minimize: false, dropRedundantReads: false });
        expect(withIt.ok).toBe(without.ok);
        expect(withIt.ok).toBe(bruteLinearizable(ops, model));
        if (!mutex && reduce(ops).dropped > 0) reducedSome++;
        if (withIt.ok === false) expect(bruteLinearizable(withIt.counterexample, model)).toBe(false);
      }),
      { numRuns: 2000 },
    );
    expect(reducedSome).toBeGreaterThan(200);
  });
});

/** 2-9 ops on one key: a few writes/CAS (some timed out) and many instantaneous reads, on a coarse clock (ties). */
function pointHeavyHistory(seed: number, mutex: boolean): Operation[] {
  const rng = createRng(seed);
  const n = rng.int(2, 9);
  const ops: Operation[] = [];
  for (let i = 0; i < n; i++) {
    const invokeAt = rng.int(0, 7);
    const point = rng.uniform() < 0.65;
    const o: Operation = { id: i, client: `c${rng.int(0, 2)}`, op: "read", key: "x", status: "ok", invokeAt };
    if (mutex) {
      o.op = point ? "tryAcquire" : ["acquire", "release"][rng.int(0, 1)];
      if (point) o.output = false;
      if (!point && rng.uniform() < 0.2) o.status = "unknown";
      else o.completeAt = point ? invokeAt : invokeAt + rng.int(0, 5);
    } else if (point) {
      o.output = rng.uniform() < 0.7 ? 1 : rng.int(0, 2) || null;
      o.completeAt = invokeAt;
    } else {
      const k = rng.int(0, 2);
      o.op = ["read", "write", "cas"][k];
      if (k === 0) o.output = rng.int(0, 2) || null;
      if (k === 1) o.input = rng.int(1, 2);
      if (k === 2) {
        o.input = { expected: rng.int(0, 2) || null, value: rng.int(1, 2) };
        o.output = rng.uniform() < 0.5;
      }
      if (k !== 0 && rng.uniform() < 0.2) o.status = "unknown";
      else o.completeAt = invokeAt + rng.int(0, 5);
    }
    ops.push(o);
  }
  return ops;
}
