import { describe, expect, it } from "vitest";
import { type Command, applyCommand, createCellState, listSessions, readPath, statPath } from "../../../lib/chubby/cell/index.js";
import { cellWith, fails, ok, openW, throwsCode } from "./helpers.js";

describe("create, read, write", () => {
  it("creates a file with initial contents and reads it back with its stat", () => {
    const st = cellWith(["alice"]);
    const o = ok(st, { type: "open", at: 1, session: "s1", path: "/ls/local/f", mode: "write", create: true, contents: "héllo" });
    expect(o.created).toBe(true);
    expect(o.stat).toMatchObject({ path: "/ls/local/f", isDirectory: false, ephemeralOwner: null, contentLength: 6 });
    expect(o.stat.instance).toBeGreaterThan(0);
    const r = ok(st, { type: "getContentsAndStat", at: 2, session: "s1", handle: o.handle });
    expect(r.contents).toBe("héllo");
    expect(r.stat).toEqual(o.stat);
  });

  it("opening an existing name does not create it again, and a missing one without create is NOT_FOUND", () => {
    const st = cellWith(["alice"]);
    openW(st, "s1", "/ls/local/f");
    expect(ok(st, { type: "open", at: 1, session: "s1", path: "/ls/local/f", create: true }).created).toBe(false);
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/local/g" }, "ERR_CHUBBY_NOT_FOUND");
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/local/f", create: true, exclusive: true }, "ERR_CHUBBY_EXISTS");
  });

  it("setContents bumps the content generation and replaces the whole contents", () => {
    const st = cellWith(["alice"]);
    const h = openW(st, "s1", "/ls/local/f");
    const g0 = statPath(st, "/ls/local/f")!.contentGeneration;
    const g1 = ok(st, { type: "setContents", at: 1, session: "s1", handle: h, contents: "a" }).contentGeneration;
    const g2 = ok(st, { type: "setContents", at: 2, session: "s1", handle: h, contents: "b" }).contentGeneration;
    expect(g1).toBeGreaterThan(g0);
    expect(g2).toBeGreaterThan(g1);
    expect(readPath(st, "/ls/local/f")).toBe("b");
  });

  it("compare-and-swap: succeeds on the current generation, fails with CAS_MISMATCH on an older one and changes nothing", () => {
    const st = cellWith(["alice", "bob"]);
    const ha = openW(st, "s1", "/ls/local/f");
    const hb = openW(st, "s2", "/ls/local/f");
    const g = ok(st, { type: "getStat", at: 1, session: "s1", handle: ha }).stat.contentGeneration;
    const g2 = ok(st, { type: "setContents", at: 2, session: "s2", handle: hb, contents: "bob", ifGeneration: g }).contentGeneration;
    fails(st, { type: "setContents", at: 3, session: "s1", handle: ha, contents: "alice", ifGeneration: g }, "ERR_CHUBBY_CAS_MISMATCH");
    expect(readPath(st, "/ls/local/f")).toBe("bob");
    expect(statPath(st, "/ls/local/f")!.contentGeneration).toBe(g2);
  });

  it("contents over 256 KiB (UTF-8 bytes) are TOO_LARGE, at create and at write; exactly 256 KiB is fine", () => {
    const st = cellWith(["alice"]);
    const h = openW(st, "s1", "/ls/local/f");
    ok(st, { type: "setContents", at: 1, session: "s1", handle: h, contents: "x".repeat(262144) });
    fails(st, { type: "setContents", at: 1, session: "s1", handle: h, contents: "x".repeat(262143) + "é" }, "ERR_CHUBBY_TOO_LARGE");
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/local/g", create: true, contents: "€".repeat(87382) }, "ERR_CHUBBY_TOO_LARGE");
    expect(statPath(st, "/ls/local/g")).toBeUndefined();
    expect(statPath(st, "/ls/local/f")!.contentLength).toBe(262144);
  });

  it("a read-mode handle cannot write", () => {
    const st = cellWith(["alice"]);
    openW(st, "s1", "/ls/local/f");
    const r = ok(st, { type: "open", at: 1, session: "s1", path: "/ls/local/f" }).handle;
    fails(st, { type: "setContents", at: 1, session: "s1", handle: r, contents: "x" }, "ERR_CHUBBY_PERMISSION");
    fails(st, { type: "delete", at: 1, session: "s1", handle: r }, "ERR_CHUBBY_PERMISSION");
  });

  it("'/ls/local/...' names this cell; another cell's name is BAD_PATH", () => {
    const st = cellWith(["alice"], { cell: "foo" });
    const h = openW(st, "s1", "/ls/local/f");
    expect(ok(st, { type: "getStat", at: 1, session: "s1", handle: h }).stat.path).toBe("/ls/foo/f");
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/bar/f", create: true }, "ERR_CHUBBY_BAD_PATH");
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/foo/../f", create: true }, "ERR_CHUBBY_BAD_PATH");
  });
});

