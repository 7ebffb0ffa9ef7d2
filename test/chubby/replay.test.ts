import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseReplayCommand, runChubby, runSweep, scenarioByName } from "../../lib/chubby/index.js";

describe("replaying a failing seed", () => {
  it("the printed command names the seed and variant, and replays to the identical run", () => {
    const s = runSweep({ seeds: [0, 400], variant: "no-lock-delay", stopAtFirst: true });
    const f = s.failures[0];
    const spec = parseReplayCommand(f.replay);
    const sc = scenarioByName(spec.scenario, spec.seed, spec.variant);
    const a = runChubby(sc);
    const b = runChubby(sc);
    expect(a.traceHash).toBe(b.traceHash);
    expect(a.verdict.violations.map((v) => v.invariant)).toEqual(f.violations.map((v) => v.invariant));
  }, 120_000);

  it("scripts/chubby-replay.ts runs it and exits 1 with the violation (0 for a clean seed)", () => {
    const s = runSweep({ seeds: [0, 400], variant: "no-fencing", stopAtFirst: true });
    const f = s.failures[0];
    const args = f.replay.split(" ").slice(2); // after "npx tsx"
    const bad = spawnSync(process.execPath, ["--import", "tsx", ...args], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("fencedTokensIncrease");
    const good = spawnSync(process.execPath, ["--import", "tsx", "scripts/chubby-replay.ts", "--seed", String(f.seed), "--scenario", "sweep"], { encoding: "utf8", timeout: 60_000 });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain("ok: 0 violations");
    const usage = spawnSync(process.execPath, ["--import", "tsx", "scripts/chubby-replay.ts", "--seed", "x"], { encoding: "utf8", timeout: 60_000 });
    expect(usage.status).toBe(2);
  }, 120_000);
});
