/**
 * Real timestamps: the departure times of 3 million US domestic flights of 2001, the `date`
 * column of `flights-3m.parquet` in the `vega-datasets` package (BSD-3-Clause), read with
 * hyparquet.
 * @module data/flights
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parquetRead } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { DataError } from "./errors.js";
import { projectRoot } from "./paths.js";

/** Where vega-datasets keeps flights-3m.parquet (its package exports only its index). */
export function flightsParquetPath(): string {
  try {
    const index = createRequire(join(projectRoot(), "noop.js")).resolve("vega-datasets");
    return join(dirname(index), "..", "data", "flights-3m.parquet");
  } catch (e) {
    throw new DataError("ERR_DATA_NOT_FOUND", `vega-datasets is not installed (run npm ci): ${(e as Error).message}`);
  }
}

/**
 * The departure times of the flights in `flights-3m.parquet`, as Unix seconds in file order
 * (sorted, minute resolution: most consecutive differences are 0 or 60 s).
 *
 * @param options `limit`: read only the first rows
 * @returns the timestamps, seconds since 1970-01-01 (the file stores local time without a zone)
 * @throws {DataError} when the file is missing or a timestamp does not fit an int32
 * @example
 * const t = await loadFlightTimes({ limit: 3 }); // => Int32Array [978307260, 978307260, 978307260]
 */
export async function loadFlightTimes(options: { limit?: number } = {}): Promise<Int32Array> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(flightsParquetPath());
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError("ERR_DATA_NOT_FOUND", `cannot read flights-3m.parquet: ${(e as Error).message}`);
  }
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: unknown[][] = [];
  await parquetRead({
    file,
    columns: ["date"],
    compressors,
    rowEnd: options.limit,
    rowFormat: "array",
    onComplete: (data: unknown[][]) => {
      rows = data;
    },
  });
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const date = rows[i][0];
    if (!(date instanceof Date)) throw new DataError("ERR_DATA_FORMAT", `flights-3m.parquet row ${i}: date is not a timestamp`);
    const seconds = date.getTime() / 1000;
    if (!Number.isInteger(seconds) || seconds !== (seconds | 0)) {
      throw new DataError("ERR_DATA_FORMAT", `flights-3m.parquet row ${i}: ${date.toISOString()} is not whole seconds in int32 range`);
    }
    out[i] = seconds;
  }
  return out;
}
