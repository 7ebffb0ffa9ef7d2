import { describe, expect, it } from "vitest";
import {
  activeLocks,
  findInvariantViolations,
  inspectLock,
  listSessions,
  nextWakeAt,
  statPath,
} from "../../../lib/chubby/cell/index.js";
import { cellWith, ok, openW } from "./helpers.js";

describe("inspection views", () => {
  it("activeLocks and inspectLock show holders, FIFO waiters, the generation and the lock-delay", () => {
    const st = cellWith(["a", "b", "c"]);
    const h1 = openW(st, "s1", "/ls/local/x");
    const h2 = openW(st, "s2", "/ls/local/x");
    const h3 = openW(st, "s3", "/ls/local/x");
    openW(st, "s1", "/ls/local/free");
    ok(st, { type: "acquire", at: 1, session: "s1", handle: h1, lockDelayMs: 2_000 });
    ok(st, { type: "acquire", at: 2, session: "s3", handle: h3, mode: "shared" });
    ok(st, { type: "acquire", at: 3, session: "s2", handle: h2 });
    expect(activeLocks(st)).toEqual([
      {
        path: "/ls/local/x",
        mode: "exclusive",
        generation: statPath(st, "/ls/local/x")!.lockGeneration,
        holders: [{ handle: h1, session: "s1", lockDelayMs: 2_000 }],
        waiters: [
          { handle: h3, session: "s3", mode: "shared" },
          { handle: h2, session: "s2", mode: "exclusive" },
        ],
        delayUntil: 0,
      },
    ]);
    expect(nextWakeAt(st)).toBeUndefined();
    ok(st, { type: "expireSession", at: 10, session: "s1" });
    expect(inspectLock(st, "/ls/local/x")).toMatchObject({ mode: null, holders: [], delayUntil: 2_010 });
    expect(nextWakeAt(st)).toBe(2_010);
    expect(inspectLock(st, "/ls/local/none")).toBeUndefined();
  });

  it("listSessions shows each live session's handles and ephemeral files", () => {
    const st = cellWith(["a", "b"]);
    openW(st, "s1", "/ls/local/e", 0, { ephemeral: true });
    openW(st, "s2", "/ls/local/e", 0);
    expect(listSessions(st)).toEqual([
      { id: "s1", user: "a", createdAt: 0, handles: [1], ephemerals: ["/ls/local/e"] },
      { id: "s2", user: "b", createdAt: 0, handles: [2], ephemerals: [] },
    ]);
  });

  it("findInvariantViolations reports a corrupted state (two exclusive holders, a holder of an ended session)", () => {
    const st = cellWith(["a", "b"]);
    const h1 = openW(st, "s1", "/ls/local/x");
    const h2 = openW(st, "s2", "/ls/local/x");
    ok(st, { type: "acquire", at: 0, session: "s1", handle: h1 });
    expect(findInvariantViolations(st)).toEqual([]);
    const lock = st.nodes.get("/ls/local/x")!.lock!;
    const second = st.handles.get(h2)!;
    lock.holders.push(second); // corrupt on purpose: what a bug would do
    second.held = "exclusive";
    expect(findInvariantViolations(st)).toContain("/ls/local/x: 2 exclusive holders");
    st.sessions.delete("s2");
    expect(findInvariantViolations(st).some((v) => v.includes("of an ended session"))).toBe(true);
  });
});
