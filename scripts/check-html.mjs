// Opens exported notebook pages in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) with every network request blocked, and checks that each plotly figure drew
// its SVG and that no page error occurred.
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** Where Debian's chromium lives; override with CHROMIUM=/path/to/chromium. */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

/**
 * Checks exported HTML pages in a real browser, offline.
 * @param {string[]} files HTML files
 * @param {{ screenshotDir?: string, settleMs?: number }} [options]
 * @returns {Promise<Array<{ file: string, figures: number, drawn: number, pageErrors: string[],
 *   blocked: string[], ok: boolean }>>}
 */
export async function checkHtmlFiles(files, options = {}) {
  // playwright starts Chromium with a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
  const results = [];
  try {
    for (const file of files) {
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      /** @type {string[]} */
      const pageErrors = [];
      /** @type {string[]} */
      const blocked = [];
      page.on("pageerror", (err) => pageErrors.push(String(err?.message ?? err)));
      // Block everything that is not the page itself or inline data.
      await context.route("**/*", (route) => {
        const url = route.request().url();
        if (url.startsWith("data:") || url.startsWith("blob:") || url === pathToFileURL(resolve(file)).href) {
          return route.continue();
        }
        blocked.push(url);
        return route.abort();
      });
      await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load" });
      const figures = await page.locator(".plotly-graph-div").count();
      // Wait until every figure has drawn, or give up after a while and report what drew.
      await page
        .waitForFunction(
          () => [...document.querySelectorAll(".plotly-graph-div")].every((d) => d.querySelector(".main-svg")),
          undefined,
          { timeout: options.settleMs ?? 10_000 },
        )
        .catch(() => undefined);
      const drawn = await page.locator(".plotly-graph-div:has(.main-svg)").count();
      if (options.screenshotDir) {
        await page.screenshot({ path: join(options.screenshotDir, basename(file).replace(/\.html$/, ".png")), fullPage: true });
      }
      await context.close();
      results.push({ file, figures, drawn, pageErrors, blocked, ok: drawn === figures && pageErrors.length === 0 && blocked.length === 0 });
    }
  } finally {
    await browser.close();
  }
  return results;
}

// CLI: node scripts/check-html.mjs build/*.html
if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const results = await checkHtmlFiles(process.argv.slice(2));
  let failed = 0;
  for (const r of results) {
    if (!r.ok) failed++;
    console.log(`${r.ok ? "ok    " : "FAILED"} ${r.file}: ${r.drawn}/${r.figures} figures drawn` +
      (r.pageErrors.length ? `; page errors: ${r.pageErrors.join(" | ")}` : "") +
      (r.blocked.length ? `; blocked requests: ${r.blocked.join(", ")}` : ""));
  }
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
