/**
 * Replays one run of the Chubby simulation from its seed, as a failing sweep prints it:
 *   npx tsx scripts/chubby-replay.ts --seed 123 --scenario sweep [--variant no-lock-delay]
 * Prints the scenario, the faults, the verdict and every violation; exits 1 when a check failed,
 * 2 on bad arguments.
 */
import { parseReplayArgs, runChubby, scenarioByName } from "../lib/chubby/index.js";

function main(): number {
  let spec;
  try {
    spec = parseReplayArgs(process.argv.slice(2));
  } catch (e) {
    console.error(String((e as Error).message));
    return 2;
  }
  let scenario;
  try {
    scenario = scenarioByName(spec.scenario, spec.seed, spec.variant);
  } catch (e) {
    console.error(String((e as Error).message));
    return 2;
  }
  const r = runChubby(scenario);
  console.log(`scenario ${scenario.name}, seed ${scenario.seed}${scenario.variant ? `, variant ${scenario.variant}` : ""}: ${r.events} events, trace hash ${r.traceHash}`);
  console.log("faults applied:");
  for (const f of r.faults) console.log(`${f.at.toFixed(3).padStart(12)} ms  ${f.what}${f.wasMaster ? " (the master)" : ""}${f.wasHolder ? " (the lock holder)" : ""}`);
  for (const f of r.failovers) console.log(`fail-over: ${f.oldMaster} lost at ${f.lostAt.toFixed(0)} ms, ${f.newMaster ?? "none"} elected after ${f.electionMs?.toFixed(0) ?? "-"} ms`);
  for (const t of r.takeovers) console.log(`takeover: ${t.holder} failed at ${t.failedAt.toFixed(0)} ms, ${t.next ?? "nobody"} granted after ${t.takeoverMs?.toFixed(0) ?? "-"} ms`);
  console.log(r.verdict.summary);
  for (const v of r.verdict.violations) console.log(`  ${v.at.toFixed(3)} ms  ${v.invariant}: ${v.detail}`);
  return r.verdict.ok ? 0 : 1;
}

process.exitCode = main();
