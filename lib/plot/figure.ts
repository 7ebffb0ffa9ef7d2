/**
 * A plotly figure as plain data, checked against the project's rules (a title, axis titles
 * with units, readable hover text) and rendered to an HTML fragment.
 * @module plot/figure
 */
import type { Config, Data, Layout } from "plotly.js-dist-min";
import { PlotError } from "./errors.js";
import { escapeHtml, scriptJson } from "./html.js";

/** A plotly figure: traces, layout and config, exactly as `Plotly.newPlot` takes them. */
export interface Figure {
  data: Data[];
  layout?: Partial<Layout>;
  config?: Partial<Config>;
}

/** Trace types drawn on x/y axes: they need axis titles. */
const CARTESIAN = new Set(["scatter", "scattergl", "bar", "histogram", "box", "violin", "heatmap", "contour", "waterfall"]);

/** A unit in parentheses or brackets: "price (USD)", "delta [cents]". */
const UNIT = /\(.+\)|\[.+\]/;

function titleText(title: unknown): string {
  if (typeof title === "string") return title;
  if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return "";
}

function axisKey(letter: "x" | "y", ref: unknown): string {
  // Traces name their axes "x", "x2", ...; the layout keys are "xaxis", "xaxis2", ...
  const id = typeof ref === "string" && ref.length > 1 ? ref.slice(1) : "";
  return `${letter}axis${id}`;
}

/**
 * Checks the project's figure rules: a non-empty title and, for every x/y axis a cartesian
 * trace uses, a title that names its unit in parentheses or brackets.
 *
 * @param fig the figure to check
 * @returns the same figure
 * @throws {PlotError} `ERR_PLOT_TITLE` without a title, `ERR_PLOT_AXIS_TITLE` for an axis without a titled unit
 * @example
 * validateFigure({ data: [{ type: "bar", x: ["a"], y: [1] }],
 *   layout: { title: { text: "Sizes" }, xaxis: { title: { text: "codec (name)" } }, yaxis: { title: { text: "size (bytes)" } } } });
 */
export function validateFigure(fig: Figure): Figure {
  const layout = (fig.layout ?? {}) as Record<string, unknown>;
  if (titleText(layout.title).trim() === "") {
    throw new PlotError("ERR_PLOT_TITLE", "figure requires a layout title");
  }
  for (const trace of fig.data as Array<Record<string, unknown>>) {
    const type = typeof trace.type === "string" ? trace.type : "scatter";
    if (!CARTESIAN.has(type)) continue;
    for (const letter of ["x", "y"] as const) {
      const key = axisKey(letter, trace[`${letter}axis`]);
      const text = titleText((layout[key] as { title?: unknown } | undefined)?.title);
      if (!UNIT.test(text)) {
        throw new PlotError(
          "ERR_PLOT_AXIS_TITLE",
          `figure "${titleText(layout.title)}" requires ${key}.title with a unit, like "price (USD)"; got "${text}"`,
        );
      }
    }
  }
  return fig;
}

/**
 * Fills in readable hover text: a cartesian trace without its own `hovertemplate` gets one
 * that names both axes with their units, and the trace name.
 *
 * @param fig a valid figure
 * @returns a new figure; the input is not modified
 * @example
 * withHoverText(fig).data[0].hovertemplate; // => "day (index): %{x}<br>price (USD): %{y}<extra>close</extra>"
 */
export function withHoverText(fig: Figure): Figure {
  const layout = (fig.layout ?? {}) as Record<string, unknown>;
  const data = (fig.data as Array<Record<string, unknown>>).map((trace) => {
    const type = typeof trace.type === "string" ? trace.type : "scatter";
    if (!CARTESIAN.has(type) || type === "heatmap" || type === "contour" || trace.hovertemplate !== undefined) {
      return trace;
    }
    const x = titleText((layout[axisKey("x", trace.xaxis)] as { title?: unknown } | undefined)?.title);
    const y = titleText((layout[axisKey("y", trace.yaxis)] as { title?: unknown } | undefined)?.title);
    const name = typeof trace.name === "string" ? trace.name : "";
    return { ...trace, hovertemplate: `${x}: %{x}<br>${y}: %{y}<extra>${name}</extra>` };
  });
  return { ...fig, data: data as Data[] };
}

/**
 * The HTML fragment that draws one figure: a `div` and a script calling `Plotly.newPlot`.
 * If plotly is not loaded in the page, the div says how to fix it instead of failing silently.
 *
 * @param fig the figure (validate it first)
 * @param id the element id; must be unique in the page
 * @returns an HTML fragment
 * @example
 * figureHtml(fig, "fig-1"); // => '<div id="fig-1" class="plotly-graph-div" ...></div><script>...</script>'
 */
export function figureHtml(fig: Figure, id: string): string {
  const height = typeof fig.layout?.height === "number" ? fig.layout.height : 420;
  const args = [id, fig.data, fig.layout ?? {}, { responsive: true, displaylogo: false, ...fig.config }]
    .map(scriptJson)
    .join(", ");
  const missing = "Plotly is not loaded in this page: run the notebook from the top (Kernel, Restart &amp; Run All).";
  return (
    `<div id="${escapeHtml(id)}" class="plotly-graph-div" style="height:${height}px; width:100%;"></div>\n` +
    `<script>(function () {\n` +
    `  var el = document.getElementById(${scriptJson(id)});\n` +
    `  if (window.Plotly) { window.Plotly.newPlot(${args}); }\n` +
    `  else if (el) { el.textContent = ""; el.insertAdjacentHTML("beforeend", "<p>${missing}</p>"); }\n` +
    `})();</script>`
  );
}
