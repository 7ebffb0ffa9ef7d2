import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  CheckError,
  type Model,
  type Operation,
  checkLinearizable,
  mutexModel,
  registerModel,
} from "../../../lib/chubby/check/index.js";
import { createRng } from "../../../lib/random/index.js";
import { bruteLinearizable } from "./brute.js";
import { generateHistory } from "./generate.js";
import { call, read, write } from "./ops.js";

describe("checkLinearizable: classic register histories", () => {
  it("a read after a completed write that returns the old value is not linearizable", () => {
    const w = write("a", 1, [0, 10]);
    const r = read("b", null, [20, 30]);
    const res = checkLinearizable([w, r]);
    expect(res.ok).toBe(false);
    if (res.ok !== false) return;
    expect(res.key).toBe("x");
    expect(res.culprit.id).toBe(r.id);
    expect(res.counterexample.map((o) => o.id)).toEqual([w.id, r.id]);
    expect(res.message.split("\n")[0]).toContain(`#${r.id} b read x -> null`);
  });

  it("a read concurrent with a write may return either value", () => {
    for (const v of [null, 1]) expect(checkLinearizable([write("a", 1, [0, 10]), read("b", v, [5, 15])]).ok).toBe(true);
    expect(checkLinearizable([write("a", 1, [0, 10]), read("b", 2, [5, 15])]).ok).toBe(false);
  });

  it("two reads cannot see the value go back (new, then old) once the first read completed", () => {
    const ops = [write("a", 1, [0, 100]), read("b", 1, [10, 20]), read("c", null, [30, 40])];
    expect(checkLinearizable(ops).ok).toBe(false);
    // The same reads overlapping each other: fine (old then new).
    expect(checkLinearizable([write("a", 1, [0, 100]), read("b", null, [10, 40]), read("c", 1, [30, 50])]).ok).toBe(true);
  });

  it("touching intervals count as concurrent (no violation on a tie)", () => {
    expect(checkLinearizable([write("a", 1, [0, 10]), read("b", null, [10, 20])]).ok).toBe(true);
  });

  it("a timed-out write may take effect at any instant after its invocation, or never", () => {
    expect(checkLinearizable([write("a", 1, [0]), read("b", null, [50, 60]), read("c", 1, [70, 80])]).ok).toBe(true);
    expect(checkLinearizable([write("a", 1, [0]), read("b", null, [50, 60])]).ok).toBe(true);
    // ...but not before it was invoked.
    expect(checkLinearizable([read("b", 1, [0, 5]), write("a", 1, [10])]).ok).toBe(false);
    // ...and only once: new value, then old, then new again is impossible.
    expect(checkLinearizable([write("a", 1, [0]), read("b", 1, [10, 20]), read("c", null, [30, 40])]).ok).toBe(false);
  });

  it("failed calls without output never took effect; a failed CAS must be explained", () => {
    const failedWrite = call("a", "write", [0, 10], { input: 1, status: "fail" });
    expect(checkLinearizable([failedWrite, read("b", 1, [20, 30])]).ok).toBe(false);
    expect(checkLinearizable([failedWrite, read("b", null, [20, 30])]).ok).toBe(true);
    // A CAS that reports "the compare did not match" while the value did match: not linearizable.
    const casFail = call("c", "cas", [20, 30], { input: { expected: 1, value: 2 }, output: false, status: "fail" });
    expect(checkLinearizable([write("a", 1, [0, 10]), casFail]).ok).toBe(false);
    expect(checkLinearizable([write("a", 3, [0, 10]), casFail]).ok).toBe(true);
  });

  it("CAS semantics: expected value, expected generation, concurrent CAS races with one winner", () => {
    const w = write("a", "v1", [0, 10]);
    const cas = (c: string, expected: unknown, value: unknown, ok: boolean, at: number[]) =>
      call(c, "cas", at, { input: { expected, value }, output: ok });
    expect(checkLinearizable([w, cas("b", "v1", "v2", true, [20, 30]), read("c", "v2", [40, 50])]).ok).toBe(true);
    expect(checkLinearizable([w, cas("b", "v0", "v2", true, [20, 30])]).ok).toBe(false);
    // Two concurrent CAS from the same expected value: at most one can win.
    expect(checkLinearizable([w, cas("b", "v1", "b", true, [20, 30]), cas("c", "v1", "c", true, [20, 30])]).ok).toBe(false);
    expect(checkLinearizable([w, cas("b", "v1", "b", true, [20, 30]), cas("c", "v1", "c", false, [20, 30])]).ok).toBe(true);
    // By generation: the write made generation 1.
    const g = (c: string, gen: number, value: unknown, out: boolean) =>
      call(c, "cas", [20, 30], { input: { expectedGeneration: gen, value }, output: out });
    expect(checkLinearizable([w, g("b", 1, "v2", true)]).ok).toBe(true);
    expect(checkLinearizable([w, g("b", 0, "v2", true)]).ok).toBe(false);
    expect(checkLinearizable([w, g("b", 0, "v2", false)]).ok).toBe(true);
  });

  it("checks keys separately: each key's history is judged on its own", () => {
    const ops = [write("a", 1, [0, 10], "x"), read("b", null, [20, 30], "y"), read("c", 1, [20, 30], "x")];
    const res = checkLinearizable(ops);
    expect(res).toMatchObject({ ok: true, keys: 2, operations: 3 });
    const bad = checkLinearizable([...ops, read("d", 1, [40, 50], "y")]);
    expect(bad.ok === false && bad.key).toBe("y");
  });

  it("plugs in another model: a mutex", () => {
    const acq = (c: string, at: number[]) => call(c, "acquire", at, { key: "L" });
    const rel = (c: string, at: number[]) => call(c, "release", at, { key: "L" });
    const fine = [acq("a", [0, 10]), rel("a", [20, 30]), acq("b", [5, 40])];
    expect(checkLinearizable(fine, { model: mutexModel() }).ok).toBe(true);
    const twoHolders = [acq("a", [0, 10]), acq("b", [20, 30]), rel("a", [40, 50])];
    const res = checkLinearizable(twoHolders, { model: mutexModel() });
    expect(res.ok).toBe(false);
    expect(res.ok === false && res.message).toContain("mutex model");
  });

  it("returns unknown when the search budget runs out, never a guess", () => {
    const { ops } = generateHistory({ seed: 3, keys: 1, clients: 8, ops: 300 });
    const res = checkLinearizable(ops, { maxSteps: 5 });
    expect(res).toMatchObject({ ok: "unknown", key: "k0", reason: "search budget exceeded" });
  });

  it("still reports a key that fails when another key ran out of budget", () => {
    const { ops } = generateHistory({ seed: 3, keys: 1, clients: 8, ops: 300 });
    const stale = [write("a", 1, [0, 10], "y"), read("b", null, [20, 30], "y")];
    const res = checkLinearizable([...ops, ...stale], { maxSteps: 50 });
    expect(res.ok === false && res.key).toBe("y");
  });

  it("rejects bad options and malformed operations", () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof CheckError ? e.code : "other";
      }
      return "none";
    };
    expect(codeOf(() => checkLinearizable([], { maxSteps: 0 }))).toBe("ERR_CHECK_INPUT");
    expect(codeOf(() => checkLinearizable([], { minimizeChecks: 1.5 }))).toBe("ERR_CHECK_INPUT");
    expect(codeOf(() => checkLinearizable([read("a", 1, [5, 4])]))).toBe("ERR_CHECK_HISTORY");
    expect(codeOf(() => checkLinearizable([call("a", "append", [0, 1])]))).toBe("ERR_CHECK_MODEL");
    expect(checkLinearizable([])).toMatchObject({ ok: true, keys: 0, operations: 0 });
  });
});

