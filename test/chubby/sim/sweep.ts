import { expect } from "vitest";
import { runSweep } from "../../../lib/chubby/index.js";

/**
 * Runs the seeded fault sweep over [from, to) on the correct cell and expects no violation;
 * a failing seed is printed with its replay command.
 */
export function expectCleanSweep(from: number, to: number): void {
  const s = runSweep({ seeds: [from, to] });
  const lines = s.failures.map((f) => `seed ${f.seed}: ${f.violations[0].invariant}: ${f.violations[0].detail}\n  replay: ${f.replay}`);
  if (lines.length > 0) console.log(lines.join("\n"));
  expect(s.runs).toBe(to - from);
  expect(s.failovers).toBeGreaterThan((to - from) / 2); // the faults really hit masters
  expect(lines).toEqual([]);
}
