import { describe, expect, it } from "vitest";
import { loadFlightTimes } from "../../lib/data/index.js";

describe("loadFlightTimes", () => {
  it("reads the 3 million sorted minute-resolution departure times of 2001", async () => {
    const t = await loadFlightTimes();
    expect(t.length).toBe(3_000_000);
    expect(new Date(t[0] * 1000).toISOString()).toBe("2001-01-01T00:01:00.000Z");
    let unsorted = 0;
    let notMinute = 0;
    for (let i = 1; i < t.length; i++) {
      if (t[i] < t[i - 1]) unsorted++;
      if (t[i] % 60 !== 0) notMinute++;
    }
    expect(unsorted).toBe(0);
    expect(notMinute).toBe(0);
  }, 60_000);
  it("reads only the first rows when asked", async () => {
    expect((await loadFlightTimes({ limit: 3 })).length).toBe(3);
  });
});
