// Finding, describing and executing the project's notebooks (shared by build and tests).
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { readNotebook } from "./nb-clean.mjs";
import { PYTHON, ROOT, jupyterEnv } from "./setup.mjs";

export const NOTEBOOKS = join(ROOT, "notebooks");

/**
 * The notebooks in reading order, optionally only those whose file name contains one of the
 * filters ("day-01" or "delta").
 * @param {string[]} [filters]
 * @param {string} [dir]
 * @returns {string[]} absolute paths
 */
export function listNotebooks(filters = [], dir = NOTEBOOKS) {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".ipynb"))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort()
    .map((f) => join(dir, f));
}

/** @param {string | string[]} s */
const text = (s) => (Array.isArray(s) ? s.join("") : s);

/**
 * Title, one-line summary and test parameters of a notebook. The title is the first `# ` heading
 * of the first Markdown cell, the summary its first paragraph after the heading;
 * `metadata.sdn.test_parameters` holds small parameters for a quick test run.
 * @param {string} file
 * @returns {{ name: string, title: string, summary: string, testParameters: Record<string, unknown> }}
 */
export function notebookInfo(file) {
  const nb = readNotebook(file);
  const first = nb.cells.find((c) => c.cell_type === "markdown");
  const lines = first ? text(first.source).split("\n") : [];
  const heading = lines.findIndex((l) => l.startsWith("# "));
  const title = heading >= 0 ? lines[heading].slice(2).trim() : basename(file, ".ipynb");
  const rest = lines.slice(heading + 1);
  const start = rest.findIndex((l) => l.trim() !== "");
  const end = rest.findIndex((l, i) => i > start && l.trim() === "");
  const summary = start < 0 ? "" : rest.slice(start, end < 0 ? undefined : end).join(" ").trim();
  return { name: basename(file, ".ipynb"), title, summary, testParameters: nb.metadata?.sdn?.test_parameters ?? {} };
}

/**
 * @typedef {{ ok: boolean, seconds: number, cells?: number, failed: null | { index?: number | null,
 *   code_cell?: number, source?: string, error: string } }} RunResult
 */

/**
 * Executes a notebook in a fresh kernel (the project's tslab kernelspec, through JUPYTER_PATH)
 * and exports it to HTML.
 * @param {string} file the notebook
 * @param {{ outDir: string, params?: Record<string, unknown>, timeout?: number, suffix?: string }} options
 * @returns {Promise<RunResult & { notebook: string, html: string }>}
 */
export function runNotebook(file, options) {
  const name = basename(file, ".ipynb") + (options.suffix ?? "");
  const notebook = join(options.outDir, `${name}.ipynb`);
  const html = join(options.outDir, `${name}.html`);
  const args = [join(ROOT, "scripts", "run_notebook.py"), file, notebook, html, "--timeout", String(options.timeout ?? 300)];
  for (const [k, v] of Object.entries(options.params ?? {})) args.push("--param", `${k}=${JSON.stringify(v)}`);
  return new Promise((resolve) => {
    const child = spawn(PYTHON, args, { cwd: ROOT, env: jupyterEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      try {
        resolve({ ...JSON.parse(last), notebook, html });
      } catch {
        const why = err.trim().split("\n").slice(-5).join("\n") || `run_notebook.py exited with ${code}`;
        resolve({ ok: false, seconds: 0, failed: { error: why }, notebook, html });
      }
    });
  });
}

/**
 * Parses `NAME=VALUE` (VALUE as JSON, else as a string).
 * @param {string} pair
 * @returns {[string, unknown]}
 */
export function parseParam(pair) {
  const at = pair.indexOf("=");
  if (at <= 0) throw new Error(`--param takes NAME=VALUE, got "${pair}"`);
  const value = pair.slice(at + 1);
  try {
    return [pair.slice(0, at), JSON.parse(value)];
  } catch {
    return [pair.slice(0, at), value];
  }
}

/**
 * Describes a failed run for a person: notebook, cell and error.
 * @param {string} name
 * @param {RunResult} result
 */
export function describeFailure(name, result) {
  const f = result.failed;
  if (!f) return "";
  const where = f.code_cell ? `code cell ${f.code_cell} (cell ${Number(f.index) + 1})` : "before any cell ran";
  const source = f.source ? `\n--- cell source ---\n${f.source}` : "";
  return `${name}: failed at ${where}${source}\n--- error ---\n${f.error.trim()}`;
}
