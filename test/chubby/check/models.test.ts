import { describe, it, expect } from "vitest";
import {
  CheckError,
  type Operation,
  defaultRole,
  mutexModel,
  registerModel,
} from "../../../lib/chubby/check/index.js";

function expectCheckError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckError);
    expect((e as CheckError).code).toBe(code);
    return;
  }
  throw new Error("expected a CheckError");
}

const op = (o: Partial<Operation>): Operation => ({ id: 1, client: "c", op: "read", key: "x", status: "ok", invokeAt: 0, completeAt: 1, ...o });

describe("defaultRole", () => {
  it("requires ok ops, makes unknown ones optional, drops failures with nothing to explain", () => {
    expect(defaultRole(op({}))).toBe("required");
    expect(defaultRole(op({ status: "unknown" }))).toBe("optional");
    expect(defaultRole(op({ status: "fail" }))).toBe("drop");
    expect(defaultRole(op({ status: "fail", output: false }))).toBe("required");
  });
});

describe("registerModel", () => {
  const m = registerModel();
  const run = (ops: Operation[]) => {
    let s = m.init("x");
    for (const o of ops) {
      const next = m.step(s, m.prepare!(o));
      if (next === undefined) return undefined;
      s = next;
    }
    return s;
  };

  it("starts absent at generation 0; a write sets the value and bumps the generation", () => {
    expect(run([op({ output: null })])?.generation).toBe(0);
    const s = run([op({ op: "write", input: "a" }), op({ op: "read", output: "a" })]);
    expect(s?.value).toBe("a");
    expect(s?.generation).toBe(1);
    expect(run([op({ op: "write", input: "a" }), op({ op: "read", output: "b" })])).toBeUndefined();
  });

  it("CAS by value swaps only on a match; a reported mismatch requires a different value", () => {
    const w = op({ op: "write", input: "a" });
    expect(run([w, op({ op: "cas", input: { expected: "a", value: "b" }, output: true }), op({ output: "b" })])?.generation).toBe(2);
    expect(run([w, op({ op: "cas", input: { expected: "z", value: "b" }, output: true })])).toBeUndefined();
    expect(run([w, op({ op: "cas", input: { expected: "z", value: "b" }, output: false }), op({ output: "a" })])?.generation).toBe(1);
    expect(run([w, op({ op: "cas", input: { expected: "a", value: "b" }, output: false })])).toBeUndefined();
  });

  it("CAS by content generation (Chubby's SetContents with a generation check)", () => {
    const w = op({ op: "write", input: "a" });
    expect(run([w, op({ op: "cas", input: { expectedGeneration: 1, value: "b" } })])?.value).toBe("b");
    expect(run([w, op({ op: "cas", input: { expectedGeneration: 0, value: "b" } })])).toBeUndefined();
    expect(run([w, op({ op: "cas", input: { expectedGeneration: 0, value: "b" }, status: "fail", output: false })])?.value).toBe("a");
  });

  it("takes an initial value and generation", () => {
    const m2 = registerModel({ initial: "boot", initialGeneration: 7 });
    expect(m2.init("k")).toMatchObject({ value: "boot", generation: 7 });
    expectCheckError(() => registerModel({ initialGeneration: 0.5 }), "ERR_CHECK_INPUT");
  });

  it("drops failed writes and timed-out reads; rejects ops it cannot read", () => {
    expect(m.role!(op({ op: "write", status: "fail", output: "x" }))).toBe("drop");
    expect(m.role!(op({ status: "unknown" }))).toBe("drop");
    expectCheckError(() => m.prepare!(op({ op: "append" })), "ERR_CHECK_MODEL");
    expectCheckError(() => m.prepare!(op({ op: "cas", input: { value: 1 } })), "ERR_CHECK_MODEL");
    expectCheckError(() => m.prepare!(op({ op: "cas", input: { expected: 1, expectedGeneration: 1, value: 1 } })), "ERR_CHECK_MODEL");
    expectCheckError(() => m.prepare!(op({ op: "cas", input: { expected: 1, value: 2 }, status: "fail", output: true })), "ERR_CHECK_MODEL");
  });

  it("bounds an optional write by the last op observing its value, and drops it if none does", () => {
    const ops = [
      op({ id: 1, op: "write", input: "a", status: "unknown", completeAt: undefined, invokeAt: 0 }),
      op({ id: 2, op: "write", input: "b", status: "unknown", completeAt: undefined, invokeAt: 0 }),
      op({ id: 3, op: "read", output: "a", invokeAt: 5, completeAt: 9 }),
    ];
    expect(m.horizon!(ops, ["optional", "optional", "required"])).toEqual([9, -Infinity, Infinity]);
    // Generations in play: no bound at all.
    const withGen = ops.concat(op({ id: 4, op: "cas", input: { expectedGeneration: 1, value: "c" } }));
    expect(m.horizon!(withGen, ["optional", "optional", "required", "required"])).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });
});

describe("mutexModel", () => {
  const m = mutexModel();
  const run = (ops: Operation[]) => {
    let s = m.init("L");
    for (const o of ops) {
      const next = m.step(s, m.prepare!(o));
      if (next === undefined) return undefined;
      s = next;
    }
    return s;
  };

  it("grants a free lock, refuses a held one, and only the holder releases", () => {
    expect(run([op({ op: "acquire", client: "a" })])?.holder).toBe("a");
    expect(run([op({ op: "acquire", client: "a" }), op({ op: "acquire", client: "b" })])).toBeUndefined();
    expect(run([op({ op: "acquire", client: "a" }), op({ op: "release", client: "b" })])).toBeUndefined();
    expect(run([op({ op: "acquire", client: "a" }), op({ op: "release", client: "a" }), op({ op: "acquire", client: "b" })])?.holder).toBe("b");
  });

  it("tryAcquire reports true (acquired) or false (held by someone)", () => {
    expect(run([op({ op: "tryAcquire", client: "a", output: true })])?.holder).toBe("a");
    expect(run([op({ op: "tryAcquire", client: "a", output: false })])).toBeUndefined();
    expect(run([op({ op: "acquire", client: "a" }), op({ op: "tryAcquire", client: "b", output: false })])?.holder).toBe("a");
    expectCheckError(() => m.prepare!(op({ op: "tryAcquire" })), "ERR_CHECK_MODEL");
    expectCheckError(() => m.prepare!(op({ op: "steal" })), "ERR_CHECK_MODEL");
  });
});
