import { describe, expect, it } from "vitest";
import { formatCell, tableHtml } from "../../lib/notebook/table.js";

describe("formatCell", () => {
  it("shows numbers in their shortest round-trip form, so floating-point error stays visible", () => {
    expect(formatCell(100.60 - 100.75)).toBe("-0.15000000000000568");
    expect(formatCell(-0)).toBe("-0");
    expect(formatCell([1, 2.5])).toBe("1, 2.5");
    expect(formatCell(null)).toBe("");
  });
});

describe("tableHtml", () => {
  it("renders columns in order, escapes text and right-aligns numbers", () => {
    const html = tableHtml([{ name: "<b>", value: 1 }, { name: "x", value: 2, extra: true }], { caption: "T & U" });
    expect(html).toContain("<th>name</th><th>value</th><th>extra</th>");
    expect(html).toContain("<td>&#60;b&#62;</td>");
    expect(html).toContain('<td style="text-align:right">2</td>');
    expect(html).toContain("T &#38; U");
  });
  it("applies per-column formats", () => {
    const html = tableHtml([{ v: 0.5 }], { format: { v: (x) => `${(x as number) * 100} %` } });
    expect(html).toContain(">50 %<");
  });
});
