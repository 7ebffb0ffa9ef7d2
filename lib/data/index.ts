/**
 * Small real data sets shipped in `data/`, loaded as typed series.
 * @module data
 */
export { DataError, type DataErrorCode } from "./errors.js";
export { projectRoot, dataPath } from "./paths.js";
export { type PriceSeries, recoverCents, loadSp500, loadStock, STOCK_SYMBOLS } from "./prices.js";
export { loadFlightTimes, flightsParquetPath } from "./flights.js";