/** A small random history over one or two keys: random intervals and random outputs. */
function randomHistory(seed: number, mutex: boolean): Operation[] {
  const rng = createRng(seed);
  const n = rng.int(1, 7);
  const ops: Operation[] = [];
  for (let i = 0; i < n; i++) {
    const invokeAt = rng.int(0, 10);
    const u = rng.uniform();
    const status: Operation["status"] = u < 0.15 ? "unknown" : u < 0.25 ? "fail" : "ok";
    const op: Operation = { id: i, client: `c${rng.int(0, 2)}`, op: "read", key: rng.uniform() < 0.8 ? "x" : "y", status, invokeAt };
    if (status !== "unknown") op.completeAt = invokeAt + rng.int(0, 6);
    if (mutex) {
      const k = rng.int(0, 2);
      op.op = ["acquire", "release", "tryAcquire"][k];
      if (k === 2 && status === "ok") op.output = rng.uniform() < 0.5;
      if (k === 2 && status === "fail") op.output = false;
    } else {
      const k = rng.int(0, 3);
      op.op = ["read", "write", "cas", "cas"][k];
      if (k === 0 && (status === "ok" || rng.uniform() < 0.5)) op.output = rng.int(0, 2) || null;
      if (k === 1) op.input = rng.int(1, 2);
      if (k === 2) op.input = { expected: rng.int(0, 2) || null, value: rng.int(1, 2) };
      if (k === 3) op.input = { expectedGeneration: rng.int(0, 2), value: rng.int(1, 2) };
      if (k >= 2 && status === "ok") op.output = rng.uniform() < 0.5;
      if (k >= 2 && status === "fail" && rng.uniform() < 0.5) op.output = false;
    }
    ops.push(op);
  }
  return ops;
}

