/**
 * @module test/sticky/strategies/helpers
 *
 * Shared helpers for the balancer tests: error assertions, key sets, and the
 * two measurements every consistent-hashing property uses (keys moved
 * between two balancers, and max/mean load).
 */
import { expect } from "vitest";
import { StickyError, type StickyErrorCode } from "../../../lib/sticky/errors.js";
import type { Balancer, RouteInput } from "../../../lib/sticky/strategies/index.js";

/** Assert `fn` throws a StickyError with this code. */
export function expectStickyError(fn: () => unknown, code: StickyErrorCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, "expected a StickyError to be thrown").toBeInstanceOf(StickyError);
  expect((caught as StickyError).code).toBe(code);
}

/** `n` server names `${prefix}${i}`. */
export function serverNames(n: number, prefix = "server-"): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

/** The brief's key set: `session-${i}` for i < n, as ready-made route inputs. */
export function sessionKeys(n: number): RouteInput[] {
  return Array.from({ length: n }, (_, i) => ({ key: `session-${i}` }));
}

/** Compare two balancers on the same keys. */
export function moveStats(
  before: Balancer,
  after: Balancer,
  keys: readonly RouteInput[],
): { moved: number; fraction: number; destinations: Set<string> } {
  let moved = 0;
  const destinations = new Set<string>();
  for (const k of keys) {
    const a = before.pick(k);
    const b = after.pick(k);
    if (a !== b) {
      moved++;
      destinations.add(b);
    }
  }
  return { moved, fraction: moved / keys.length, destinations };
}

/** Count picks per server; max/mean over ALL servers (a server with no key counts as 0). */
export function loadStats(b: Balancer, keys: readonly RouteInput[]): { counts: Map<string, number>; maxOverMean: number } {
  const counts = new Map<string, number>(b.servers.map((s) => [s, 0]));
  for (const k of keys) {
    const s = b.pick(k);
    counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  const max = Math.max(...counts.values());
  return { counts, maxOverMean: max / (keys.length / b.servers.length) };
}

/** Deterministic Fisher-Yates shuffle driven by a fast-check-supplied list of numbers in [0, 1). */
export function shuffled<T>(items: readonly T[], draws: readonly number[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const r = draws[i % draws.length] ?? 0;
    const j = Math.floor(r * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
