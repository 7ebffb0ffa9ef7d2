import { describe, expect, it } from "vitest";
import { CHUBBY_ERROR_CODES, ChubbyError } from "../../../lib/chubby/cell/index.js";

describe("ChubbyError", () => {
  it("keeps its code, name and prototype chain", () => {
    const e = new ChubbyError("ERR_CHUBBY_LOCK_BUSY", "busy");
    expect(e).toBeInstanceOf(ChubbyError);
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe("ERR_CHUBBY_LOCK_BUSY");
    expect(e.name).toBe("ChubbyError");
    expect(e.message).toBe("busy");
  });

  it("lists every code the brief names, each with a one-line meaning", () => {
    const required = [
      "ERR_CHUBBY_BAD_PATH",
      "ERR_CHUBBY_NOT_FOUND",
      "ERR_CHUBBY_EXISTS",
      "ERR_CHUBBY_NOT_EMPTY",
      "ERR_CHUBBY_TOO_LARGE",
      "ERR_CHUBBY_PERMISSION",
      "ERR_CHUBBY_CAS_MISMATCH",
      "ERR_CHUBBY_LOCK_NOT_HELD",
      "ERR_CHUBBY_LOCK_BUSY",
      "ERR_CHUBBY_BAD_HANDLE",
      "ERR_CHUBBY_STALE_HANDLE",
      "ERR_CHUBBY_OLD_EPOCH",
      "ERR_CHUBBY_SESSION_EXPIRED",
      "ERR_CHUBBY_LOCK_DELAY_TOO_LONG",
      "ERR_CHUBBY_BAD_SEQUENCER",
      "ERR_CHUBBY_NOT_MASTER",
      "ERR_CHUBBY_BAD_CONFIG",
    ];
    for (const code of required) expect(Object.keys(CHUBBY_ERROR_CODES)).toContain(code);
    for (const [code, line] of Object.entries(CHUBBY_ERROR_CODES)) {
      expect(code).toMatch(/^ERR_CHUBBY_[A-Z_]+$/);
      expect(line.length).toBeGreaterThan(10);
      expect(line).not.toContain("\n");
    }
  });
});
