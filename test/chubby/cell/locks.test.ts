import { describe, expect, it } from "vitest";
import {
  type CellState,
  type ChubbyEvent,
  applyCommand,
  findInvariantViolations,
  inspectLock,
  nextWakeAt,
  statPath,
} from "../../../lib/chubby/cell/index.js";
import { cellWith, fails, ok, openW } from "./helpers.js";

const L = "/ls/local/lock";

/** n sessions s1..sn, each with a write handle on L (handle i for session si). */
function lockCell(n: number): CellState {
  const st = cellWith(Array.from({ length: n }, (_, i) => `u${i + 1}`));
  for (let i = 1; i <= n; i++) expect(openW(st, `s${i}`, L)).toBe(i);
  return st;
}

const holders = (st: CellState) => inspectLock(st, L)!.holders.map((h) => h.session);
const waiters = (st: CellState) => inspectLock(st, L)!.waiters.map((w) => w.session);
const granted = (events: readonly ChubbyEvent[]) => events.filter((e) => e.kind === "lockGranted").map((e) => (e as { session: string }).session);

describe("modes", () => {
  it("exclusive excludes everyone: a second exclusive or a shared request waits", () => {
    const st = lockCell(3);
    expect(ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 })).toMatchObject({ granted: true, mode: "exclusive" });
    expect(ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 })).toEqual({ granted: false, position: 1 });
    expect(ok(st, { type: "acquire", at: 0, session: "s3", handle: 3, mode: "shared" })).toEqual({ granted: false, position: 2 });
    expect(holders(st)).toEqual(["s1"]);
  });

  it("shared is compatible with shared, and all shared holders share one generation", () => {
    const st = lockCell(3);
    const a = ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, mode: "shared" });
    const b = ok(st, { type: "acquire", at: 0, session: "s2", handle: 2, mode: "shared" });
    expect(a.granted && b.granted).toBe(true);
    expect(a.granted && b.granted && a.generation === b.generation).toBe(true);
    expect(ok(st, { type: "acquire", at: 0, session: "s3", handle: 3 })).toEqual({ granted: false, position: 1 });
    expect(holders(st)).toEqual(["s1", "s2"]);
    expect(inspectLock(st, L)!.mode).toBe("shared");
  });

  it("the lock generation bumps when the lock goes from free to held, not while it stays held", () => {
    const st = lockCell(2);
    const g0 = statPath(st, L)!.lockGeneration;
    const a = ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, mode: "shared" });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2, mode: "shared" });
    const g1 = statPath(st, L)!.lockGeneration;
    expect(g1).toBeGreaterThan(g0);
    expect(a.granted && a.generation).toBe(g1);
    ok(st, { type: "release", at: 1, session: "s1", handle: 1 });
    expect(statPath(st, L)!.lockGeneration).toBe(g1);
    ok(st, { type: "release", at: 1, session: "s2", handle: 2 });
    const again = ok(st, { type: "acquire", at: 2, session: "s1", handle: 1 });
    expect(again.granted && again.generation).toBeGreaterThan(g1);
  });
});