describe("directories", () => {
  it("ReadDir lists children sorted; a file under a file is NOT_DIRECTORY; a missing parent is NOT_FOUND", () => {
    const st = cellWith(["alice"]);
    const d = ok(st, { type: "open", at: 0, session: "s1", path: "/ls/local/d", mode: "write", create: true, directory: true }).handle;
    openW(st, "s1", "/ls/local/d/zeta");
    openW(st, "s1", "/ls/local/d/alpha");
    expect(ok(st, { type: "readDir", at: 1, session: "s1", handle: d }).children).toEqual(["alpha", "zeta"]);
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/local/d/alpha/x", create: true }, "ERR_CHUBBY_NOT_DIRECTORY");
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/local/d/alpha/x/y", create: true }, "ERR_CHUBBY_NOT_DIRECTORY");
    fails(st, { type: "open", at: 1, session: "s1", path: "/ls/local/nope/x", create: true }, "ERR_CHUBBY_NOT_FOUND");
    const f = ok(st, { type: "open", at: 1, session: "s1", path: "/ls/local/d/alpha" }).handle;
    fails(st, { type: "readDir", at: 1, session: "s1", handle: f }, "ERR_CHUBBY_NOT_DIRECTORY");
    fails(st, { type: "getContentsAndStat", at: 1, session: "s1", handle: d }, "ERR_CHUBBY_IS_DIRECTORY");
    fails(st, { type: "setContents", at: 1, session: "s1", handle: d, contents: "x" }, "ERR_CHUBBY_IS_DIRECTORY");
  });

  it("Delete removes a file and an empty directory, refuses a non-empty one and the root", () => {
    const st = cellWith(["alice"]);
    const d = ok(st, { type: "open", at: 0, session: "s1", path: "/ls/local/d", mode: "write", create: true, directory: true }).handle;
    const f = openW(st, "s1", "/ls/local/d/f");
    fails(st, { type: "delete", at: 1, session: "s1", handle: d }, "ERR_CHUBBY_NOT_EMPTY");
    ok(st, { type: "delete", at: 2, session: "s1", handle: f });
    expect(statPath(st, "/ls/local/d/f")).toBeUndefined();
    ok(st, { type: "delete", at: 3, session: "s1", handle: d });
    expect(statPath(st, "/ls/local/d")).toBeUndefined();
    const root = ok(st, { type: "open", at: 4, session: "s1", path: "/ls/local", mode: "write" }).handle;
    fails(st, { type: "delete", at: 4, session: "s1", handle: root }, "ERR_CHUBBY_BAD_PATH");
  });

  it("a re-created name gets a higher instance number and generations than the old node", () => {
    const st = cellWith(["alice"]);
    const h = openW(st, "s1", "/ls/local/f");
    ok(st, { type: "setContents", at: 1, session: "s1", handle: h, contents: "old" });
    const old = statPath(st, "/ls/local/f")!;
    ok(st, { type: "delete", at: 2, session: "s1", handle: h });
    openW(st, "s1", "/ls/local/f", 3);
    const neu = statPath(st, "/ls/local/f")!;
    expect(neu.instance).toBeGreaterThan(old.instance);
    expect(neu.contentGeneration).toBeGreaterThan(old.contentGeneration);
    expect(neu.lockGeneration).toBeGreaterThan(old.lockGeneration);
    expect(neu.aclGeneration).toBeGreaterThan(old.aclGeneration);
  });
});

