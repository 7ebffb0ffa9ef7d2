import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { baseName, parentPath, parsePath } from "../../../lib/chubby/cell/index.js";
import { throwsCode } from "./helpers.js";

describe("parsePath", () => {
  it("splits a valid name into cell and components", () => {
    expect(parsePath("/ls/foo/wombat/pouch")).toEqual({ path: "/ls/foo/wombat/pouch", cell: "foo", components: ["wombat", "pouch"] });
    expect(parsePath("/ls/foo")).toEqual({ path: "/ls/foo", cell: "foo", components: [] });
    expect(parsePath("/ls/local/a.b_c-d+e@f=g:h,i~j").components).toEqual(["a.b_c-d+e@f=g:h,i~j"]);
  });

  it.each([
    ["no /ls/ prefix", "/etc/passwd"],
    ["relative", "ls/foo/a"],
    ["no cell", "/ls/"],
    ["only ls", "/ls"],
    ["empty component", "/ls/foo//a"],
    ["trailing slash", "/ls/foo/a/"],
    ["dot component", "/ls/foo/./a"],
    ["dot-dot component", "/ls/foo/a/.."],
    ["space", "/ls/foo/a b"],
    ["bad cell", "/ls/-foo/a"],
    ["empty string", ""],
  ])("rejects a name with %s", (_why, path) => {
    throwsCode(() => parsePath(path), "ERR_CHUBBY_BAD_PATH");
  });

  it("accepts dots inside a component but not alone", () => {
    expect(parsePath("/ls/foo/.hidden/a..b").components).toEqual([".hidden", "a..b"]);
    throwsCode(() => parsePath("/ls/foo/.."), "ERR_CHUBBY_BAD_PATH");
  });

  it("enforces the length cap", () => {
    const long = "/ls/foo/" + "a".repeat(1016); // 1024 characters
    expect(parsePath(long).components[0].length).toBe(1016);
    throwsCode(() => parsePath(long + "a"), "ERR_CHUBBY_BAD_PATH");
    throwsCode(() => parsePath("/ls/foo/abc", 10), "ERR_CHUBBY_BAD_PATH");
  });

  it("rejects a non-string", () => {
    throwsCode(() => parsePath(42 as unknown as string), "ERR_CHUBBY_BAD_PATH");
  });

  it("property: joined valid components parse back to themselves, and parentPath/baseName split them", () => {
    const component = fc.stringMatching(/^[A-Za-z0-9._+@=:,~-]{1,12}$/).filter((s) => s !== "." && s !== "..");
    fc.assert(
      fc.property(fc.array(component, { minLength: 1, maxLength: 8 }), (parts) => {
        const path = "/ls/cell/" + parts.join("/");
        const p = parsePath(path);
        expect(p.components).toEqual(parts);
        expect(baseName(path)).toBe(parts[parts.length - 1]);
        expect(parentPath(path)).toBe(["/ls/cell", ...parts.slice(0, -1)].join("/"));
      }),
    );
  });
});
