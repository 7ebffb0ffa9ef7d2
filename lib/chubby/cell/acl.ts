/**
 * @module chubby/cell/acl
 *
 * ACL names (paper §2.3): each node has three lists, readers, writers and change-ACL names. In
 * Chubby a name points to an ACL file listing principals; here the lists hold user names
 * directly, and "*" means everyone. A new node inherits its parent directory's lists unless the
 * creator supplies its own.
 */
import { ChubbyError } from "./errors.js";

/** The three ACL name lists of a node. */
export interface Acl {
  /** Users who may open the node for reading (read contents, stat, ReadDir). */
  readonly readers: readonly string[];
  /** Users who may open it for writing (SetContents, Delete, create children, Acquire). */
  readonly writers: readonly string[];
  /** Users who may change these lists (SetACL). */
  readonly changeAcl: readonly string[];
}

/** Everyone may do everything: the default ACL of a cell's root. @example isAllowed(OPEN_ACL.writers, "bob") // => true */
export const OPEN_ACL: Acl = Object.freeze({
  readers: Object.freeze(["*"]),
  writers: Object.freeze(["*"]),
  changeAcl: Object.freeze(["*"]),
});

/**
 * Whether a user is allowed by one ACL name list.
 *
 * @param names - the list (user names, or "*" for everyone)
 * @param user - the session's user
 * @returns true when the list has "*" or the user
 * @example
 * isAllowed(["alice"], "bob"); // => false
 * isAllowed(["*"], "bob");     // => true
 */
export function isAllowed(names: readonly string[], user: string): boolean {
  for (let i = 0; i < names.length; i++) if (names[i] === "*" || names[i] === user) return true;
  return false;
}

function checkList(list: unknown, field: string): string[] {
  if (!Array.isArray(list)) throw new ChubbyError("ERR_CHUBBY_BAD_COMMAND", `acl.${field} must be an array of user names`);
  for (const name of list) {
    if (typeof name !== "string" || name.length === 0) {
      throw new ChubbyError("ERR_CHUBBY_BAD_COMMAND", `acl.${field} holds a non-string or empty name`);
    }
  }
  return list.slice();
}

/**
 * Builds a fresh ACL from a base and a partial override, checking the override's shape.
 *
 * @param base - the lists kept where the override has none (e.g. the parent's, or the node's own)
 * @param override - any of readers / writers / changeAcl to replace
 * @returns a new ACL whose arrays are copies (safe to keep)
 * @throws {ChubbyError} ERR_CHUBBY_BAD_COMMAND when a given list is not an array of non-empty strings
 * @example
 * mergeAcl(OPEN_ACL, { writers: ["alice"] }); // => { readers: ["*"], writers: ["alice"], changeAcl: ["*"] }
 */
export function mergeAcl(base: Acl, override: Partial<Acl> | undefined): Acl {
  if (override !== undefined && (override === null || typeof override !== "object")) {
    throw new ChubbyError("ERR_CHUBBY_BAD_COMMAND", "acl must be an object");
  }
  return {
    readers: override?.readers !== undefined ? checkList(override.readers, "readers") : base.readers.slice(),
    writers: override?.writers !== undefined ? checkList(override.writers, "writers") : base.writers.slice(),
    changeAcl: override?.changeAcl !== undefined ? checkList(override.changeAcl, "changeAcl") : base.changeAcl.slice(),
  };
}
