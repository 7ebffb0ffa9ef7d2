/**
 * @module chubby/cell/handles
 *
 * Looking up the caller's session and handle, with the errors Chubby's API gives for misuse.
 */
import { ChubbyError } from "./errors.js";
import type { CellState, HandleRec, SessionRec } from "./state.js";

/**
 * The live session with this id.
 *
 * @param state - the cell
 * @param session - the session id from the command
 * @returns the session
 * @throws {ChubbyError} ERR_CHUBBY_SESSION_EXPIRED when it ended or never existed
 * @example
 * requireSession(state, "s1").user; // => "alice"
 */
export function requireSession(state: CellState, session: string): SessionRec {
  const s = typeof session === "string" ? state.sessions.get(session) : undefined;
  if (s === undefined) throw new ChubbyError("ERR_CHUBBY_SESSION_EXPIRED", `session ${String(session)} has ended or does not exist`);
  return s;
}

/**
 * The open handle `handle` of `session`.
 *
 * @param state - the cell
 * @param session - the session id from the command
 * @param handle - the handle id from the command
 * @returns the handle
 * @throws {ChubbyError} ERR_CHUBBY_SESSION_EXPIRED (session gone), ERR_CHUBBY_BAD_HANDLE (never issued,
 *   or another session's), ERR_CHUBBY_STALE_HANDLE (issued but closed or its node deleted)
 * @example
 * resolveHandle(state, "s1", 3).node.path; // => "/ls/local/leader"
 */
export function resolveHandle(state: CellState, session: string, handle: number): HandleRec {
  const s = requireSession(state, session);
  if (typeof handle !== "number" || !Number.isSafeInteger(handle) || handle < 1) {
    throw new ChubbyError("ERR_CHUBBY_BAD_HANDLE", `bad handle ${String(handle)}`);
  }
  const h = state.handles.get(handle);
  if (h === undefined) {
    if (handle < state.nextHandle) throw new ChubbyError("ERR_CHUBBY_STALE_HANDLE", `handle ${handle} was closed or its node deleted`);
    throw new ChubbyError("ERR_CHUBBY_BAD_HANDLE", `handle ${handle} was never issued`);
  }
  if (h.session !== s) throw new ChubbyError("ERR_CHUBBY_BAD_HANDLE", `handle ${handle} belongs to another session`);
  return h;
}