describe("handles", () => {
  it("a deleted node's other handles become STALE and get a handleInvalid event; unknown ids are BAD", () => {
    const st = cellWith(["alice", "bob"]);
    const ha = openW(st, "s1", "/ls/local/f");
    const hb = openW(st, "s2", "/ls/local/f");
    const out = applyCommand(st, { type: "delete", at: 1, session: "s1", handle: ha });
    expect(out.ok && out.events).toEqual([
      { kind: "handleInvalid", at: 1, path: "/ls/local/f", sessions: ["s2"], handle: hb, reason: "deleted" },
    ]);
    fails(st, { type: "getStat", at: 2, session: "s2", handle: hb }, "ERR_CHUBBY_STALE_HANDLE");
    fails(st, { type: "getStat", at: 2, session: "s1", handle: ha }, "ERR_CHUBBY_STALE_HANDLE");
    fails(st, { type: "getStat", at: 2, session: "s1", handle: 99 }, "ERR_CHUBBY_BAD_HANDLE");
    fails(st, { type: "getStat", at: 2, session: "s1", handle: 1.5 }, "ERR_CHUBBY_BAD_HANDLE");
  });

  it("a closed handle is STALE; another session's handle is BAD", () => {
    const st = cellWith(["alice", "bob"]);
    const ha = openW(st, "s1", "/ls/local/f");
    fails(st, { type: "getStat", at: 1, session: "s2", handle: ha }, "ERR_CHUBBY_BAD_HANDLE");
    ok(st, { type: "close", at: 1, session: "s1", handle: ha });
    fails(st, { type: "getStat", at: 1, session: "s1", handle: ha }, "ERR_CHUBBY_STALE_HANDLE");
    fails(st, { type: "close", at: 1, session: "s1", handle: ha }, "ERR_CHUBBY_STALE_HANDLE");
  });
});

describe("sessions and ephemeral files", () => {
  it("an ephemeral file is deleted when its session expires, with a childNodeRemoved event to the directory's watchers", () => {
    const st = cellWith(["alice", "bob"]);
    const dir = ok(st, { type: "open", at: 0, session: "s2", path: "/ls/local", events: ["childNode"] }).handle;
    expect(dir).toBeGreaterThan(0);
    const added = applyCommand(st, { type: "open", at: 1, session: "s1", path: "/ls/local/me", mode: "write", create: true, ephemeral: true });
    expect(added.events).toEqual([{ kind: "childNodeAdded", at: 1, path: "/ls/local", sessions: ["s2"], child: "me" }]);
    expect(statPath(st, "/ls/local/me")!.ephemeralOwner).toBe("s1");
    const out = applyCommand(st, { type: "expireSession", at: 5, session: "s1" });
    expect(out.ok).toBe(true);
    expect(out.events).toEqual([{ kind: "childNodeRemoved", at: 5, path: "/ls/local", sessions: ["s2"], child: "me" }]);
    expect(statPath(st, "/ls/local/me")).toBeUndefined();
  });

  it("an ephemeral file is also deleted on closeSession; a permanent file stays", () => {
    const st = cellWith(["alice"]);
    openW(st, "s1", "/ls/local/eph", 0, { ephemeral: true });
    openW(st, "s1", "/ls/local/perm");
    ok(st, { type: "closeSession", at: 1, session: "s1" });
    expect(statPath(st, "/ls/local/eph")).toBeUndefined();
    expect(statPath(st, "/ls/local/perm")).toBeDefined();
  });

  it("calls from an ended or unknown session are SESSION_EXPIRED; ephemeral directories are refused", () => {
    const st = cellWith(["alice"]);
    fails(st, { type: "open", at: 0, session: "s1", path: "/ls/local/d", create: true, directory: true, ephemeral: true }, "ERR_CHUBBY_BAD_COMMAND");
    const h = openW(st, "s1", "/ls/local/f");
    ok(st, { type: "expireSession", at: 1, session: "s1" });
    fails(st, { type: "getStat", at: 2, session: "s1", handle: h }, "ERR_CHUBBY_SESSION_EXPIRED");
    fails(st, { type: "expireSession", at: 2, session: "s1" }, "ERR_CHUBBY_SESSION_EXPIRED");
    fails(st, { type: "open", at: 2, session: "nobody", path: "/ls/local/f" }, "ERR_CHUBBY_SESSION_EXPIRED");
  });

  it("session ids are generated in order or given; a live id cannot be reused, an ended one can", () => {
    const st = createCellState();
    expect(ok(st, { type: "createSession", at: 0, user: "a" }).session).toBe("s1");
    expect(ok(st, { type: "createSession", at: 0, user: "b", session: "web-1" }).session).toBe("web-1");
    fails(st, { type: "createSession", at: 0, user: "b", session: "web-1" }, "ERR_CHUBBY_EXISTS");
    ok(st, { type: "closeSession", at: 1, session: "web-1" });
    expect(ok(st, { type: "createSession", at: 2, user: "b", session: "web-1" }).session).toBe("web-1");
    expect(listSessions(st).map((s) => [s.id, s.user])).toEqual([["s1", "a"], ["web-1", "b"]]);
    fails(st, { type: "createSession", at: 2, user: "" }, "ERR_CHUBBY_BAD_COMMAND");
  });
});

