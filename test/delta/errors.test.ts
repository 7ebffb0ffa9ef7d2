import { describe, it, expect } from "vitest";
import {
  DeltaError,
  type DeltaErrorCode,
  decodeInt32,
  deltaEncode,
  encodeDecimal,
  encodeInt32,
} from "../../lib/delta/index.js";
import { expectDeltaError } from "./helpers.js";

describe("DeltaError", () => {
  it("is an Error with a name, a code and a working instanceof", () => {
    const e = new DeltaError("ERR_DELTA_CORRUPT", "decodeInt32: checksum mismatch");
    expect(e).toBeInstanceOf(DeltaError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("DeltaError");
    expect(e.code).toBe("ERR_DELTA_CORRUPT");
    expect(e.message).toBe("decodeInt32: checksum mismatch");
    expect(Object.getPrototypeOf(e)).toBe(DeltaError.prototype);
    expect(String(e)).toBe("DeltaError: decodeInt32: checksum mismatch");
  });
});

describe("every error code", () => {
  const cases: Array<[DeltaErrorCode, () => unknown]> = [
    ["ERR_DELTA_INPUT", () => decodeInt32("not bytes" as unknown as Uint8Array)],
    ["ERR_DELTA_NOT_FINITE", () => deltaEncode([1, NaN])],
    ["ERR_DELTA_NOT_INTEGER", () => encodeInt32([1, 2.5])],
    ["ERR_DELTA_TRUNCATED", () => decodeInt32(new Uint8Array([0x49, 0x01]))],
    ["ERR_DELTA_CORRUPT", () => decodeInt32(encodeDecimal([1.5]))],
  ];
  for (const [code, fn] of cases) {
    it(code, () => {
      const err = expectDeltaError(fn, code);
      expect(err.message.length).toBeGreaterThan(0);
    });
  }

  it("ERR_DELTA_NOT_INTEGER names the offending index", () => {
    const err = expectDeltaError(() => encodeInt32([0, 1, 2 ** 31]), "ERR_DELTA_NOT_INTEGER");
    expect(err.message).toContain("index 2");
  });
});
