/**
 * @module host/executable
 *
 * Finding a program on this machine (Debian puts some in sbin folders that a
 * normal user's PATH lacks, e.g. /usr/sbin/haproxy).
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** Where {@link findExecutable} looks besides PATH. */
export interface FindExecutableOptions {
  /** Absolute paths of the program tried before PATH (e.g. Debian's location). */
  first?: readonly string[];
  /** The PATH to search (default `process.env.PATH`); relative entries are ignored. */
  pathEnv?: string | undefined;
  /** Folders searched after PATH. */
  fallbackDirs?: readonly string[];
}

/**
 * True for an existing regular file this process may execute.
 * @param file - a path
 * @returns whether it is an executable file
 * @example
 * isExecutableFile("/bin/sh"); // => true
 */
export function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of program `name`: the first executable among `first`,
 * then PATH's absolute folders, then `fallbackDirs`; null if none.
 *
 * @param name - the program's file name, e.g. "etcd"
 * @param options - see {@link FindExecutableOptions}
 * @returns its path, or null
 * @example
 * findExecutable("sh"); // => "/usr/bin/sh" (or "/bin/sh")
 */
export function findExecutable(name: string, options: FindExecutableOptions = {}): string | null {
  for (const p of options.first ?? []) if (typeof p === "string" && p.startsWith("/") && isExecutableFile(p)) return p;
  const dirs = ("pathEnv" in options ? options.pathEnv ?? "" : process.env.PATH ?? "").split(delimiter);
  for (const dir of [...dirs, ...(options.fallbackDirs ?? [])]) {
    if (dir === "" || !dir.startsWith("/")) continue; // only absolute folders
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
