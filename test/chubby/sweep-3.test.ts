import { describe, it } from "vitest";
import { expectCleanSweep } from "./sim/sweep.js";

describe("sweep of seeded fault schedules, chunk 3 of 4", () => {
  it("seeds 1000-1499: replica crashes, pauses and partitions, client crashes and GC pauses, loss, drift: zero violations", () => {
    expectCleanSweep(1000, 1500);
  }, 300_000);
});
