import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkSequencer, formatSequencer, getSequencer, parseSequencer } from "../../../lib/chubby/cell/index.js";
import { cellWith, fails, ok, openW, throwsCode } from "./helpers.js";

const L = "/ls/local/leader";

describe("sequencers", () => {
  it("GetSequencer encodes the lock name, mode and generation of the grant", () => {
    const st = cellWith(["a"]);
    const h = openW(st, "s1", L);
    const g = ok(st, { type: "acquire", at: 0, session: "s1", handle: h });
    const seq = ok(st, { type: "getSequencer", at: 1, session: "s1", handle: h }).sequencer;
    expect(parseSequencer(seq)).toEqual({ lock: L, mode: "exclusive", generation: g.granted ? g.generation : -1 });
    expect(getSequencer(st, "s1", h)).toBe(seq);
  });

  it("GetSequencer without holding the lock is LOCK_NOT_HELD", () => {
    const st = cellWith(["a"]);
    const h = openW(st, "s1", L);
    fails(st, { type: "getSequencer", at: 0, session: "s1", handle: h }, "ERR_CHUBBY_LOCK_NOT_HELD");
  });

  it("CheckSequencer is valid while the grant lasts, invalid after release, expiry or re-grant, and for another mode", () => {
    const st = cellWith(["a", "b"]);
    const h1 = openW(st, "s1", L);
    const h2 = openW(st, "s2", L);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: h1 });
    const seq1 = getSequencer(st, "s1", h1);
    expect(checkSequencer(st, seq1)).toBe(true);
    expect(ok(st, { type: "checkSequencer", at: 0, sequencer: seq1 }).valid).toBe(true);
    const p = parseSequencer(seq1);
    expect(checkSequencer(st, { ...p, mode: "shared" })).toBe(false);
    expect(checkSequencer(st, { ...p, generation: p.generation + 1 })).toBe(false);
    ok(st, { type: "acquire", at: 1, session: "s2", handle: h2 });
    ok(st, { type: "expireSession", at: 2, session: "s1" });
    expect(checkSequencer(st, seq1)).toBe(false);
    const seq2 = getSequencer(st, "s2", h2);
    expect(checkSequencer(st, seq2)).toBe(true);
    expect(parseSequencer(seq2).generation).toBeGreaterThan(p.generation);
    ok(st, { type: "release", at: 3, session: "s2", handle: h2 });
    expect(checkSequencer(st, seq2)).toBe(false);
  });

  it("a sequencer of a deleted and re-created lock never becomes valid again", () => {
    const st = cellWith(["a"]);
    const h = openW(st, "s1", L);
    ok(st, { type: "acquire", at: 0, session: "s1", handle: h });
    const old = getSequencer(st, "s1", h);
    ok(st, { type: "delete", at: 1, session: "s1", handle: h });
    const h2 = openW(st, "s1", L, 2);
    ok(st, { type: "acquire", at: 3, session: "s1", handle: h2 });
    expect(checkSequencer(st, old)).toBe(false);
  });

  it("malformed sequencers are BAD_SEQUENCER (prefix, fields, check digits)", () => {
    const good = formatSequencer({ lock: L, mode: "exclusive", generation: 12 });
    for (const bad of [
      "",
      "hello",
      good.replace("chubby-seq:1:", "chubby-seq:2:"),
      good.replace(":x:", ":q:"),
      good.replace(":12:", ":13:"),
      good.replace(":12:", ":-1:"),
      good.replace(L, "/ls/local/other"),
      good.slice(0, 20),
    ]) {
      throwsCode(() => parseSequencer(bad), "ERR_CHUBBY_BAD_SEQUENCER");
    }
    throwsCode(() => formatSequencer({ lock: "/etc", mode: "exclusive", generation: 1 }), "ERR_CHUBBY_BAD_SEQUENCER");
    const st = cellWith(["a"]);
    fails(st, { type: "checkSequencer", at: 0, sequencer: "garbage" }, "ERR_CHUBBY_BAD_SEQUENCER");
  });

  it("property: format then parse is the identity", () => {
    const component = fc.stringMatching(/^[A-Za-z0-9._+@=:,~-]{1,10}$/).filter((s) => s !== "." && s !== "..");
    fc.assert(
      fc.property(
        fc.array(component, { minLength: 1, maxLength: 5 }),
        fc.constantFrom("exclusive" as const, "shared" as const),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        (parts, mode, generation) => {
          const seq = { lock: "/ls/c/" + parts.join("/"), mode, generation };
          expect(parseSequencer(formatSequencer(seq))).toEqual(seq);
        },
      ),
    );
  });
});
