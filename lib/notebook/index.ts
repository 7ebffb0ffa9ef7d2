/**
 * What notebooks use to show results: `plot`, `table`, `markdown`.
 * @module notebook
 */
export { plot, table, markdown } from "./display.js";
export { tableHtml, formatCell, type Row, type TableOptions } from "./table.js";
export { type Figure, PlotError } from "../plot/index.js";
