import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  CheckError,
  type Operation,
  formatOp,
  sameValue,
  showValue,
  validateOperations,
  valueKey,
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

const op = (o: Partial<Operation>): Operation => ({
  id: 1,
  client: "c",
  op: "read",
  key: "x",
  status: "ok",
  invokeAt: 0,
  completeAt: 1,
  ...o,
});

describe("valueKey / sameValue", () => {
  it("compares by content: key order of objects does not matter, types do", () => {
    expect(sameValue({ a: 1, b: [1, "x"] }, { b: [1, "x"], a: 1 })).toBe(true);
    expect(sameValue("1", 1)).toBe(false);
    expect(sameValue(true, "true")).toBe(false);
    expect(sameValue(null, undefined)).toBe(true);
    expect(sameValue(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(sameValue(new Uint8Array([1, 2]), new Uint8Array([2, 1]))).toBe(false);
  });

  it("is equal exactly for equal JSON values (property)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        expect(valueKey(a) === valueKey(structuredClone(a))).toBe(true);
        if (valueKey(a) === valueKey(b)) expect(JSON.stringify(sortKeys(a))).toBe(JSON.stringify(sortKeys(b)));
      }),
      { numRuns: 300 },
    );
  });
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v === undefined ? null : v;
}

describe("formatOp / showValue", () => {
  it("writes one line with id, client, op, key, input, output, status and interval", () => {
    expect(formatOp(op({ id: 3, client: "c1", output: "a", invokeAt: 10, completeAt: 12 }))).toBe('#3 c1 read x -> "a" ok [10, 12]');
    expect(formatOp(op({ id: 4, op: "write", input: 7, status: "unknown", completeAt: undefined }))).toBe("#4 c write x 7 unknown [0, ?]");
    expect(formatOp(op({ id: 5, op: "write", input: 7, status: "fail", error: "ERR_EPOCH" }))).toBe("#5 c write x 7 fail (ERR_EPOCH) [0, 1]");
  });

  it("cuts long values", () => {
    expect(showValue("x".repeat(100)).length).toBe(40);
    expect(showValue(null)).toBe("null");
  });
});

describe("validateOperations", () => {
  it("accepts a well-formed history, unknown ops without completeAt included", () => {
    expect(() => validateOperations([op({}), op({ id: 2, status: "unknown", completeAt: undefined })])).not.toThrow();
  });

  it("rejects duplicate ids, bad statuses, missing or reversed times, non-string names", () => {
    expectCheckError(() => validateOperations([op({}), op({})]), "ERR_CHECK_HISTORY");
    expectCheckError(() => validateOperations([op({ status: "done" as "ok" })]), "ERR_CHECK_HISTORY");
    expectCheckError(() => validateOperations([op({ completeAt: undefined })]), "ERR_CHECK_HISTORY");
    expectCheckError(() => validateOperations([op({ invokeAt: 5, completeAt: 4 })]), "ERR_CHECK_HISTORY");
    expectCheckError(() => validateOperations([op({ invokeAt: NaN })]), "ERR_CHECK_HISTORY");
    expectCheckError(() => validateOperations([op({ key: 3 as unknown as string })]), "ERR_CHECK_HISTORY");
    expectCheckError(() => validateOperations([op({ id: 1.5 })]), "ERR_CHECK_HISTORY");
  });
});

describe("CheckError", () => {
  it("is an Error with a stable code and its own name", () => {
    const e = new CheckError("ERR_CHECK_MODEL", "boom");
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(CheckError);
    expect([e.code, e.name, e.message]).toEqual(["ERR_CHECK_MODEL", "CheckError", "boom"]);
  });
});
