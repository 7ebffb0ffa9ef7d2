// The Day 1 part of `npm run bench`: runs each comparison in its own process (node --import tsx),
// prints a table per comparison with ratios to hyparquet and the goals, and returns the markdown
// (bench/run.mjs writes build/bench/delta.json and .md, and refreshes README.md).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../../scripts/setup.mjs";

/** The Day 1 comparisons, each a separate process. */
export const DELTA_COMPARISONS = ["int32-jitter", "flights", "sp500", "int64"];

/**
 * The goals, as checks on one comparison's rows.
 * @typedef {{ name: string, by: string, bitsPerValue: number, encodeMvps: number, decodeMvps: number, reference: boolean }} Row
 * @type {Record<string, Array<{ goal: string, value: (rows: Row[]) => number, ok: (v: number) => boolean, unit: string }>>}
 */
const GOALS = {
  "int32-jitter": [
    { goal: "blocks <= 6.3 bits/value", value: (r) => row(r, "blocks (encodeBlocks)").bitsPerValue, ok: (v) => v <= 6.3, unit: "bits" },
    { goal: "blocks decode >= 3x hyparquet", value: (r) => ratio(r, "blocks (encodeBlocks)", "decodeMvps"), ok: (v) => v >= 3, unit: "x" },
    { goal: "decodeBlocksInto faster than decodeBlocks", value: (r) => row(r, "blocks, decodeBlocksInto").decodeMvps / row(r, "blocks (encodeBlocks)").decodeMvps, ok: (v) => v > 1, unit: "x" },
    { goal: "blocks encode >= 2x hyparquet", value: (r) => ratio(r, "blocks (encodeBlocks)", "encodeMvps"), ok: (v) => v >= 2, unit: "x" },
  ],
  flights: [
    { goal: "blocks <= 1.2 bits/value", value: (r) => row(r, "blocks (encodeBlocks)").bitsPerValue, ok: (v) => v <= 1.2, unit: "bits" },
    { goal: "blocks decode >= 2.5x hyparquet", value: (r) => ratio(r, "blocks (encodeBlocks)", "decodeMvps"), ok: (v) => v >= 2.5, unit: "x" },
  ],
  sp500: [
    { goal: "blocks <= 13.8 bits/value on the real closes", value: (r) => row(r, "blocks (encodeBlocks)").bitsPerValue, ok: (v) => v <= 13.8, unit: "bits" },
    { goal: "blocks decode >= 3x hyparquet", value: (r) => ratio(r, "blocks (encodeBlocks)", "decodeMvps"), ok: (v) => v >= 3, unit: "x" },
  ],
  int64: [
    { goal: "INT64 decode >= 5x hyparquet's BigInt path", value: (r) => ratio(r, "Parquet DELTA_BINARY_PACKED INT64 (ours, hi/lo)", "decodeMvps"), ok: (v) => v >= 5, unit: "x" },
  ],
};

/** @param {Row[]} rows @param {string} name */
function row(rows, name) {
  const r = rows.find((x) => x.name === name);
  if (!r) throw new Error(`no result for ${name}`);
  return r;
}

/** @param {Row[]} rows @param {string} name @param {"encodeMvps" | "decodeMvps"} key */
function ratio(rows, name, key) {
  const ref = rows.find((x) => x.reference);
  if (!ref) throw new Error("no reference row");
  return row(rows, name)[key] / ref[key];
}

/** @param {number} x @param {number} digits */
const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "-");

/** @param {any} out */
function table(out) {
  /** @type {Row} */
  const ref = out.results.find((/** @type {Row} */ r) => r.reference);
  const lines = [
    `**${out.comparison}**: ${out.description}; bits/value on ${out.bitsOn}.`,
    "",
    "| codec | by | bits/value | encode M/s | decode M/s | encode vs hyparquet | decode vs hyparquet |",
    "|---|---|--:|--:|--:|--:|--:|",
    ...out.results.map(
      (/** @type {Row} */ r) =>
        `| ${r.name} | ${r.by} | ${fmt(r.bitsPerValue, 2)} | ${fmt(r.encodeMvps)} | ${fmt(r.decodeMvps)} | ${fmt(r.encodeMvps / ref.encodeMvps, 2)}x | ${fmt(r.decodeMvps / ref.decodeMvps, 2)}x |`,
    ),
    "",
    "| goal | measured | met |",
    "|---|--:|---|",
    ...(GOALS[out.comparison] ?? []).map((g) => {
      const v = g.value(out.results);
      return `| ${g.goal} | ${fmt(v, 2)} ${g.unit} | ${g.ok(v) ? "yes" : "**no**"} |`;
    }),
  ];
  return lines.join("\n");
}

/**
 * Runs the given Day 1 comparisons (all by default).
 * @param {string[]} [comparisons]
 * @returns {{ json: any, markdown: string, goals: Array<{ goal: string, measured: number, unit: string, met: boolean }> }}
 */
export function runDeltaBench(comparisons = DELTA_COMPARISONS) {
  const outputs = [];
  for (const name of comparisons) {
    process.stderr.write(`bench: delta ${name} ...\n`);
    const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "bench", "delta", "compare.ts"), name], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) {
      process.stderr.write(r.stderr);
      throw new Error(`bench: delta ${name} failed`);
    }
    const out = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
    outputs.push(out);
    console.log(`\n${table(out)}\n`);
  }
  const machine = outputs[0] ? `${outputs[0].cpu}, ${outputs[0].cores} cores, Node ${outputs[0].node}` : "";
  const date = new Date().toISOString().slice(0, 10);
  const markdown = [
    `Measured ${date} on ${machine}; medians of interleaved rounds, each comparison in its own process, every decode checked for an exact round trip.`,
    ...outputs.map(table),
  ].join("\n\n");
  const goals = outputs.flatMap((out) =>
    (GOALS[out.comparison] ?? []).map((g) => {
      const v = g.value(out.results);
      return { goal: `${out.comparison}: ${g.goal}`, measured: v, unit: g.unit, met: g.ok(v) };
    }),
  );
  return { json: { date, machine, comparisons: outputs }, markdown, goals };
}