describe("FIFO waiters", () => {
  it("waiters are granted in arrival order as the lock frees", () => {
    const st = lockCell(4);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 });
    for (const s of [3, 2, 4]) ok(st, { type: "acquire", at: s, session: `s${s}`, handle: s });
    const order: string[] = [];
    for (let t = 10, cur = 1; order.length < 3; t++) {
      const out = applyCommand(st, { type: "release", at: t, session: `s${cur}`, handle: cur });
      expect(out.ok).toBe(true);
      const g = granted(out.events);
      expect(g.length).toBe(1);
      order.push(g[0]);
      cur = Number(g[0].slice(1));
    }
    expect(order).toEqual(["s3", "s2", "s4"]);
  });

  it("a shared request behind a waiting exclusive one waits too (no writer starvation); then consecutive shared waiters are granted together", () => {
    const st = lockCell(4);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, mode: "shared" });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    expect(ok(st, { type: "acquire", at: 0, session: "s3", handle: 3, mode: "shared" }).granted).toBe(false);
    ok(st, { type: "acquire", at: 0, session: "s4", handle: 4, mode: "shared" });
    expect(granted(applyCommand(st, { type: "release", at: 1, session: "s1", handle: 1 }).events)).toEqual(["s2"]);
    expect(granted(applyCommand(st, { type: "release", at: 2, session: "s2", handle: 2 }).events)).toEqual(["s3", "s4"]);
    expect(holders(st)).toEqual(["s3", "s4"]);
  });

  it("a waiter whose session ends is removed from the queue", () => {
    const st = lockCell(3);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    ok(st, { type: "acquire", at: 0, session: "s3", handle: 3 });
    ok(st, { type: "expireSession", at: 1, session: "s2" });
    expect(waiters(st)).toEqual(["s3"]);
    expect(granted(applyCommand(st, { type: "release", at: 2, session: "s1", handle: 1 }).events)).toEqual(["s3"]);
  });

  it("closing a waiting handle cancels its wait with a lockWaitCancelled event", () => {
    const st = lockCell(2);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    const out = applyCommand(st, { type: "close", at: 1, session: "s2", handle: 2 });
    expect(out.events).toEqual([
      { kind: "lockWaitCancelled", at: 1, path: L, sessions: ["s2"], handle: 2, session: "s2", mode: "exclusive", code: "ERR_CHUBBY_STALE_HANDLE" },
    ]);
    expect(waiters(st)).toEqual([]);
  });

  it("the holder hears of a conflicting request when it subscribed; the subscribers hear lockAcquired", () => {
    const st = cellWith(["a", "b", "c"]);
    const h1 = openW(st, "s1", L, 0, { events: ["conflictingLockRequest"] });
    const h2 = openW(st, "s2", L);
    openW(st, "s3", L, 0, { events: ["lockAcquired"] });
    const a = applyCommand(st, { type: "acquire", at: 1, session: "s1", handle: h1 });
    expect(a.events.map((e) => [e.kind, e.sessions])).toEqual([
      ["lockGranted", ["s1"]],
      ["lockAcquired", ["s3"]],
    ]);
    const b = applyCommand(st, { type: "acquire", at: 2, session: "s2", handle: h2, mode: "shared" });
    expect(b.events).toEqual([{ kind: "conflictingLockRequest", at: 2, path: L, sessions: ["s1"], mode: "shared" }]);
  });
});

describe("TryAcquire and Release", () => {
  it("TryAcquire on a held lock is LOCK_BUSY and queues nothing; on a free one it is granted", () => {
    const st = lockCell(2);
    expect(ok(st, { type: "tryAcquire", at: 0, session: "s1", handle: 1 }).granted).toBe(true);
    fails(st, { type: "tryAcquire", at: 0, session: "s2", handle: 2 }, "ERR_CHUBBY_LOCK_BUSY");
    fails(st, { type: "tryAcquire", at: 0, session: "s2", handle: 2, mode: "shared" }, "ERR_CHUBBY_LOCK_BUSY");
    expect(waiters(st)).toEqual([]);
  });

  it("Release of a lock not held is LOCK_NOT_HELD, also for a waiting handle", () => {
    const st = lockCell(2);
    fails(st, { type: "release", at: 0, session: "s1", handle: 1 }, "ERR_CHUBBY_LOCK_NOT_HELD");
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    fails(st, { type: "release", at: 0, session: "s2", handle: 2 }, "ERR_CHUBBY_LOCK_NOT_HELD");
  });

  it("acquiring again through a handle that holds or waits is LOCK_ALREADY_HELD", () => {
    const st = lockCell(2);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 });
    fails(st, { type: "acquire", at: 0, session: "s1", handle: 1 }, "ERR_CHUBBY_LOCK_ALREADY_HELD");
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    fails(st, { type: "acquire", at: 0, session: "s2", handle: 2 }, "ERR_CHUBBY_LOCK_ALREADY_HELD");
  });

  it("closing the holder's handle releases the lock at once (no lock-delay)", () => {
    const st = lockCell(2);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, lockDelayMs: 10_000 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    expect(granted(applyCommand(st, { type: "close", at: 5, session: "s1", handle: 1 }).events)).toEqual(["s2"]);
  });
});

