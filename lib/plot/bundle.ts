/**
 * The plotly.js bundle, as script tags to embed once in a page, so figures draw offline.
 * @module plot/bundle
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PlotError } from "./errors.js";

/**
 * Script tags that define `window.Plotly` from the installed `plotly.js-dist-min` bundle.
 * The bundle is wrapped so that it ignores the page's AMD `define` (Jupyter's require.js) and
 * CommonJS globals and always sets `window.Plotly`.
 *
 * @param from a directory inside the project (default: the working directory) from which to resolve the package
 * @returns HTML of about 4.8 MB
 * @throws {PlotError} `ERR_PLOT_BUNDLE` when the package is not installed
 * @example
 * plotlyBundleHtml().startsWith("<script>"); // => true
 */
export function plotlyBundleHtml(from: string = process.cwd()): string {
  let js: string;
  try {
    js = readFileSync(createRequire(join(from, "noop.js")).resolve("plotly.js-dist-min"), "utf8");
  } catch (e) {
    throw new PlotError("ERR_PLOT_BUNDLE", `plotly.js-dist-min is not installed (run npm ci): ${(e as Error).message}`);
  }
  // A literal "</script>" inside the bundle would end the element early.
  const safe = js.replace(/<\/script/gi, "<\\/script");
  return (
    "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>\n" +
    `<script>(function (define, module, exports) {\n${safe}\n}).call(window);</script>\n`
  );
}