describe("checkLinearizable: properties", () => {
  it("agrees with a brute-force check from the definition on small random histories (register and mutex)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, mutex) => {
        const ops = randomHistory(seed, mutex);
        const model: Model<unknown, unknown> = mutex ? mutexModel() : registerModel();
        expect(checkLinearizable(ops, { model }).ok).toBe(bruteLinearizable(ops, model));
      }),
      { numRuns: 1500 },
    );
  });

  it("a counterexample is a sub-history of the failing key that is itself not linearizable", () => {
    let failures = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.boolean(), (seed, mutex) => {
        const ops = randomHistory(seed, mutex);
        const model: Model<unknown, unknown> = mutex ? mutexModel() : registerModel();
        const res = checkLinearizable(ops, { model });
        if (res.ok !== false) return;
        failures++;
        const ids = new Set(ops.map((o) => o.id));
        expect(res.counterexample.every((o) => ids.has(o.id) && o.key === res.key)).toBe(true);
        expect(res.counterexample.map((o) => o.id)).toContain(res.culprit.id);
        expect(bruteLinearizable(res.counterexample, model)).toBe(false);
      }),
      { numRuns: 800 },
    );
    expect(failures).toBeGreaterThan(100);
  });

  it("histories made by running ops on a real register, with random overlapping intervals, are linearizable", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 0.2, noNaN: true }),
        fc.constantFrom("value" as const, "generation" as const),
        (seed, keys, clients, unknownRate, casBy) => {
          const { ops } = generateHistory({ seed, keys, clients, ops: 120, unknownRate, casBy });
          expect(checkLinearizable(ops).ok).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("one injected stale read (a value overwritten by a write that completed before the read) is always caught", () => {
    let injected = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 6 }), (seed, clients) => {
        const { ops } = generateHistory({ seed, keys: 2, clients, ops: 60, unknownRate: 0.05 });
        // W then W2 strictly in real time, both ok writes (values are unique): after W2
        // completed, nobody may read W's value.
        const writes = ops.filter((o) => o.op === "write" && o.status === "ok");
        const pair = writes
          .flatMap((w) => writes.filter((w2) => w2.key === w.key && (w.completeAt as number) < w2.invokeAt).map((w2) => [w, w2]))
          .at(0);
        if (!pair) return;
        const [w, w2] = pair;
        injected++;
        const at = (w2.completeAt as number) + 1;
        const stale: Operation = { id: 99_999, client: "stale", op: "read", key: w.key, output: w.input, status: "ok", invokeAt: at, completeAt: at + 1 };
        const res = checkLinearizable([...ops, stale]);
        expect(res.ok).toBe(false);
        if (res.ok !== false) return;
        expect(res.key).toBe(w.key);
        expect(res.counterexample.map((o) => o.id)).toContain(stale.id);
      }),
      { numRuns: 200 },
    );
    expect(injected).toBeGreaterThan(100);
  });

  it("shrinks a stale read buried in a long history to the few ops that prove it", () => {
    const { ops } = generateHistory({ seed: 11, keys: 3, clients: 6, ops: 600, unknownRate: 0.02 });
    const w = ops.find((o) => o.key === "k0" && o.op === "write" && o.status === "ok") as Operation;
    const w2 = ops.find((o) => o.key === "k0" && o.op === "write" && o.status === "ok" && o.invokeAt > (w.completeAt as number)) as Operation;
    const at = (w2.completeAt as number) + 0.5;
    const stale: Operation = { id: 99_999, client: "stale", op: "read", key: "k0", output: w.input, status: "ok", invokeAt: at, completeAt: at + 0.25 };
    const res = checkLinearizable([...ops, stale]);
    expect(res.ok).toBe(false);
    if (res.ok !== false) return;
    expect(res.culprit.id).toBe(stale.id);
    expect(res.counterexample.length).toBeLessThanOrEqual(6);
    expect(bruteLinearizable(res.counterexample, registerModel())).toBe(false);
    console.log(`stale read in 601 ops: counterexample of ${res.counterexample.length} ops, ${res.steps} search steps\n${res.message}`);
  });
});

describe("checkLinearizable: performance sanity", () => {
  it("a generated 10,000-op history over 50 keys checks without hitting the budget", () => {
    const { ops } = generateHistory({ seed: 2024, keys: 50, clients: 100, ops: 10_000, unknownRate: 0.02 });
    const t0 = performance.now();
    const res = checkLinearizable(ops);
    const ms = performance.now() - t0;
    expect(res.ok).toBe(true);
    const unknown = ops.filter((o) => o.status === "unknown").length;
    console.log(`10,000 ops / 50 keys / 100 clients (${unknown} unknown): ${res.steps} search steps in ${ms.toFixed(0)} ms`);
  });
});
