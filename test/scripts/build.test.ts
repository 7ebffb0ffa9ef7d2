// `npm run build`: progress per notebook, an index of the days, parameters, and a loud failure
// that names the notebook, the cell and the error.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/setup.mjs";

function build(...args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs"), ...args], { cwd: ROOT, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("build", () => {
  it("executes a notebook with injected parameters and writes its HTML and an index of titles and summaries", () => {
    const out = join(ROOT, "build", "test", "build-ok");
    rmSync(out, { recursive: true, force: true });
    const r = build("day-01", "--param", "series=random-walk", "--param", "n=300", "--out", out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/day-01-delta-encoding\s+\d+\.\d s {2}ok/);
    const index = readFileSync(join(out, "index.html"), "utf8");
    expect(index).toContain('<a href="day-01-delta-encoding.html">Day 1 · Delta encoding</a>');
    expect(index).toContain("Keep the first value");
    const executed = readFileSync(join(out, "day-01-delta-encoding.ipynb"), "utf8");
    expect(executed).toContain("Using **300** values of **random walk");
  }, 120_000);

  it("exits non-zero naming the notebook, the cell and the error", () => {
    const out = join(ROOT, "build", "test", "build-failing");
    const r = build("failing", "--notebooks", join(ROOT, "test", "fixtures"), "--out", out);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/failing\s+\d+\.\d s {2}FAILED/);
    expect(r.err).toContain("failing: failed at code cell 2");
    expect(r.err).toContain("boom from the fixture");
    expect(existsSync(join(out, "index.html"))).toBe(true);
  }, 60_000);

  it("refuses a filter that matches no notebook", () => {
    const r = build("no-such-day", "--out", join(ROOT, "build", "test", "build-none"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("no notebook");
  });
});
