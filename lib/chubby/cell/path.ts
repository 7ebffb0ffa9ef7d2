/**
 * @module chubby/cell/path
 *
 * Chubby names: `/ls/<cell>/<component>/...` (paper §2.3). `ls` is "lock service", the second
 * component is the cell, the rest is a path inside the cell, like a file system's. This module
 * only checks and splits names; whether a node exists is the namespace's business.
 */
import { ChubbyError } from "./errors.js";

/** The default cap on a name's length, in characters (names are ASCII, so also bytes). @example parsePath(name, DEFAULT_MAX_PATH_LENGTH) */
export const DEFAULT_MAX_PATH_LENGTH = 1024;

/** A checked name split into its parts. */
export interface ParsedPath {
  /** The name as given (already canonical: no trailing slash, no duplicate slashes). */
  readonly path: string;
  /** The cell component, e.g. "foo" in /ls/foo/wombat. */
  readonly cell: string;
  /** The components below the cell; empty for the cell root /ls/<cell>. */
  readonly components: readonly string[];
}

// Cell: a DNS-label-like name. Component: letters, digits and . _ - + @ = : , ~ (no spaces, no '/').
const CELL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const COMPONENT_CHARS = "[A-Za-z0-9._+@=:,~-]+";
const PATH_RE = new RegExp(`^/ls/(${CELL})((?:/${COMPONENT_CHARS})*)$`);
const DOT_COMPONENT_RE = /\/\.\.?(?=\/|$)/;

/**
 * Whether a cell name is valid: 1 to 63 letters, digits or inner hyphens.
 *
 * @param cell - the candidate
 * @returns true when valid
 * @example
 * isValidCellName("foo");  // => true
 * isValidCellName("-foo"); // => false
 */
export function isValidCellName(cell: string): boolean {
  return typeof cell === "string" && new RegExp(`^${CELL}$`).test(cell);
}

/**
 * Checks a Chubby name and splits it.
 *
 * @param path - e.g. "/ls/foo/wombat/pouch"
 * @param maxLength - longest accepted name in characters (default 1024)
 * @returns the cell and the components below it
 * @throws {ChubbyError} ERR_CHUBBY_BAD_PATH when the name lacks the /ls/ prefix or a cell name, has an
 *   empty, "." or ".." component, a character outside [A-Za-z0-9._+@=:,~-], or is longer than `maxLength`
 * @example
 * parsePath("/ls/foo/wombat/pouch"); // => { path: "/ls/foo/wombat/pouch", cell: "foo", components: ["wombat", "pouch"] }
 * parsePath("/ls/foo/../etc");       // throws ERR_CHUBBY_BAD_PATH
 */
export function parsePath(path: string, maxLength: number = DEFAULT_MAX_PATH_LENGTH): ParsedPath {
  const rest = checkPath(path, maxLength);
  return { path, cell: rest.cell, components: rest.tail === "" ? [] : rest.tail.slice(1).split("/") };
}

/**
 * Checks a name without splitting its components (the fast path the state machine uses).
 *
 * @param path - the name to check
 * @param maxLength - longest accepted name in characters
 * @returns the cell and the tail after it ("" for the cell root, else starting with "/")
 * @throws {ChubbyError} ERR_CHUBBY_BAD_PATH, as {@link parsePath}
 * @example
 * checkPath("/ls/foo/a/b", 1024); // => { cell: "foo", tail: "/a/b" }
 */
export function checkPath(path: string, maxLength: number): { cell: string; tail: string } {
  if (typeof path !== "string") throw new ChubbyError("ERR_CHUBBY_BAD_PATH", `a name must be a string, got ${typeof path}`);
  if (path.length > maxLength) {
    throw new ChubbyError("ERR_CHUBBY_BAD_PATH", `name is ${path.length} characters, the limit is ${maxLength}`);
  }
  const m = PATH_RE.exec(path);
  if (m === null) {
    const why = !path.startsWith("/ls/")
      ? "it must start with /ls/<cell>"
      : /\/\//.test(path) || path.endsWith("/")
        ? "it has an empty component"
        : "it has a bad cell name or a character outside [A-Za-z0-9._+@=:,~-]";
    throw new ChubbyError("ERR_CHUBBY_BAD_PATH", `bad name ${JSON.stringify(path)}: ${why}`);
  }
  const tail = m[2];
  if (DOT_COMPONENT_RE.test(tail)) {
    throw new ChubbyError("ERR_CHUBBY_BAD_PATH", `bad name ${JSON.stringify(path)}: "." and ".." components are not allowed`);
  }
  return { cell: m[1], tail };
}

/**
 * The parent directory's name.
 *
 * @param path - a valid name below the cell root
 * @returns the name without its last component
 * @example
 * parentPath("/ls/foo/a/b"); // => "/ls/foo/a"
 */
export function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

/**
 * The last component of a name.
 *
 * @param path - a valid name
 * @returns its last component
 * @example
 * baseName("/ls/foo/a/b"); // => "b"
 */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
