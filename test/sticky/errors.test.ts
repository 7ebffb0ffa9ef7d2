import { describe, it, expect } from "vitest";
import { StickyError } from "../../lib/sticky/errors.js";

describe("StickyError", () => {
  it("is an Error with a stable code and name", () => {
    const e = new StickyError("ERR_STICKY_NO_SERVER", "nothing to route to");
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(StickyError);
    expect(e.code).toBe("ERR_STICKY_NO_SERVER");
    expect(e.name).toBe("StickyError");
    expect(e.message).toBe("nothing to route to");
  });
});
