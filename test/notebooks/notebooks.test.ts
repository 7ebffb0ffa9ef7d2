// The notebook suite: every committed notebook is clean, executes top to bottom in a fresh
// kernel with no error, draws every figure offline in a real browser, and runs again with the
// small parameters its metadata names.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { checkHtmlFiles } from "../../scripts/check-html.mjs";
import { cleanNotebook, notebookProblems, notebookText, readNotebook } from "../../scripts/nb-clean.mjs";
import { describeFailure, listNotebooks, notebookInfo, runNotebook } from "../../scripts/notebooks.mjs";
import { ROOT } from "../../scripts/setup.mjs";

const OUT = join(ROOT, "build", "test", "notebooks");
const notebooks = listNotebooks();

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
});

it("finds the notebooks", () => {
  expect(notebooks.length).toBeGreaterThan(0);
});

describe.each(notebooks.map((file) => [notebookInfo(file).name, file]))("%s", (name, file) => {
  const info = notebookInfo(file);
  let html = "";

  it("is committed clean: no outputs, nbformat 4.5 ids, tslab kernelspec", () => {
    const nb = readNotebook(file);
    expect(notebookProblems(nb)).toEqual([]);
    expect(readFileSync(file, "utf8")).toBe(notebookText(cleanNotebook(nb)));
  });

  it("has a title, a one-line summary and a parameters cell", () => {
    const nb = readNotebook(file);
    expect(info.title).toMatch(/^Day \d+/);
    expect(info.summary.length).toBeGreaterThan(20);
    const tagged = nb.cells.filter((c) => ((c.metadata?.tags as string[] | undefined) ?? []).includes("parameters"));
    expect(tagged).toHaveLength(1);
  });

  it("executes top to bottom in a fresh kernel with no error", async () => {
    const result = await runNotebook(file, { outDir: OUT });
    expect(result.ok, describeFailure(name, result)).toBe(true);
    html = result.html;
    console.log(`${name}: executed in ${result.seconds.toFixed(1)} s`);
  }, 180_000);

  it("draws every figure in the exported HTML, offline, in headless Chromium", async () => {
    expect(html, "the notebook did not execute").not.toBe("");
    const [result] = await checkHtmlFiles([html], { screenshotDir: OUT });
    expect(result.pageErrors).toEqual([]);
    expect(result.blocked).toEqual([]);
    expect(result.figures).toBeGreaterThan(0);
    expect(result.drawn).toBe(result.figures);
    // Self-contained: the page links no file or script outside itself.
    expect(readFileSync(html, "utf8")).not.toMatch(/<script src="(?!data:)/);
  }, 120_000);

  it("runs with the small parameters from its metadata injected", async () => {
    expect(Object.keys(info.testParameters).length).toBeGreaterThan(0);
    const result = await runNotebook(file, { outDir: OUT, params: info.testParameters, suffix: ".small" });
    expect(result.ok, describeFailure(name, result)).toBe(true);
    const executed = readNotebook(result.notebook);
    const injected = executed.cells.find((c) => ((c.metadata?.tags as string[] | undefined) ?? []).includes("injected-parameters"));
    expect(injected, "no injected-parameters cell").toBeDefined();
  }, 180_000);
});

