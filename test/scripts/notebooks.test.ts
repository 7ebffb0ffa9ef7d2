// The notebook runner and its checks must catch what they claim to catch: these fixtures fail
// in known ways, and a missing plotly bundle is caught by the browser check.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkHtmlFiles } from "../../scripts/check-html.mjs";
import { cleanNotebook, notebookProblems, notebookText, readNotebook } from "../../scripts/nb-clean.mjs";
import { describeFailure, notebookInfo, parseParam, runNotebook } from "../../scripts/notebooks.mjs";
import { ROOT } from "../../scripts/setup.mjs";

const FIXTURES = join(ROOT, "test", "fixtures");
const OUT = join(ROOT, "build", "test", "fixtures");
mkdirSync(OUT, { recursive: true });

const outputsOf = (file: string) =>
  readNotebook(file)
    .cells.flatMap((c) => (c.outputs ?? []) as Array<{ text?: string | string[] }>)
    .map((o) => (Array.isArray(o.text) ? o.text.join("") : (o.text ?? "")))
    .join("");

describe("runNotebook", () => {
  it("names the cell and the error of a cell that throws, and runs nothing after it", async () => {
    const r = await runNotebook(join(FIXTURES, "failing.ipynb"), { outDir: OUT });
    expect(r.ok).toBe(false);
    expect(r.failed?.code_cell).toBe(2);
    expect(r.failed?.error).toContain("boom from the fixture");
    const text = describeFailure("failing", r);
    expect(text).toContain("code cell 2");
    expect(text).toContain('throw new Error("boom from the fixture")');
    expect(outputsOf(r.notebook)).not.toContain("never runs");
  }, 60_000);

  it("fails a notebook that writes to stderr, tslab's only error channel", async () => {
    const r = await runNotebook(join(FIXTURES, "stderr.ipynb"), { outDir: OUT });
    expect(r.ok).toBe(false);
    expect(r.failed?.code_cell).toBe(2);
    expect(r.failed?.error).toContain("something went wrong quietly");
  }, 60_000);

  it("fails a notebook with a type error (tslab type-checks each cell)", async () => {
    const r = await runNotebook(join(FIXTURES, "type-error.ipynb"), { outDir: OUT });
    expect(r.ok).toBe(false);
    expect(r.failed?.code_cell).toBe(1);
    expect(r.failed?.error).toMatch(/not assignable/);
  }, 60_000);

  it("injects parameters after the parameters cell, papermill style", async () => {
    const r = await runNotebook(join(FIXTURES, "params.ipynb"), { outDir: OUT, params: { n: 21, label: "injected" } });
    expect(r.ok, describeFailure("params", r)).toBe(true);
    expect(outputsOf(r.notebook)).toContain("injected:42");
    const cells = readNotebook(r.notebook).cells;
    expect(cells[2].metadata?.tags).toEqual(["injected-parameters"]);
    const plain = await runNotebook(join(FIXTURES, "params.ipynb"), { outDir: OUT, suffix: ".plain" });
    expect(outputsOf(plain.notebook)).toContain("default:10");
  }, 60_000);

  it("refuses a parameter the notebook does not declare", async () => {
    const r = await runNotebook(join(FIXTURES, "params.ipynb"), { outDir: OUT, params: { typo: 1 } });
    expect(r.ok).toBe(false);
    expect(r.failed?.error).toContain("'typo' is not declared");
  }, 60_000);
});

describe("parseParam", () => {
  it("reads JSON values and falls back to strings", () => {
    expect(parseParam("n=5000")).toEqual(["n", 5000]);
    expect(parseParam("series=sp500")).toEqual(["series", "sp500"]);
    expect(parseParam('series="AAPL"')).toEqual(["series", "AAPL"]);
    expect(parseParam("v=0.02")).toEqual(["v", 0.02]);
    expect(() => parseParam("novalue")).toThrow(/NAME=VALUE/);
  });
});

describe("notebookInfo", () => {
  it("takes the title and summary from the first Markdown cell", () => {
    const info = notebookInfo(join(FIXTURES, "params.ipynb"));
    expect(info.title).toBe("Fixture: parameters");
    expect(info.name).toBe("params");
  });
});

describe("nb-clean", () => {
  it("finds outputs, counts, bad ids and foreign metadata, and cleans them away", () => {
    const nb = readNotebook(join(FIXTURES, "params.ipynb"));
    const dirty = structuredClone(nb);
    dirty.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "x" }];
    dirty.cells[1].execution_count = 3;
    dirty.cells[1].metadata = { ...dirty.cells[1].metadata, scrolled: true };
    dirty.cells[2].id = dirty.cells[1].id;
    dirty.metadata.widgets = {};
    dirty.nbformat_minor = 4;
    const problems = notebookProblems(dirty);
    expect(problems.join("\n")).toMatch(/has outputs/);
    expect(problems.join("\n")).toMatch(/execution count/);
    expect(problems.join("\n")).toMatch(/duplicate id/);
    expect(problems.join("\n")).toMatch(/metadata scrolled/);
    expect(problems.join("\n")).toMatch(/nbformat 4.4/);
    const clean = cleanNotebook(dirty);
    expect(notebookProblems(clean)).toEqual([]);
    expect(clean.cells[1].metadata).toEqual({ tags: ["parameters"] });
    expect(clean.cells.map((c) => c.source)).toEqual(nb.cells.map((c) => c.source));
  });

  it("writes the layout nbformat writes, so fixtures saved by nbformat are already clean", () => {
    const file = join(FIXTURES, "params.ipynb");
    expect(notebookText(cleanNotebook(readNotebook(file)))).toBe(readFileSync(file, "utf8"));
  });
});

describe("checkHtmlFiles", () => {
  it("fails a page whose figure cannot draw, and blocks every network request", async () => {
    const page = join(OUT, "no-bundle.html");
    writeFileSync(
      page,
      '<html><body><script src="http://127.0.0.1:9/plotly.js"></script>' +
        '<div id="f" class="plotly-graph-div"></div><script>window.Plotly.newPlot("f", [], {});</script></body></html>',
    );
    const [r] = await checkHtmlFiles([page], { settleMs: 2_000 });
    expect(r.ok).toBe(false);
    expect(r.figures).toBe(1);
    expect(r.drawn).toBe(0);
    expect(r.blocked).toEqual(["http://127.0.0.1:9/plotly.js"]);
    expect(r.pageErrors.join(" ")).toMatch(/newPlot/);
  }, 60_000);
});
