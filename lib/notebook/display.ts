/**
 * Showing things in a notebook: figures and tables. The only module that imports tslab.
 * @module notebook/display
 */
import * as tslab from "tslab";
import { type Figure, figureHtml, plotlyBundleHtml, validateFigure, withHoverText } from "../plot/index.js";
import { type Row, type TableOptions, tableHtml } from "./table.js";

// The plotly bundle (~4.8 MB) goes into the output of the first figure of a kernel session
// only; later figures reuse window.Plotly. Exported HTML then carries it exactly once.
let bundleShown = false;
// Element ids must be unique across re-runs within one open page, so they carry a token of
// this module load as well as a counter.
const token = Date.now().toString(36);
let count = 0;

/**
 * Draws a plotly figure in the notebook, offline: checks it (title, axis titles with units),
 * adds readable hover text, and embeds the plotly bundle with the first figure of the session.
 *
 * @param fig the figure
 * @throws {PlotError} when the figure breaks the rules
 * @example
 * plot({ data: [{ type: "scatter", x: [0, 1], y: [100.5, 100.75], name: "close" }],
 *   layout: { title: { text: "Prices" }, xaxis: { title: { text: "day (index)" } }, yaxis: { title: { text: "price (USD)" } } } });
 */
export function plot(fig: Figure): void {
  const html = figureHtml(withHoverText(validateFigure(fig)), `sdn-fig-${token}-${count++}`);
  tslab.display.html((bundleShown ? "" : plotlyBundleHtml()) + html);
  bundleShown = true;
}

/**
 * Shows rows as an HTML table in the notebook.
 *
 * @param rows the rows
 * @param options caption, column order and formatting
 * @example
 * table([{ price: 100.5, delta: 100.5 }, { price: 100.75, delta: 0.25 }], { caption: "Seed" });
 */
export function table(rows: readonly Row[], options: TableOptions = {}): void {
  tslab.display.html(tableHtml(rows, options));
}

/**
 * Shows Markdown in the notebook (for text computed by a cell).
 *
 * @param text Markdown
 * @example
 * markdown(`The series has **${n}** values.`);
 */
export function markdown(text: string): void {
  tslab.display.markdown(text);
}
