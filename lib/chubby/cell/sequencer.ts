/**
 * @module chubby/cell/sequencer
 *
 * Sequencers (paper §2.4): an opaque byte string naming a lock, the mode it is held in and its
 * lock generation. A lock holder passes it to the servers it talks to; a server either checks it
 * with the cell (CheckSequencer) or keeps the highest generation it saw (a fencing token).
 *
 * Format: `chubby-seq:1:<x|s>:<generation>:<check>:<lock name>`, where check is 8 hex digits of a
 * hash of the rest (it catches typos and truncation, not forgery).
 */
import { ChubbyError } from "./errors.js";
import { hashString } from "./hash.js";
import { resolveHandle } from "./handles.js";
import { checkPath } from "./path.js";
import type { CellState, LockMode } from "./state.js";

/** A parsed sequencer. */
export interface Sequencer {
  /** The lock's name (a canonical /ls/<cell>/... name). */
  readonly lock: string;
  /** The mode the lock was held in. */
  readonly mode: LockMode;
  /** The lock generation of the grant. */
  readonly generation: number;
}

const PREFIX = "chubby-seq:1:";

function checkDigits(m: string, generation: number, lock: string): string {
  return hashString(`${m}:${generation}:${lock}`).slice(0, 8);
}

/**
 * Encodes a sequencer.
 *
 * @param seq - lock name, mode and generation
 * @returns the opaque string
 * @throws {ChubbyError} ERR_CHUBBY_BAD_SEQUENCER when a field is invalid
 * @example
 * formatSequencer({ lock: "/ls/local/leader", mode: "exclusive", generation: 7 });
 * // => "chubby-seq:1:x:7:<8 hex>:/ls/local/leader"
 */
export function formatSequencer(seq: Sequencer): string {
  validateSequencer(seq);
  const m = seq.mode === "exclusive" ? "x" : "s";
  return `${PREFIX}${m}:${seq.generation}:${checkDigits(m, seq.generation, seq.lock)}:${seq.lock}`;
}

/**
 * Checks the fields of a sequencer object.
 *
 * @param seq - the object
 * @returns the same object
 * @throws {ChubbyError} ERR_CHUBBY_BAD_SEQUENCER on a bad lock name, mode or generation
 * @example
 * validateSequencer({ lock: "/ls/local/a", mode: "shared", generation: 3 }); // => the same object
 */
export function validateSequencer(seq: Sequencer): Sequencer {
  if (seq === null || typeof seq !== "object") throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", "a sequencer must be an object or string");
  if (seq.mode !== "exclusive" && seq.mode !== "shared") {
    throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", `bad sequencer mode ${String(seq.mode)}`);
  }
  if (typeof seq.generation !== "number" || !Number.isSafeInteger(seq.generation) || seq.generation < 0) {
    throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", `bad sequencer generation ${String(seq.generation)}`);
  }
  try {
    checkPath(seq.lock, Number.MAX_SAFE_INTEGER);
  } catch {
    throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", `bad sequencer lock name ${JSON.stringify(seq.lock)}`);
  }
  return seq;
}

/**
 * Decodes a sequencer string.
 *
 * @param s - a string from {@link formatSequencer} / GetSequencer
 * @returns its lock name, mode and generation
 * @throws {ChubbyError} ERR_CHUBBY_BAD_SEQUENCER when it is malformed or its check digits do not match
 * @example
 * parseSequencer(formatSequencer({ lock: "/ls/local/a", mode: "shared", generation: 3 }));
 * // => { lock: "/ls/local/a", mode: "shared", generation: 3 }
 */
export function parseSequencer(s: string): Sequencer {
  if (typeof s !== "string" || !s.startsWith(PREFIX)) {
    throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", "not a sequencer (expected the chubby-seq:1: prefix)");
  }
  const rest = s.slice(PREFIX.length);
  const c1 = rest.indexOf(":");
  const c2 = c1 < 0 ? -1 : rest.indexOf(":", c1 + 1);
  const c3 = c2 < 0 ? -1 : rest.indexOf(":", c2 + 1);
  if (c3 < 0) throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", "truncated sequencer");
  const m = rest.slice(0, c1);
  const genText = rest.slice(c1 + 1, c2);
  const check = rest.slice(c2 + 1, c3);
  const lock = rest.slice(c3 + 1);
  if ((m !== "x" && m !== "s") || !/^(0|[1-9][0-9]{0,15})$/.test(genText)) {
    throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", "bad sequencer mode or generation");
  }
  const generation = Number(genText);
  const seq: Sequencer = { lock, mode: m === "x" ? "exclusive" : "shared", generation };
  validateSequencer(seq);
  if (check !== checkDigits(m, generation, lock)) throw new ChubbyError("ERR_CHUBBY_BAD_SEQUENCER", "sequencer check digits do not match");
  return seq;
}

/**
 * CheckSequencer: whether the lock is still held in that mode with that generation. Because
 * generations come from a cell-wide counter, a sequencer of a deleted and re-created lock is
 * never valid again.
 *
 * @param state - the cell (the master's state)
 * @param seq - a sequencer string or a parsed one
 * @returns true iff the lock named is held, in the same mode, at the same generation
 * @throws {ChubbyError} ERR_CHUBBY_BAD_SEQUENCER when `seq` is malformed
 * @example
 * checkSequencer(state, seq); // => true while the grant that produced seq lasts
 */
export function checkSequencer(state: CellState, seq: string | Sequencer): boolean {
  const s = typeof seq === "string" ? parseSequencer(seq) : validateSequencer(seq);
  const node = state.nodes.get(s.lock);
  if (node === undefined || node.lock === null) return false;
  return node.lock.holders.length > 0 && node.lock.mode === s.mode && node.lockGeneration === s.generation;
}

/**
 * GetSequencer: the sequencer of the lock held through a handle.
 *
 * @param state - the cell
 * @param session - the caller's session id
 * @param handle - a handle holding its node's lock
 * @returns the opaque sequencer string
 * @throws {ChubbyError} handle errors (see resolveHandle), ERR_CHUBBY_LOCK_NOT_HELD when the handle holds no lock
 * @example
 * getSequencer(state, "s1", 3); // => "chubby-seq:1:x:7:…:/ls/local/leader"
 */
export function getSequencer(state: CellState, session: string, handle: number): string {
  const h = resolveHandle(state, session, handle);
  if (h.held === null) throw new ChubbyError("ERR_CHUBBY_LOCK_NOT_HELD", `handle ${handle} holds no lock`);
  return formatSequencer({ lock: h.node.path, mode: h.held, generation: h.node.lockGeneration });
}
