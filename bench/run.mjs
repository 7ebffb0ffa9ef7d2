// npm run bench: every part side by side with its peers, each in its own process.
//   npm run bench                      all parts
//   npm run bench -- sticky            one part (delta, sticky, chubby, oidc)
//   npm run bench -- int32-jitter      one Day 1 comparison
// Each part writes build/bench/<part>.json and .md; a full run of a part refreshes its section
// of README.md (between <!-- bench:<part>:start --> and <!-- bench:<part>:end -->).
// A part other than delta is bench/<part>/main.ts: progress on stderr, and as its last stdout
// line one JSON object { part, machine, results, goals: [{ goal, measured, unit, met }], markdown }.
// BENCH_ROUNDS=N sets the rounds where a part supports it; BENCH_QUICK=1 makes runs short.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../scripts/setup.mjs";
import { DELTA_COMPARISONS, runDeltaBench } from "./delta/run.mjs";

const PARTS = ["delta", "sticky", "chubby", "oidc"];

/**
 * @param {string} part
 * @returns {{ json: any, markdown: string, goals: Array<{ goal: string, measured: number, unit: string, met: boolean }> }}
 */
function runPart(part) {
  const script = join(ROOT, "bench", part, "main.ts");
  process.stderr.write(`bench: ${part} ...\n`);
  const r = spawnSync(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`bench: ${part} failed (exit ${r.status ?? r.signal})`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
  console.log(`\n${out.markdown}\n`);
  return { json: out, markdown: out.markdown, goals: out.goals ?? [] };
}

/** @param {string} part @param {string} markdown */
function refreshReadme(part, markdown) {
  const readme = join(ROOT, "README.md");
  const text = readFileSync(readme, "utf8");
  const start = `<!-- bench:${part}:start -->`;
  const end = `<!-- bench:${part}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a >= 0 && b > a) {
    writeFileSync(readme, text.slice(0, a + start.length) + "\n" + markdown + "\n" + text.slice(b));
    console.log(`README.md: ${part} benchmark section updated`);
  }
}

const args = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const deltaOnly = args.filter((a) => DELTA_COMPARISONS.includes(a));
const unknown = args.filter((a) => !PARTS.includes(a) && !DELTA_COMPARISONS.includes(a));
if (unknown.length) {
  console.error(`bench: unknown part or comparison ${unknown.join(", ")}; parts: ${PARTS.join(", ")}; Day 1 comparisons: ${DELTA_COMPARISONS.join(", ")}`);
  process.exit(2);
}
const parts = args.length === 0 ? PARTS : PARTS.filter((p) => args.includes(p) || (p === "delta" && deltaOnly.length > 0));

let failed = false;
/** @type {Array<{ part: string, goal: string, measured: number, unit: string, met: boolean }>} */
const summary = [];
mkdirSync(join(ROOT, "build", "bench"), { recursive: true });
for (const part of parts) {
  if (part !== "delta" && !existsSync(join(ROOT, "bench", part, "main.ts"))) {
    console.error(`bench: ${part}: bench/${part}/main.ts is missing`);
    failed = true;
    continue;
  }
  try {
    const whole = part !== "delta" || deltaOnly.length === 0;
    const out = part === "delta" ? runDeltaBench(deltaOnly.length ? deltaOnly : DELTA_COMPARISONS) : runPart(part);
    writeFileSync(join(ROOT, "build", "bench", `${part}.json`), JSON.stringify(out.json, null, 1) + "\n");
    writeFileSync(join(ROOT, "build", "bench", `${part}.md`), out.markdown + "\n");
    console.log(`wrote build/bench/${part}.json and build/bench/${part}.md`);
    if (whole) refreshReadme(part, out.markdown);
    for (const g of out.goals) summary.push({ part, ...g });
  } catch (e) {
    console.error(/** @type {Error} */ (e).message);
    failed = true;
  }
}

console.log("\n| part | goal | measured | met |\n|---|---|--:|---|");
for (const g of summary) {
  console.log(`| ${g.part} | ${g.goal} | ${Number.isFinite(g.measured) ? g.measured.toFixed(2) : "-"} ${g.unit} | ${g.met ? "yes" : "**no**"} |`);
}
if (failed) process.exit(1);
