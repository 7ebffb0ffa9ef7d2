// Notebook hygiene: committed notebooks carry no outputs, nbformat 4.5 cell ids and the tslab
// kernelspec. `node scripts/nb-clean.mjs FILES` cleans in place; `--check` only reports.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The kernelspec every notebook uses. */
export const KERNELSPEC = { display_name: "TypeScript (tslab)", language: "typescript", name: "tslab" };

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;
/** Cell metadata worth keeping; everything else (collapsed, scrolled, execution, ...) goes. */
const KEEP_CELL_METADATA = ["tags"];
/** Notebook metadata worth keeping; `sdn` holds the project's own settings (test parameters). */
const KEEP_NB_METADATA = ["kernelspec", "language_info", "sdn"];

/**
 * @typedef {{ id?: string, cell_type: string, source: string | string[], metadata?: Record<string, unknown>,
 *   outputs?: unknown[], execution_count?: number | null, attachments?: unknown }} Cell
 * @typedef {{ nbformat: number, nbformat_minor: number, metadata: Record<string, any>, cells: Cell[] }} Notebook
 */

/**
 * Lists what keeps a notebook from being clean.
 * @param {Notebook} nb
 * @returns {string[]} problems, empty when clean
 */
export function notebookProblems(nb) {
  const problems = [];
  if (nb.nbformat !== 4 || nb.nbformat_minor !== 5) problems.push(`nbformat ${nb.nbformat}.${nb.nbformat_minor}, not 4.5`);
  if (nb.metadata?.kernelspec?.name !== "tslab") problems.push(`kernelspec ${JSON.stringify(nb.metadata?.kernelspec?.name)}, not "tslab"`);
  if (nb.metadata?.widgets) problems.push("widget state in metadata");
  const ids = new Set();
  nb.cells.forEach((cell, i) => {
    const where = `cell ${i + 1}`;
    if (typeof cell.id !== "string" || !CELL_ID.test(cell.id)) problems.push(`${where}: missing or invalid id`);
    else if (ids.has(cell.id)) problems.push(`${where}: duplicate id ${cell.id}`);
    ids.add(cell.id);
    if (cell.cell_type === "code") {
      if (cell.outputs && cell.outputs.length > 0) problems.push(`${where}: has outputs`);
      if (cell.execution_count !== null && cell.execution_count !== undefined) problems.push(`${where}: has an execution count`);
    }
    const extra = Object.keys(cell.metadata ?? {}).filter((k) => !KEEP_CELL_METADATA.includes(k));
    if (extra.length > 0) problems.push(`${where}: metadata ${extra.join(", ")}`);
  });
  const extra = Object.keys(nb.metadata ?? {}).filter((k) => !KEEP_NB_METADATA.includes(k));
  if (extra.length > 0) problems.push(`notebook metadata ${extra.join(", ")}`);
  return problems;
}

/**
 * Returns a clean copy: no outputs or counts, only kept metadata, a valid unique id per cell,
 * nbformat 4.5 and the tslab kernelspec. Sources and tags are untouched.
 * @param {Notebook} nb
 * @returns {Notebook}
 */
export function cleanNotebook(nb) {
  const ids = new Set();
  const cells = nb.cells.map((cell) => {
    /** @type {Record<string, unknown>} */
    const metadata = {};
    for (const k of KEEP_CELL_METADATA) if (cell.metadata?.[k] !== undefined) metadata[k] = cell.metadata[k];
    let id = typeof cell.id === "string" && CELL_ID.test(cell.id) && !ids.has(cell.id) ? cell.id : "";
    while (id === "" || ids.has(id)) id = randomBytes(4).toString("hex");
    ids.add(id);
    /** @type {Cell} */
    const out = { cell_type: cell.cell_type, id, metadata, source: cell.source };
    if (cell.attachments) out.attachments = cell.attachments;
    if (cell.cell_type === "code") {
      out.execution_count = null;
      out.outputs = [];
    }
    return out;
  });
  /** @type {Record<string, any>} */
  const metadata = {};
  for (const k of KEEP_NB_METADATA) if (nb.metadata?.[k] !== undefined) metadata[k] = nb.metadata[k];
  metadata.kernelspec = KERNELSPEC;
  metadata.language_info = { name: "typescript" };
  return { cells, metadata, nbformat: 4, nbformat_minor: 5 };
}

/**
 * A copy with every object's keys sorted, as nbformat writes them.
 * @param {unknown} value
 * @returns {unknown}
 */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const k of Object.keys(value).sort()) out[k] = sortKeys(/** @type {Record<string, unknown>} */ (value)[k]);
  return out;
}

/**
 * The committed text of a notebook, in nbformat's own layout (one-space indent, sorted keys,
 * trailing newline), so saving from Jupyter and cleaning give the same bytes.
 * @param {Notebook} nb
 */
export function notebookText(nb) {
  return JSON.stringify(sortKeys(nb), null, 1) + "\n";
}

/** @param {string} file @returns {Notebook} */
export function readNotebook(file) {
  return JSON.parse(readFileSync(file, "utf8"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const check = process.argv.includes("--check");
  const files = process.argv.slice(2).filter((a) => a !== "--check");
  let bad = 0;
  for (const file of files) {
    const nb = readNotebook(file);
    if (check) {
      const problems = notebookProblems(nb);
      const textOk = readFileSync(file, "utf8") === notebookText(cleanNotebook(nb));
      if (problems.length > 0 || !textOk) {
        bad++;
        console.log(`${file}: not clean: ${[...problems, ...(textOk ? [] : ["layout differs from `npm run nb:clean` output"])].join("; ")}`);
      }
    } else {
      writeFileSync(file, notebookText(cleanNotebook(nb)));
    }
  }
  if (check) console.log(`${files.length - bad} clean, ${bad} not clean${bad ? ": run npm run nb:clean" : ""}`);
  process.exit(bad ? 1 : 0);
}
