/**
 * Tables for notebook output: rows of plain objects rendered as an HTML table.
 * @module notebook/table
 */
import { escapeHtml } from "../plot/index.js";

/** One table row: column name to cell value. */
export type Row = Record<string, unknown>;

/** How to show a table. */
export interface TableOptions {
  /** A caption shown above the table. */
  caption?: string;
  /** Column order (default: the keys of the first row, then any new keys in order of appearance). */
  columns?: string[];
  /** Per-column formatting of cell values (default: {@link formatCell}). */
  format?: Record<string, (value: unknown) => string>;
}

/**
 * The default text of a cell: numbers in their shortest round-trip form (so 100.89999999999999
 * stays visible), -0 as "-0", arrays joined with ", ", null and undefined as empty.
 *
 * @example
 * formatCell(-0.15000000000000568); // => "-0.15000000000000568"
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  if (Array.isArray(value)) return value.map(formatCell).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function columnsOf(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * Renders rows as an HTML table; numbers are right-aligned, all text is escaped.
 *
 * @param rows the rows
 * @param options caption, column order and formatting
 * @returns an HTML fragment
 * @example
 * tableHtml([{ day: 1, price: 100.5 }]); // => '<table class="sdn-table">...</table>'
 */
export function tableHtml(rows: readonly Row[], options: TableOptions = {}): string {
  const columns = options.columns ?? columnsOf(rows);
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows
    .map((row) => {
      const cells = columns.map((c) => {
        const value = row[c];
        const text = options.format?.[c] ? options.format[c](value) : formatCell(value);
        const align = typeof value === "number" ? ' style="text-align:right"' : "";
        return `<td${align}>${escapeHtml(text)}</td>`;
      });
      return `<tr>${cells.join("")}</tr>`;
    })
    .join("\n");
  const caption = options.caption ? `<caption style="caption-side:top;text-align:left">${escapeHtml(options.caption)}</caption>` : "";
  return `<table class="sdn-table">${caption}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}
