/**
 * Real daily and monthly price series from `data/` (vega-datasets, BSD-3-Clause; see
 * data/README.md), returned as exact 2-decimal prices.
 * @module data/prices
 */
import { csvParse } from "d3-dsv";
import { readFileSync } from "node:fs";
import { DataError } from "./errors.js";
import { dataPath } from "./paths.js";

/** A price series: ISO dates and prices in dollars, each an exact number of cents / 100. */
export interface PriceSeries {
  name: string;
  dates: string[];
  prices: Float64Array;
}

/**
 * Recovers whole cents from a price that went through float32 and was printed with 6
 * decimals ("1455.219971" is float32(1455.22)). Returns the cents only if they provably give
 * back the same float32, so no price is guessed.
 *
 * @param text the printed price
 * @returns the price in whole cents
 * @throws {DataError} `ERR_DATA_FORMAT` when the text is not such a price
 * @example
 * recoverCents("1455.219971"); // => 145522
 */
export function recoverCents(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) throw new DataError("ERR_DATA_FORMAT", `not a price: "${text}"`);
  const cents = Math.round(value * 100);
  // Exact cents printed plainly ("39.81"), or float32 noise around them ("1455.219971").
  if (cents / 100 !== value && Math.fround(cents / 100) !== Math.fround(value)) {
    throw new DataError("ERR_DATA_FORMAT", `"${text}" is not a whole number of cents, even as float32`);
  }
  return cents;
}

/**
 * The S&P 500 index, daily closes from 2000-01-03 to 2020-04-17 (5,105 trading days), with the
 * float32 noise of the source removed: every price is an exact number of cents / 100.
 *
 * @param options `recover: false` keeps the closes as printed in the file ("1455.219971")
 * @returns the series
 * @throws {DataError} when the file is missing or malformed
 * @example
 * loadSp500().prices[0]; // => 1455.22
 * loadSp500({ recover: false }).prices[0]; // => 1455.219971
 */
export function loadSp500(options: { recover?: boolean } = {}): PriceSeries {
  const recover = options.recover ?? true;
  const rows = csvParse(readFileSync(dataPath("sp500-2000.csv"), "utf8"));
  const dates: string[] = [];
  const prices = new Float64Array(rows.length);
  rows.forEach((row, i) => {
    if (row.date === undefined || row.close === undefined) {
      throw new DataError("ERR_DATA_FORMAT", `sp500-2000.csv row ${i + 2} has no date or close`);
    }
    dates.push(row.date);
    prices[i] = recover ? recoverCents(row.close) / 100 : Number(row.close);
  });
  return { name: "sp500", dates, prices };
}

const MONTHS: Record<string, string> = {
  Jan: "01", Feb: "02", Mar: "03", Apr: "04", May: "05", Jun: "06",
  Jul: "07", Aug: "08", Sep: "09", Oct: "10", Nov: "11", Dec: "12",
};

/** The symbols in stocks.csv. */
export const STOCK_SYMBOLS = ["MSFT", "AMZN", "IBM", "GOOG", "AAPL"] as const;

/**
 * Monthly prices of one stock (stocks.csv: MSFT, AMZN, IBM, GOOG, AAPL, 2000 to 2010).
 *
 * @param symbol the ticker
 * @returns the series, dates as YYYY-MM-DD
 * @throws {DataError} `ERR_DATA_UNKNOWN_SERIES` for another symbol
 * @example
 * loadStock("MSFT").prices[0]; // => 39.81
 */
export function loadStock(symbol: string): PriceSeries {
  if (!(STOCK_SYMBOLS as readonly string[]).includes(symbol)) {
    throw new DataError("ERR_DATA_UNKNOWN_SERIES", `no stock ${symbol}; stocks.csv has ${STOCK_SYMBOLS.join(", ")}`);
  }
  const rows = csvParse(readFileSync(dataPath("stocks.csv"), "utf8")).filter((r) => r.symbol === symbol);
  const dates = rows.map((r, i) => {
    const m = /^([A-Z][a-z]{2}) (\d{1,2}) (\d{4})$/.exec(r.date ?? "");
    if (!m || !MONTHS[m[1]]) throw new DataError("ERR_DATA_FORMAT", `stocks.csv: bad date "${r.date}" (${symbol} row ${i + 1})`);
    return `${m[3]}-${MONTHS[m[1]]}-${m[2].padStart(2, "0")}`;
  });
  const prices = Float64Array.from(rows, (r) => recoverCents(r.price ?? "") / 100);
  return { name: symbol, dates, prices };
}
