/**
 * Test helpers for the Chubby cell: run a command expecting success or a given error code.
 */
import { expect } from "vitest";
import {
  type CellOptions,
  type CellState,
  type ChubbyErrorCode,
  type Command,
  type ResultOf,
  ChubbyError,
  applyCommand,
  createCellState,
} from "../../../lib/chubby/cell/index.js";

/** Applies a command that must succeed and returns its result. */
export function ok<C extends Command>(state: CellState, command: C): ResultOf<C> {
  const out = applyCommand(state, command);
  if (!out.ok) throw new Error(`${command.type} failed: ${out.error.code} ${out.error.message}`);
  return out.result;
}

/** Applies a command that must fail with `code`, and returns the error. */
export function fails(state: CellState, command: Command, code: ChubbyErrorCode): ChubbyError {
  const out = applyCommand(state, command);
  if (out.ok) throw new Error(`${command.type} succeeded, expected ${code}`);
  expect(out.error).toBeInstanceOf(ChubbyError);
  expect(out.error.code).toBe(code);
  return out.error;
}

/** Expects `fn` to throw a ChubbyError with `code`. */
export function throwsCode(fn: () => unknown, code: ChubbyErrorCode): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ChubbyError);
    expect((e as ChubbyError).code).toBe(code);
    return;
  }
  throw new Error(`expected a ChubbyError ${code}`);
}

/** A cell "local" with sessions for the given users (ids s1, s2, ... in order). */
export function cellWith(users: string[], options: CellOptions = {}): CellState {
  const state = createCellState(options);
  for (const user of users) ok(state, { type: "createSession", at: 0, user });
  return state;
}

/** Opens a path for writing (creating it as a file if missing) and returns the handle. */
export function openW(state: CellState, session: string, path: string, at = 0, extra: Partial<Extract<Command, { type: "open" }>> = {}): number {
  return ok(state, { type: "open", at, session, path, mode: "write", create: true, ...extra }).handle;
}
