/**
 * Plotting for the notebooks: figures as plain data, checked and rendered to offline HTML.
 * Notebooks call `plot()` from `lib/notebook`; this module is the pure part.
 * @module plot
 */
export { PlotError, type PlotErrorCode } from "./errors.js";
export { type Figure, validateFigure, withHoverText, figureHtml } from "./figure.js";
export { escapeHtml, scriptJson } from "./html.js";
export { plotlyBundleHtml } from "./bundle.js";
