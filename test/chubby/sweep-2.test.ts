import { describe, it } from "vitest";
import { expectCleanSweep } from "./sim/sweep.js";

describe("sweep of seeded fault schedules, chunk 2 of 4", () => {
  it("seeds 500-999: replica crashes, pauses and partitions, client crashes and GC pauses, loss, drift: zero violations", () => {
    expectCleanSweep(500, 1000);
  }, 300_000);
});
