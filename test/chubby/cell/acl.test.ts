import { describe, expect, it } from "vitest";
import { isAllowed, mergeAcl, OPEN_ACL, statPath } from "../../../lib/chubby/cell/index.js";
import { cellWith, fails, ok, throwsCode } from "./helpers.js";

describe("ACL names", () => {
  it("isAllowed: a listed user or '*' only", () => {
    expect(isAllowed(["alice"], "alice")).toBe(true);
    expect(isAllowed(["alice"], "bob")).toBe(false);
    expect(isAllowed(["*"], "bob")).toBe(true);
    expect(isAllowed([], "bob")).toBe(false);
  });

  it("mergeAcl copies the base, replaces given lists, and rejects malformed lists", () => {
    const acl = mergeAcl(OPEN_ACL, { writers: ["alice"] });
    expect(acl).toEqual({ readers: ["*"], writers: ["alice"], changeAcl: ["*"] });
    throwsCode(() => mergeAcl(OPEN_ACL, { readers: [""] }), "ERR_CHUBBY_BAD_COMMAND");
    throwsCode(() => mergeAcl(OPEN_ACL, { readers: "bob" as unknown as string[] }), "ERR_CHUBBY_BAD_COMMAND");
  });

  it("a new node inherits its parent's lists; a creator may supply its own", () => {
    const st = cellWith(["alice"]);
    ok(st, {
      type: "open",
      at: 0,
      session: "s1",
      path: "/ls/local/d",
      mode: "write",
      create: true,
      directory: true,
      acl: { readers: ["alice", "bob"], writers: ["alice"] },
    });
    ok(st, { type: "open", at: 0, session: "s1", path: "/ls/local/d/f", mode: "write", create: true });
    expect(statPath(st, "/ls/local/d/f")!.acl).toEqual({ readers: ["alice", "bob"], writers: ["alice"], changeAcl: ["*"] });
  });

  it("Open checks readers for read mode and writers for write mode; creating needs writers on the parent", () => {
    const st = cellWith(["alice", "bob", "eve"]);
    ok(st, {
      type: "open",
      at: 0,
      session: "s1",
      path: "/ls/local/d",
      mode: "write",
      create: true,
      directory: true,
      acl: { readers: ["alice", "bob"], writers: ["alice"], changeAcl: ["alice"] },
    });
    ok(st, { type: "open", at: 0, session: "s1", path: "/ls/local/d/f", mode: "write", create: true });
    ok(st, { type: "open", at: 0, session: "s2", path: "/ls/local/d/f" });
    fails(st, { type: "open", at: 0, session: "s2", path: "/ls/local/d/f", mode: "write" }, "ERR_CHUBBY_PERMISSION");
    fails(st, { type: "open", at: 0, session: "s3", path: "/ls/local/d/f" }, "ERR_CHUBBY_PERMISSION");
    fails(st, { type: "open", at: 0, session: "s2", path: "/ls/local/d/g", mode: "write", create: true }, "ERR_CHUBBY_PERMISSION");
    expect(statPath(st, "/ls/local/d/g")).toBeUndefined();
  });

  it("locking needs write permission (a read handle cannot Acquire)", () => {
    const st = cellWith(["alice"]);
    ok(st, { type: "open", at: 0, session: "s1", path: "/ls/local/f", mode: "write", create: true });
    const r = ok(st, { type: "open", at: 0, session: "s1", path: "/ls/local/f" }).handle;
    fails(st, { type: "acquire", at: 0, session: "s1", handle: r }, "ERR_CHUBBY_PERMISSION");
    fails(st, { type: "tryAcquire", at: 0, session: "s1", handle: r }, "ERR_CHUBBY_PERMISSION");
  });

  it("SetACL needs the user in changeAcl, bumps the ACL generation, and applies to later Opens", () => {
    const st = cellWith(["alice", "bob"]);
    const ha = ok(st, {
      type: "open",
      at: 0,
      session: "s1",
      path: "/ls/local/f",
      mode: "write",
      create: true,
      acl: { changeAcl: ["alice"] },
    }).handle;
    const hb = ok(st, { type: "open", at: 0, session: "s2", path: "/ls/local/f" }).handle;
    fails(st, { type: "setACL", at: 1, session: "s2", handle: hb, acl: { readers: ["bob"] } }, "ERR_CHUBBY_PERMISSION");
    const before = statPath(st, "/ls/local/f")!.aclGeneration;
    const g = ok(st, { type: "setACL", at: 2, session: "s1", handle: ha, acl: { readers: ["alice"] } }).aclGeneration;
    expect(g).toBeGreaterThan(before);
    expect(statPath(st, "/ls/local/f")!.aclGeneration).toBe(g);
    fails(st, { type: "open", at: 3, session: "s2", path: "/ls/local/f" }, "ERR_CHUBBY_PERMISSION");
    fails(st, { type: "setACL", at: 3, session: "s1", handle: ha, acl: { writers: [42 as unknown as string] } }, "ERR_CHUBBY_BAD_COMMAND");
  });

  it("the root ACL from the options governs the whole cell", () => {
    const st = cellWith(["alice", "bob"], { rootAcl: { writers: ["alice"] } });
    ok(st, { type: "open", at: 0, session: "s1", path: "/ls/local/f", mode: "write", create: true });
    fails(st, { type: "open", at: 0, session: "s2", path: "/ls/local/g", mode: "write", create: true }, "ERR_CHUBBY_PERMISSION");
    ok(st, { type: "open", at: 0, session: "s2", path: "/ls/local/f" });
  });
});
