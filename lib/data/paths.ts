/**
 * Where the project's files are, from a notebook (working directory `notebooks/`) or a test
 * (working directory = the project root) alike.
 * @module data/paths
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DataError } from "./errors.js";

const NAME = "system-design-notebooks";

/**
 * The project's root: the nearest folder at or above `from` whose package.json is this project's.
 *
 * @param from where to start (default: the working directory)
 * @returns an absolute path
 * @throws {DataError} `ERR_DATA_NOT_FOUND` outside the project
 * @example
 * projectRoot(); // => "/home/me/system-design-notebooks"
 */
export function projectRoot(from: string = process.cwd()): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, "utf8")).name === NAME) return dir;
      } catch {
        // not our package.json; keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new DataError("ERR_DATA_NOT_FOUND", `not inside the ${NAME} project: ${from}`);
    dir = up;
  }
}

/**
 * The absolute path of a file in `data/`.
 *
 * @param name file name, e.g. "sp500-2000.csv"
 * @throws {DataError} `ERR_DATA_NOT_FOUND` when the file is missing
 * @example
 * dataPath("stocks.csv"); // => ".../data/stocks.csv"
 */
export function dataPath(name: string): string {
  const file = join(projectRoot(), "data", name);
  if (!existsSync(file)) throw new DataError("ERR_DATA_NOT_FOUND", `no data file ${name} in data/`);
  return file;
}
