import { describe, expect, it } from "vitest";
import {
  type CellSnapshot,
  SNAPSHOT_FORMAT,
  applyCommand,
  createCellState,
  readPath,
  restore,
  snapshot,
  stateDigest,
} from "../../../lib/chubby/cell/index.js";
import { cellWith, ok, openW, throwsCode } from "./helpers.js";

function busyCell() {
  const st = cellWith(["a", "b", "c"], { cell: "foo" });
  ok(st, { type: "open", at: 0, session: "s1", path: "/ls/foo/d", mode: "write", create: true, directory: true, events: ["childNode"] });
  const h1 = openW(st, "s1", "/ls/foo/d/lock", 1, { events: ["conflictingLockRequest"] });
  const h2 = openW(st, "s2", "/ls/foo/d/lock", 1);
  const h3 = openW(st, "s3", "/ls/foo/d/lock", 1);
  openW(st, "s2", "/ls/foo/d/eph", 1, { ephemeral: true, contents: "ephemeral" });
  ok(st, { type: "acquire", at: 2, session: "s1", handle: h1, lockDelayMs: 10_000 });
  ok(st, { type: "acquire", at: 3, session: "s2", handle: h2 });
  ok(st, { type: "acquire", at: 4, session: "s3", handle: h3, mode: "shared" });
  ok(st, { type: "expireSession", at: 5, session: "s1" }); // lock-delay running until 10005, two waiters
  ok(st, { type: "newEpoch", at: 6, epoch: 2 });
  return st;
}

describe("snapshot and restore", () => {
  it("a snapshot is plain JSON data: a JSON round trip restores the same digest", () => {
    const st = busyCell();
    const snap = snapshot(st);
    expect(snap.format).toBe(SNAPSHOT_FORMAT);
    const copy = restore(JSON.parse(JSON.stringify(snap)) as CellSnapshot);
    expect(stateDigest(copy)).toBe(stateDigest(st));
    expect(copy.epoch).toBe(2);
    expect(readPath(copy, "/ls/foo/d/eph")).toBe("ephemeral");
  });

  it("the restored replica grants the delayed waiters at the same time and in the same order", () => {
    const st = busyCell();
    const copy = restore(snapshot(st));
    const tick = { type: "tick" as const, at: 10_005 };
    const a = applyCommand(st, tick);
    const b = applyCommand(copy, tick);
    expect(b.events).toEqual(a.events);
    expect(a.events.filter((e) => e.kind === "lockGranted").map((e) => e.sessions[0])).toEqual(["s2"]);
    expect(stateDigest(copy)).toBe(stateDigest(st));
  });

  it("shares nothing: changing the state after a snapshot changes neither the snapshot nor a state restored from it", () => {
    const st = busyCell();
    const snap = snapshot(st);
    const frozen = JSON.stringify(snap);
    const copy = restore(snap);
    const digest = stateDigest(copy);
    ok(st, { type: "setContents", at: 7, session: "s2", handle: 5, contents: "changed" });
    ok(st, { type: "closeSession", at: 8, session: "s3" });
    expect(JSON.stringify(snap)).toBe(frozen);
    expect(stateDigest(copy)).toBe(digest);
    expect(readPath(copy, "/ls/foo/d/eph")).toBe("ephemeral");
  });

  it("the digest changes with any change: contents, time, a lock, a session", () => {
    const st = busyCell();
    const seen = new Set([stateDigest(st)]);
    ok(st, { type: "setContents", at: 6, session: "s2", handle: 5, contents: "x" });
    seen.add(stateDigest(st));
    ok(st, { type: "tick", at: 7 });
    seen.add(stateDigest(st));
    ok(st, { type: "tick", at: 10_005 });
    seen.add(stateDigest(st));
    ok(st, { type: "createSession", at: 10_005, user: "d" });
    seen.add(stateDigest(st));
    expect(seen.size).toBe(5);
    expect(stateDigest(createCellState())).toMatch(/^[0-9a-f]{16}$/);
  });

  it("restore refuses another format or an inconsistent snapshot with BAD_CONFIG", () => {
    const snap = snapshot(busyCell());
    throwsCode(() => restore({ ...snap, format: "other" } as unknown as CellSnapshot), "ERR_CHUBBY_BAD_CONFIG");
    throwsCode(() => restore({ ...snap, nodes: snap.nodes.slice(1) }), "ERR_CHUBBY_BAD_CONFIG");
    throwsCode(() => restore({ ...snap, handles: snap.handles.slice(1) }), "ERR_CHUBBY_BAD_CONFIG");
    throwsCode(() => restore({ ...snap, sessions: [] }), "ERR_CHUBBY_BAD_CONFIG");
  });
});
