// npm run build [-- FILTER ...] [--param NAME=VALUE ...] [--notebooks DIR] [--out DIR]
// Executes each notebook in a fresh kernel, exports it to self-contained HTML under build/, and
// writes build/index.html listing the days. Exits non-zero naming the notebook, cell and error
// of any failure.
import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { NOTEBOOKS, describeFailure, listNotebooks, notebookInfo, parseParam, runNotebook } from "./notebooks.mjs";
import { ROOT, ensure } from "./setup.mjs";

/** @param {string} s */
const esc = (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * @param {Array<{ title: string, summary: string, href: string, ok: boolean }>} days
 */
function indexHtml(days) {
  const items = days
    .map(
      (d) =>
        `<li><a href="${esc(d.href)}">${esc(d.title)}</a>${d.ok ? "" : " <strong>(failed to build)</strong>"}` +
        `<p>${esc(d.summary)}</p></li>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>System design notebooks</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}li{margin:1rem 0}p{margin:.2rem 0;color:#444}</style>
</head><body>
<h1>System design notebooks</h1>
<p>One runnable notebook per day of system-design concepts, each executed from a fresh kernel for this page.</p>
<ol>
${items}
</ol>
</body></html>
`;
}

async function main() {
  const args = process.argv.slice(2);
  /** @type {string[]} */
  const filters = [];
  /** @type {Record<string, unknown>} */
  const params = {};
  let dir = NOTEBOOKS;
  let outDir = join(ROOT, "build");
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--notebooks") dir = resolve(args[++i] ?? "");
    else if (args[i] === "--out") outDir = resolve(args[++i] ?? "");
    else if (args[i] === "--param") {
      const [k, v] = parseParam(args[++i] ?? "");
      params[k] = v;
    } else if (args[i].startsWith("--param=")) {
      const [k, v] = parseParam(args[i].slice("--param=".length));
      params[k] = v;
    } else filters.push(args[i]);
  }
  ensure();
  const files = listNotebooks(filters, dir);
  if (files.length === 0) throw new Error(`no notebook in ${dir} matches ${filters.join(", ")}`);
  mkdirSync(outDir, { recursive: true });

  /** @type {Array<{ title: string, summary: string, href: string, ok: boolean }>} */
  const days = [];
  /** @type {string[]} */
  const failures = [];
  for (const file of files) {
    const info = notebookInfo(file);
    const result = await runNotebook(file, { outDir, params });
    console.log(`${info.name.padEnd(32)} ${result.seconds.toFixed(1).padStart(6)} s  ${result.ok ? "ok" : "FAILED"}`);
    if (!result.ok) failures.push(describeFailure(info.name, result));
    days.push({ title: info.title, summary: info.summary, href: basename(result.html), ok: result.ok });
  }
  // The index always lists every day; a filtered build refreshes only the pages it ran.
  const index = listNotebooks([], dir).map((f) => {
    const info = notebookInfo(f);
    const built = days.find((d) => d.href === `${info.name}.html`);
    return built ?? { title: info.title, summary: info.summary, href: `${info.name}.html`, ok: true };
  });
  writeFileSync(join(outDir, "index.html"), indexHtml(index));
  console.log(`HTML in ${join(outDir, "index.html")}`);
  if (failures.length > 0) {
    console.error(`\n${failures.join("\n\n")}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`build: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
