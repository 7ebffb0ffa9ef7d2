import { describe, it } from "vitest";
import { expectCleanSweep } from "./sim/sweep.js";

describe("sweep of seeded fault schedules, chunk 1 of 4", () => {
  it("seeds 0-499: replica crashes, pauses and partitions, client crashes and GC pauses, loss, drift: zero violations", () => {
    expectCleanSweep(0, 500);
  }, 300_000);
});
