// `npm start` serves the notebooks, and in the classic Notebook UI a notebook runs from top to
// bottom with the project's kernel and draws every figure, as a reader would see it.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { freePort } from "../../lib/host/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "../../scripts/check-html.mjs";
import { listNotebooks } from "../../scripts/notebooks.mjs";
import { ROOT } from "../../scripts/setup.mjs";

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let url = "";
let log = "";

beforeAll(async () => {
  const port = await freePort();
  server = spawn(process.execPath, [join(ROOT, "scripts", "start.mjs")], { cwd: ROOT, env: { ...process.env, PORT: String(port) } });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL in 60 s:\n${log}`)), 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = /Notebooks are being served at:\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=\w+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    server?.stdout?.on("data", onData);
    server?.stderr?.on("data", onData);
    server?.on("exit", (code) => reject(new Error(`npm start exited with ${code}:\n${log}`)));
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server?.on("exit", resolve));
    server.kill("SIGINT");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
    if (server.exitCode === null) server.kill("SIGKILL");
  }
});

describe("npm start", () => {
  it("serves Jupyter Notebook on 127.0.0.1 with a token URL", () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=\w+$/);
    expect(log).toContain('kernel "tslab" registered');
  });

  describe.each(listNotebooks().map((f) => [basename(f), f]))("%s in the Notebook UI", (name, file) => {
    it("runs every cell with the tslab kernel and draws every figure", async () => {
      const before = readFileSync(file, "utf8");
      const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const { origin, searchParams } = new URL(url);
      await page.goto(`${origin}/notebooks/${name}?token=${searchParams.get("token")}`);
      await page.waitForFunction(
        () => {
          const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
          return J?.notebook?.kernel?.is_connected() === true;
        },
        undefined,
        { timeout: 60_000 },
      );
      const kernelName = await page.evaluate(
        () => (window as unknown as { Jupyter: { notebook: { kernel: { name: string } } } }).Jupyter.notebook.kernel.name,
      );
      expect(kernelName).toBe("tslab");
      // Never let the UI save outputs into the committed notebook.
      await page.evaluate(() => {
        const nb = (window as unknown as { Jupyter: { notebook: { set_autosave_interval(ms: number): void; execute_all_cells(): void } } })
          .Jupyter.notebook;
        nb.set_autosave_interval(0);
        nb.execute_all_cells();
      });
      // Done when no cell is queued or running ("In [*]") and every code cell has a count.
      await page.waitForFunction(
        () => {
          const prompts = [...document.querySelectorAll(".code_cell .input_prompt")].map((p) => p.textContent ?? "");
          return prompts.length > 0 && prompts.every((p) => /In\s*\[\d+\]/.test(p));
        },
        undefined,
        { timeout: 120_000 },
      );
      const stderr = await page.locator(".output_stderr").allTextContents();
      expect(stderr.join("\n")).toBe("");
      const figures = await page.locator(".plotly-graph-div").count();
      await page.waitForFunction(
        () => [...document.querySelectorAll(".plotly-graph-div")].every((d) => d.querySelector(".main-svg")),
        undefined,
        { timeout: 20_000 },
      );
      expect(figures).toBeGreaterThan(0);
      expect(await page.locator(".plotly-graph-div:has(.main-svg)").count()).toBe(figures);
      expect(errors).toEqual([]);
      await page.close();
      expect(readFileSync(file, "utf8")).toBe(before);
    }, 180_000);
  });
});