describe("events", () => {
  it("contentsModified goes to subscribed handles' sessions once each; childNodeModified to the parent's", () => {
    const st = cellWith(["alice", "bob", "carol"]);
    const w = openW(st, "s1", "/ls/local/f");
    ok(st, { type: "open", at: 0, session: "s2", path: "/ls/local/f", events: ["contentsModified"] });
    ok(st, { type: "open", at: 0, session: "s2", path: "/ls/local/f", events: ["contentsModified"] });
    ok(st, { type: "open", at: 0, session: "s3", path: "/ls/local/f" });
    ok(st, { type: "open", at: 0, session: "s3", path: "/ls/local", events: ["childNode"] });
    const out = applyCommand(st, { type: "setContents", at: 7, session: "s1", handle: w, contents: "x" });
    expect(out.ok && out.events).toEqual([
      { kind: "contentsModified", at: 7, path: "/ls/local/f", sessions: ["s2"], contentGeneration: out.ok ? out.result.contentGeneration : 0 },
      { kind: "childNodeModified", at: 7, path: "/ls/local", sessions: ["s3"], child: "f" },
    ]);
    expect(out.changed).toEqual(["/ls/local/f"]);
  });

  it("an unknown subscription kind is BAD_COMMAND", () => {
    const st = cellWith(["alice"]);
    fails(st, { type: "open", at: 0, session: "s1", path: "/ls/local", events: ["gossip" as "childNode"] }, "ERR_CHUBBY_BAD_COMMAND");
  });
});

describe("commands and epochs", () => {
  it("time never goes back: an earlier at counts as the cell's time", () => {
    const st = cellWith(["alice"]);
    ok(st, { type: "tick", at: 100 });
    ok(st, { type: "tick", at: 50 });
    expect(st.now).toBe(100);
  });

  it("malformed commands are BAD_COMMAND and change nothing", () => {
    const st = cellWith(["alice"]);
    fails(st, { type: "tick", at: -1 }, "ERR_CHUBBY_BAD_COMMAND");
    fails(st, { type: "tick", at: Number.NaN }, "ERR_CHUBBY_BAD_COMMAND");
    fails(st, { type: "fly", at: 0 } as unknown as { type: "tick"; at: number }, "ERR_CHUBBY_BAD_COMMAND");
    fails(st, { type: "open", at: 0, session: "s1", path: "/ls/local/f", mode: "rw" as "read" }, "ERR_CHUBBY_BAD_COMMAND");
    expect(st.now).toBe(0);
    expect(st.nodes.size).toBe(1);
  });

  it("newEpoch only moves forward, and a call stamped with an older epoch is OLD_EPOCH", () => {
    const st = cellWith(["alice"]);
    expect(ok(st, { type: "newEpoch", at: 0, epoch: 3 }).epoch).toBe(3);
    fails(st, { type: "newEpoch", at: 0, epoch: 3 }, "ERR_CHUBBY_OLD_EPOCH");
    fails(st, { type: "open", at: 0, epoch: 2, session: "s1", path: "/ls/local/f", create: true }, "ERR_CHUBBY_OLD_EPOCH");
    expect(statPath(st, "/ls/local/f")).toBeUndefined();
    ok(st, { type: "open", at: 0, epoch: 3, session: "s1", path: "/ls/local/f", create: true });
  });

  it("an internal failure is rethrown with the command type and cause, and the stack-trace limit is restored", () => {
    const st = cellWith(["alice"]);
    const limit = Error.stackTraceLimit;
    const cmd = {
      type: "tick",
      get at(): number {
        throw new TypeError("boom");
      },
    } as unknown as Command;
    expect(() => applyCommand(st, cmd)).toThrow(/applyCommand\(tick\) failed: TypeError: boom/);
    expect(Error.stackTraceLimit).toBe(limit);
    fails(st, { type: "tick", at: -5 }, "ERR_CHUBBY_BAD_COMMAND");
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it("bad cell options are BAD_CONFIG", () => {
    throwsCode(() => createCellState({ cell: "no/slash" }), "ERR_CHUBBY_BAD_CONFIG");
    throwsCode(() => createCellState({ maxContentBytes: -1 }), "ERR_CHUBBY_BAD_CONFIG");
    throwsCode(() => createCellState({ maxLockDelayMs: 1.5 }), "ERR_CHUBBY_BAD_CONFIG");
    throwsCode(() => createCellState({ rootAcl: { readers: "*" as unknown as string[] } }), "ERR_CHUBBY_BAD_CONFIG");
  });
});
