import { describe, expect, it } from "vitest";
import { type Figure, PlotError, figureHtml, plotlyBundleHtml, scriptJson, validateFigure, withHoverText } from "../../lib/plot/index.js";

const good: Figure = {
  data: [{ type: "scatter", x: [0, 1], y: [100.5, 100.75], name: "close" }],
  layout: { title: { text: "Prices" }, xaxis: { title: { text: "day (index)" } }, yaxis: { title: { text: "price (USD)" } } },
};

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PlotError);
    return (e as PlotError).code;
  }
  return "no error";
}

describe("validateFigure", () => {
  it("accepts a figure with a title and axis titles with units", () => {
    expect(validateFigure(good)).toBe(good);
  });
  it("requires a title", () => {
    expect(codeOf(() => validateFigure({ ...good, layout: { ...good.layout, title: { text: " " } } }))).toBe("ERR_PLOT_TITLE");
    expect(codeOf(() => validateFigure({ data: [] }))).toBe("ERR_PLOT_TITLE");
  });
  it("requires a unit on every axis a cartesian trace uses, including second axes", () => {
    expect(codeOf(() => validateFigure({ ...good, layout: { ...good.layout, yaxis: { title: { text: "price" } } } }))).toBe(
      "ERR_PLOT_AXIS_TITLE",
    );
    const twoAxes: Figure = {
      data: [...good.data, { type: "bar", x: [0, 1], y: [1, 2], yaxis: "y2" }],
      layout: { ...good.layout },
    };
    expect(codeOf(() => validateFigure(twoAxes))).toBe("ERR_PLOT_AXIS_TITLE");
    twoAxes.layout = { ...twoAxes.layout, yaxis2: { title: { text: "delta [cents]" }, overlaying: "y" } };
    expect(validateFigure(twoAxes)).toBe(twoAxes);
  });
  it("needs no axis titles for traces without axes", () => {
    expect(validateFigure({ data: [{ type: "pie", values: [1, 2] }], layout: { title: { text: "Share" } } })).toBeTruthy();
  });
});

describe("withHoverText", () => {
  it("names both axes with their units and the trace, without touching the input", () => {
    const out = withHoverText(good);
    expect((out.data[0] as { hovertemplate?: string }).hovertemplate).toBe(
      "day (index): %{x}<br>price (USD): %{y}<extra>close</extra>",
    );
    expect((good.data[0] as { hovertemplate?: string }).hovertemplate).toBeUndefined();
  });
  it("keeps a trace's own hovertemplate", () => {
    const own = { ...good, data: [{ ...good.data[0], hovertemplate: "mine" }] } as Figure;
    expect((withHoverText(own).data[0] as { hovertemplate?: string }).hovertemplate).toBe("mine");
  });
});

describe("figureHtml", () => {
  it("renders a div and a newPlot call with the figure's data", () => {
    const html = figureHtml(good, "fig-a");
    expect(html).toContain('<div id="fig-a" class="plotly-graph-div"');
    expect(html).toContain('window.Plotly.newPlot("fig-a", [{"type":"scatter"');
  });
  it("cannot be broken out of by text in the figure", () => {
    const evil = { ...good, layout: { ...good.layout, title: { text: "</script><script>alert(1)</script>" } } } as Figure;
    const html = figureHtml(evil, "fig-b");
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(JSON.parse(scriptJson("</script>"))).toBe("</script>");
  });
  it("says how to fix a page without plotly instead of throwing", () => {
    expect(figureHtml(good, "fig-c")).toContain("Plotly is not loaded in this page");
  });
});

describe("plotlyBundleHtml", () => {
  it("embeds the installed bundle so that it sets window.Plotly even under require.js", () => {
    const html = plotlyBundleHtml();
    expect(html.length).toBeGreaterThan(1_000_000);
    expect(html).toContain("(function (define, module, exports) {");
    expect(html.toLowerCase().indexOf("</script")).toBe(html.toLowerCase().indexOf("</script>"));
  });
  it("fails with a clear code where the package is missing", () => {
    expect(codeOf(() => plotlyBundleHtml("/"))).toBe("ERR_PLOT_BUNDLE");
  });
});
