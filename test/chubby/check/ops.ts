/**
 * Test helper: hand-written operations for the checker tests. Ids count up
 * from 1,000,000 (clear of generated histories' ids).
 */
import type { Operation } from "../../../lib/chubby/check/index.js";

let nextId = 1_000_000;

/** A call; `at` is [invokeAt, completeAt], or [invokeAt] for an unknown one. */
export function call(client: string, what: string, at: number[], io: { input?: unknown; output?: unknown; status?: Operation["status"]; key?: string } = {}): Operation {
  const status = io.status ?? (at.length === 1 ? "unknown" : "ok");
  const op: Operation = { id: nextId++, client, op: what, key: io.key ?? "x", status, invokeAt: at[0] };
  if (at.length > 1) op.completeAt = at[1];
  if ("input" in io) op.input = io.input;
  if ("output" in io) op.output = io.output;
  return op;
}

/** A register write of `v` (key "x" unless given). */
export const write = (c: string, v: unknown, at: number[], key?: string): Operation => call(c, "write", at, { input: v, key });

/** A register read that returned `v` (key "x" unless given). */
export const read = (c: string, v: unknown, at: number[], key?: string): Operation => call(c, "read", at, { output: v, key });
