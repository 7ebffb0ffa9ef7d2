import { describe, it } from "vitest";
import { expectCleanSweep } from "./sim/sweep.js";

describe("sweep of seeded fault schedules, chunk 4 of 4", () => {
  it("seeds 1500-1999: replica crashes, pauses and partitions, client crashes and GC pauses, loss, drift: zero violations", () => {
    expectCleanSweep(1500, 2000);
  }, 300_000);
});