describe("lock-delay", () => {
  it("applies after the holder's session expires: nobody gets the lock until at + lockDelayMs", () => {
    const st = lockCell(3);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, lockDelayMs: 10_000 });
    ok(st, { type: "acquire", at: 100, session: "s2", handle: 2 });
    const exp = applyCommand(st, { type: "expireSession", at: 5_000, session: "s1" });
    expect(exp.events).toMatchObject([{ kind: "lockReleased", reason: "sessionExpired", delayUntil: 15_000, sessions: [] }]);
    expect(holders(st)).toEqual([]);
    expect(nextWakeAt(st)).toBe(15_000);
    fails(st, { type: "tryAcquire", at: 6_000, session: "s3", handle: 3 }, "ERR_CHUBBY_LOCK_BUSY");
    expect(granted(applyCommand(st, { type: "tick", at: 14_999 }).events)).toEqual([]);
    expect(findInvariantViolations(st)).toEqual([]);
    const t = applyCommand(st, { type: "tick", at: 15_000 });
    expect(granted(t.events)).toEqual(["s2"]);
    expect(t.events[0].at).toBe(15_000);
    expect(nextWakeAt(st)).toBeUndefined();
  });

  it("does not apply after a normal Release or CloseSession", () => {
    const st = lockCell(3);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, lockDelayMs: 10_000 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2, lockDelayMs: 10_000 });
    expect(granted(applyCommand(st, { type: "release", at: 1, session: "s1", handle: 1 }).events)).toEqual(["s2"]);
    ok(st, { type: "acquire", at: 2, session: "s3", handle: 3 });
    expect(granted(applyCommand(st, { type: "closeSession", at: 3, session: "s2" }).events)).toEqual(["s3"]);
  });

  it("any later command grants a waiter whose delay has ended, not only tick", () => {
    const st = lockCell(2);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, lockDelayMs: 1_000 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    ok(st, { type: "expireSession", at: 10, session: "s1" });
    const out = applyCommand(st, { type: "getStat", at: 2_000, session: "s2", handle: 2 });
    expect(granted(out.events)).toEqual(["s2"]);
  });

  it("is capped at one minute: above is LOCK_DELAY_TOO_LONG, exactly 60 s is fine; negative is BAD_COMMAND", () => {
    const st = lockCell(2);
    fails(st, { type: "acquire", at: 0, session: "s1", handle: 1, lockDelayMs: 60_001 }, "ERR_CHUBBY_LOCK_DELAY_TOO_LONG");
    fails(st, { type: "tryAcquire", at: 0, session: "s1", handle: 1, lockDelayMs: 120_000 }, "ERR_CHUBBY_LOCK_DELAY_TOO_LONG");
    fails(st, { type: "acquire", at: 0, session: "s1", handle: 1, lockDelayMs: -1 }, "ERR_CHUBBY_BAD_COMMAND");
    expect(holders(st)).toEqual([]);
    expect(ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, lockDelayMs: 60_000 }).granted).toBe(true);
  });

  it("a shared holder's expiry blocks new grants even while other shared holders remain", () => {
    const st = lockCell(3);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1, mode: "shared", lockDelayMs: 5_000 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2, mode: "shared" });
    ok(st, { type: "expireSession", at: 1_000, session: "s1" });
    expect(holders(st)).toEqual(["s2"]);
    fails(st, { type: "tryAcquire", at: 2_000, session: "s3", handle: 3, mode: "shared" }, "ERR_CHUBBY_LOCK_BUSY");
    expect(ok(st, { type: "tryAcquire", at: 6_000, session: "s3", handle: 3, mode: "shared" }).granted).toBe(true);
  });

  it("outlives the node: an expired holder's ephemeral lock file re-created at once still cannot be locked before the delay ends", () => {
    const st = cellWith(["a", "b"]);
    const h1 = openW(st, "s1", L, 0, { ephemeral: true });
    ok(st, { type: "acquire", at: 0, session: "s1", handle: h1, lockDelayMs: 10_000 });
    ok(st, { type: "expireSession", at: 1_000, session: "s1" });
    expect(statPath(st, L)).toBeUndefined();
    const h2 = openW(st, "s2", L, 1_001);
    fails(st, { type: "tryAcquire", at: 1_002, session: "s2", handle: h2 }, "ERR_CHUBBY_LOCK_BUSY");
    expect(ok(st, { type: "acquire", at: 1_003, session: "s2", handle: h2 }).granted).toBe(false);
    expect(granted(applyCommand(st, { type: "tick", at: 11_000 }).events)).toEqual(["s2"]);
  });
});

describe("deletion of a locked node", () => {
  it("holders lose the lock, waiters are cancelled, and their handles become invalid", () => {
    const st = lockCell(3);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    const out = applyCommand(st, { type: "delete", at: 1, session: "s3", handle: 3 });
    expect(out.events.map((e) => [e.kind, e.sessions])).toEqual([
      ["lockWaitCancelled", ["s2"]],
      ["lockReleased", ["s1"]],
      ["handleInvalid", ["s1"]],
      ["handleInvalid", ["s2"]],
    ]);
    expect(findInvariantViolations(st)).toEqual([]);
  });

  it("deleting through a handle that waits cancels its own wait too (its blocked Acquire must end)", () => {
    const st = lockCell(2);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: 1 });
    ok(st, { type: "acquire", at: 0, session: "s2", handle: 2 });
    const out = applyCommand(st, { type: "delete", at: 1, session: "s2", handle: 2 });
    expect(out.events.map((e) => [e.kind, e.sessions])).toEqual([
      ["lockWaitCancelled", ["s2"]],
      ["lockReleased", ["s1"]],
      ["handleInvalid", ["s1"]],
    ]);
  });
});
