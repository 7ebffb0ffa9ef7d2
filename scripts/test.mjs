// npm test: installs what is missing (as npm start does, plus Debian's chromium), then runs the
// typecheck and every vitest suite (units, properties, notebooks executed and checked in a
// browser), and ends with one line "N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT, ensure, jupyterEnv } from "./setup.mjs";

try {
  ensure({ browser: true, servers: true });
} catch (e) {
  console.error(`test: ${e instanceof Error ? e.message : e}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

let passed = 0;
let failed = 0;

console.log("\n== typecheck (tsc, strict) ==");
const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], { cwd: ROOT, stdio: "inherit" });
if (tsc.status === 0) {
  passed++;
  console.log("typecheck ok");
} else failed++;

console.log("\n== vitest ==");
const report = join(ROOT, "build", "test", "vitest.json");
mkdirSync(join(ROOT, "build", "test"), { recursive: true });
rmSync(report, { force: true });
const extra = process.argv.slice(2);
spawnSync(
  process.execPath,
  [join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...extra],
  { cwd: ROOT, stdio: "inherit", env: jupyterEnv() },
);
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed += json.numPassedTests;
  failed += json.numFailedTests;
  // A suite that failed to load has no tests in it, but is a failure all the same.
  failed += json.testResults.filter((/** @type {{ status: string, assertionResults: unknown[] }} */ r) => r.status === "failed" && r.assertionResults.length === 0).length;
  if (json.numTotalTests === 0) failed++;
} catch {
  console.error("vitest wrote no report");
  failed++;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
