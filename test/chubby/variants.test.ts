import { describe, expect, it } from "vitest";
import { EXPECTED_VIOLATION, VARIANTS, parseReplayCommand, runSweep } from "../../lib/chubby/index.js";

describe("broken variants are caught by the sweep", () => {
  for (const variant of VARIANTS) {
    it(`${variant}: some seed yields a violation of the right kind`, () => {
      const s = runSweep({ seeds: [0, 400], variant, stopAtFirst: true });
      expect(s.failures.length).toBe(1);
      const f = s.failures[0];
      const kinds = new Set(f.violations.map((v) => v.invariant));
      console.log(`${variant}: caught at seed ${f.seed} (after ${s.runs} runs): ${[...kinds].join(", ")}\n  ${f.violations[0].detail}\n  replay: ${f.replay}`);
      expect(EXPECTED_VIOLATION[variant].some((k) => kinds.has(k))).toBe(true);
      expect(parseReplayCommand(f.replay)).toEqual({ seed: f.seed, scenario: "sweep", variant });
    }, 120_000);
  }
});
